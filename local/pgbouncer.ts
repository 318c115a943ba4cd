/**
 * A real PgBouncer (Debian's /usr/sbin/pgbouncer) in front of the local twin, configured by the same
 * `renderPgbouncerIni` the ECS task uses: only hosts, ports, paths and certificates differ. TLS on both
 * sides: clients get the twin's server certificate (so they can even verify it against the twin's CA),
 * and PgBouncer verifies PostgreSQL's certificate (verify-full, host 127.0.0.1 is in its SAN).
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir, userInfo } from "node:os";
import * as path from "node:path";
import { renderPgbouncerIni, renderUserlist } from "../components/pooling/pgbouncerConfig";
import {
  type PgBouncerPoolSettings,
  pgbouncerNofile,
  poolSettings,
} from "../components/pooling/poolSettings";
import { APP_POOL } from "../spec/guide";
import { DEFAULTS } from "../spec/keys";
import { PGBOUNCER_BIN } from "./systemBinaries";
import { findFreePort } from "./twin";
import { startWatchdog } from "./watchdog";

export { PGBOUNCER_BIN };

export interface StartPgBouncerOptions {
  readonly pgHost: string;
  readonly pgPort: number;
  readonly database: string;
  /** CA that signed PostgreSQL's certificate (server_tls_ca_file). */
  readonly caCertPath: string;
  /** Certificate and key PgBouncer presents to clients (the twin's server certificate). */
  readonly serverCertPath: string;
  readonly serverKeyPath: string;
  readonly roles: readonly { name: string; password: string }[];
  /** @default a free port */
  readonly port?: number;
  /** @default the stack's defaults (the guide's pool sizes, max_client_conn 10000) */
  readonly settings?: PgBouncerPoolSettings;
  /** PgBouncer's log (connections, errors). @default <run dir>/pgbouncer.log */
  readonly logFile?: string;
}

export interface RunningPgBouncer {
  readonly port: number;
  /** One URL per role, TLS required, verifiable against the twin's CA. */
  readonly urls: Record<string, string>;
  readonly logFile: string;
  readonly iniPath: string;
  readonly pid: number;
  readonly settings: PgBouncerPoolSettings;
  stop(): Promise<void>;
}

/**
 * The stack's default pool settings (Pulumi.yaml's defaults), as the local PgBouncer uses them: the
 * defaults go through the same `poolSettings` mapping the deployed stack's config goes through.
 */
export function defaultLocalSettings(): PgBouncerPoolSettings {
  return poolSettings({ ...DEFAULTS, appPool: APP_POOL.dev }).pgbouncer;
}

/** PgBouncer refuses to run as root: run it as the `postgres` user the twin runs the server as. */
function runAs(): { uid: number; gid: number } | undefined {
  if (userInfo().uid !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }).trim());
  return { uid: id("-u"), gid: id("-g") };
}

/** Whether something accepts TCP connections on 127.0.0.1:`port`. */
export const canConnect = (port: number): Promise<boolean> =>
  new Promise((resolve) => {
    const s = connect({ host: "127.0.0.1", port });
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });

export async function startPgBouncer(opts: StartPgBouncerOptions): Promise<RunningPgBouncer> {
  if (!existsSync(PGBOUNCER_BIN)) {
    throw new Error(
      `${PGBOUNCER_BIN} is missing. Install Debian's pgbouncer: sudo apt-get install -y --no-install-recommends pgbouncer (npm test installs it itself when run as root).`,
    );
  }
  const settings = opts.settings ?? defaultLocalSettings();
  const port = opts.port ?? (await findFreePort());
  const owner = runAs();
  const dir = mkdtempSync(path.join(tmpdir(), "verscienta-pgbouncer-"));
  const f = (n: string) => path.join(dir, n);
  const logFile = opts.logFile ?? f("pgbouncer.log");

  const ini = renderPgbouncerIni(settings, {
    listenAddr: "127.0.0.1",
    listenPort: port,
    serverHost: opts.pgHost,
    serverPort: opts.pgPort,
    database: opts.database,
    roles: opts.roles.map((r) => r.name),
    authFile: f("userlist.txt"),
    serverTlsCaFile: opts.caCertPath,
    clientTlsCertFile: opts.serverCertPath,
    clientTlsKeyFile: opts.serverKeyPath,
    pidFile: f("pgbouncer.pid"),
    logFile,
  });
  writeFileSync(f("pgbouncer.ini"), ini, { mode: 0o600 });
  writeFileSync(f("userlist.txt"), renderUserlist(opts.roles), { mode: 0o600 });
  if (owner) for (const n of [dir, f("pgbouncer.ini"), f("userlist.txt")]) chownSync(n, owner.uid, owner.gid);

  // Raise the open-files limit to fit max_client_conn (the task's nofile ulimit in ECS), capped by the
  // hard limit we are given.
  const hard = Number(spawnSync("sh", ["-c", "ulimit -Hn"], { encoding: "utf8" }).stdout.trim());
  const nofile = Math.min(pgbouncerNofile(settings, opts.roles.length), Number.isFinite(hard) ? hard : 1024);
  const stderr: string[] = [];
  const child: ChildProcess = spawn(
    "sh",
    ["-c", `ulimit -n ${nofile} && exec ${PGBOUNCER_BIN} "$0"`, f("pgbouncer.ini")],
    {
      uid: owner?.uid,
      gid: owner?.gid,
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  child.stderr?.on("data", (c: Buffer) => stderr.push(c.toString("utf8")));
  let exited = false;
  child.once("exit", () => {
    exited = true;
  });
  const onExit = () => child.kill("SIGTERM");
  process.once("exit", onExit);
  // If this process dies without stopping PgBouncer, the watchdog stops it and removes its directory
  // (the userlist with the roles' credentials). SIGTERM is an immediate shutdown in PgBouncer 1.18
  // (Debian 12), a safe one from 1.23: https://www.pgbouncer.org/usage.html#signals
  const watchdog = startWatchdog({
    pid: child.pid ?? -1,
    comm: "pgbouncer",
    signal: "SIGTERM",
    escalate: "SIGKILL",
    graceSeconds: 5,
    removeDir: dir,
    label: "PgBouncer",
  });

  const deadline = Date.now() + 15_000;
  while (!(await canConnect(port))) {
    if (exited || Date.now() > deadline) {
      child.kill("SIGTERM");
      process.off("exit", onExit);
      const log = existsSync(logFile) ? readFileSync(logFile, "utf8") : "";
      rmSync(dir, { recursive: true, force: true });
      watchdog.disarm();
      throw new Error(
        `pgbouncer did not start on 127.0.0.1:${port}: ${(stderr.join("") + log).trim().slice(-2000)}`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }

  // verify-full, as the twin's own URLs: clients get the twin's certificate (SAN IP:127.0.0.1).
  const url = (user: string, password: string) =>
    `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${opts.database}` +
    `?sslmode=verify-full&sslrootcert=${encodeURIComponent(opts.caCertPath)}`;

  return {
    port,
    urls: Object.fromEntries(opts.roles.map((r) => [r.name, url(r.name, r.password)])),
    logFile,
    iniPath: f("pgbouncer.ini"),
    pid: child.pid ?? -1,
    settings,
    stop: async () => {
      process.off("exit", onExit);
      if (!exited) {
        await new Promise<void>((resolve) => {
          const t = setTimeout(() => child.kill("SIGKILL"), 10_000);
          child.once("exit", () => {
            clearTimeout(t);
            resolve();
          });
          child.kill("SIGTERM");
        });
      }
      rmSync(dir, { recursive: true, force: true });
      watchdog.disarm();
    },
  };
}

/** What startPgBouncerForTwin needs of a twin (local/twin.ts's Twin). */
export interface TwinLike {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly caCertPath: string;
  readonly serverCertPath: string;
  readonly serverKeyPath: string;
  readonly roles: readonly { name: string; password: string }[];
}

/**
 * PgBouncer for a twin, pooling the application-facing roles as the stack does (app and analytics;
 * the owner role runs migrations directly: they need session state).
 */
export function startPgBouncerForTwin(
  twin: TwinLike,
  opts: { port?: number; settings?: PgBouncerPoolSettings } = {},
) {
  const pooled = new Set<string>([DEFAULTS.appRoleName, DEFAULTS.analyticsRoleName]);
  return startPgBouncer({
    pgHost: twin.host,
    pgPort: twin.port,
    database: twin.database,
    caCertPath: twin.caCertPath,
    serverCertPath: twin.serverCertPath,
    serverKeyPath: twin.serverKeyPath,
    roles: twin.roles.filter((r) => pooled.has(r.name)),
    port: opts.port,
    settings: opts.settings,
  });
}
