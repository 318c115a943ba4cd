/**
 * vitest globalSetup of the `integration` project: makes sure PgBouncer, Chromium and openssl are there
 * before any file runs (test/setup/systemDeps.ts decides), so a fresh Debian machine passes
 * `npm ci && npm test`. When everything is present it only checks paths: no apt, no network.
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants, existsSync } from "node:fs";
import * as path from "node:path";
import { ensureSystemDeps, type SystemIo } from "./systemDeps";

const isExecutable = (file: string): boolean => {
  try {
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
};

export const realSystemIo: SystemIo = {
  found: (program) =>
    path.isAbsolute(program)
      ? isExecutable(program)
      : (process.env.PATH ?? "")
          .split(path.delimiter)
          .some((dir) => dir !== "" && isExecutable(path.join(dir, program))),
  uid: () => process.getuid?.() ?? -1,
  isDebian: () => existsSync("/etc/debian_version") && realSystemIo.found("apt-get"),
  exec: (file, args, env) => {
    // Progress goes to stderr so vitest's reporters on stdout (and their JSON) stay clean.
    const r = spawnSync(file, args, { stdio: ["ignore", 2, 2], env: { ...process.env, ...env } });
    if (r.error) throw r.error;
    if (r.status !== 0) throw new Error(`exit ${r.status ?? r.signal}`);
  },
  tryExec: (file, args) => {
    spawnSync(file, args, { stdio: "ignore" });
  },
  log: (line) => process.stderr.write(`${line}\n`),
};

export default function setup(): void {
  ensureSystemDeps(realSystemIo);
}
