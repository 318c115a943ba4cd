/**
 * The guide's monitoring queries ("Monitoring" → "Key Metrics to Monitor", and "Troubleshooting" →
 * "Performance Issues" for dead tuples and runaway queries), run by the database operations function as
 * the monitoring role (MONITOR_ROLE: CONNECT plus membership in `pg_monitor`, no table privileges), and
 * their CloudWatch embedded-metric-format documents.
 *
 * Only numbers and the fixed connection-state names leave the database: no query text, user name,
 * application name or client address is selected (statement text can hold PHI, and a client address
 * identifies a workstation).
 *
 * What the monitoring role can see, and why these queries need nothing more (PostgreSQL 16, "Predefined
 * Roles", https://www.postgresql.org/docs/16/predefined-roles.html): `pg_monitor` includes
 * `pg_read_all_stats`, which shows every backend's `state` and `query_start` in pg_stat_activity (other
 * roles see NULL for sessions of other users), and lets `pg_database_size` read any database. The
 * pg_stat and pg_statio table views list every table of the connected database whatever the caller's
 * table privileges, and `pg_total_relation_size` checks none.
 */
import type { Client } from "pg";
import {
  DB_METRICS,
  DB_METRICS_DIMENSION,
  DB_METRICS_NAMESPACE,
  LONG_QUERY_SECONDS,
} from "../../spec/databaseOps";
import type { DatabaseTarget, MetricsSnapshot } from "./contract";

/** The schema whose tables the largest-table metric covers: the access model's schema (its default). */
export const METRICS_SCHEMA = "public";

/** The state reported for a client backend whose `state` is NULL (e.g. still starting up). */
export const UNKNOWN_STATE = "unknown";

/**
 * The guide's cache hit ratio over heap blocks of the user tables, as a percentage. `sum()` of the
 * bigint counters is numeric, so the division is exact decimal arithmetic like the guide's; NULL when
 * nothing has been read or hit yet (0/0, or no user table at all).
 */
export const CACHE_HIT_RATIO_SQL = `SELECT (100 * sum(heap_blks_hit) / NULLIF(sum(heap_blks_hit) + sum(heap_blks_read), 0))::float8 AS percent
FROM pg_statio_user_tables`;

/** pg_database_size of the target database (the guide lists every database by this function). */
export const DATABASE_SIZE_SQL = "SELECT pg_database_size($1::name)::text AS bytes";

/**
 * The top entry of the guide's table-size query: pg_total_relation_size (heap, indexes, TOAST) of the
 * largest table in the schema. The guide names each table as `schemaname||'.'||tablename`; resolving a
 * name needs USAGE on the schema, which the monitoring role does not have (PUBLIC loses it, see the
 * access model's revokeFromPublic), so this reads the same rows pg_tables is built from (pg_class,
 * relkind 'r' and 'p', joined to pg_namespace) and passes the OID, which no privilege guards.
 */
export const LARGEST_TABLE_SQL = `SELECT coalesce(max(pg_total_relation_size(c.oid)), 0)::text AS bytes
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE n.nspname = $1 AND c.relkind IN ('r', 'p')`;

/** Dead tuples over the database's user tables (the guide's bloat check reads n_dead_tup per table). */
export const DEAD_TUPLES_SQL = "SELECT coalesce(sum(n_dead_tup), 0)::text AS tuples FROM pg_stat_user_tables";

/**
 * Active client queries older than the threshold, and the oldest active client query's age. The guide's
 * runaway-query check (`state = 'active' AND query_start < now() - interval ...`) narrowed to client
 * backends (autovacuum workers and WAL senders are not the application's queries) and without this
 * function's own backend, which is always active while it asks.
 */
export const ACTIVE_QUERIES_SQL = `SELECT count(*) FILTER (WHERE now() - query_start > make_interval(secs => $1))::int AS long_running,
       coalesce(extract(epoch FROM max(now() - query_start)), 0)::float8 AS oldest_seconds
FROM pg_stat_activity
WHERE state = 'active' AND backend_type = 'client backend' AND pid <> pg_backend_pid()`;

/**
 * Client backends of the whole server grouped by state (the guide's connection-pool query counts all of
 * pg_stat_activity; background workers are not connections). This function's own connection is counted:
 * it is one of the server's connections while it runs.
 */
export const CONNECTIONS_BY_STATE_SQL = `SELECT coalesce(state, '${UNKNOWN_STATE}') AS state, count(*)::int AS connections
FROM pg_stat_activity
WHERE backend_type = 'client backend'
GROUP BY 1
ORDER BY 1`;

/** A bigint or numeric the driver returns as text, as a JavaScript number (exact below 2^53). */
function toNumber(what: string, v: unknown): number {
  const n = typeof v === "number" ? v : Number(v);
  if (!Number.isFinite(n))
    throw new Error(
      `metrics: ${what} returned ${String(v)}, not a number. Check the query and the role's pg_monitor membership.`,
    );
  return n;
}

/** Runs the guide's monitoring queries on `client` (connected to `target.database`). */
export async function collectMetrics(
  client: Client,
  target: DatabaseTarget,
  schema: string = METRICS_SCHEMA,
): Promise<MetricsSnapshot> {
  const ratio = await client.query<{ percent: number | null }>(CACHE_HIT_RATIO_SQL);
  const size = await client.query<{ bytes: string }>(DATABASE_SIZE_SQL, [target.database]);
  const largest = await client.query<{ bytes: string }>(LARGEST_TABLE_SQL, [schema]);
  const dead = await client.query<{ tuples: string }>(DEAD_TUPLES_SQL);
  const active = await client.query<{ long_running: number; oldest_seconds: number }>(ACTIVE_QUERIES_SQL, [
    LONG_QUERY_SECONDS,
  ]);
  const states = await client.query<{ state: string; connections: number }>(CONNECTIONS_BY_STATE_SQL);

  const percent = ratio.rows[0]?.percent;
  return {
    cacheHitRatioPercent:
      percent === null || percent === undefined ? undefined : toNumber("cache hit ratio", percent),
    databaseSizeBytes: toNumber("pg_database_size", size.rows[0]?.bytes),
    largestTableBytes: toNumber("largest table size", largest.rows[0]?.bytes),
    deadTuples: toNumber("dead tuples", dead.rows[0]?.tuples),
    longRunningQueries: toNumber("long-running queries", active.rows[0]?.long_running),
    oldestActiveQuerySeconds: toNumber("oldest active query", active.rows[0]?.oldest_seconds),
    connectionsByState: Object.fromEntries(
      states.rows.map((r) => [r.state, toNumber(`connections in state ${r.state}`, r.connections)]),
    ),
  };
}

/** One metric of an EMF directive. */
interface EmfMetric {
  readonly Name: string;
  readonly Unit: string;
}

/**
 * One EMF document: `_aws` metadata with the timestamp and one metric directive, the dimension values
 * and the metric values as root members.
 */
function emfDocument(
  timestampMs: number,
  dimensions: Readonly<Record<string, string>>,
  values: readonly (readonly [EmfMetric, number])[],
): string {
  return JSON.stringify({
    _aws: {
      Timestamp: timestampMs,
      CloudWatchMetrics: [
        {
          Namespace: DB_METRICS_NAMESPACE,
          Dimensions: [Object.keys(dimensions)],
          Metrics: values.map(([m]) => ({ Name: m.Name, Unit: m.Unit })),
        },
      ],
    },
    ...dimensions,
    ...Object.fromEntries(values.map(([m, v]) => [m.Name, v])),
  });
}

const metric = (m: { readonly name: string; readonly unit: string }): EmfMetric => ({
  Name: m.name,
  Unit: m.unit,
});

/**
 * The snapshot as CloudWatch embedded metric format documents, one JSON object per line (Amazon
 * CloudWatch User Guide, "Specification: Embedded metric format",
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html):
 * - `_aws.Timestamp` is milliseconds since the epoch; `_aws.CloudWatchMetrics` holds MetricDirectives of
 *   `Namespace`, `Dimensions` (an array of DimensionSets, each an array of root member names) and
 *   `Metrics` (`Name`, `Unit`).
 * - Every member a directive references must be on the root node, so a metric with no value (the cache
 *   hit ratio before any block was read) is left out of the directive, not published as null.
 * - A log event must be the JSON object and nothing else: the handler must write each line as the whole
 *   message (no prefix).
 *
 * The instance-wide metrics share one document with dimension [DBInstanceIdentifier]; connections by
 * state are one document per state with dimensions [DBInstanceIdentifier, State], since one document
 * carries one value per metric name.
 */
export function toEmf(s: MetricsSnapshot, target: DatabaseTarget, timestampMs: number): string[] {
  if (!Number.isInteger(timestampMs) || timestampMs <= 0)
    throw new Error(
      `toEmf: timestampMs: ${timestampMs} is not milliseconds since the epoch. Pass Date.now().`,
    );
  if (!target.instanceIdentifier)
    throw new Error(
      "toEmf: target.instanceIdentifier is empty; set the DB_INSTANCE_IDENTIFIER environment variable.",
    );
  const instance = { [DB_METRICS_DIMENSION]: target.instanceIdentifier };
  const values: [EmfMetric, number][] = [
    ...(s.cacheHitRatioPercent === undefined
      ? []
      : [[metric(DB_METRICS.cacheHitRatio), s.cacheHitRatioPercent] as [EmfMetric, number]]),
    [metric(DB_METRICS.databaseSize), s.databaseSizeBytes],
    [metric(DB_METRICS.largestTableSize), s.largestTableBytes],
    [metric(DB_METRICS.deadTuples), s.deadTuples],
    [metric(DB_METRICS.longRunningQueries), s.longRunningQueries],
    [metric(DB_METRICS.oldestActiveQuerySeconds), s.oldestActiveQuerySeconds],
  ];
  const connections = metric(DB_METRICS.connectionsByState);
  return [
    emfDocument(timestampMs, instance, values),
    ...Object.entries(s.connectionsByState)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([state, n]) => emfDocument(timestampMs, { ...instance, State: state }, [[connections, n]])),
  ];
}
