import { describe, expect, it } from "vitest";
import {
  instanceAlarmDefinitions,
  instanceAlarmKeys,
  poolerAlarmDefinitions,
  proxyPoolSize,
  sqlMetricAlarmDefinitions,
  sqlMetricAlarmKeys,
} from "../../../components/monitoring/alarmDefinitions";
import { dashboardBody } from "../../../components/monitoring/dashboardBody";
import { GUIDE_THRESHOLDS, PGBOUNCER_WAIT_ALARMS } from "../../../components/monitoring/thresholds";
import { APP_POOL } from "../../../spec/guide";

const pick = (ds: ReturnType<typeof instanceAlarmDefinitions>) =>
  Object.fromEntries(
    ds.map((d) => [
      d.key,
      [
        d.metricName,
        d.statistic,
        d.periodSeconds,
        d.evaluationPeriods,
        d.comparisonOperator,
        d.threshold,
        d.treatMissingData,
      ],
    ]),
  );

describe("instance alarm definitions", () => {
  it("gives a primary the guide's alarms and the DBA additions, without ReplicaLag or credits on db.r", () => {
    expect(instanceAlarmKeys({ replica: false, burstable: false })).toEqual([
      "cpu-high",
      "freeable-memory-low",
      "free-storage-low",
      "connections-high",
      "slow-queries",
      "transaction-ids-high",
      "disk-queue-high",
      "auth-failures",
    ]);
  });

  it("adds ReplicaLag on replicas and CPUCreditBalance on burstable classes", () => {
    expect(instanceAlarmKeys({ replica: true, burstable: true })).toEqual([
      "cpu-high",
      "freeable-memory-low",
      "free-storage-low",
      "connections-high",
      "replica-lag-high",
      "slow-queries",
      "transaction-ids-high",
      "disk-queue-high",
      "cpu-credits-low",
      "auth-failures",
    ]);
  });

  it("sizes a db.r6g.large replica with 100 GiB exactly", () => {
    const ds = instanceAlarmDefinitions({
      identifier: "x-db-replica-1",
      replica: true,
      burstable: false,
      memoryMiB: 16384,
      allocatedStorageGb: 100,
      thresholds: GUIDE_THRESHOLDS,
    });
    expect(pick(ds)).toEqual({
      "cpu-high": ["CPUUtilization", "Average", 60, 5, "GreaterThanThreshold", 80, "missing"],
      "freeable-memory-low": [
        "FreeableMemory",
        "Average",
        60,
        5,
        "LessThanThreshold",
        1_717_986_918,
        "missing",
      ],
      "free-storage-low": [
        "FreeStorageSpace",
        "Minimum",
        300,
        1,
        "LessThanThreshold",
        21_474_836_480,
        "missing",
      ],
      "connections-high": ["DatabaseConnections", "Maximum", 60, 5, "GreaterThanThreshold", 1515, "missing"],
      "replica-lag-high": ["ReplicaLag", "Maximum", 60, 5, "GreaterThanThreshold", 10, "breaching"],
      "slow-queries": [
        "SlowQueries-x-db-replica-1",
        "Sum",
        60,
        1,
        "GreaterThanOrEqualToThreshold",
        1,
        "notBreaching",
      ],
      "transaction-ids-high": [
        "MaximumUsedTransactionIDs",
        "Maximum",
        300,
        1,
        "GreaterThanThreshold",
        1_000_000_000,
        "missing",
      ],
      "disk-queue-high": ["DiskQueueDepth", "Average", 60, 5, "GreaterThanThreshold", 64, "missing"],
      "auth-failures": [
        "AuthFailures-x-db-replica-1",
        "Sum",
        300,
        1,
        "GreaterThanOrEqualToThreshold",
        10,
        "notBreaching",
      ],
    });
    expect(ds.every((d) => d.alarmName === `x-db-replica-1-${d.key}`)).toBe(true);
  });

  it("follows cpuMinutes for the CPU window and the parameter group's max_connections", () => {
    const [cpu, , , conns] = instanceAlarmDefinitions({
      identifier: "x",
      replica: false,
      burstable: false,
      memoryMiB: 4096,
      allocatedStorageGb: 20,
      maxConnections: 100,
      thresholds: { ...GUIDE_THRESHOLDS, cpuMinutes: 15 },
    });
    expect([cpu.periodSeconds, cpu.evaluationPeriods, cpu.datapointsToAlarm]).toEqual([60, 15, 15]);
    expect(conns.threshold).toBe(90);
  });
});

describe("pooler alarm definitions", () => {
  it("sizes RDS Proxy alarms from its share of max_connections (db.r6g.large: 1684), summed over its nodes", () => {
    expect(proxyPoolSize(1684, 75)).toBe(1263);
    const ds = poolerAlarmDefinitions({
      kind: "rds-proxy",
      namePrefix: "s",
      proxyName: "p",
      maxConnections: 1684,
      proxyMaxConnectionsPercent: 75,
      pinnedSessionsPercent: 50,
      thresholds: GUIDE_THRESHOLDS,
    });
    expect(
      ds.map((d) => [
        d.alarmName,
        d.metricName,
        d.dimensions,
        d.statistic,
        d.periodSeconds,
        d.evaluationPeriods,
        d.comparisonOperator,
        d.threshold,
        d.treatMissingData,
      ]),
    ).toEqual([
      [
        "s-rds-proxy-pool-high",
        "DatabaseConnections",
        { ProxyName: "p" },
        "Sum",
        60,
        5,
        "GreaterThanThreshold",
        1136,
        "notBreaching",
      ],
      [
        "s-rds-proxy-pinned-sessions",
        "DatabaseConnectionsCurrentlySessionPinned",
        { ProxyName: "p" },
        "Sum",
        60,
        5,
        "GreaterThanThreshold",
        631,
        "notBreaching",
      ],
      [
        "s-rds-proxy-auth-failures",
        "ClientConnectionsSetupFailedAuth",
        { ProxyName: "p" },
        "Sum",
        300,
        1,
        "GreaterThanOrEqualToThreshold",
        10,
        "notBreaching",
      ],
      [
        "s-rds-proxy-unavailable",
        "AvailabilityPercentage",
        { ProxyName: "p", TargetGroup: "default", TargetRole: "READ_WRITE" },
        "Average",
        60,
        3,
        "LessThanThreshold",
        100,
        "missing",
      ],
    ]);
  });

  it("watches availability in the target group it is given", () => {
    const ds = poolerAlarmDefinitions({
      kind: "rds-proxy",
      namePrefix: "s",
      proxyName: "p",
      targetGroupName: "tg-2",
      maxConnections: 100,
      proxyMaxConnectionsPercent: 75,
      pinnedSessionsPercent: 50,
      thresholds: GUIDE_THRESHOLDS,
    });
    expect(ds.find((d) => d.key === "rds-proxy-unavailable")?.dimensions).toEqual({
      ProxyName: "p",
      TargetGroup: "tg-2",
      TargetRole: "READ_WRITE",
    });
  });

  it("watches PgBouncer's ECS service, its load balancer targets and its queue", () => {
    const ds = poolerAlarmDefinitions({
      kind: "pgbouncer",
      namePrefix: "s",
      clusterName: "c",
      serviceName: "svc",
      loadBalancerArnSuffix: "net/lb/1",
      targetGroupArnSuffix: "targetgroup/tg/2",
      thresholds: GUIDE_THRESHOLDS,
    });
    expect(
      ds.map((d) => [
        d.key,
        d.namespace,
        d.metricName,
        d.statistic,
        d.evaluationPeriods,
        d.comparisonOperator,
        d.threshold,
        d.treatMissingData,
      ]),
    ).toEqual([
      [
        "pgbouncer-cpu-high",
        "AWS/ECS",
        "CPUUtilization",
        "Average",
        5,
        "GreaterThanThreshold",
        80,
        "missing",
      ],
      [
        "pgbouncer-memory-high",
        "AWS/ECS",
        "MemoryUtilization",
        "Average",
        5,
        "GreaterThanThreshold",
        90,
        "missing",
      ],
      [
        "pgbouncer-unhealthy-targets",
        "AWS/NetworkELB",
        "UnHealthyHostCount",
        "Minimum",
        3,
        "GreaterThanThreshold",
        0,
        "missing",
      ],
      [
        "pgbouncer-no-healthy-targets",
        "AWS/NetworkELB",
        "HealthyHostCount",
        "Maximum",
        2,
        "LessThanThreshold",
        1,
        "breaching",
      ],
      [
        "pgbouncer-clients-waiting",
        "Verscienta/PgBouncer",
        "ClientsWaiting",
        "Maximum",
        5,
        "GreaterThanThreshold",
        0,
        "missing",
      ],
      [
        "pgbouncer-max-wait",
        "Verscienta/PgBouncer",
        "MaxWaitSeconds",
        "Maximum",
        5,
        "GreaterThanThreshold",
        1,
        "missing",
      ],
    ]);
    expect(ds[2].dimensions).toEqual({ LoadBalancer: "net/lb/1", TargetGroup: "targetgroup/tg/2" });
    expect(ds[4].dimensions).toEqual({ ServiceName: "svc" });
    expect(ds[5].dimensions).toEqual({ ServiceName: "svc" });
    // Every datapoint of the 5-minute window must breach: one minute of queueing stays quiet.
    expect([
      ds[4].periodSeconds,
      ds[4].datapointsToAlarm,
      ds[5].periodSeconds,
      ds[5].datapointsToAlarm,
    ]).toEqual([60, 5, 60, 5]);
  });

  it("sets the PgBouncer wait alarm at a fifth of the application's connection timeout", () => {
    expect(APP_POOL.dev.connectionTimeoutMillis).toBe(5000);
    expect(APP_POOL.prod.connectionTimeoutMillis).toBe(5000);
    expect(PGBOUNCER_WAIT_ALARMS).toEqual({
      appConnectionTimeoutSeconds: 5,
      maxWaitSeconds: 1,
      clientsWaiting: 0,
      minutes: 5,
    });
  });
});

describe("SQL metric alarm definitions", () => {
  const ds = sqlMetricAlarmDefinitions({
    identifier: "verscienta-prod-db",
    namePrefix: "verscienta-prod",
    functionName: "verscienta-prod-dbops",
  });
  const spec = Object.fromEntries(
    ds.map((d) => [
      d.alarmName,
      [
        d.namespace,
        d.metricName,
        d.dimensions,
        d.statistic,
        d.periodSeconds,
        d.evaluationPeriods,
        d.datapointsToAlarm,
        d.comparisonOperator,
        d.threshold,
        d.treatMissingData,
      ],
    ]),
  );
  const db = { DBInstanceIdentifier: "verscienta-prod-db" };

  it("defines exactly its keys, in order", () => {
    expect(ds.map((d) => d.key)).toEqual(sqlMetricAlarmKeys());
    expect(sqlMetricAlarmKeys()).toEqual([
      "cache-hit-ratio-low",
      "long-running-queries",
      "sql-metrics-missing",
      "dbops-function-errors",
    ]);
  });

  it("alarms below the guide's 99 % cache hit ratio for 5 minutes, silence not breaching", () => {
    expect(spec["verscienta-prod-db-cache-hit-ratio-low"]).toEqual([
      "Verscienta/PostgreSQL",
      "CacheHitRatio",
      db,
      "Average",
      60,
      5,
      5,
      "LessThanThreshold",
      99,
      "notBreaching",
    ]);
  });

  it("alarms on one client query still running past the guide's 5 s slow-query threshold", () => {
    expect(spec["verscienta-prod-db-long-running-queries"]).toEqual([
      "Verscienta/PostgreSQL",
      "LongRunningQueries",
      db,
      "Maximum",
      60,
      1,
      1,
      "GreaterThanOrEqualToThreshold",
      1,
      "notBreaching",
    ]);
  });

  it("alarms when no run published DatabaseSizeBytes in 5 minutes, missing data breaching", () => {
    expect(spec["verscienta-prod-db-sql-metrics-missing"]).toEqual([
      "Verscienta/PostgreSQL",
      "DatabaseSizeBytes",
      db,
      "SampleCount",
      300,
      1,
      1,
      "LessThanThreshold",
      1,
      "breaching",
    ]);
  });

  it("alarms on any error of the database operations function, named after the stack", () => {
    expect(spec["verscienta-prod-dbops-function-errors"]).toEqual([
      "AWS/Lambda",
      "Errors",
      { FunctionName: "verscienta-prod-dbops" },
      "Sum",
      300,
      1,
      1,
      "GreaterThanOrEqualToThreshold",
      1,
      "notBreaching",
    ]);
  });

  it("says how the long-running alarm differs from the slow-queries log alarm", () => {
    const long = ds.find((d) => d.key === "long-running-queries");
    expect(long?.description).toContain("the slow-queries alarm reports them only once they finish");
  });
});

describe("dashboardBody", () => {
  const primary = instanceAlarmDefinitions({
    identifier: "p",
    replica: false,
    burstable: false,
    memoryMiB: 16384,
    allocatedStorageGb: 100,
    thresholds: GUIDE_THRESHOLDS,
  });
  const replica = instanceAlarmDefinitions({
    identifier: "r",
    replica: true,
    burstable: false,
    memoryMiB: 16384,
    allocatedStorageGb: 100,
    thresholds: GUIDE_THRESHOLDS,
  });
  const body = dashboardBody({
    region: "us-east-1",
    title: "t",
    instances: [
      { identifier: "p", replica: false, maxConnections: 1684, alarms: primary },
      { identifier: "r", replica: true, maxConnections: 1684, alarms: replica },
    ],
    pooler: { kind: "none", alarms: [] },
    alarmArns: ["arn:1", "arn:2"],
  });
  const widget = (title: string) => {
    const w = body.widgets.find((x) => x.properties.title === title);
    if (!w) throw new Error(`no widget ${title}`);
    return w.properties;
  };

  it("draws CPU for both instances with the 80% threshold line", () => {
    expect(widget("CPU utilization (%)")).toMatchObject({
      metrics: [
        [
          "AWS/RDS",
          "CPUUtilization",
          "DBInstanceIdentifier",
          "p",
          { label: "p", stat: "Average", period: 60 },
        ],
        [
          "AWS/RDS",
          "CPUUtilization",
          "DBInstanceIdentifier",
          "r",
          { label: "r", stat: "Average", period: 60 },
        ],
      ],
      annotations: { horizontal: [{ label: "alarm above 80", value: 80 }] },
    });
  });

  it("draws connections against the alarm threshold and each instance's max_connections", () => {
    expect(widget("Connections vs max_connections (guide: connection pool)").annotations).toEqual({
      horizontal: [
        { label: "alarm above 1515", value: 1515 },
        { label: "p max_connections", value: 1684 },
        { label: "r max_connections", value: 1684 },
      ],
    });
  });

  it("refuses a max_connections line at or below the connection alarm (numbers from two sources)", () => {
    expect(() =>
      dashboardBody({
        region: "us-east-1",
        title: "t",
        instances: [{ identifier: "p", replica: false, maxConnections: 1515, alarms: primary }],
        pooler: { kind: "none", alarms: [] },
        alarmArns: [],
      }),
    ).toThrow(
      "dashboard: p's connections-high alarm (1515) is not below its max_connections (1515); pass the maxConnections the alarm was sized from.",
    );
  });

  it("draws replica lag for the replica only", () => {
    expect(widget("Replica lag (s)").metrics).toEqual([
      ["AWS/RDS", "ReplicaLag", "DBInstanceIdentifier", "r", { label: "r", stat: "Maximum", period: 60 }],
    ]);
  });

  it("lists the alarms in a status widget and lays widgets out without overlap", () => {
    expect(body.widgets[1]).toMatchObject({ type: "alarm", properties: { alarms: ["arn:1", "arn:2"] } });
    const cells = body.widgets.map((w) => `${w.x},${w.y}`);
    expect(new Set(cells).size).toBe(cells.length);
  });

  it("has no SQL panels without SQL metrics", () => {
    expect(body.widgets.some((w) => String(w.properties.title).includes("Dead tuples"))).toBe(false);
  });

  describe("with the SQL metrics of the primary", () => {
    const sqlAlarms = sqlMetricAlarmDefinitions({
      identifier: "p",
      namePrefix: "s",
      functionName: "s-dbops",
    });
    const withSql = dashboardBody({
      region: "us-east-1",
      title: "t",
      instances: [{ identifier: "p", replica: false, maxConnections: 1684, alarms: primary }],
      pooler: { kind: "none", alarms: [] },
      sqlMetrics: { identifier: "p", alarms: sqlAlarms },
      alarmArns: [],
    });
    const sqlWidget = (title: string) => {
      const w = withSql.widgets.find((x) => x.properties.title === title);
      if (!w) throw new Error(`no widget ${title}`);
      return w.properties;
    };

    it("draws the cache hit ratio with the guide's 99 % line", () => {
      expect(sqlWidget("Cache hit ratio, heap blocks of user tables (%) (guide: > 99 %)")).toMatchObject({
        metrics: [
          [
            "Verscienta/PostgreSQL",
            "CacheHitRatio",
            "DBInstanceIdentifier",
            "p",
            { label: "p", stat: "Average", period: 60 },
          ],
        ],
        annotations: { horizontal: [{ label: "alarm below 99", value: 99 }] },
      });
    });

    it("draws database and largest table size, dead tuples and the oldest query against the 5 s threshold", () => {
      const row = (metric: string, label: string) => [
        "Verscienta/PostgreSQL",
        metric,
        "DBInstanceIdentifier",
        "p",
        { label, stat: "Maximum", period: 60 },
      ];
      expect(
        sqlWidget("Database and largest table size (bytes) (guide: database size, table sizes)").metrics,
      ).toEqual([row("DatabaseSizeBytes", "p database"), row("LargestTableBytes", "p largest table")]);
      expect(sqlWidget("Dead tuples (guide: table bloat)").metrics).toEqual([
        row("DeadTuples", "p dead tuples"),
      ]);
      expect(sqlWidget("Oldest active client query (s) (guide: active queries)")).toMatchObject({
        metrics: [row("OldestActiveQuerySeconds", "p oldest query")],
        annotations: { horizontal: [{ label: "slow-query threshold 5 s", value: 5 }] },
      });
      expect(sqlWidget("Client queries active longer than the slow-query threshold").metrics).toEqual([
        [
          "Verscienta/PostgreSQL",
          "LongRunningQueries",
          "DBInstanceIdentifier",
          "p",
          { label: "p", stat: "Maximum", period: 60 },
        ],
      ]);
    });

    it("draws connections for every state the function reports, with a search on the State dimension", () => {
      expect(sqlWidget("Client connections by state (guide: connection pool)").metrics).toEqual([
        [
          {
            expression:
              "SEARCH('{Verscienta/PostgreSQL,DBInstanceIdentifier,State} MetricName=\"Connections\" DBInstanceIdentifier=\"p\"', 'Maximum', 60)",
            id: "states",
            period: 60,
          },
        ],
      ]);
    });

    it("draws the function's errors and the collector's heartbeat", () => {
      expect(sqlWidget("Database operations function errors").metrics).toEqual([
        ["AWS/Lambda", "Errors", "FunctionName", "s-dbops", { label: "p", stat: "Sum", period: 300 }],
      ]);
      expect(sqlWidget("SQL metric runs (samples of DatabaseSizeBytes per 5 min)").metrics).toEqual([
        [
          "Verscienta/PostgreSQL",
          "DatabaseSizeBytes",
          "DBInstanceIdentifier",
          "p",
          { label: "p", stat: "SampleCount", period: 300 },
        ],
      ]);
    });
  });

  it("has no pooler widgets without a pooler", () => {
    expect(body.widgets.some((w) => String(w.properties.title).includes("Proxy"))).toBe(false);
  });

  const pooled = (kind: "rds-proxy" | "pgbouncer") =>
    dashboardBody({
      region: "us-east-1",
      title: "t",
      instances: [{ identifier: "p", replica: false, maxConnections: 1684, alarms: primary }],
      pooler: {
        kind,
        alarms:
          kind === "rds-proxy"
            ? poolerAlarmDefinitions({
                kind,
                namePrefix: "s",
                proxyName: "px",
                maxConnections: 1684,
                proxyMaxConnectionsPercent: 75,
                pinnedSessionsPercent: 50,
                thresholds: GUIDE_THRESHOLDS,
              })
            : poolerAlarmDefinitions({
                kind,
                namePrefix: "s",
                clusterName: "c",
                serviceName: "svc",
                loadBalancerArnSuffix: "net/lb/1",
                targetGroupArnSuffix: "targetgroup/tg/2",
                thresholds: GUIDE_THRESHOLDS,
              }),
      },
      alarmArns: [],
    }).widgets;
  const titled = (ws: ReturnType<typeof pooled>, title: string) => {
    const w = ws.find((x) => x.properties.title === title);
    if (!w) throw new Error(`no widget ${title}`);
    return w.properties;
  };

  it("draws the RDS Proxy pool summed over the proxy's nodes, and its writer availability", () => {
    const ws = pooled("rds-proxy");
    expect(titled(ws, "RDS Proxy database connections").metrics).toEqual([
      ["AWS/RDS", "DatabaseConnections", "ProxyName", "px", { label: "rds-proxy", stat: "Sum", period: 60 }],
    ]);
    expect(titled(ws, "RDS Proxy writer availability (%)")).toMatchObject({
      metrics: [
        [
          "AWS/RDS",
          "AvailabilityPercentage",
          "ProxyName",
          "px",
          "TargetGroup",
          "default",
          "TargetRole",
          "READ_WRITE",
          { label: "rds-proxy", stat: "Average", period: 60 },
        ],
      ],
      annotations: { horizontal: [{ label: "alarm below 100", value: 100 }] },
    });
  });

  it("draws PgBouncer's waiting clients and longest wait with their alarm lines", () => {
    const ws = pooled("pgbouncer");
    expect(titled(ws, "PgBouncer clients waiting for a server connection")).toMatchObject({
      metrics: [
        [
          "Verscienta/PgBouncer",
          "ClientsWaiting",
          "ServiceName",
          "svc",
          { label: "pgbouncer", stat: "Maximum", period: 60 },
        ],
      ],
      annotations: { horizontal: [{ label: "alarm above 0", value: 0 }] },
    });
    expect(titled(ws, "PgBouncer longest client wait (s)")).toMatchObject({
      metrics: [
        [
          "Verscienta/PgBouncer",
          "MaxWaitSeconds",
          "ServiceName",
          "svc",
          { label: "pgbouncer", stat: "Maximum", period: 60 },
        ],
      ],
      annotations: { horizontal: [{ label: "alarm above 1", value: 1 }] },
    });
    const cells = ws.map((w) => `${w.x},${w.y}`);
    expect(new Set(cells).size).toBe(cells.length);
  });
});
