/**
 * What the in-VPC database operations function (functions/dbops) does, stated once for the function, the
 * stack (components/postgres/databaseOps.ts, the alarms and dashboard), the twin's tests and the docs.
 * Pure data: no Pulumi, no I/O.
 */
import { GUIDE_THRESHOLDS } from "./guide";

/**
 * The monitoring role the function signs in as to read the guide's monitoring queries: a login role
 * whose only privileges are CONNECT on the database and membership in `pg_monitor` (PostgreSQL's
 * predefined role for reading pg_stat_* and sizes; https://www.postgresql.org/docs/16/predefined-roles.html).
 * It reads no table data.
 */
export const MONITOR_ROLE = Object.freeze({ name: "verscienta_monitor", connectionLimit: 3 });

/** Suffix of the second login of an alternating-users role (`app_user` / `app_user_clone`). */
export const CLONE_SUFFIX = "_clone";

/**
 * Rotation strategy per role kind. The owner rotates as a single user, so it stays the owner of every
 * table its migrations create; the app and analytics roles alternate between `<role>` and `<role>_clone`
 * so a client holding the previous secret version can still open connections until the next rotation.
 * The monitoring role is used by the function only: single user.
 */
export const ROTATION_STRATEGY = Object.freeze({
  owner: "single-user",
  app: "alternating-users",
  analytics: "alternating-users",
  monitor: "single-user",
} as const);

/**
 * Generated passwords: 40 characters from letters and digits (about 238 bits), so a password never needs
 * escaping in a connection URL, a libpq keyword string or SQL.
 */
export const PASSWORD_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
export const PASSWORD_LENGTH = 40;

/** The column-encryption key the guide's pgcrypto migration reads as DATABASE_ENCRYPTION_KEY: 32 random bytes, base64. */
export const COLUMN_KEY_BYTES = 32;

/** CloudWatch namespace of the function's SQL metrics (embedded metric format). */
export const DB_METRICS_NAMESPACE = "Verscienta/PostgreSQL";
/** Every SQL metric carries this one dimension (plus `State` for connections by state). */
export const DB_METRICS_DIMENSION = "DBInstanceIdentifier";

/** How often the function collects the SQL metrics (EventBridge schedule expression). */
export const DB_METRICS_SCHEDULE = "rate(1 minute)";

/** The SQL metrics the function publishes; `unit` is a CloudWatch unit. */
export const DB_METRICS = Object.freeze({
  /** The guide's cache hit ratio over pg_statio_user_tables, as a percentage (guide: should be > 99 %). */
  cacheHitRatio: { name: "CacheHitRatio", unit: "Percent" },
  /** pg_database_size of the app database. */
  databaseSize: { name: "DatabaseSizeBytes", unit: "Bytes" },
  /** pg_total_relation_size of the largest table in the app schema (the guide lists the top 10). */
  largestTableSize: { name: "LargestTableBytes", unit: "Bytes" },
  /** Sum of n_dead_tup over the app database's user tables. */
  deadTuples: { name: "DeadTuples", unit: "Count" },
  /** Client backends in state `active` whose query started more than `LONG_QUERY_SECONDS` ago. */
  longRunningQueries: { name: "LongRunningQueries", unit: "Count" },
  /** Age in seconds of the oldest active client query (0 when none). */
  oldestActiveQuerySeconds: { name: "OldestActiveQuerySeconds", unit: "Seconds" },
  /** Client backends per state (`active`, `idle`, `idle in transaction`, ...), dimension `State`. */
  connectionsByState: { name: "Connections", unit: "Count" },
} as const);

/** The guide's "Slow Queries: Alert if query > 5 seconds" applied to queries still running. */
export const LONG_QUERY_SECONDS = GUIDE_THRESHOLDS.slowQuerySeconds;
/** The guide's cache hit ratio target, in percent. */
export const CACHE_HIT_RATIO_MIN_PERCENT = 99;
