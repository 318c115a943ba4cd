/**
 * What each alarm watches, as data: metric, statistic, period × evaluation periods, comparison,
 * threshold and missing-data treatment. Pure, so the exact alarm set is specified and tested apart from
 * Pulumi; the components turn definitions into `aws.cloudwatch.MetricAlarm`s and dashboard widgets.
 *
 * Every alarm's namespace, metric, dimension keys, statistic and missing-data treatment is also written
 * down, with the AWS page it comes from and the reason for the missing-data choice, in alarmCatalog.ts;
 * a test holds every definition (and every alarm the program registers) to that table.
 *
 * Missing data, in short (the catalog gives each alarm's reason):
 * - `missing` for metrics AWS publishes continuously while the resource runs: silence leaves the alarm in
 *   INSUFFICIENT_DATA, whose action notifies the topic, so "it stopped reporting" is heard.
 * - `breaching` where silence itself is the failure: ReplicaLag stops when replication breaks, and no
 *   healthy PgBouncer target means nothing to report.
 * - `notBreaching` for counts derived from log lines and for RDS Proxy usage metrics, which are absent
 *   while the proxy is idle: no line, no client, is the good case.
 */
import {
  CACHE_HIT_RATIO_MIN_PERCENT,
  DB_METRICS,
  DB_METRICS_DIMENSION,
  DB_METRICS_NAMESPACE,
  LONG_QUERY_SECONDS,
} from "../../spec/databaseOps";
import { PGBOUNCER_METRICS } from "../pooling/pgbouncerConfig";
import {
  type AlarmThresholds,
  connectionsThreshold,
  freeableMemoryThresholdBytes,
  freeStorageThresholdBytes,
  PGBOUNCER_WAIT_ALARMS,
  PROXY_AVAILABILITY_ALARM,
} from "./thresholds";

export type Statistic = "Average" | "Maximum" | "Minimum" | "Sum" | "SampleCount";
export type Comparison =
  | "GreaterThanThreshold"
  | "GreaterThanOrEqualToThreshold"
  | "LessThanThreshold"
  | "LessThanOrEqualToThreshold";
export type MissingData = "missing" | "breaching" | "notBreaching" | "ignore";

export interface AlarmDefinition {
  /** Stable short id: the alarm name's suffix, the child resource's suffix and the widget id. */
  readonly key: string;
  readonly alarmName: string;
  /** Why it fires and what to look at first. */
  readonly description: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly statistic: Statistic;
  readonly periodSeconds: number;
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly comparisonOperator: Comparison;
  readonly threshold: number;
  readonly treatMissingData: MissingData;
}

/** Namespace of the metrics the stack's log metric filters publish. */
export const CUSTOM_NAMESPACE = "Verscienta/PostgreSQL";

/**
 * RDS Proxy's target group: every proxy has exactly one, named `default` (RDS API Reference,
 * DBProxyTargetGroup.IsDefault: "each proxy is currently associated with a single target group"; the
 * AWS CLI reference's modify-db-proxy-target-group example returns `"TargetGroupName": "default"`).
 */
export const PROXY_DEFAULT_TARGET_GROUP = "default";
/**
 * The role an RDS instance target serves through the proxy (RDS API Reference, DBProxyTarget.Role:
 * READ_WRITE | READ_ONLY | UNKNOWN); a single DB instance target is the writer.
 */
export const PROXY_WRITER_ROLE = "READ_WRITE";

/**
 * Log-derived metric names carry the instance identifier: metric filters can only take dimension
 * values from fields of the log line, and the line does not name the instance.
 */
export const slowQueryMetricName = (identifier: string): string => `SlowQueries-${identifier}`;
export const authFailureMetricName = (identifier: string): string => `AuthFailures-${identifier}`;

/** How one DB instance is alarmed. */
export interface InstanceAlarmOptions {
  /** Read replica: adds ReplicaLag. */
  readonly replica: boolean;
  /** Burstable class (db.t*): adds CPUCreditBalance. */
  readonly burstable: boolean;
}

export interface InstanceAlarmInputs extends InstanceAlarmOptions {
  readonly identifier: string;
  /** Instance class memory in MiB, from `aws.ec2.getInstanceType`. */
  readonly memoryMiB: number;
  readonly allocatedStorageGb: number;
  /** `max_connections` set in the parameter group; unset means RDS's memory-based default. */
  readonly maxConnections?: number;
  readonly thresholds: AlarmThresholds;
}

type Spec = Omit<AlarmDefinition, "key" | "alarmName">;
interface Entry<O, I> {
  readonly key: string;
  readonly applies: (o: O) => boolean;
  readonly build: (i: I) => Spec;
}

const rds = (identifier: string) => ({
  namespace: "AWS/RDS",
  dimensions: { DBInstanceIdentifier: identifier },
});
const always = () => true;
/** Basic RDS metrics arrive every minute; "sustained" alarms look at 5 one-minute datapoints. */
const sustained = (minutes: number) => ({
  periodSeconds: 60,
  evaluationPeriods: minutes,
  datapointsToAlarm: minutes,
});
const once = (periodSeconds: number) => ({ periodSeconds, evaluationPeriods: 1, datapointsToAlarm: 1 });

const INSTANCE_ALARMS: readonly Entry<InstanceAlarmOptions, InstanceAlarmInputs>[] = [
  {
    key: "cpu-high",
    applies: always,
    build: (i) => ({
      ...rds(i.identifier),
      description: `Guide "Alerting Thresholds": CPU above ${i.thresholds.cpuPercent}% for ${i.thresholds.cpuMinutes} minutes on ${i.identifier}. Check pg_stat_statements and active queries.`,
      metricName: "CPUUtilization",
      statistic: "Average",
      ...sustained(i.thresholds.cpuMinutes),
      comparisonOperator: "GreaterThanThreshold",
      threshold: i.thresholds.cpuPercent,
      treatMissingData: "missing",
    }),
  },
  {
    key: "freeable-memory-low",
    applies: always,
    build: (i) => ({
      ...rds(i.identifier),
      description: `Guide "Alerting Thresholds": less than ${i.thresholds.freeableMemoryPercent}% of ${i.memoryMiB} MiB available on ${i.identifier} for 5 minutes.`,
      metricName: "FreeableMemory",
      statistic: "Average",
      ...sustained(5),
      comparisonOperator: "LessThanThreshold",
      threshold: freeableMemoryThresholdBytes(i.memoryMiB, i.thresholds.freeableMemoryPercent),
      treatMissingData: "missing",
    }),
  },
  {
    key: "free-storage-low",
    applies: always,
    build: (i) => ({
      ...rds(i.identifier),
      description: `Guide "Alerting Thresholds": less than ${i.thresholds.freeStoragePercent}% of the ${i.allocatedStorageGb} GiB allocated at deploy time free on ${i.identifier}. Storage autoscaling starts at 10%; check growth and maxAllocatedStorageGb.`,
      metricName: "FreeStorageSpace",
      statistic: "Minimum",
      ...once(300),
      comparisonOperator: "LessThanThreshold",
      threshold: freeStorageThresholdBytes(i.allocatedStorageGb, i.thresholds.freeStoragePercent),
      treatMissingData: "missing",
    }),
  },
  {
    key: "connections-high",
    applies: always,
    build: (i) => {
      const c = connectionsThreshold(i.memoryMiB, i.thresholds.connectionsPercent, i.maxConnections);
      return {
        ...rds(i.identifier),
        description: `Guide "Alerting Thresholds": connections above ${i.thresholds.connectionsPercent}% of max_connections (${c.maxConnections}) on ${i.identifier} for 5 minutes. Check the pooler and idle sessions.`,
        metricName: "DatabaseConnections",
        statistic: "Maximum",
        ...sustained(5),
        comparisonOperator: "GreaterThanThreshold",
        threshold: c.threshold,
        treatMissingData: "missing",
      };
    },
  },
  {
    key: "replica-lag-high",
    applies: (o) => o.replica,
    build: (i) => ({
      ...rds(i.identifier),
      description: `Guide "Alerting Thresholds": replica ${i.identifier} more than ${i.thresholds.replicaLagSeconds} s behind for 5 minutes, or not reporting lag (replication stopped).`,
      metricName: "ReplicaLag",
      statistic: "Maximum",
      ...sustained(5),
      comparisonOperator: "GreaterThanThreshold",
      threshold: i.thresholds.replicaLagSeconds,
      treatMissingData: "breaching",
    }),
  },
  {
    key: "slow-queries",
    applies: always,
    build: (i) => ({
      namespace: CUSTOM_NAMESPACE,
      dimensions: {},
      description: `Guide "Alerting Thresholds": a query ran ${i.thresholds.slowQuerySeconds} s or longer on ${i.identifier} (from its postgresql log). Find it in the log group by "duration:".`,
      metricName: slowQueryMetricName(i.identifier),
      statistic: "Sum",
      ...once(60),
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      threshold: 1,
      treatMissingData: "notBreaching",
    }),
  },
  {
    key: "transaction-ids-high",
    applies: always,
    build: (i) => ({
      ...rds(i.identifier),
      description: `Transaction-ID wraparound: ${i.thresholds.maxUsedTransactionIds} XIDs used on ${i.identifier}; PostgreSQL stops writes near 2^31. Check autovacuum and long transactions.`,
      metricName: "MaximumUsedTransactionIDs",
      statistic: "Maximum",
      ...once(300),
      comparisonOperator: "GreaterThanThreshold",
      threshold: i.thresholds.maxUsedTransactionIds,
      treatMissingData: "missing",
    }),
  },
  {
    key: "disk-queue-high",
    applies: always,
    build: (i) => ({
      ...rds(i.identifier),
      description: `More than ${i.thresholds.diskQueueDepth} I/O requests queued on ${i.identifier} for 5 minutes: storage throughput is the bottleneck.`,
      metricName: "DiskQueueDepth",
      statistic: "Average",
      ...sustained(5),
      comparisonOperator: "GreaterThanThreshold",
      threshold: i.thresholds.diskQueueDepth,
      treatMissingData: "missing",
    }),
  },
  {
    key: "cpu-credits-low",
    applies: (o) => o.burstable,
    build: (i) => ({
      ...rds(i.identifier),
      description: `Burstable ${i.identifier} has fewer than ${i.thresholds.cpuCreditBalance} CPU credits; it will be throttled to baseline.`,
      metricName: "CPUCreditBalance",
      statistic: "Minimum",
      ...once(300),
      comparisonOperator: "LessThanThreshold",
      threshold: i.thresholds.cpuCreditBalance,
      treatMissingData: "missing",
    }),
  },
  {
    key: "auth-failures",
    applies: always,
    build: (i) => ({
      namespace: CUSTOM_NAMESPACE,
      dimensions: {},
      description: `HIPAA 164.308(a)(5)(ii)(C) log-in monitoring: ${i.thresholds.authFailures} or more failed logins in 5 minutes on ${i.identifier}.`,
      metricName: authFailureMetricName(i.identifier),
      statistic: "Sum",
      ...once(300),
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      threshold: i.thresholds.authFailures,
      treatMissingData: "notBreaching",
    }),
  },
];

/** The alarm keys an instance gets, known without its memory (so resources exist at preview). */
export function instanceAlarmKeys(o: InstanceAlarmOptions): string[] {
  return INSTANCE_ALARMS.filter((e) => e.applies(o)).map((e) => e.key);
}

export function instanceAlarmDefinitions(i: InstanceAlarmInputs): AlarmDefinition[] {
  return INSTANCE_ALARMS.filter((e) => e.applies(i)).map((e) => ({
    key: e.key,
    alarmName: `${i.identifier}-${e.key}`,
    ...e.build(i),
  }));
}

// ---------------------------------------------------------------------------------------------------
// Pooler alarms
// ---------------------------------------------------------------------------------------------------

export type AlarmedPoolerKind = "rds-proxy" | "pgbouncer";

export type PoolerAlarmInputs =
  | {
      readonly kind: "rds-proxy";
      /** Prefix of the alarm names (the stack name). */
      readonly namePrefix: string;
      readonly proxyName: string;
      /** The proxy's target group name (the AvailabilityPercentage dimension). @default "default" */
      readonly targetGroupName?: string;
      /** `max_connections` of the target instance. */
      readonly maxConnections: number;
      /** Share of max_connections the proxy may open (its `maxConnectionsPercent`). */
      readonly proxyMaxConnectionsPercent: number;
      /** Pinned sessions above this share of the proxy's pool defeat pooling. */
      readonly pinnedSessionsPercent: number;
      readonly thresholds: AlarmThresholds;
    }
  | {
      readonly kind: "pgbouncer";
      readonly namePrefix: string;
      readonly clusterName: string;
      readonly serviceName: string;
      readonly loadBalancerArnSuffix: string;
      readonly targetGroupArnSuffix: string;
      readonly thresholds: AlarmThresholds;
    };

const PROXY_KEYS = [
  "rds-proxy-pool-high",
  "rds-proxy-pinned-sessions",
  "rds-proxy-auth-failures",
  "rds-proxy-unavailable",
] as const;
const PGBOUNCER_KEYS = [
  "pgbouncer-cpu-high",
  "pgbouncer-memory-high",
  "pgbouncer-unhealthy-targets",
  "pgbouncer-no-healthy-targets",
  "pgbouncer-clients-waiting",
  "pgbouncer-max-wait",
] as const;

export function poolerAlarmKeys(kind: AlarmedPoolerKind): string[] {
  return kind === "rds-proxy" ? [...PROXY_KEYS] : [...PGBOUNCER_KEYS];
}

/** The proxy's connection pool: its share of the target's max_connections. */
export function proxyPoolSize(maxConnections: number, proxyMaxConnectionsPercent: number): number {
  return Math.floor((maxConnections * proxyMaxConnectionsPercent) / 100);
}

export function poolerAlarmDefinitions(p: PoolerAlarmInputs): AlarmDefinition[] {
  const t = p.thresholds;
  const name = (key: string) => ({ key, alarmName: `${p.namePrefix}-${key}` });
  if (p.kind === "rds-proxy") {
    const pool = proxyPoolSize(p.maxConnections, p.proxyMaxConnectionsPercent);
    const proxy = { namespace: "AWS/RDS", dimensions: { ProxyName: p.proxyName } };
    const a = PROXY_AVAILABILITY_ALARM;
    // RDS publishes proxy metrics once per underlying node, and a proxy may run on several; "Sum" is the
    // statistic the RDS User Guide names for the connection counts ("Monitoring RDS Proxy metrics with
    // Amazon CloudWatch"), so the alarms compare the whole pool, not its busiest node, with the pool.
    return [
      {
        ...name("rds-proxy-pool-high"),
        ...proxy,
        description: `Guide "Connection Pool: Alert if > ${t.connectionsPercent}% utilization": RDS Proxy ${p.proxyName} holds more than ${t.connectionsPercent}% of its ${pool}-connection pool (summed over its nodes) for 5 minutes; clients will queue and time out.`,
        metricName: "DatabaseConnections",
        statistic: "Sum",
        ...sustained(5),
        comparisonOperator: "GreaterThanThreshold",
        threshold: Math.floor((pool * t.connectionsPercent) / 100),
        treatMissingData: "notBreaching",
      },
      {
        ...name("rds-proxy-pinned-sessions"),
        ...proxy,
        description: `More than ${p.pinnedSessionsPercent}% of RDS Proxy ${p.proxyName}'s pool pinned to clients for 5 minutes: session state (SET, temp tables, advisory locks) defeats pooling.`,
        metricName: "DatabaseConnectionsCurrentlySessionPinned",
        statistic: "Sum",
        ...sustained(5),
        comparisonOperator: "GreaterThanThreshold",
        threshold: Math.floor((pool * p.pinnedSessionsPercent) / 100),
        treatMissingData: "notBreaching",
      },
      {
        ...name("rds-proxy-auth-failures"),
        ...proxy,
        description: `HIPAA 164.308(a)(5)(ii)(C) log-in monitoring: ${t.authFailures} or more client logins refused by RDS Proxy ${p.proxyName} in 5 minutes.`,
        metricName: "ClientConnectionsSetupFailedAuth",
        statistic: "Sum",
        ...once(300),
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        threshold: t.authFailures,
        treatMissingData: "notBreaching",
      },
      {
        ...name("rds-proxy-unavailable"),
        namespace: "AWS/RDS",
        dimensions: {
          ProxyName: p.proxyName,
          TargetGroup: p.targetGroupName ?? PROXY_DEFAULT_TARGET_GROUP,
          TargetRole: PROXY_WRITER_ROLE,
        },
        description: `RDS Proxy ${p.proxyName}'s health checks reached its writer less than ${a.belowPercent}% of the time for ${a.minutes} minutes: some or all proxy nodes cannot reach the database, and clients through them fail. Check the instance's state, the RDS events and the proxy's security groups.`,
        metricName: "AvailabilityPercentage",
        statistic: "Average",
        ...sustained(a.minutes),
        comparisonOperator: "LessThanThreshold",
        threshold: a.belowPercent,
        treatMissingData: "missing",
      },
    ];
  }
  const service = {
    namespace: "AWS/ECS",
    dimensions: { ClusterName: p.clusterName, ServiceName: p.serviceName },
  };
  const targets = {
    namespace: "AWS/NetworkELB",
    dimensions: { LoadBalancer: p.loadBalancerArnSuffix, TargetGroup: p.targetGroupArnSuffix },
  };
  // The metrics each PgBouncer task publishes once a minute (PGBOUNCER_METRICS, written by the task's
  // publisher in components/pooling): clients waiting for a server connection and the longest wait.
  const waits = {
    namespace: PGBOUNCER_METRICS.namespace,
    dimensions: { [PGBOUNCER_METRICS.dimension]: p.serviceName },
  };
  const w = PGBOUNCER_WAIT_ALARMS;
  return [
    {
      ...name("pgbouncer-cpu-high"),
      ...service,
      description: `PgBouncer service CPU above ${t.cpuPercent}% for ${t.cpuMinutes} minutes (single-threaded: add tasks, not CPU).`,
      metricName: "CPUUtilization",
      statistic: "Average",
      ...sustained(t.cpuMinutes),
      comparisonOperator: "GreaterThanThreshold",
      threshold: t.cpuPercent,
      treatMissingData: "missing",
    },
    {
      ...name("pgbouncer-memory-high"),
      ...service,
      description: `PgBouncer service memory above ${100 - t.freeableMemoryPercent}% (less than ${t.freeableMemoryPercent}% available, as the guide's memory rule) for 5 minutes.`,
      metricName: "MemoryUtilization",
      statistic: "Average",
      ...sustained(5),
      comparisonOperator: "GreaterThanThreshold",
      threshold: 100 - t.freeableMemoryPercent,
      treatMissingData: "missing",
    },
    // Each NLB node reports its own host counts; the ELB guide ("CloudWatch metrics for your Network
    // Load Balancer", Statistics) recommends the minimum of UnHealthyHostCount and the maximum of
    // HealthyHostCount, so one node's view of one zone does not page on its own.
    {
      ...name("pgbouncer-unhealthy-targets"),
      ...targets,
      description: "A PgBouncer task failed its load balancer health check for 3 minutes.",
      metricName: "UnHealthyHostCount",
      statistic: "Minimum",
      ...sustained(3),
      comparisonOperator: "GreaterThanThreshold",
      threshold: 0,
      treatMissingData: "missing",
    },
    {
      ...name("pgbouncer-no-healthy-targets"),
      ...targets,
      description:
        "No healthy PgBouncer task behind the load balancer for 2 minutes: the application cannot connect.",
      metricName: "HealthyHostCount",
      statistic: "Maximum",
      ...sustained(2),
      comparisonOperator: "LessThanThreshold",
      threshold: 1,
      treatMissingData: "breaching",
    },
    // Several tasks publish under the same ServiceName, and CloudWatch aggregates every data point that
    // falls in a period into one statistic: "Maximum" is the worst task in each minute, whichever tasks
    // reported, where "Sum" would count a task twice or not at all as its publishing drifts across
    // minute boundaries. For "more than 0 waiting" the two agree whenever every task reports once.
    {
      ...name("pgbouncer-clients-waiting"),
      ...waits,
      description: `Clients queued for a server connection on a PgBouncer task in each of the last ${w.minutes} minutes: the pool (default_pool_size plus reserve) is too small for the load, or the database is slow to give connections back. Check SHOW POOLS, then long transactions.`,
      metricName: PGBOUNCER_METRICS.clientsWaiting,
      statistic: "Maximum",
      ...sustained(w.minutes),
      comparisonOperator: "GreaterThanThreshold",
      threshold: w.clientsWaiting,
      treatMissingData: "missing",
    },
    {
      ...name("pgbouncer-max-wait"),
      ...waits,
      description: `A PgBouncer client waited more than ${w.maxWaitSeconds} s for a server connection in each of the last ${w.minutes} minutes; the application gives up at ${w.appConnectionTimeoutSeconds} s (its pool's connectionTimeoutMillis), so connection errors are next.`,
      metricName: PGBOUNCER_METRICS.maxWaitSeconds,
      statistic: "Maximum",
      ...sustained(w.minutes),
      comparisonOperator: "GreaterThanThreshold",
      threshold: w.maxWaitSeconds,
      treatMissingData: "missing",
    },
  ];
}

// ---------------------------------------------------------------------------------------------------
// SQL metrics (the database operations function) and the function itself
// ---------------------------------------------------------------------------------------------------

/** What the SQL-metric alarms watch: the instance the function queries and the function. */
export interface SqlMetricAlarmInputs {
  /** The DB instance the function connects to (the primary): the metrics' DBInstanceIdentifier. */
  readonly identifier: string;
  /** Prefix of the function-error alarm's name (the stack name). */
  readonly namePrefix: string;
  /** The database operations function's name (AWS/Lambda FunctionName dimension). */
  readonly functionName: string;
}

const SQL_METRIC_KEYS = [
  "cache-hit-ratio-low",
  "long-running-queries",
  "sql-metrics-missing",
  "dbops-function-errors",
] as const;

export function sqlMetricAlarmKeys(): string[] {
  return [...SQL_METRIC_KEYS];
}

/**
 * The alarms on the guide's SQL metrics the function publishes (spec/databaseOps.ts DB_METRICS, in
 * embedded metric format) and on the function itself.
 *
 * - cache-hit-ratio-low: the guide's "Cache Hit Ratio (should be > 99%)". The ratio is cumulative since
 *   the statistics were last reset, so it moves slowly; 5 one-minute readings all below the line mean a
 *   real shift, not a cold cache after a restart's first scans.
 * - long-running-queries: the guide's "Slow Queries: Alert if query > 5 seconds" applied to statements
 *   still running. The slow-queries alarm counts statements that finished after 5 s (from the
 *   postgresql log, written when the statement ends); this one sees a statement that has not ended,
 *   a runaway query or one stuck behind a lock, while it runs, and even if it never ends.
 * - sql-metrics-missing: DatabaseSizeBytes is published on every successful run; no sample in 5 minutes
 *   means the collector stopped (schedule disabled, function failing before it publishes, network or
 *   credentials broken), which would otherwise silence the two alarms above.
 * - dbops-function-errors: any failed invocation of the function (apply, rotation step or metrics run),
 *   so a failed rotation pages someone before the secret's next version is needed.
 */
export function sqlMetricAlarmDefinitions(i: SqlMetricAlarmInputs): AlarmDefinition[] {
  const sql = { namespace: DB_METRICS_NAMESPACE, dimensions: { [DB_METRICS_DIMENSION]: i.identifier } };
  return [
    {
      key: "cache-hit-ratio-low",
      alarmName: `${i.identifier}-cache-hit-ratio-low`,
      ...sql,
      description: `Guide "Cache Hit Ratio (should be > 99%)": heap blocks of ${i.identifier}'s user tables found in shared buffers below ${CACHE_HIT_RATIO_MIN_PERCENT}% for 5 minutes. The working set no longer fits in memory: check the largest tables, shared_buffers and the instance class.`,
      metricName: DB_METRICS.cacheHitRatio.name,
      statistic: "Average",
      ...sustained(5),
      comparisonOperator: "LessThanThreshold",
      threshold: CACHE_HIT_RATIO_MIN_PERCENT,
      treatMissingData: "notBreaching",
    },
    {
      key: "long-running-queries",
      alarmName: `${i.identifier}-long-running-queries`,
      ...sql,
      description: `Guide "Slow Queries: Alert if query > ${LONG_QUERY_SECONDS} seconds", for queries still running: a client query on ${i.identifier} has been active for more than ${LONG_QUERY_SECONDS} s (the slow-queries alarm reports them only once they finish). Look in pg_stat_activity for state 'active' and the oldest query_start; pg_cancel_backend ends it.`,
      metricName: DB_METRICS.longRunningQueries.name,
      statistic: "Maximum",
      ...once(60),
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      threshold: 1,
      treatMissingData: "notBreaching",
    },
    {
      key: "sql-metrics-missing",
      alarmName: `${i.identifier}-sql-metrics-missing`,
      ...sql,
      description: `No SQL metrics from ${i.identifier} for 5 minutes: the database operations function ${i.functionName} has stopped collecting them (schedule, errors, network or the monitoring role's secret), so the cache-hit-ratio and long-running-queries alarms cannot fire. Check the function's log group and its errors alarm.`,
      metricName: DB_METRICS.databaseSize.name,
      statistic: "SampleCount",
      ...once(300),
      comparisonOperator: "LessThanThreshold",
      threshold: 1,
      treatMissingData: "breaching",
    },
    {
      key: "dbops-function-errors",
      alarmName: `${i.namePrefix}-dbops-function-errors`,
      namespace: "AWS/Lambda",
      dimensions: { FunctionName: i.functionName },
      description: `The database operations function ${i.functionName} failed (an apply, a secret rotation step or a metrics run). A failed rotation leaves the secret's AWSPENDING version unfinished; read the function's log group for the step and the error.`,
      metricName: "Errors",
      statistic: "Sum",
      ...once(300),
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      threshold: 1,
      treatMissingData: "notBreaching",
    },
  ];
}
