/**
 * PgBouncer's configuration as pure functions. The ECS task and the local twin render the ini with the
 * same function; only hosts, ports, paths and certificates differ.
 *
 * Authentication: clients authenticate with SCRAM-SHA-256 against `auth_file`, which holds the login
 * roles' passwords (from Secrets Manager in AWS, from the twin locally); PgBouncer then logs into
 * PostgreSQL with SCRAM itself. `auth_query` with a lookup role would avoid the file, but RDS gives no
 * role, not even rds_superuser, read access to pg_authid/pg_shadow, so it cannot work against RDS
 * (pgbouncer/pgbouncer#265, #446).
 */
import type { PgBouncerPoolSettings } from "./poolSettings";

export const PGBOUNCER_PORT = 6432;

export interface PgBouncerIniOptions {
  /** @default 6432 */
  readonly listenPort?: number;
  /** @default "0.0.0.0" */
  readonly listenAddr?: string;
  /** PostgreSQL host; `server_tls_sslmode = verify-full` checks the certificate against this name. */
  readonly serverHost: string;
  /** @default 5432 */
  readonly serverPort?: number;
  /** The one database clients reach (the seed's `verscienta_health`). */
  readonly database: string;
  /** Login roles pooled (each gets `max_user_connections = default + reserve`). */
  readonly roles: readonly string[];
  readonly authFile: string;
  /** CA bundle that signs the server's certificate (the RDS CA bundle in AWS). */
  readonly serverTlsCaFile: string;
  /** Certificate and key PgBouncer presents to clients. */
  readonly clientTlsCertFile: string;
  readonly clientTlsKeyFile: string;
  readonly pidFile?: string;
  /** Empty: log to stderr (awslogs in ECS). @default "" */
  readonly logFile?: string;
}

const ident = /^[a-z_][a-z0-9_]{0,62}$/;
const safeValue = /^[^\n\r;'"]*$/;

/**
 * Renders pgbouncer.ini. Holds no secret: passwords live only in `auth_file`.
 * Throws when a value could break out of its line (newlines, quotes, `;`).
 */
export function renderPgbouncerIni(pool: PgBouncerPoolSettings, o: PgBouncerIniOptions): string {
  for (const [k, v] of Object.entries(o)) {
    if (typeof v === "string" && !safeValue.test(v)) {
      throw new Error(
        `${k}: ${JSON.stringify(v)} contains a newline, quote or ';' and would corrupt pgbouncer.ini. Use a plain value.`,
      );
    }
  }
  if (!ident.test(o.database)) throw new Error(`database: "${o.database}" is not a PostgreSQL identifier.`);
  for (const r of o.roles)
    if (!ident.test(r)) throw new Error(`roles: "${r}" is not a PostgreSQL identifier.`);
  if (o.roles.length === 0)
    throw new Error("roles: is empty; PgBouncer would pool nobody. Pass the app's login roles.");
  if (pool.minPoolSize > pool.defaultPoolSize) {
    throw new Error(
      `minPoolSize: ${pool.minPoolSize} is above defaultPoolSize ${pool.defaultPoolSize}. Lower it.`,
    );
  }
  const perUser = pool.defaultPoolSize + pool.reservePoolSize;
  const lines = [
    ";; Rendered by components/pooling/pgbouncerConfig.ts; edits are lost.",
    "[databases]",
    `${o.database} = host=${o.serverHost} port=${o.serverPort ?? 5432} dbname=${o.database}`,
    "",
    "[users]",
    // A hard cap per role equal to what validatePoolFit counted (default + reserve pool).
    ...o.roles.map((r) => `${r} = max_user_connections=${perUser}`),
    "",
    "[pgbouncer]",
    `listen_addr = ${o.listenAddr ?? "0.0.0.0"}`,
    `listen_port = ${o.listenPort ?? PGBOUNCER_PORT}`,
    // No Unix socket: every client goes through TCP and TLS.
    "unix_socket_dir =",
    `pidfile = ${o.pidFile ?? ""}`,
    `logfile = ${o.logFile ?? ""}`,
    "",
    ";; Pooling (the seed's settings; max_client_conn sized for thousands of clients)",
    `pool_mode = ${pool.poolMode}`,
    `max_client_conn = ${pool.maxClientConn}`,
    `default_pool_size = ${pool.defaultPoolSize}`,
    `min_pool_size = ${pool.minPoolSize}`,
    `reserve_pool_size = ${pool.reservePoolSize}`,
    `reserve_pool_timeout = ${pool.reservePoolTimeoutSeconds}`,
    // Clients (JDBC, some ORMs) send extra_float_digits at start-up; PgBouncer would refuse them.
    "ignore_startup_parameters = extra_float_digits",
    // Recycle server connections hourly (the seed's maxUses idea, on the server side).
    "server_lifetime = 3600",
    "server_idle_timeout = 600",
    // Clients wait at most this long for a server connection before an error (app: 5 s connect timeout).
    "query_wait_timeout = 120",
    "",
    ";; Authentication: SCRAM only, against auth_file",
    "auth_type = scram-sha-256",
    `auth_file = ${o.authFile}`,
    "",
    ";; TLS towards clients: required (HIPAA 164.312(e)(1)); plain connections are refused",
    "client_tls_sslmode = require",
    `client_tls_cert_file = ${o.clientTlsCertFile}`,
    `client_tls_key_file = ${o.clientTlsKeyFile}`,
    "client_tls_protocols = tlsv1.2,tlsv1.3",
    "client_tls_ciphers = HIGH:!aNULL:!MD5:!3DES:!RC4",
    "",
    ";; TLS towards PostgreSQL: verified against the CA bundle and the host name",
    "server_tls_sslmode = verify-full",
    `server_tls_ca_file = ${o.serverTlsCaFile}`,
    "server_tls_protocols = tlsv1.2,tlsv1.3",
    "",
    ";; Logging: connections for the audit trail, never query text (it can hold PHI)",
    "log_connections = 1",
    "log_disconnections = 1",
    "log_pooler_errors = 1",
    "stats_period = 60",
    // The client's address must not leak into application_name (it ends up in PostgreSQL's logs).
    "application_name_add_host = 0",
    "",
  ];
  return lines.join("\n");
}

/** One auth_file line; PgBouncer doubles `"` inside quoted fields. */
export function userlistLine(role: string, password: string): string {
  if (/[\n\r]/.test(password))
    throw new Error(`password of ${role}: contains a newline; auth_file cannot hold it.`);
  return `"${role.replaceAll('"', '""')}" "${password.replaceAll('"', '""')}"`;
}

export function renderUserlist(roles: readonly { name: string; password: string }[]): string {
  return `${roles.map((r) => userlistLine(r.name, r.password)).join("\n")}\n`;
}

export interface StartScriptOptions {
  /** Writable directory (an ephemeral task volume): ini, auth_file, certificate, pid file. */
  readonly runDir: string;
  /** Environment variable with the rendered ini (not secret). */
  readonly iniEnv: string;
  /**
   * Login roles and the environment variables ECS fills from each role's secret (`secrets`): its
   * `username` (the alternating-users rotation switches it between `<role>` and `<role>_clone`) and
   * `password`.
   */
  readonly roles: readonly {
    readonly name: string;
    readonly usernameEnv: string;
    readonly passwordEnv: string;
  }[];
}

const envName = /^[A-Z_][A-Z0-9_]*$/;

/**
 * The container's start script (`sh -c`). Writes the ini from a plain environment variable, the
 * auth_file from the password variables ECS injected from Secrets Manager (then drops them from the
 * environment), makes a throwaway TLS key for clients (it never leaves the task), and runs PgBouncer.
 * ECS stops a task with SIGTERM, which makes PgBouncer 1.x quit at once; the script turns it into
 * SIGINT, PgBouncer's "finish running transactions, then exit".
 */
export function pgbouncerStartScript(o: StartScriptOptions): string {
  if (!/^\/[A-Za-z0-9/_.-]+$/.test(o.runDir))
    throw new Error(`runDir: "${o.runDir}" must be an absolute plain path.`);
  for (const v of [o.iniEnv, ...o.roles.flatMap((r) => [r.usernameEnv, r.passwordEnv])]) {
    if (!envName.test(v))
      throw new Error(`environment variable name "${v}" is not valid. Use A-Z, 0-9 and _.`);
  }
  for (const r of o.roles)
    if (!ident.test(r.name)) throw new Error(`roles: "${r.name}" is not a PostgreSQL identifier.`);
  const d = o.runDir;
  return [
    "set -eu",
    "umask 077",
    `printf '%s\\n' "$${o.iniEnv}" > ${d}/pgbouncer.ini`,
    `: > ${d}/userlist.txt`,
    // auth_file quoting doubles '"'; the values never touch the command line or the log.
    `q() { printf '%s' "$1" | sed 's/"/""/g'; }`,
    ...o.roles.map(
      (r) =>
        `printf '"%s" "%s"\\n' "$(q "$${r.usernameEnv}")" "$(q "$${r.passwordEnv}")" >> ${d}/userlist.txt; ` +
        `unset ${r.usernameEnv} ${r.passwordEnv}`,
    ),
    `openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 825 -subj /CN=pgbouncer ` +
      `-keyout ${d}/client-tls.key -out ${d}/client-tls.crt 2>/dev/null`,
    `pgbouncer ${d}/pgbouncer.ini & pid=$!`,
    `trap 'kill -INT "$pid" 2>/dev/null || true' TERM INT`,
    `while kill -0 "$pid" 2>/dev/null; do wait "$pid" || true; done`,
  ].join("\n");
}
