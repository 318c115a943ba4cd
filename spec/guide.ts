/**
 * The platform database guide's numbers, and where the platform departs from them (each departure says
 * why). Pure data: the config defaults (spec/keys.ts), the alarm and pool components and the local twin
 * read these; docs/guide-requirements.md is checked against them by a test.
 */

/**
 * The guide's "Alerting Thresholds", then what a DBA adds (wraparound, disk queue, CPU credits, failed
 * logins). The config defaults of the `alarm*` keys are these.
 */
export const GUIDE_THRESHOLDS = Object.freeze({
  /** "CPU Usage: Alert if > 80% for 5 minutes". */
  cpuPercent: 80,
  cpuMinutes: 5,
  /** "Memory: Alert if < 10% available". */
  freeableMemoryPercent: 10,
  /** "Disk Space: Alert if < 20% free". */
  freeStoragePercent: 20,
  /** "Connection Pool: Alert if > 90% utilization". */
  connectionsPercent: 90,
  /** "Replication Lag: Alert if > 10 seconds". */
  replicaLagSeconds: 10,
  /** "Slow Queries: Alert if query > 5 seconds". */
  slowQuerySeconds: 5,
  /** Transaction-ID wraparound: PostgreSQL stops accepting writes near 2^31; act at ~1 billion. */
  maxUsedTransactionIds: 1_000_000_000,
  diskQueueDepth: 64,
  /** Burstable classes only: alarm when fewer credits remain. */
  cpuCreditBalance: 50,
  /** Failed logins per 5 minutes (HIPAA 164.308(a)(5)(ii)(C), log-in monitoring). */
  authFailures: 10,
});

/** The guide's PgBouncer block, except `max_client_conn` (its 100 cannot serve "1000s of clients"). */
export const GUIDE_PGBOUNCER = Object.freeze({
  /** `pool_mode = transaction`: a server connection is lent for one transaction. */
  poolMode: "transaction" as const,
  maxClientConn: 10_000,
  defaultPoolSize: 20,
  minPoolSize: 5,
  reservePoolSize: 5,
  reservePoolTimeoutSeconds: 3,
});

/**
 * The guide's application-side pool (`postgresAdapter({ pool })`), per environment, exported for the
 * app's adapter through the stack outputs.
 */
export const APP_POOL = {
  dev: { max: 10, min: 2, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 5_000, maxUses: 7_500 },
  prod: { max: 20, min: 5, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 5_000, maxUses: 7_500 },
} as const;

/** Extensions the guide creates, plus pg_stat_statements from its monitoring section. */
export const GUIDE_EXTENSIONS = [
  "uuid-ossp",
  "pgcrypto",
  "cube",
  "earthdistance",
  "pg_stat_statements",
] as const;

/** Extensions that may be added through config: the guide's, then a vetted few. */
export const ALLOWED_EXTENSIONS = [
  ...GUIDE_EXTENSIONS,
  "postgis",
  "pgaudit",
  "pg_trgm",
  "btree_gin",
  "btree_gist",
  "citext",
  "hstore",
  "fuzzystrmatch",
] as const;

/** The guide's roles: an owner that migrates, the app's CRUD role, a read-only analytics role. */
export const GUIDE_ROLES = {
  owner: { name: "verscienta_owner", connectionLimit: 5 },
  app: { name: "app_user", connectionLimit: 100 },
  analytics: { name: "analytics_readonly", connectionLimit: 10 },
} as const;

/** The guide's database and master user names. */
export const GUIDE_DATABASE = { name: "verscienta_health", masterUsername: "verscienta_admin" } as const;

/**
 * RDS Proxy settings from the guide's app pool: a client waits `connectionTimeoutMillis` (5 s) for a
 * connection; the app closes idle connections itself, so the proxy only drops forgotten clients (30 min).
 */
export const GUIDE_PROXY = {
  connectionBorrowTimeoutSeconds: APP_POOL.prod.connectionTimeoutMillis / 1000,
  idleClientTimeoutSeconds: 1800,
} as const;

/** Default disaster-recovery region for a primary region (the guide: "a separate geographic location"). */
export const DEFAULT_DR_REGIONS: Readonly<Record<string, string>> = {
  "us-east-1": "us-west-2",
  "us-east-2": "us-west-2",
  "us-west-1": "us-east-1",
  "us-west-2": "us-east-1",
  "eu-west-1": "eu-central-1",
  "eu-central-1": "eu-west-1",
  "ca-central-1": "ca-west-1",
};
