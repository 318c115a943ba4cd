/**
 * The pool settings, in one place: they feed RDS Proxy's target-group connectionPoolConfig, the
 * rendered PgBouncer configuration (in AWS and in the local twin), the app-facing stack outputs, and the
 * check that the pools fit inside the database's `max_connections`.
 *
 * Pure: no Pulumi, no config reading. `poolSettings` is the one mapping from the config's keys to the
 * settings: `infra/pooling.ts` passes the validated config in, the local twin and the pooling benchmark pass
 * the stack's defaults, and everything downstream (the fit check included) reads the settings, not the keys.
 */
import { GUIDE_PGBOUNCER as GUIDE } from "../../spec/guide";

export type PoolerKind = "rds-proxy" | "pgbouncer" | "none";

/** The guide's application-side pool (`postgresAdapter({ pool })`), as the config resolves it. */
export interface AppPool {
  readonly max: number;
  readonly min: number;
  readonly idleTimeoutMillis: number;
  readonly connectionTimeoutMillis: number;
  readonly maxUses: number;
}

/** What the pool settings are derived from; the names are the config keys. */
export interface PoolSettingsInput {
  readonly pgbouncerMaxClientConn: number;
  readonly pgbouncerDefaultPoolSize: number;
  readonly pgbouncerMinPoolSize: number;
  readonly pgbouncerReservePoolSize: number;
  readonly pgbouncerReservePoolTimeoutSeconds: number;
  readonly proxyMaxConnectionsPercent: number;
  readonly proxyMaxIdleConnectionsPercent: number;
  readonly proxyIdleClientTimeoutSeconds: number;
  readonly proxyConnectionBorrowTimeoutSeconds: number;
  readonly appPool: AppPool;
}

export interface PgBouncerPoolSettings {
  /**
   * Always transaction pooling (the guide's `pool_mode = transaction`): a server connection is lent for
   * one transaction, which is what lets thousands of clients share a small pool.
   */
  readonly poolMode: "transaction";
  readonly maxClientConn: number;
  readonly defaultPoolSize: number;
  readonly minPoolSize: number;
  readonly reservePoolSize: number;
  readonly reservePoolTimeoutSeconds: number;
}

export interface ProxyPoolSettings {
  readonly maxConnectionsPercent: number;
  readonly maxIdleConnectionsPercent: number;
  readonly idleClientTimeoutSeconds: number;
  readonly connectionBorrowTimeoutSeconds: number;
}

export interface PoolSettings {
  readonly pgbouncer: PgBouncerPoolSettings;
  readonly proxy: ProxyPoolSettings;
  readonly app: AppPool;
}

/** The guide's PgBouncer block, except `max_client_conn`; it lives in spec/guide.ts. */
export const GUIDE_PGBOUNCER: PgBouncerPoolSettings = GUIDE;

/**
 * Connections kept free of every pooler for people and jobs that must reach the database directly:
 * RDS reserves 3 (`superuser_reserved_connections`) + 2 (`rds.rds_superuser_reserved_connections`) for
 * itself; the owner role runs migrations with up to 5 (ownerConnectionLimit) and an operator or the
 * Pulumi PostgreSQL provider needs a few more. 15 covers that; 10% of a large `max_connections` more.
 */
export function defaultAdminReserve(maxConnections: number): number {
  return Math.max(15, Math.ceil(maxConnections * 0.1));
}

/**
 * Server connections one PgBouncer process opens at most: (default + reserve pool) per (database, user),
 * one database, `pooledRoles` users. The one copy of this formula: the fit check multiplies it by the
 * tasks, the task's `nofile` adds it to max_client_conn, and pgbouncer.ini caps each role at it (roles 1).
 */
export function pgbouncerServerConnectionsPerTask(pg: PgBouncerPoolSettings, pooledRoles: number): number {
  return (pg.defaultPoolSize + pg.reservePoolSize) * Math.max(1, pooledRoles);
}

/**
 * Max file descriptors PgBouncer needs (its docs: max_client_conn + pool size × databases × users), plus
 * 1024 for logs, DNS and the listening sockets. The task's `nofile` ulimit is set to this.
 */
export function pgbouncerNofile(pg: PgBouncerPoolSettings, pooledRoles: number): number {
  return pg.maxClientConn + pgbouncerServerConnectionsPerTask(pg, pooledRoles) + 1024;
}

/** The config's pool keys → the settings every pooler, the fit check and the app outputs read. */
export function poolSettings(input: PoolSettingsInput): PoolSettings {
  return {
    pgbouncer: {
      poolMode: "transaction",
      maxClientConn: input.pgbouncerMaxClientConn,
      defaultPoolSize: input.pgbouncerDefaultPoolSize,
      minPoolSize: input.pgbouncerMinPoolSize,
      reservePoolSize: input.pgbouncerReservePoolSize,
      reservePoolTimeoutSeconds: input.pgbouncerReservePoolTimeoutSeconds,
    },
    proxy: {
      maxConnectionsPercent: input.proxyMaxConnectionsPercent,
      maxIdleConnectionsPercent: input.proxyMaxIdleConnectionsPercent,
      idleClientTimeoutSeconds: input.proxyIdleClientTimeoutSeconds,
      connectionBorrowTimeoutSeconds: input.proxyConnectionBorrowTimeoutSeconds,
    },
    app: input.appPool,
  };
}

/** RDS Proxy's `connectionPoolConfig` (aws.rds.ProxyDefaultTargetGroup). */
export function proxyConnectionPoolConfig(s: ProxyPoolSettings): {
  connectionBorrowTimeout: number;
  maxConnectionsPercent: number;
  maxIdleConnectionsPercent: number;
} {
  return {
    connectionBorrowTimeout: s.connectionBorrowTimeoutSeconds,
    maxConnectionsPercent: s.maxConnectionsPercent,
    maxIdleConnectionsPercent: s.maxIdleConnectionsPercent,
  };
}

/** The app-side pool to use against the pooled endpoint (`postgresAdapter({ pool })`, node-postgres). */
export interface AppPoolPooled extends AppPool {
  readonly pooler: PoolerKind;
  /** node-postgres `ssl`: verify the server certificate where the pooler has a verifiable one. */
  readonly ssl: { readonly rejectUnauthorized: boolean };
  /** libpq-style sslmode for connection strings. */
  readonly sslmode: "verify-full" | "require";
  /**
   * False behind a transaction pooler: named (server-side) prepared statements live on one server
   * connection and the next transaction may run on another. node-postgres only prepares named
   * statements when a query carries `name`; postgres.js needs `prepare: false`.
   */
  readonly namedPreparedStatements: boolean;
  /** postgres.js option matching `namedPreparedStatements`. */
  readonly prepare: boolean;
  readonly allowExitOnIdle: boolean;
}

export function appPoolSettingsPooled(
  pooler: PoolerKind,
  app: AppPool,
  environment: "dev" | "prod",
): AppPoolPooled {
  // Every pooler's certificate is verifiable: RDS Proxy presents an ACM certificate (Amazon Root CAs, in
  // Node's default trust store); PgBouncer presents a certificate for the NLB's name from the stack's
  // private CA (the `poolerCaCertificatePem` output, which the app passes as `ssl.ca` / sslrootcert).
  const verifiable = true;
  return {
    pooler,
    ...app,
    ssl: { rejectUnauthorized: verifiable },
    sslmode: verifiable ? "verify-full" : "require",
    // RDS Proxy pins a session that prepares a named statement (it works, but loses pooling): say no.
    namedPreparedStatements: pooler === "none",
    prepare: pooler === "none",
    allowExitOnIdle: environment !== "prod",
  };
}

export interface PoolFitInput {
  /** The instance's `max_connections` (explicit, or RDS's memory-based default from spec/instanceProfile.ts). */
  readonly maxConnections: number;
  readonly pooler: PoolerKind;
  /**
   * PgBouncer tasks that may run at once: desired count × the deployment's maximum percent / 100, since
   * old tasks keep their server connections until they drain.
   */
  readonly pgbouncerTasks: number;
  /** Login roles pooled by PgBouncer: each (database, user) pair gets its own pool. @default 1 */
  readonly pooledRoles?: number;
  /** The pool settings (`poolSettings(config)`), exactly what the poolers are configured with. */
  readonly settings: Pick<PoolSettings, "pgbouncer" | "proxy">;
  /** Connections left to admins and migrations. @default defaultAdminReserve(maxConnections) */
  readonly adminReserve?: number;
}

/** One reason the pools cannot fit: the keys involved, the numbers, and the fix. */
export interface PoolFitProblem {
  readonly keys: readonly string[];
  readonly message: string;
}

/**
 * Checks that the pooler's server connections fit inside `max_connections` with the admin/migration
 * reserve left over. Returns every problem (empty when the settings fit).
 */
export function validatePoolFit(input: PoolFitInput): PoolFitProblem[] {
  const problems: PoolFitProblem[] = [];
  const m = input.maxConnections;
  const reserve = input.adminReserve ?? defaultAdminReserve(m);
  const room = m - reserve;
  const pg = input.settings.pgbouncer;
  const proxy = input.settings.proxy;
  if (input.pooler === "pgbouncer") {
    const roles = Math.max(1, input.pooledRoles ?? 1);
    const total = pgbouncerServerConnectionsPerTask(pg, roles) * input.pgbouncerTasks;
    if (total > room) {
      problems.push({
        keys: [
          "pgbouncerDefaultPoolSize",
          "pgbouncerReservePoolSize",
          "pgbouncerDesiredCount",
          "maxConnections",
        ],
        message:
          `PgBouncer can open ${total} server connections (${input.pgbouncerTasks} tasks during a deployment × ` +
          `(pgbouncerDefaultPoolSize ${pg.defaultPoolSize} + pgbouncerReservePoolSize ${pg.reservePoolSize}) × ` +
          `${roles} pooled role(s)), but max_connections ${m} leaves ${room} after ${reserve} reserved for admin ` +
          `sessions and migrations. Lower the pool sizes or pgbouncerDesiredCount, or raise maxConnections / instanceClass.`,
      });
    }
  }
  if (input.pooler === "rds-proxy") {
    const share = Math.floor((m * proxy.maxConnectionsPercent) / 100);
    if (share > room) {
      const maxPercent = Math.max(0, Math.floor((room * 100) / m));
      problems.push({
        keys: ["proxyMaxConnectionsPercent", "maxConnections"],
        message:
          `RDS Proxy may open ${share} connections (proxyMaxConnectionsPercent ${proxy.maxConnectionsPercent}% of ` +
          `max_connections ${m}), but only ${room} are left after ${reserve} reserved for admin sessions and ` +
          `migrations. Set proxyMaxConnectionsPercent to ${maxPercent} or less, or raise maxConnections / instanceClass.`,
      });
    }
    const idle = proxy.maxIdleConnectionsPercent;
    if (idle > proxy.maxConnectionsPercent) {
      problems.push({
        keys: ["proxyMaxIdleConnectionsPercent", "proxyMaxConnectionsPercent"],
        message: `proxyMaxIdleConnectionsPercent ${idle} is above proxyMaxConnectionsPercent ${proxy.maxConnectionsPercent}; RDS rejects it. Lower it.`,
      });
    }
  }
  if (input.pooler !== "none" && room < 1) {
    problems.push({
      keys: ["maxConnections"],
      message: `max_connections ${m} leaves nothing for a pooler after ${reserve} reserved for admin sessions and migrations. Raise maxConnections or instanceClass.`,
    });
  }
  return problems;
}

/** Throws one Error listing every problem, or returns when the pools fit. */
export function assertPoolFit(input: PoolFitInput): void {
  const problems = validatePoolFit(input);
  if (problems.length > 0) {
    throw new Error(
      `Pool settings do not fit the database: ${problems.map((p) => `[${p.keys.join(", ")}] ${p.message}`).join(" ")}`,
    );
  }
}
