/**
 * The database operations function's deployment code: `functions/dbops/handler.ts` and everything it
 * imports (pg, @aws-sdk/client-secrets-manager, the access model and SQL renderer, the SCRAM code),
 * bundled into one CommonJS file with esbuild when the program runs. Built once per process and cached,
 * so the offline plan, the tests and `pulumi up` pay for it once.
 *
 * Deterministic: the same sources give byte-identical code (no timestamps, no absolute paths, no source
 * map), so the sha256 changes only when the code does, and the Invocation re-runs only then.
 */
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import * as path from "node:path";
import { buildSync } from "esbuild";

/** The Lambda runtime the bundle targets (see DatabaseOpsFunction). esbuild's target follows it. */
export const DBOPS_NODE_TARGET = "node22";

export interface DbopsBundle {
  /** The bundled CommonJS module; exports `handler`. */
  readonly code: string;
  /** sha256 of `code`, hex. Changes exactly when the code changes (the Invocation's trigger). */
  readonly sha256: string;
}

/**
 * The repository root, found from this module's own location (the CLI runs the program from the project
 * root, the tests and the SDK's runners from elsewhere; compiled or not, this file sits two levels down).
 */
function repoRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    if (existsSync(path.join(dir, "functions", "dbops", "handler.ts"))) return dir;
    dir = path.dirname(dir);
  }
  throw new Error(
    `dbopsBundle: functions/dbops/handler.ts was not found above ${__dirname}. Run the program from a checkout of this repository.`,
  );
}

let cached: DbopsBundle | undefined;

/** Bundles the function (once per process). Throws esbuild's errors, file and line included. */
export function dbopsBundle(): DbopsBundle {
  if (cached) return cached;
  const root = repoRoot();
  const result = buildSync({
    entryPoints: [path.join(root, "functions", "dbops", "handler.ts")],
    // Relative paths in the output's module comments: the bundle does not depend on the checkout's place.
    absWorkingDir: root,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: DBOPS_NODE_TARGET,
    // pg requires its optional native binding (pg-native) only when asked for `pg.native`; leave it out.
    // The Secrets Manager client is bundled: the version in package.json, not whatever the runtime ships.
    external: ["pg-native"],
    minify: false,
    sourcemap: false,
    legalComments: "none",
    // Stable output: no metafile, no hashes in names; one output file kept in memory.
    write: false,
    outfile: "index.js",
    logLevel: "silent",
  });
  if (result.errors.length > 0) {
    throw new Error(
      `dbopsBundle: esbuild failed:\n${result.errors.map((e) => `  ${e.location?.file ?? ""}:${e.location?.line ?? ""} ${e.text}`).join("\n")}`,
    );
  }
  const code = result.outputFiles[0].text;
  cached = { code, sha256: createHash("sha256").update(code).digest("hex") };
  return cached;
}

/** Drops the cache (tests use it to prove two builds are byte-identical). */
export function resetDbopsBundleCache(): void {
  cached = undefined;
}
