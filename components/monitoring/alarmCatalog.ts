/**
 * The alarm catalog: for every alarm the stack can create, the metric it watches as AWS documents it
 * (namespace, metric name, dimension keys, statistic), how it treats missing data and why, and the AWS
 * page each fact comes from. Written apart from alarmDefinitions.ts on purpose: tests hold every
 * definition, and every alarm the program registers, to this table, so a changed statistic or dimension
 * must be changed (and re-cited) in both places. The README's alarm table is rendered from it
 * (`alarmCatalogMarkdown`) and a test keeps the two equal.
 */
import type { MissingData, Statistic } from "./alarmDefinitions";

export interface AlarmSource {
  /** Page title, as AWS names it. */
  readonly title: string;
  readonly url: string;
  /** What the page establishes for this alarm (metric, dimensions, statistic), in our words. */
  readonly says: string;
}

export type AlarmScope =
  | "instance"
  | "replica"
  | "burstable"
  | "rds-proxy"
  | "pgbouncer"
  | "primary-sql"
  | "dbops-function";

export interface CatalogEntry {
  /** The alarm key (suffix of the alarm name). */
  readonly key: string;
  /** Which alarms get it: every instance, replicas, burstable classes, or one pooler. */
  readonly scope: AlarmScope;
  readonly namespace: string;
  /** The metric name; `<id>` stands for the DB instance identifier in log-derived metric names. */
  readonly metric: string;
  /** Exactly the dimension names the alarm sets (one of the metric's documented dimension sets). */
  readonly dimensionKeys: readonly string[];
  /** Dimension values that are fixed whatever the stack (RDS Proxy's target group and role). */
  readonly fixedDimensions?: Readonly<Record<string, string>>;
  readonly statistic: Statistic;
  readonly treatMissingData: MissingData;
  /** Why missing data is treated this way. */
  readonly missingDataReason: string;
  /** The default threshold, for people (the definitions' tests pin the numbers). */
  readonly threshold: string;
  readonly source: AlarmSource;
}

const RDS_METRICS = {
  title: "Amazon CloudWatch metrics for Amazon RDS",
  url: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-metrics.html",
} as const;
const RDS_PROXY_METRICS = {
  title: "Monitoring RDS Proxy metrics with Amazon CloudWatch",
  url: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-proxy.monitoring.html",
} as const;
const ECS_SERVICE = {
  title: "Amazon ECS service utilization metrics",
  url: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/service_utilization.html",
} as const;
const NLB_METRICS = {
  title: "CloudWatch metrics for your Network Load Balancer",
  url: "https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-cloudwatch-metrics.html",
} as const;
const LOG_FILTERS = {
  title: "Creating metrics from log events using filters",
  url: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/MonitoringLogData.html",
} as const;
const PUT_METRIC_DATA = {
  title: "PutMetricData (Amazon CloudWatch API Reference)",
  url: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricData.html",
} as const;

const EMF_SPEC = {
  title: "Specification: Embedded metric format",
  url: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html",
} as const;
const LAMBDA_METRICS = {
  title: "Types of metrics for Lambda functions",
  url: "https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html",
} as const;

/**
 * Performance Insights, decided per SQL metric (RDS User Guide, "Performance Insights counter metrics",
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PerfInsights_Counters.html, PostgreSQL
 * native and non-native counters; CloudWatch User Guide, "Create an alarm on Performance Insights counter
 * metrics from an AWS database": alarms may use the DB_PERF_INSIGHTS metric-math function, which takes
 * the instance's DbiResourceId). PI gives none of these six as the guide defines them, so the function
 * publishes them:
 * - cache hit ratio: PI has db.Cache.blks_hit and db.IO.blks_read, from pg_stat_database: every block
 *   of every relation (indexes, TOAST, system catalogs) and as rates per second. The guide's ratio is
 *   heap blocks of the user tables only, cumulative, and is what the integration test proves equal.
 * - connections by state: PI's db.User.numbackends is one total (AWS/RDS DatabaseConnections already
 *   alarms on it), not split by state.
 * - long-running queries / oldest query age: db.Transactions.active_transactions counts active
 *   transactions, with no age; nothing counts queries running longer than a threshold.
 * - database size, largest table, dead tuples: no PI counter (and no AWS/RDS metric: FreeStorageSpace
 *   is the volume, already alarmed).
 * Where PI does give the guide's number it is already used: DBLoad (dashboard "Active sessions") and
 * MaximumUsedTransactionIDs (AWS/RDS, transaction-ids-high) rather than db.Transactions.max_used_xact_ids.
 */
const SQL_METRICS_PUBLISHER =
  "The database operations function publishes it every minute; silence means the collector stopped, which sql-metrics-missing pages for. Here silence is not a breach: the ratio is absent only while no user-table block was read yet (0/0), and the long-running count is 0 on every run without one.";

const RDS_EVERY_MINUTE =
  "RDS publishes it every minute while the instance runs; silence means the instance or its monitoring stopped, and the move to INSUFFICIENT_DATA notifies the topic.";
const LOG_COUNT =
  "A metric filter publishes only when a log line matches; no line is the good case, so silence counts as 0.";
const PROXY_IDLE =
  "RDS Proxy publishes some metrics only after its first successful client connection, and an idle proxy has nothing to count; silence is within the threshold. The availability alarm and the db-proxy event subscription watch the proxy itself.";
const ECS_RUNNING =
  'ECS reports service metrics only while the service has RUNNING tasks ("Amazon ECS CloudWatch metrics"); silence means no PgBouncer task, reported as INSUFFICIENT_DATA, and pgbouncer-no-healthy-targets pages for it.';
const PGBOUNCER_PUBLISHER =
  "The tasks publish these themselves. Silence means every task or its publisher stopped: pgbouncer-no-healthy-targets pages when the tasks are gone, and INSUFFICIENT_DATA (only after every datapoint in the window is missing) reports a dead publisher without claiming a queue. Until the publisher ships, the alarm stays in its initial INSUFFICIENT_DATA, which notifies nobody (actions run on state transitions).";

export const ALARM_CATALOG: readonly CatalogEntry[] = [
  {
    key: "cpu-high",
    scope: "instance",
    namespace: "AWS/RDS",
    metric: "CPUUtilization",
    dimensionKeys: ["DBInstanceIdentifier"],
    statistic: "Average",
    treatMissingData: "missing",
    missingDataReason: RDS_EVERY_MINUTE,
    threshold: "> 80 % for 5 min (guide; `alarmCpuPercent`, `alarmCpuMinutes`)",
    source: {
      ...RDS_METRICS,
      says: "CPUUtilization, percent, per DBInstanceIdentifier; Average over each minute follows the guide's sustained-load rule.",
    },
  },
  {
    key: "freeable-memory-low",
    scope: "instance",
    namespace: "AWS/RDS",
    metric: "FreeableMemory",
    dimensionKeys: ["DBInstanceIdentifier"],
    statistic: "Average",
    treatMissingData: "missing",
    missingDataReason: RDS_EVERY_MINUTE,
    threshold: "< 10 % of class memory for 5 min (guide; `alarmFreeableMemoryPercent`)",
    source: {
      ...RDS_METRICS,
      says: "FreeableMemory, bytes (MemAvailable of /proc/meminfo on PostgreSQL), per DBInstanceIdentifier.",
    },
  },
  {
    key: "free-storage-low",
    scope: "instance",
    namespace: "AWS/RDS",
    metric: "FreeStorageSpace",
    dimensionKeys: ["DBInstanceIdentifier"],
    statistic: "Minimum",
    treatMissingData: "missing",
    missingDataReason: RDS_EVERY_MINUTE,
    threshold: "< 20 % of `allocatedStorageGb` (guide; `alarmFreeStoragePercent`)",
    source: {
      ...RDS_METRICS,
      says: "FreeStorageSpace, bytes, per DBInstanceIdentifier; Minimum catches the lowest point in the period.",
    },
  },
  {
    key: "connections-high",
    scope: "instance",
    namespace: "AWS/RDS",
    metric: "DatabaseConnections",
    dimensionKeys: ["DBInstanceIdentifier"],
    statistic: "Maximum",
    treatMissingData: "missing",
    missingDataReason: RDS_EVERY_MINUTE,
    threshold: "> 90 % of max_connections for 5 min (guide; `alarmConnectionsPercent`)",
    source: {
      ...RDS_METRICS,
      says: "DatabaseConnections, count of client network connections, per DBInstanceIdentifier (one instance, so Maximum is its peak).",
    },
  },
  {
    key: "replica-lag-high",
    scope: "replica",
    namespace: "AWS/RDS",
    metric: "ReplicaLag",
    dimensionKeys: ["DBInstanceIdentifier"],
    statistic: "Maximum",
    treatMissingData: "breaching",
    missingDataReason:
      "A replica stops reporting ReplicaLag when replication stops; silence is the failure itself.",
    threshold: "> 10 s for 5 min (guide; `alarmReplicaLagSeconds`)",
    source: {
      ...RDS_METRICS,
      says: "ReplicaLag, seconds, reported by read replicas, per DBInstanceIdentifier.",
    },
  },
  {
    key: "slow-queries",
    scope: "instance",
    namespace: "Verscienta/PostgreSQL",
    metric: "SlowQueries-<id>",
    dimensionKeys: [],
    statistic: "Sum",
    treatMissingData: "notBreaching",
    missingDataReason: LOG_COUNT,
    threshold: "≥ 1 statement of 5 s or more per minute (guide; `alarmSlowQuerySeconds`)",
    source: {
      ...LOG_FILTERS,
      says: "A metric filter adds its value (1) per matching line to a custom metric; Sum is the count per period. No dimension: the log line does not name the instance, so the metric name does.",
    },
  },
  {
    key: "transaction-ids-high",
    scope: "instance",
    namespace: "AWS/RDS",
    metric: "MaximumUsedTransactionIDs",
    dimensionKeys: ["DBInstanceIdentifier"],
    statistic: "Maximum",
    treatMissingData: "missing",
    missingDataReason: RDS_EVERY_MINUTE,
    threshold: "> 1,000,000,000 (wraparound; `alarmMaxUsedTransactionIds`)",
    source: { ...RDS_METRICS, says: "MaximumUsedTransactionIDs, count, PostgreSQL only." },
  },
  {
    key: "disk-queue-high",
    scope: "instance",
    namespace: "AWS/RDS",
    metric: "DiskQueueDepth",
    dimensionKeys: ["DBInstanceIdentifier"],
    statistic: "Average",
    treatMissingData: "missing",
    missingDataReason: RDS_EVERY_MINUTE,
    threshold: "> 64 for 5 min (`alarmDiskQueueDepth`)",
    source: { ...RDS_METRICS, says: "DiskQueueDepth, outstanding I/Os waiting for the disk." },
  },
  {
    key: "cpu-credits-low",
    scope: "burstable",
    namespace: "AWS/RDS",
    metric: "CPUCreditBalance",
    dimensionKeys: ["DBInstanceIdentifier"],
    statistic: "Minimum",
    treatMissingData: "missing",
    missingDataReason:
      "RDS publishes CPU credit metrics every five minutes while a burstable instance runs (hence the 300 s period); silence is reported as INSUFFICIENT_DATA.",
    threshold: "< 50 credits (`alarmCpuCreditBalance`)",
    source: {
      ...RDS_METRICS,
      says: "CPUCreditBalance, credits, burstable classes only, at a five-minute frequency only.",
    },
  },
  {
    key: "auth-failures",
    scope: "instance",
    namespace: "Verscienta/PostgreSQL",
    metric: "AuthFailures-<id>",
    dimensionKeys: [],
    statistic: "Sum",
    treatMissingData: "notBreaching",
    missingDataReason: LOG_COUNT,
    threshold: "≥ 10 per 5 min (164.308(a)(5)(ii)(C); `alarmAuthFailures`)",
    source: {
      ...LOG_FILTERS,
      says: "A metric filter adds 1 per failed-login line; Sum is the count per period.",
    },
  },
  {
    key: "rds-proxy-pool-high",
    scope: "rds-proxy",
    namespace: "AWS/RDS",
    metric: "DatabaseConnections",
    dimensionKeys: ["ProxyName"],
    statistic: "Sum",
    treatMissingData: "notBreaching",
    missingDataReason: PROXY_IDLE,
    threshold:
      "> 90 % of the proxy's pool (its `proxyMaxConnectionsPercent` of max_connections) for 5 min (guide)",
    source: {
      ...RDS_PROXY_METRICS,
      says: 'Published per proxy node ("use CloudWatch statistics to aggregate the values for a proxy across all the associated instances"); for DatabaseConnections "the most useful statistic is Sum"; dimension set 1 is ProxyName.',
    },
  },
  {
    key: "rds-proxy-pinned-sessions",
    scope: "rds-proxy",
    namespace: "AWS/RDS",
    metric: "DatabaseConnectionsCurrentlySessionPinned",
    dimensionKeys: ["ProxyName"],
    statistic: "Sum",
    treatMissingData: "notBreaching",
    missingDataReason: PROXY_IDLE,
    threshold: "> 50 % of the pool pinned for 5 min",
    source: {
      ...RDS_PROXY_METRICS,
      says: 'DatabaseConnectionsCurrentlySessionPinned: "the most useful statistic is Sum"; dimension set 1 (ProxyName).',
    },
  },
  {
    key: "rds-proxy-auth-failures",
    scope: "rds-proxy",
    namespace: "AWS/RDS",
    metric: "ClientConnectionsSetupFailedAuth",
    dimensionKeys: ["ProxyName"],
    statistic: "Sum",
    treatMissingData: "notBreaching",
    missingDataReason: PROXY_IDLE,
    threshold: "≥ 10 per 5 min (164.308(a)(5)(ii)(C))",
    source: {
      ...RDS_PROXY_METRICS,
      says: 'ClientConnectionsSetupFailedAuth, client connections refused for authentication or TLS: "the most useful statistic is Sum"; dimension set 1 (ProxyName).',
    },
  },
  {
    key: "rds-proxy-unavailable",
    scope: "rds-proxy",
    namespace: "AWS/RDS",
    metric: "AvailabilityPercentage",
    dimensionKeys: ["ProxyName", "TargetGroup", "TargetRole"],
    fixedDimensions: { TargetGroup: "default", TargetRole: "READ_WRITE" },
    statistic: "Average",
    treatMissingData: "missing",
    missingDataReason:
      "Reported every minute from the proxy's health checks of its target. Not breaching: AWS does not say silence means down, and some proxy metrics wait for the first connection, so a new idle proxy must not page. A new alarm starts in INSUFFICIENT_DATA without notifying; one that stops receiving data notifies as INSUFFICIENT_DATA.",
    threshold: "< 100 % for 3 min",
    source: {
      ...RDS_PROXY_METRICS,
      says: 'AvailabilityPercentage: "the percentage of time for which the target group was available in the role indicated by the dimension", every minute; "the most useful statistic is Average"; dimension set 4 only (ProxyName, TargetGroup, TargetRole).',
    },
  },
  {
    key: "pgbouncer-cpu-high",
    scope: "pgbouncer",
    namespace: "AWS/ECS",
    metric: "CPUUtilization",
    dimensionKeys: ["ClusterName", "ServiceName"],
    statistic: "Average",
    treatMissingData: "missing",
    missingDataReason: ECS_RUNNING,
    threshold: "> 80 % for 5 min",
    source: {
      ...ECS_SERVICE,
      says: "Service CPU utilization per ClusterName and ServiceName; Average is the utilization across all the service's tasks.",
    },
  },
  {
    key: "pgbouncer-memory-high",
    scope: "pgbouncer",
    namespace: "AWS/ECS",
    metric: "MemoryUtilization",
    dimensionKeys: ["ClusterName", "ServiceName"],
    statistic: "Average",
    treatMissingData: "missing",
    missingDataReason: ECS_RUNNING,
    threshold: "> 90 % for 5 min",
    source: {
      ...ECS_SERVICE,
      says: "Service memory utilization per ClusterName and ServiceName; Average across the service's tasks.",
    },
  },
  {
    key: "pgbouncer-unhealthy-targets",
    scope: "pgbouncer",
    namespace: "AWS/NetworkELB",
    metric: "UnHealthyHostCount",
    dimensionKeys: ["LoadBalancer", "TargetGroup"],
    statistic: "Minimum",
    treatMissingData: "missing",
    missingDataReason:
      "Reported while the target group's health checks are enabled; silence means the target group or its checks are gone, reported as INSUFFICIENT_DATA.",
    threshold: "> 0 for 3 min",
    source: {
      ...NLB_METRICS,
      says: "UnHealthyHostCount per LoadBalancer and TargetGroup, reported by each load balancer node; the page recommends the minimum of UnHealthyHostCount (or the maximum of HealthyHostCount).",
    },
  },
  {
    key: "pgbouncer-no-healthy-targets",
    scope: "pgbouncer",
    namespace: "AWS/NetworkELB",
    metric: "HealthyHostCount",
    dimensionKeys: ["LoadBalancer", "TargetGroup"],
    statistic: "Maximum",
    treatMissingData: "breaching",
    missingDataReason:
      "No healthy-host data means nothing the load balancer can route to: the application cannot connect, so silence pages.",
    threshold: "< 1 for 2 min",
    source: {
      ...NLB_METRICS,
      says: "HealthyHostCount per LoadBalancer and TargetGroup, reported by each node; the page recommends the maximum of HealthyHostCount.",
    },
  },
  {
    key: "pgbouncer-clients-waiting",
    scope: "pgbouncer",
    namespace: "Verscienta/PgBouncer",
    metric: "ClientsWaiting",
    dimensionKeys: ["ServiceName"],
    statistic: "Maximum",
    treatMissingData: "missing",
    missingDataReason: PGBOUNCER_PUBLISHER,
    threshold: "> 0 in every minute for 5 min",
    source: {
      ...PUT_METRIC_DATA,
      says: "Each task puts its own data point under the same metric and ServiceName; CloudWatch aggregates all data points in a period into one statistic, so Maximum is the worst task in that minute (Sum would depend on how many tasks happened to report in it).",
    },
  },
  {
    key: "pgbouncer-max-wait",
    scope: "pgbouncer",
    namespace: "Verscienta/PgBouncer",
    metric: "MaxWaitSeconds",
    dimensionKeys: ["ServiceName"],
    statistic: "Maximum",
    treatMissingData: "missing",
    missingDataReason: PGBOUNCER_PUBLISHER,
    threshold: "> 1 s (a fifth of the app's 5 s connection timeout) in every minute for 5 min",
    source: {
      ...PUT_METRIC_DATA,
      says: "Each task's longest client wait; Maximum over the period is the longest wait on any task.",
    },
  },
  {
    key: "cache-hit-ratio-low",
    scope: "primary-sql",
    namespace: "Verscienta/PostgreSQL",
    metric: "CacheHitRatio",
    dimensionKeys: ["DBInstanceIdentifier"],
    statistic: "Average",
    treatMissingData: "notBreaching",
    missingDataReason: SQL_METRICS_PUBLISHER,
    threshold: "< 99 % for 5 min (guide: cache hit ratio > 99 %; `CACHE_HIT_RATIO_MIN_PERCENT`)",
    source: {
      ...EMF_SPEC,
      says: "The function's EMF document names Namespace, the DimensionSet [DBInstanceIdentifier] and CacheHitRatio in Percent; CloudWatch extracts one value per run, and Average over the minute is that value.",
    },
  },
  {
    key: "long-running-queries",
    scope: "primary-sql",
    namespace: "Verscienta/PostgreSQL",
    metric: "LongRunningQueries",
    dimensionKeys: ["DBInstanceIdentifier"],
    statistic: "Maximum",
    treatMissingData: "notBreaching",
    missingDataReason: SQL_METRICS_PUBLISHER,
    threshold:
      "≥ 1 client query active for more than 5 s, in a minute (guide; `LONG_QUERY_SECONDS`). slow-queries counts statements once they finish; this one sees them while they run",
    source: {
      ...EMF_SPEC,
      says: "LongRunningQueries, Count, DimensionSet [DBInstanceIdentifier]; Maximum keeps the highest reading if two runs land in one minute.",
    },
  },
  {
    key: "sql-metrics-missing",
    scope: "primary-sql",
    namespace: "Verscienta/PostgreSQL",
    metric: "DatabaseSizeBytes",
    dimensionKeys: ["DBInstanceIdentifier"],
    statistic: "SampleCount",
    treatMissingData: "breaching",
    missingDataReason:
      "Every successful run publishes DatabaseSizeBytes, so no sample in 5 minutes is the failure itself: the collector stopped and the other SQL-metric alarms went blind. A new stack pages until the first run (within a minute of deploy).",
    threshold: "< 1 sample in 5 min",
    source: {
      ...EMF_SPEC,
      says: "Each EMF document is one data point per metric; SampleCount is the number of runs that published DatabaseSizeBytes in the period.",
    },
  },
  {
    key: "dbops-function-errors",
    scope: "dbops-function",
    namespace: "AWS/Lambda",
    metric: "Errors",
    dimensionKeys: ["FunctionName"],
    statistic: "Sum",
    treatMissingData: "notBreaching",
    missingDataReason:
      "Lambda sends Errors for invocations; no invocation, no error. A schedule that stopped invoking the function is caught by sql-metrics-missing.",
    threshold: "≥ 1 failed invocation in 5 min (apply, rotation step or metrics run)",
    source: {
      ...LAMBDA_METRICS,
      says: 'Errors: "the number of invocations that result in a function error" (code exceptions, timeouts, configuration errors), per FunctionName; invocation metrics are viewed with the Sum statistic.',
    },
  },
];

export function catalogEntry(key: string): CatalogEntry {
  const e = ALARM_CATALOG.find((x) => x.key === key);
  if (!e)
    throw new Error(`alarm "${key}" is not in the alarm catalog (components/monitoring/alarmCatalog.ts).`);
  return e;
}

/** The catalog key an alarm name ends with (`<prefix>-<key>`); the longest match wins. */
export function catalogKeyOf(alarmName: string): string | undefined {
  return ALARM_CATALOG.map((e) => e.key)
    .filter((k) => alarmName.endsWith(`-${k}`))
    .sort((a, b) => b.length - a.length)[0];
}

/** What an alarm watches: the fields of an AlarmDefinition or of a MetricAlarm's inputs. */
export interface WatchedMetric {
  readonly namespace: unknown;
  readonly metricName: unknown;
  readonly dimensions: unknown;
  readonly statistic: unknown;
  readonly treatMissingData: unknown;
}

const metricPattern = (metric: string) =>
  new RegExp(`^${metric.replace(/[.*+?^${}()|[\]\\]/g, "\\$&").replace("<id>", ".+")}$`);

/** Every way an alarm departs from its catalog entry; empty when it matches. */
export function catalogProblems(key: string, w: WatchedMetric): string[] {
  const e = ALARM_CATALOG.find((x) => x.key === key);
  if (!e) return [`${key}: not in the alarm catalog`];
  const problems: string[] = [];
  const dims = (w.dimensions ?? {}) as Record<string, unknown>;
  const keys = Object.keys(dims).sort();
  if (w.namespace !== e.namespace)
    problems.push(`${key}: namespace ${String(w.namespace)}, catalog ${e.namespace}`);
  if (typeof w.metricName !== "string" || !metricPattern(e.metric).test(w.metricName))
    problems.push(`${key}: metric ${String(w.metricName)}, catalog ${e.metric}`);
  if (keys.join(",") !== [...e.dimensionKeys].sort().join(","))
    problems.push(`${key}: dimensions [${keys.join(", ")}], catalog [${e.dimensionKeys.join(", ")}]`);
  for (const [k, v] of Object.entries(e.fixedDimensions ?? {}))
    if (dims[k] !== v) problems.push(`${key}: dimension ${k}=${String(dims[k])}, catalog ${v}`);
  if (w.statistic !== e.statistic)
    problems.push(`${key}: statistic ${String(w.statistic)}, catalog ${e.statistic}`);
  if (w.treatMissingData !== e.treatMissingData)
    problems.push(`${key}: treatMissingData ${String(w.treatMissingData)}, catalog ${e.treatMissingData}`);
  return problems;
}

const SCOPE_LABEL: Readonly<Record<AlarmScope, string>> = {
  instance: "each instance",
  replica: "each replica",
  burstable: "each db.t* instance",
  "rds-proxy": "RDS Proxy",
  pgbouncer: "PgBouncer",
  "primary-sql": "the primary (SQL metrics)",
  "dbops-function": "database operations function",
};

/** The README's alarm table, one row per catalog entry. */
export function alarmCatalogMarkdown(): string {
  const rows = ALARM_CATALOG.map((e) => {
    const dims = e.dimensionKeys.length
      ? e.dimensionKeys.map((k) => (e.fixedDimensions?.[k] ? `${k}=${e.fixedDimensions[k]}` : k)).join(", ")
      : "none";
    return `| ${e.key} | ${SCOPE_LABEL[e.scope]} | \`${e.namespace} ${e.metric}\`, ${e.statistic} (${dims}) | ${e.threshold} | ${e.treatMissingData} | [${e.source.title}](${e.source.url}) |`;
  });
  return [
    "| alarm | on | metric, statistic (dimensions) | threshold (default) | missing data | source |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rows,
  ].join("\n");
}
