/**
 * The CloudWatch dashboard body, as a pure function of the alarm definitions: the guide's Grafana panels
 * ("Key Metrics to Monitor": connection pool, database size, table sizes, active queries, cache hit
 * ratio) and one graph per alarm, each drawing every instance's metric with the alarm threshold as a
 * horizontal line, so what pages someone is exactly what the dashboard shows.
 *
 * The SQL panels (cache hit ratio, database and largest table size, dead tuples, long-running queries and
 * the oldest query's age, connections by state) draw the metrics the database operations function
 * publishes from the guide's queries (functions/dbops/metrics.ts); RDS for PostgreSQL has no CloudWatch
 * metric for them (BufferCacheHitRatio is Aurora-only). Statement text stays off the dashboard because
 * statements can carry PHI.
 */
import {
  DB_METRICS,
  DB_METRICS_DIMENSION,
  DB_METRICS_NAMESPACE,
  LONG_QUERY_SECONDS,
} from "../../spec/databaseOps";
import type { AlarmDefinition, AlarmedPoolerKind } from "./alarmDefinitions";

export interface DashboardInstance {
  readonly identifier: string;
  readonly replica: boolean;
  readonly maxConnections: number;
  readonly alarms: readonly AlarmDefinition[];
}

export interface DashboardInput {
  readonly region: string;
  readonly title: string;
  readonly instances: readonly DashboardInstance[];
  readonly pooler: { readonly kind: AlarmedPoolerKind | "none"; readonly alarms: readonly AlarmDefinition[] };
  /**
   * The SQL metrics of the instance the database operations function queries, and their alarms.
   * @default - no SQL panels
   */
  readonly sqlMetrics?: { readonly identifier: string; readonly alarms: readonly AlarmDefinition[] };
  /** ARNs for the alarm-status widget (CloudWatch shows at most 100). */
  readonly alarmArns: readonly string[];
}

/** Widget titles per alarm key, in display order. */
export const WIDGET_TITLES: Readonly<Record<string, string>> = {
  "cpu-high": "CPU utilization (%)",
  "freeable-memory-low": "Freeable memory (bytes)",
  "free-storage-low": "Free storage / database size (bytes)",
  "connections-high": "Connections vs max_connections (guide: connection pool)",
  "replica-lag-high": "Replica lag (s)",
  "slow-queries": "Slow queries (count/min)",
  "transaction-ids-high": "Maximum used transaction IDs (wraparound)",
  "disk-queue-high": "Disk queue depth",
  "cpu-credits-low": "CPU credit balance",
  "auth-failures": "Failed logins (count/5 min)",
  "cache-hit-ratio-low": "Cache hit ratio, heap blocks of user tables (%) (guide: > 99 %)",
  "long-running-queries": "Client queries active longer than the slow-query threshold",
  "sql-metrics-missing": "SQL metric runs (samples of DatabaseSizeBytes per 5 min)",
  "dbops-function-errors": "Database operations function errors",
  "rds-proxy-pool-high": "RDS Proxy database connections",
  "rds-proxy-pinned-sessions": "RDS Proxy pinned sessions",
  "rds-proxy-auth-failures": "RDS Proxy refused logins",
  "rds-proxy-unavailable": "RDS Proxy writer availability (%)",
  "pgbouncer-cpu-high": "PgBouncer CPU (%)",
  "pgbouncer-memory-high": "PgBouncer memory (%)",
  "pgbouncer-unhealthy-targets": "PgBouncer unhealthy targets",
  "pgbouncer-no-healthy-targets": "PgBouncer healthy targets",
  "pgbouncer-clients-waiting": "PgBouncer clients waiting for a server connection",
  "pgbouncer-max-wait": "PgBouncer longest client wait (s)",
};

type MetricRow = (string | { label?: string; stat?: string; period?: number })[];
interface Annotation {
  readonly label: string;
  readonly value: number;
}
export interface Widget {
  readonly type: "metric" | "text" | "alarm";
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly properties: Record<string, unknown>;
}

const metricRow = (d: AlarmDefinition, label: string): MetricRow => [
  d.namespace,
  d.metricName,
  ...Object.entries(d.dimensions).flat(),
  { label, stat: d.statistic, period: d.periodSeconds },
];

const verb = (d: AlarmDefinition) =>
  d.comparisonOperator.startsWith("Greater") ? "alarm above" : "alarm below";

/** One graph per alarm key, all instances on it, each distinct threshold as a line. */
function alarmWidgets(
  region: string,
  groups: readonly { label: string; alarms: readonly AlarmDefinition[] }[],
  extra: (key: string) => Annotation[],
) {
  const keys = Object.keys(WIDGET_TITLES).filter((k) =>
    groups.some((g) => g.alarms.some((a) => a.key === k)),
  );
  return keys.map((key) => {
    const defs = groups.flatMap((g) => g.alarms.filter((a) => a.key === key).map((a) => ({ g, a })));
    const seen = new Set<number>();
    const horizontal: Annotation[] = [];
    for (const { a } of defs) {
      if (seen.has(a.threshold)) continue;
      seen.add(a.threshold);
      horizontal.push({ label: `${verb(a)} ${a.threshold}`, value: a.threshold });
    }
    return {
      type: "metric" as const,
      properties: {
        title: WIDGET_TITLES[key],
        region,
        view: "timeSeries",
        stacked: false,
        metrics: defs.map(({ g, a }) => metricRow(a, g.label)),
        annotations: { horizontal: [...horizontal, ...extra(key)] },
        yAxis: { left: { min: 0 } },
      },
    };
  });
}

/**
 * Refuses an instance whose connection alarm is not strictly below the max_connections line drawn next to
 * it: both come from one number (spec/instanceProfile.ts, through connectionsThreshold), so a mismatch
 * means a caller passed numbers from two different sources, and an alarm at or above the limit never fires.
 */
function assertConnectionLines(instances: readonly DashboardInstance[]): void {
  for (const i of instances) {
    const alarm = i.alarms.find((a) => a.key === "connections-high");
    if (alarm && !(alarm.threshold < i.maxConnections)) {
      throw new Error(
        `dashboard: ${i.identifier}'s connections-high alarm (${alarm.threshold}) is not below its max_connections ` +
          `(${i.maxConnections}); pass the maxConnections the alarm was sized from.`,
      );
    }
  }
}

/** The SQL metrics' panels: their alarms' graphs, then sizes, dead tuples, query age and connections. */
function sqlWidgets(
  region: string,
  sql: DashboardInput["sqlMetrics"],
): Omit<Widget, "x" | "y" | "width" | "height">[] {
  if (!sql) return [];
  const id = sql.identifier;
  const row = (m: { readonly name: string }, label: string): MetricRow => [
    DB_METRICS_NAMESPACE,
    m.name,
    DB_METRICS_DIMENSION,
    id,
    { label, stat: "Maximum", period: 60 },
  ];
  const panel = (title: string, metrics: unknown[], extra: Record<string, unknown> = {}) => ({
    type: "metric" as const,
    properties: {
      title,
      region,
      view: "timeSeries",
      stacked: false,
      metrics,
      yAxis: { left: { min: 0 } },
      ...extra,
    },
  });
  // Connections are published per state (dimension State); SEARCH draws every state that reports,
  // including ones that appear later (CloudWatch User Guide, "Using search expressions in graphs").
  const byState = `SEARCH('{${DB_METRICS_NAMESPACE},${DB_METRICS_DIMENSION},State} MetricName="${DB_METRICS.connectionsByState.name}" ${DB_METRICS_DIMENSION}="${id}"', 'Maximum', 60)`;
  return [
    ...alarmWidgets(region, [{ label: id, alarms: sql.alarms }], () => []),
    panel("Database and largest table size (bytes) (guide: database size, table sizes)", [
      row(DB_METRICS.databaseSize, `${id} database`),
      row(DB_METRICS.largestTableSize, `${id} largest table`),
    ]),
    panel("Dead tuples (guide: table bloat)", [row(DB_METRICS.deadTuples, `${id} dead tuples`)]),
    panel(
      "Oldest active client query (s) (guide: active queries)",
      [row(DB_METRICS.oldestActiveQuerySeconds, `${id} oldest query`)],
      {
        annotations: {
          horizontal: [{ label: `slow-query threshold ${LONG_QUERY_SECONDS} s`, value: LONG_QUERY_SECONDS }],
        },
      },
    ),
    panel("Client connections by state (guide: connection pool)", [
      [{ expression: byState, id: "states", period: 60 }],
    ]),
  ];
}

export function dashboardBody(input: DashboardInput): { widgets: Widget[] } {
  const { region } = input;
  assertConnectionLines(input.instances);
  const rdsRows = (metric: string, stat: string) =>
    input.instances.map(
      (i): MetricRow => [
        "AWS/RDS",
        metric,
        "DBInstanceIdentifier",
        i.identifier,
        { label: `${i.identifier} ${metric}`, stat },
      ],
    );

  const content: Omit<Widget, "x" | "y" | "width" | "height">[] = [
    ...alarmWidgets(
      region,
      input.instances.map((i) => ({ label: i.identifier, alarms: i.alarms })),
      (key) =>
        key === "connections-high"
          ? input.instances.map((i) => ({
              label: `${i.identifier} max_connections`,
              value: i.maxConnections,
            }))
          : [],
    ),
    {
      type: "metric",
      properties: {
        title: "Active sessions (guide: active queries; Performance Insights DBLoad)",
        region,
        view: "timeSeries",
        stacked: false,
        metrics: [...rdsRows("DBLoadCPU", "Average"), ...rdsRows("DBLoadNonCPU", "Average")],
        yAxis: { left: { min: 0 } },
      },
    },
    {
      type: "metric",
      properties: {
        title: "IOPS",
        region,
        view: "timeSeries",
        stacked: false,
        metrics: [...rdsRows("ReadIOPS", "Average"), ...rdsRows("WriteIOPS", "Average")],
        yAxis: { left: { min: 0 } },
      },
    },
    {
      type: "metric",
      properties: {
        title: "I/O latency (s)",
        region,
        view: "timeSeries",
        stacked: false,
        metrics: [...rdsRows("ReadLatency", "Average"), ...rdsRows("WriteLatency", "Average")],
        yAxis: { left: { min: 0 } },
      },
    },
    ...sqlWidgets(region, input.sqlMetrics),
    ...alarmWidgets(region, [{ label: input.pooler.kind, alarms: input.pooler.alarms }], () => []),
  ];
  if (input.pooler.kind === "rds-proxy" && input.pooler.alarms[0]) {
    const proxy = input.pooler.alarms[0].dimensions.ProxyName;
    content.push({
      type: "metric",
      properties: {
        title: "RDS Proxy client connections",
        region,
        view: "timeSeries",
        stacked: false,
        metrics: [["AWS/RDS", "ClientConnections", "ProxyName", proxy, { label: proxy, stat: "Sum" }]],
        yAxis: { left: { min: 0 } },
      },
    });
  }

  const header: Widget[] = [
    {
      type: "text",
      x: 0,
      y: 0,
      width: 24,
      height: 2,
      properties: {
        markdown: `# ${input.title}\nThresholds from the database guide's "Alerting Thresholds" (CPU, memory, disk, connections, replica lag, slow queries), sized from the instance class; alarms notify the encrypted alarm topic.`,
      },
    },
    {
      type: "alarm",
      x: 0,
      y: 2,
      width: 24,
      height: 4,
      properties: {
        title: "Alarm status",
        alarms: input.alarmArns.slice(0, 100),
        sortBy: "stateUpdatedTimestamp",
      },
    },
  ];
  const widgets = content.map(
    (w, n): Widget => ({ ...w, x: (n % 2) * 12, y: 6 + Math.floor(n / 2) * 6, width: 12, height: 6 }),
  );
  return { widgets: [...header, ...widgets] };
}
