/**
 * PgBouncer's configuration as pure functions. The ECS task and the local twin render the ini with the
 * same function; only hosts, ports, paths and certificates differ.
 *
 * Authentication: clients authenticate with SCRAM-SHA-256 against `auth_file`, which holds the login
 * roles' passwords (in AWS both logins of each alternating-users secret, AWSCURRENT and AWSPREVIOUS,
 * re-read by the task every few minutes; from the twin locally); PgBouncer then logs into PostgreSQL with
 * SCRAM itself. `auth_query` with a lookup role would avoid the file, but RDS gives no
 * role, not even rds_superuser, read access to pg_authid/pg_shadow, so it cannot work against RDS
 * (pgbouncer/pgbouncer#265, #446).
 */
import { CLONE_SUFFIX } from "../../spec/databaseOps";
import { type PgBouncerPoolSettings, pgbouncerServerConnectionsPerTask } from "./poolSettings";

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
  /** The one database clients reach (the guide's `verscienta_health`). */
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
  /**
   * Directory of PgBouncer's Unix socket, which exists only for the in-task metrics publisher: the
   * admin console admits user `pgbouncer` without a password only over this socket and only from
   * PgBouncer's own uid (see `pgbouncerStartScript`). Clients never use it; they come through TCP and TLS.
   * @default "" (no Unix socket)
   */
  readonly adminSocketDir?: string;
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
  const socketDir = o.adminSocketDir ?? "";
  // sun_path holds 108 bytes and the socket is `<dir>/.s.PGSQL.<port>` (unix(7)).
  if (socketDir !== "" && (!/^\/[A-Za-z0-9/_.-]+$/.test(socketDir) || socketDir.length > 90)) {
    throw new Error(
      `adminSocketDir: "${socketDir}" must be an absolute plain path of at most 90 characters (the socket path must fit 108 bytes).`,
    );
  }
  for (const r of o.roles)
    if (!ident.test(r)) throw new Error(`roles: "${r}" is not a PostgreSQL identifier.`);
  if (o.roles.length === 0)
    throw new Error("roles: is empty; PgBouncer would pool nobody. Pass the app's login roles.");
  if (pool.minPoolSize > pool.defaultPoolSize) {
    throw new Error(
      `minPoolSize: ${pool.minPoolSize} is above defaultPoolSize ${pool.defaultPoolSize}. Lower it.`,
    );
  }
  const perUser = pgbouncerServerConnectionsPerTask(pool, 1);
  const lines = [
    ";; Rendered by components/pooling/pgbouncerConfig.ts; edits are lost.",
    "[databases]",
    `${o.database} = host=${o.serverHost} port=${o.serverPort ?? 5432} dbname=${o.database}`,
    "",
    "[users]",
    // A hard cap per role equal to what validatePoolFit counted (default + reserve pool). The clone gets
    // the same cap: alternating-users rotation (spec/databaseOps.ts) switches a secret's username between
    // `<role>` and `<role>_clone`, and the task's auth file holds both logins (AWSCURRENT and
    // AWSPREVIOUS), so clients may sign in as either. Apps read one secret version at a time, so at any
    // moment nearly all of a role's clients use one of the two; validatePoolFit counts one cap per role.
    ...o.roles.flatMap((r) => [
      `${r} = max_user_connections=${perUser}`,
      `${r}${CLONE_SUFFIX} = max_user_connections=${perUser}`,
    ]),
    "",
    "[pgbouncer]",
    `listen_addr = ${o.listenAddr ?? "0.0.0.0"}`,
    `listen_port = ${o.listenPort ?? PGBOUNCER_PORT}`,
    // Clients go through TCP and TLS. The Unix socket, when there is one, lives in the task's private
    // run directory (0700, PgBouncer's uid) and is itself 0600: only PgBouncer's own uid can connect.
    `unix_socket_dir = ${socketDir}`,
    "unix_socket_mode = 0600",
    // No console user: nobody logs in to the `pgbouncer` admin database over TCP (so never through the
    // NLB). PgBouncer still admits user `pgbouncer` over the Unix socket when the peer has its own uid
    // (PgBouncer usage docs, "Admin console"; "pgbouncer access from unix socket" in its log), which is
    // how the metrics publisher reads SHOW POOLS. Proved in test/integration/pgbouncer.test.ts.
    "admin_users =",
    "stats_users =",
    `pidfile = ${o.pidFile ?? ""}`,
    `logfile = ${o.logFile ?? ""}`,
    "",
    ";; Pooling (the guide's settings; max_client_conn sized for thousands of clients)",
    `pool_mode = ${pool.poolMode}`,
    `max_client_conn = ${pool.maxClientConn}`,
    `default_pool_size = ${pool.defaultPoolSize}`,
    `min_pool_size = ${pool.minPoolSize}`,
    `reserve_pool_size = ${pool.reservePoolSize}`,
    `reserve_pool_timeout = ${pool.reservePoolTimeoutSeconds}`,
    // Clients (JDBC, some ORMs) send extra_float_digits at start-up; PgBouncer would refuse them.
    "ignore_startup_parameters = extra_float_digits",
    // Recycle server connections hourly (the guide's maxUses idea, on the server side).
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

/** Environment variables the start script reads for its certificate (plain values, none secret). */
export const TLS_ENV = {
  caArn: "PGBOUNCER_TLS_CA_ARN",
  templateArn: "PGBOUNCER_TLS_TEMPLATE_ARN",
  hostname: "PGBOUNCER_TLS_HOSTNAME",
  region: "AWS_REGION",
} as const;

/**
 * The pool-saturation metrics each task publishes, and the names the alarms in components/monitoring
 * read (they import this constant, so the two cannot drift): `ClientsWaiting` (Count) is the sum of `cl_waiting` over SHOW POOLS, `MaxWaitSeconds`
 * (Seconds) the largest `maxwait + maxwait_us / 1e6`, both with dimension `ServiceName=<ECS service name>`.
 */
export const PGBOUNCER_METRICS = {
  namespace: "Verscienta/PgBouncer",
  dimension: "ServiceName",
  clientsWaiting: "ClientsWaiting",
  maxWaitSeconds: "MaxWaitSeconds",
} as const;

/** Environment variable with the ECS service name the metrics are published under (plain, not secret). */
export const METRICS_ENV = { serviceName: "PGBOUNCER_SERVICE_NAME" } as const;

export interface StartScriptMetricsOptions {
  /** PgBouncer's listen_port: the admin console's socket is `<runDir>/.s.PGSQL.<port>`. */
  readonly port: number;
  /** Seconds between two publications. @default 60 (CloudWatch's standard one-minute resolution) */
  readonly intervalSeconds?: number;
}

export interface StartScriptTlsOptions {
  /** Validity requested from AWS Private CA (short-lived mode: at most 7). */
  readonly validityDays: number;
  /** Re-issue once the certificate has less than this left. */
  readonly renewBeforeSeconds: number;
  /** How often the renewer looks at the certificate. @default 3600 */
  readonly checkIntervalSeconds?: number;
  /** Pause between the three attempts to get the first certificate. @default 5 */
  readonly retrySeconds?: number;
  /** Must match the CA's key family (ECDSA for an EC_prime256v1 CA). @default "SHA256WITHECDSA" */
  readonly signingAlgorithm?: string;
}

export interface StartScriptOptions {
  /** Writable directory (an ephemeral task volume): ini, auth_file, certificate, pid file. */
  readonly runDir: string;
  /** Environment variable with the rendered ini (not secret). */
  readonly iniEnv: string;
  /**
   * Login roles and, for each, the plain environment variable holding its secret's ARN (not secret). The
   * script reads the secret's AWSCURRENT and AWSPREVIOUS versions itself (task role, `secretsmanager`
   * endpoint); the alternating-users rotation switches `username` between `<role>` and `<role>_clone`.
   */
  readonly roles: readonly {
    readonly name: string;
    readonly secretArnEnv: string;
  }[];
  /**
   * Seconds between two reads of the secrets (the first is at start). Rotations are days apart; a few
   * minutes keeps a rotated login usable through PgBouncer soon after the secret moves.
   * @default 300 (PGBOUNCER_CREDENTIAL_REFRESH_SECONDS)
   */
  readonly refreshSeconds?: number;
  /** Pause between the three attempts to read the secrets at start. @default 5 */
  readonly credentialRetrySeconds?: number;
  /** The server certificate: issued by AWS Private CA for the name in `PGBOUNCER_TLS_HOSTNAME`. */
  readonly tls: StartScriptTlsOptions;
  /**
   * The pool-saturation publisher. The ini must put PgBouncer's Unix socket in `runDir`
   * (`renderPgbouncerIni`'s `adminSocketDir`).
   */
  readonly metrics: StartScriptMetricsOptions;
}

const envName = /^[A-Z_][A-Z0-9_]*$/;

/** How often a task re-reads the pooled roles' secrets by default (seconds). */
export const PGBOUNCER_CREDENTIAL_REFRESH_SECONDS = 300;

/**
 * Reads one SecretString (JSON) on stdin and prints its auth_file line, `"<username>" "<password>"`
 * with `"` doubled. Python because the image has it anyway (Debian's `awscli` depends on `python3`) and a
 * JMESPath `--query` cannot parse the JSON inside SecretString. The secret only ever travels on stdin and
 * stdout, never on a command line. Exit 1: not a JSON object with `username` and `password` (Python's own
 * error, which never quotes the input, goes to /dev/null); 3: `username` is neither the role nor its
 * clone (PgBouncer caps only those two in [users]); 4: the password is empty or has a line break or NUL;
 * 5: there is no `password` key at all. That is the version Pulumi writes (`{username, engine, host,
 * port, dbname}`): once the database operations function's apply has put the first password, Secrets
 * Manager labels Pulumi's version AWSPREVIOUS (moving AWSCURRENT moves AWSPREVIOUS to the version it left,
 * PutSecretValue, VersionStages, https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html),
 * until the first rotation finishes.
 * One line, no single quote: it sits inside '...' in the script.
 */
const AUTH_LINE_PY = [
  "import json,sys",
  "r=sys.argv[1]",
  "s=json.loads(sys.stdin.read())",
  'u=s["username"]',
  'p=s.get("password")',
  "sys.exit(5) if p is None else None",
  "Q=chr(34)",
  `sys.exit(3) if u not in (r, r+"${CLONE_SUFFIX}") else None`,
  'sys.exit(4) if not isinstance(p,str) or p=="" or any(c in p for c in chr(10)+chr(13)+chr(0)) else None',
  "print(Q+u+Q, Q+p.replace(Q,Q+Q)+Q)",
].join("; ");
/** Below this, a certificate that could not be renewed stops the task (ECS starts a fresh one). */
const TLS_GIVE_UP_SECONDS = 3600;

/**
 * The container's start script (`sh -c`, POSIX sh: Debian's dash). Writes the ini from a plain
 * environment variable and the auth_file from Secrets Manager, which it keeps current by itself:
 *
 * - at start and then every `refreshSeconds`, for each pooled role it reads the secret's AWSCURRENT and
 *   AWSPREVIOUS versions (`aws secretsmanager get-secret-value --version-stage`, the task role's
 *   GetSecretValue on exactly those secrets) and writes both logins, `"<username>" "<password>"`, one per
 *   username (AWSCURRENT wins), to a new 0600 file. With alternating users (spec/databaseOps.ts) the
 *   previous login keeps its password until the next rotation (Secrets Manager User Guide, "Lambda
 *   function rotation strategies": after rotation both user and user_clone credentials are valid), so
 *   both are admitted. AWSPREVIOUS does not exist before the first rotation: GetSecretValue answers
 *   ResourceNotFoundException (the CLI exits 254, "the service returned an error", AWS CLI User Guide,
 *   "Command line return codes"), and exactly that is tolerated for AWSPREVIOUS;
 * - the two reads are not one snapshot, so AWSCURRENT is read again after AWSPREVIOUS: if it moved (a
 *   rotation finishing at that moment), the round is skipped rather than load logins from two labellings;
 * - only when the file differs it replaces the auth_file with `mv` (rename(2): PgBouncer never reads a
 *   half-written file) and sends PgBouncer SIGHUP, which is RELOAD: it re-reads the configuration and
 *   "the files specified by the settings auth_file and auth_hba_file" (PgBouncer usage, "Process
 *   controlling commands: RELOAD" and "Signals: SIGHUP"), without dropping clients;
 * - a failed refresh keeps the old file and logs one line (the CLI's error, never a value); the task
 *   carries on. At start, when three attempts fail, the task stops (as ECS does when it cannot inject
 *   `secrets`): a PgBouncer with an empty auth_file would admit nobody.
 *
 * Passwords never appear on a command line (argv is readable in /proc) or in the log: the CLI prints the
 * SecretString on its stdout, the shell keeps it in a variable and hands it to Python's stdin with the
 * `printf` builtin. Then it gets PgBouncer's server certificate:
 *
 * - generates a P-256 key in the run directory (mode 0600, task-local storage; never printed or sent);
 * - sends only a CSR whose subjectAltName is the pooler's DNS name to `acm-pca issue-certificate`
 *   (the template and CA the task role is limited to), waits with `acm-pca wait certificate-issued` (the
 *   CLI's waiter: issuance is asynchronous, GetCertificate answers RequestInProgressException until it is
 *   done, AWS Private CA API Reference, GetCertificate), and fetches it with `get-certificate`;
 * - checks the certificate names that host and carries the key it just made, before using it;
 * - a renewer re-issues once less than `renewBeforeSeconds` is left and sends PgBouncer SIGHUP, which
 *   re-reads the configuration and the TLS files without dropping clients (proved against the real
 *   pgbouncer in test/integration/pgbouncer.test.ts). If renewal keeps failing until the certificate has
 *   under an hour left, the task stops (exit 1) so ECS replaces it, rather than serve an expired
 *   certificate that every verifying client would refuse.
 *
 * A publisher reads SHOW POOLS every `metrics.intervalSeconds` from the admin console over the Unix socket
 * in the run directory, as user `pgbouncer` (admitted without a password only from PgBouncer's own uid
 * over that socket; no console user exists over TCP), and sends `ClientsWaiting` and `MaxWaitSeconds`
 * (PGBOUNCER_METRICS) with `aws cloudwatch put-metric-data` through the VPC's `monitoring` endpoint. It
 * finds the columns by name in SHOW POOLS's header (PgBouncer versions add columns), and a failed round
 * is logged and skipped, never fatal: the pooler keeps serving without its metrics, and the missing
 * data is what an alarm on them sees.
 *
 * ECS stops a task with SIGTERM, which makes PgBouncer 1.x quit at once; the script turns it into SIGINT,
 * PgBouncer's "finish running transactions, then exit".
 */
export function pgbouncerStartScript(o: StartScriptOptions): string {
  if (!/^\/[A-Za-z0-9/_.-]+$/.test(o.runDir))
    throw new Error(`runDir: "${o.runDir}" must be an absolute plain path.`);
  for (const v of [o.iniEnv, ...o.roles.map((r) => r.secretArnEnv)]) {
    if (!envName.test(v))
      throw new Error(`environment variable name "${v}" is not valid. Use A-Z, 0-9 and _.`);
  }
  for (const r of o.roles)
    if (!ident.test(r.name)) throw new Error(`roles: "${r.name}" is not a PostgreSQL identifier.`);
  const refresh = o.refreshSeconds ?? PGBOUNCER_CREDENTIAL_REFRESH_SECONDS;
  if (!Number.isInteger(refresh) || refresh < 1 || refresh > 3600) {
    throw new Error(
      `refreshSeconds: ${refresh} must be a whole number from 1 to 3600 (a rotated login must reach PgBouncer well within a rotation period).`,
    );
  }
  const credRetry = o.credentialRetrySeconds ?? 5;
  if (!Number.isInteger(credRetry) || credRetry < 1 || credRetry > 60)
    throw new Error(`credentialRetrySeconds: ${credRetry} must be a whole number from 1 to 60.`);
  const t = o.tls;
  if (!Number.isInteger(t.validityDays) || t.validityDays < 1 || t.validityDays > 7) {
    throw new Error(
      `tls.validityDays: ${t.validityDays} must be 1 to 7 (AWS Private CA short-lived certificate mode).`,
    );
  }
  const check = t.checkIntervalSeconds ?? 3600;
  if (!Number.isInteger(t.renewBeforeSeconds) || t.renewBeforeSeconds <= TLS_GIVE_UP_SECONDS) {
    throw new Error(`tls.renewBeforeSeconds: ${t.renewBeforeSeconds} must be a whole number above 3600.`);
  }
  if (t.renewBeforeSeconds >= t.validityDays * 86_400) {
    throw new Error(
      `tls.renewBeforeSeconds: ${t.renewBeforeSeconds} is not below the validity (${t.validityDays} days); the task would re-issue on every check.`,
    );
  }
  if (!Number.isInteger(check) || check < 1 || check >= t.renewBeforeSeconds - TLS_GIVE_UP_SECONDS) {
    throw new Error(
      `tls.checkIntervalSeconds: ${check} must be at least 1 and well below renewBeforeSeconds, or renewal could come too late.`,
    );
  }
  const m = o.metrics;
  const interval = m.intervalSeconds ?? 60;
  if (!Number.isInteger(m.port) || m.port < 1 || m.port > 65_535)
    throw new Error(`metrics.port: ${m.port} must be PgBouncer's listen_port (1 to 65535).`);
  if (!Number.isInteger(interval) || interval < 1 || interval > 3600)
    throw new Error(`metrics.intervalSeconds: ${interval} must be a whole number from 1 to 3600.`);
  const alg = t.signingAlgorithm ?? "SHA256WITHECDSA";
  if (!/^SHA(256|384|512)WITH(ECDSA|RSA)$/.test(alg))
    throw new Error(`tls.signingAlgorithm: "${alg}" is not an AWS Private CA signing algorithm.`);
  const d = o.runDir;
  const e = TLS_ENV;
  const pca = `--region "$${e.region}" --certificate-authority-arn "$${e.caArn}"`;
  const M = PGBOUNCER_METRICS;
  const svc = METRICS_ENV.serviceName;
  const badRow = `{ echo "pgbouncer-metrics: unexpected SHOW POOLS row: $row" >&2; return 1; }`;
  return [
    "set -eu",
    "umask 077",
    // The root filesystem is read-only: the AWS CLI and OpenSSL get the run directory as home and tmp.
    `export HOME=${d} TMPDIR=${d}`,
    `printf '%s\\n' "$${o.iniEnv}" > ${d}/pgbouncer.ini`,
    // The auth_file from Secrets Manager (see the doc comment). `why` says what failed, in one line.
    `for v in "\${${e.region}:-}"${o.roles.map((r) => ` "\${${r.secretArnEnv}:-}"`).join("")}; do [ -n "$v" ] || { echo "pgbouncer-auth: ${[e.region, ...o.roles.map((r) => r.secretArnEnv)].join(", ")} are required" >&2; exit 1; }; done`,
    // One SecretString on stdout; the CLI's error in secret.err (it never holds a secret value).
    "secret() {",
    `  aws secretsmanager get-secret-value --region "$${e.region}" --cli-connect-timeout 10 --cli-read-timeout 20 --secret-id "$1" --version-stage "$2" --query SecretString --output text 2> ${d}/secret.err`,
    "}",
    `line() { python3 -c '${AUTH_LINE_PY}' "$1" 2>/dev/null; }`,
    `cli_error() { why="$1: aws exit $2: $(sed -n '$p' ${d}/secret.err)"; }`,
    `bad_secret() { case $2 in 3) why="$1: username is neither $3 nor \${3}${CLONE_SUFFIX}";; 4) why="$1: password is empty or holds a line break";; 5) why="$1: has no password yet (the database operations function's apply gives it one)";; *) why="$1: not JSON with username and password";; esac; }`,
    // $1 role, $2 secret ARN: appends the role's logins (AWSCURRENT, then AWSPREVIOUS unless same user).
    "creds() {",
    `  cur=$(secret "$2" AWSCURRENT) || { cli_error "AWSCURRENT of $2" $?; return 1; }`,
    `  cl=$(printf '%s' "$cur" | line "$1") || { bad_secret "AWSCURRENT of $2" $? "$1"; return 1; }`,
    `  printf '%s\\n' "$cl" >> ${d}/userlist.next`,
    `  users="$users \${cl%% *}"`,
    `  if prev=$(secret "$2" AWSPREVIOUS); then`,
    `    prc=0; pl=$(printf '%s' "$prev" | line "$1") || prc=$?`,
    // No password in AWSPREVIOUS: Pulumi's first version, before the first rotation. No previous login.
    `    if [ "$prc" -eq 0 ]; then`,
    `      if [ "\${pl%% *}" != "\${cl%% *}" ]; then`,
    `        printf '%s\\n' "$pl" >> ${d}/userlist.next`,
    `        users="$users \${pl%% *}"`,
    "      fi",
    `    elif [ "$prc" -ne 5 ]; then bad_secret "AWSPREVIOUS of $2" "$prc" "$1"; return 1; fi`,
    // Before the first rotation there is no AWSPREVIOUS: that, and only that, is not an error.
    `  else`,
    `    rc=$?`,
    `    [ "$rc" -eq 254 ] && grep -q '(ResourceNotFoundException)' ${d}/secret.err || { cli_error "AWSPREVIOUS of $2" "$rc"; return 1; }`,
    "  fi",
    // The two reads are not one snapshot: if AWSCURRENT moved in between (a rotation finishing right
    // now), AWSPREVIOUS may belong to the other labelling. Skip the round rather than load a mix.
    `  cur2=$(secret "$2" AWSCURRENT) || { cli_error "AWSCURRENT of $2" $?; return 1; }`,
    `  [ "$cur2" = "$cur" ] || { why="$2 rotated while it was read; next round"; return 1; }`,
    "}",
    // changed=1 when the auth_file was replaced.
    "refresh() {",
    "  changed=0 users= ok=0",
    `  rm -f ${d}/userlist.next && : > ${d}/userlist.next || { why="cannot write ${d}/userlist.next"; return 1; }`,
    `  ${o.roles.map((r) => `creds ${r.name} "$${r.secretArnEnv}"`).join(" && ")} || ok=1`,
    // The values stay in this shell's memory no longer than needed (they are never exported).
    "  cur= cur2= cl= prev= pl=",
    `  [ "$ok" = 0 ] || { rm -f ${d}/userlist.next; return 1; }`,
    `  if cmp -s ${d}/userlist.next ${d}/userlist.txt; then rm -f ${d}/userlist.next; return 0; fi`,
    `  mv -f ${d}/userlist.next ${d}/userlist.txt || { why="cannot replace ${d}/userlist.txt"; return 1; }`,
    "  changed=1",
    "}",
    "n=0",
    `until refresh; do n=$((n + 1)); echo "pgbouncer-auth: cannot read the pooled roles' secrets: $why" >&2; [ "$n" -lt 3 ] || { echo "pgbouncer-auth: no credentials from Secrets Manager; stopping" >&2; exit 1; }; sleep ${credRetry}; done`,
    `echo "pgbouncer-auth: auth_file has logins$users" >&2`,
    "refresher() {",
    `  while sleep ${refresh}; do`,
    `    if refresh; then`,
    `      [ "$changed" = 0 ] || { kill -HUP "$pid"; echo "pgbouncer-auth: auth_file now has logins$users; PgBouncer reloaded" >&2; }`,
    `    else`,
    `      echo "pgbouncer-auth: refresh failed, keeping the previous auth_file: $why" >&2`,
    "    fi",
    "  done",
    "}",
    `case "\${${e.hostname}:-}" in ""|*[!A-Za-z0-9.-]*) echo "pgbouncer-tls: ${e.hostname} is not a DNS name" >&2; exit 1;; esac`,
    `for v in "\${${e.caArn}:-}" "\${${e.templateArn}:-}" "\${${e.region}:-}"; do [ -n "$v" ] || { echo "pgbouncer-tls: ${e.caArn}, ${e.templateArn} and ${e.region} are required" >&2; exit 1; }; done`,
    "issue() {",
    `  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=pgbouncer -addext "subjectAltName=DNS:$${e.hostname}" -keyout ${d}/next.key -out ${d}/next.csr 2>/dev/null || return 1`,
    `  arn=$(aws acm-pca issue-certificate ${pca} --csr fileb://${d}/next.csr --signing-algorithm ${alg} --template-arn "$${e.templateArn}" --validity Value=${t.validityDays},Type=DAYS --query CertificateArn --output text) || return 1`,
    `  aws acm-pca wait certificate-issued ${pca} --certificate-arn "$arn" || return 1`,
    `  aws acm-pca get-certificate ${pca} --certificate-arn "$arn" --query Certificate --output text > ${d}/next.crt || return 1`,
    `  openssl x509 -noout -checkhost "$${e.hostname}" -in ${d}/next.crt | grep -q 'does match' || { echo "pgbouncer-tls: $arn does not name $${e.hostname}" >&2; return 1; }`,
    `  [ "$(openssl x509 -noout -pubkey -in ${d}/next.crt)" = "$(openssl pkey -pubout -in ${d}/next.key)" ] || { echo "pgbouncer-tls: $arn is not for this task's key" >&2; return 1; }`,
    `  mv ${d}/next.key ${d}/client-tls.key && mv ${d}/next.crt ${d}/client-tls.crt && rm -f ${d}/next.csr || return 1`,
    `  echo "pgbouncer-tls: using $arn for $${e.hostname}, $(openssl x509 -noout -enddate -in ${d}/client-tls.crt)" >&2`,
    "}",
    "n=0",
    // ECS service names: letters, digits, hyphens and underscores (so it is safe inside the JSON below).
    `case "\${${svc}:-}" in ""|*[!A-Za-z0-9_-]*) echo "pgbouncer-metrics: ${svc} is not an ECS service name" >&2; exit 1;; esac`,
    `until issue; do n=$((n + 1)); [ "$n" -lt 3 ] || { echo "pgbouncer-tls: no certificate from AWS Private CA; stopping" >&2; exit 1; }; sleep ${t.retrySeconds ?? 5}; done`,
    "renew() {",
    `  while sleep ${check}; do`,
    `    openssl x509 -checkend ${t.renewBeforeSeconds} -noout -in ${d}/client-tls.crt >/dev/null && continue`,
    `    if issue; then kill -HUP "$pid"; continue; fi`,
    `    openssl x509 -checkend ${TLS_GIVE_UP_SECONDS} -noout -in ${d}/client-tls.crt >/dev/null && continue`,
    `    echo "pgbouncer-tls: renewal failed and the certificate expires within an hour; stopping so ECS starts a fresh task" >&2`,
    `    : > ${d}/tls-failed; kill -INT "$pid"; return 0`,
    "  done",
    "}",
    // One round: SHOW POOLS over the Unix socket (no password, no TCP), columns found by name.
    "pools() {",
    `  out=$(PGCONNECT_TIMEOUT=5 psql -X -w -q -A -F , -P footer=off -h ${d} -p ${m.port} -U pgbouncer -d pgbouncer -c 'SHOW POOLS') || return 1`,
    `  hdr=$(printf '%s\\n' "$out" | sed -n 1p | tr , '\\n')`,
    `  col() { printf '%s\\n' "$hdr" | grep -nx "$1" | cut -d: -f1; }`,
    "  cw=$(col cl_waiting) mw=$(col maxwait) mu=$(col maxwait_us)",
    `  [ -n "$cw" ] && [ -n "$mw" ] && [ -n "$mu" ] && [ "$cw" -lt "$mw" ] && [ "$mw" -lt "$mu" ] || { echo "pgbouncer-metrics: SHOW POOLS has no cl_waiting, maxwait, maxwait_us columns" >&2; return 1; }`,
    "  waiting=0 longest=0",
    `  for row in $(printf '%s\\n' "$out" | sed 1d | cut -d , -f "$cw,$mw,$mu"); do`,
    `    w=\${row%%,*} rest=\${row#*,}`,
    `    s=\${rest%%,*} us=\${rest#*,}`,
    // Checked before any arithmetic: a bad number in $((...)) would end the publisher's shell.
    `    for v in "$w" "$s" "$us"; do case $v in ""|*[!0-9]*) ${badRow};; esac; done`,
    "    waiting=$((waiting + w)) t=$((s * 1000000 + us))",
    `    [ "$t" -le "$longest" ] || longest=$t`,
    "  done",
    `  secs=$(printf '%d.%06d' $((longest / 1000000)) $((longest % 1000000)))`,
    `  dims='"Dimensions":[{"Name":"${M.dimension}","Value":"'"$${svc}"'"}]'`,
    `  data=$(printf '[{"MetricName":"${M.clientsWaiting}",%s,"Value":%s,"Unit":"Count"},{"MetricName":"${M.maxWaitSeconds}",%s,"Value":%s,"Unit":"Seconds"}]' "$dims" "$waiting" "$dims" "$secs")`,
    `  aws cloudwatch put-metric-data --region "$${e.region}" --cli-connect-timeout 10 --cli-read-timeout 20 --namespace ${M.namespace} --metric-data "$data" || return 1`,
    "}",
    // set -f: the rows are split on whitespace and must never be globbed.
    "publish() {",
    "  set -f",
    `  while sleep ${interval}; do pools || echo "pgbouncer-metrics: nothing published this round" >&2; done`,
    "}",
    `pgbouncer ${d}/pgbouncer.ini & pid=$!`,
    "renew & rpid=$!",
    "publish & mpid=$!",
    "refresher & apid=$!",
    `trap 'kill -INT "$pid" 2>/dev/null || true' TERM INT`,
    `while kill -0 "$pid" 2>/dev/null; do wait "$pid" || true; done`,
    `kill "$rpid" "$mpid" "$apid" 2>/dev/null || true`,
    `[ ! -e ${d}/tls-failed ]`,
  ].join("\n");
}
