/**
 * The parameter set of the stack's RDS parameter group, as a pure function. The same function feeds the
 * RDS parameter group and the local PostgreSQL 16 twin, so the twin proves the values on a real server.
 *
 * Values use the forms RDS accepts ("1"/"0" for booleans, integers in the parameter's base unit), which
 * PostgreSQL accepts too.
 */

export interface ParameterOptions {
  /** Load pgaudit and set `pgaudit.log`. @default true */
  readonly pgauditEnabled: boolean;
  /** pgaudit statement classes. @default "ddl,role" */
  readonly pgauditLog: string;
  /** Explicit `max_connections`; unset keeps RDS's `LEAST({DBInstanceClassMemory/9531392}, 5000)`. */
  readonly maxConnections?: number;
}

export interface Parameter {
  readonly name: string;
  readonly value: string;
  /** Static parameters only take effect after a reboot. */
  readonly applyMethod: "immediate" | "pending-reboot";
}

/** Parameters that need a restart (PostgreSQL `context = postmaster`). */
const STATIC = new Set(["shared_preload_libraries", "max_connections"]);

/**
 * PostgreSQL-native parameters: every one of them is accepted by a stock PostgreSQL 16 server
 * (pgaudit.* only where pgaudit is installed).
 */
export function postgresParameters(opts: ParameterOptions): Record<string, string> {
  const preload = ["pg_stat_statements", ...(opts.pgauditEnabled ? ["pgaudit"] : [])];
  const p: Record<string, string> = {
    // The guide, "Audit Logging": log every data-modifying statement, connections and disconnections.
    log_statement: "mod",
    log_connections: "1",
    log_disconnections: "1",
    // The guide, "Query Optimization Tips": log queries over 1 second (feeds the slow-query alarm).
    log_min_duration_statement: "1000",
    // Lock waits longer than deadlock_timeout (1 s): the first clue in "Lock timeout" incidents.
    log_lock_waits: "1",
    log_autovacuum_min_duration: "10000",
    shared_preload_libraries: preload.join(","),
    // The guide, "Vacuum & Analyze": autovacuum on (stated, so nobody turns it off by accident).
    autovacuum: "1",
    // Transport and authentication hardening (HIPAA 164.312(e)(1), 164.312(d)).
    ssl_min_protocol_version: "TLSv1.2",
    password_encryption: "scram-sha-256",
    // A session left idle inside a transaction holds locks and blocks vacuum; end it after 5 minutes.
    idle_in_transaction_session_timeout: "300000",
    track_io_timing: "1",
  };
  if (opts.pgauditEnabled) {
    p["pgaudit.log"] = opts.pgauditLog;
    // Statement parameters can carry PHI; the statement text is enough for the audit trail.
    p["pgaudit.log_parameter"] = "0";
    p["pgaudit.log_catalog"] = "0";
  }
  if (opts.maxConnections !== undefined) p.max_connections = String(opts.maxConnections);
  return p;
}

/** RDS-only parameters (no PostgreSQL equivalent of the same name). */
export function rdsOnlyParameters(): Record<string, string> {
  return {
    // Refuse every connection that is not TLS (HIPAA 164.312(e)(1)).
    "rds.force_ssl": "1",
  };
}

/** Everything the RDS parameter group sets, with the apply method RDS needs for each. */
export function parameterGroupParameters(opts: ParameterOptions): Parameter[] {
  const all = { ...postgresParameters(opts), ...rdsOnlyParameters() };
  return Object.entries(all)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, value]) => ({
      name,
      value,
      applyMethod: STATIC.has(name) ? "pending-reboot" : "immediate",
    }));
}

/** The parameter-group family for an engine version: "16.4" → "postgres16". */
export function parameterGroupFamily(engineVersion: string): string {
  const major = Number(engineVersion.split(".")[0]);
  if (!Number.isInteger(major) || major < 10) {
    throw new Error(`engineVersion: "${engineVersion}" has no PostgreSQL major version. Use e.g. "16".`);
  }
  return `postgres${major}`;
}
