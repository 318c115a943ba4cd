import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import {
  ALARM_CATALOG,
  alarmCatalogMarkdown,
  catalogEntry,
  catalogKeyOf,
  catalogProblems,
} from "../../../components/monitoring/alarmCatalog";
import {
  type AlarmDefinition,
  instanceAlarmDefinitions,
  instanceAlarmKeys,
  poolerAlarmDefinitions,
  poolerAlarmKeys,
  sqlMetricAlarmDefinitions,
  sqlMetricAlarmKeys,
} from "../../../components/monitoring/alarmDefinitions";
import { GUIDE_THRESHOLDS } from "../../../components/monitoring/thresholds";
import { PGBOUNCER_METRICS } from "../../../components/pooling/pgbouncerConfig";
import { DB_METRICS, DB_METRICS_DIMENSION, DB_METRICS_NAMESPACE } from "../../../spec/databaseOps";
import { findRepoRoot } from "../../../testing/repoRoot";

/** Every alarm any stack can get: a burstable replica (all instance alarms) and both poolers. */
const everyDefinition = (): AlarmDefinition[] => [
  ...instanceAlarmDefinitions({
    identifier: "x-db-replica-1",
    replica: true,
    burstable: true,
    memoryMiB: 4096,
    allocatedStorageGb: 20,
    thresholds: GUIDE_THRESHOLDS,
  }),
  ...poolerAlarmDefinitions({
    kind: "rds-proxy",
    namePrefix: "s",
    proxyName: "s-proxy",
    maxConnections: 1684,
    proxyMaxConnectionsPercent: 75,
    pinnedSessionsPercent: 50,
    thresholds: GUIDE_THRESHOLDS,
  }),
  ...poolerAlarmDefinitions({
    kind: "pgbouncer",
    namePrefix: "s",
    clusterName: "c",
    serviceName: "s-pgbouncer",
    loadBalancerArnSuffix: "net/lb/1",
    targetGroupArnSuffix: "targetgroup/tg/2",
    thresholds: GUIDE_THRESHOLDS,
  }),
  ...sqlMetricAlarmDefinitions({ identifier: "x-db", namePrefix: "s", functionName: "s-dbops" }),
];

describe("the alarm catalog", () => {
  it("lists exactly the alarms the definitions can create, once each", () => {
    const keys = [
      ...instanceAlarmKeys({ replica: true, burstable: true }),
      ...poolerAlarmKeys("rds-proxy"),
      ...poolerAlarmKeys("pgbouncer"),
      ...sqlMetricAlarmKeys(),
    ];
    expect(ALARM_CATALOG.map((e) => e.key)).toEqual(keys);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("matches every definition's namespace, metric, dimensions, statistic and missing-data treatment", () => {
    const ds = everyDefinition();
    expect(ds).toHaveLength(ALARM_CATALOG.length);
    expect(ds.flatMap((d) => catalogProblems(d.key, d))).toEqual([]);
  });

  it("cites an AWS documentation page, and gives a reason, for every alarm", () => {
    for (const e of ALARM_CATALOG) {
      expect(e.source.url, e.key).toMatch(/^https:\/\/docs\.aws\.amazon\.com\//);
      expect(e.source.title.length, e.key).toBeGreaterThan(10);
      expect(e.source.says.length, e.key).toBeGreaterThan(20);
      expect(e.missingDataReason.length, e.key).toBeGreaterThan(40);
    }
  });

  it("takes RDS Proxy statistics from the RDS Proxy metrics page: Sum for counts, Average for availability", () => {
    const stat = (k: string) => [catalogEntry(k).metric, catalogEntry(k).statistic];
    expect(stat("rds-proxy-pool-high")).toEqual(["DatabaseConnections", "Sum"]);
    expect(stat("rds-proxy-pinned-sessions")).toEqual(["DatabaseConnectionsCurrentlySessionPinned", "Sum"]);
    expect(stat("rds-proxy-auth-failures")).toEqual(["ClientConnectionsSetupFailedAuth", "Sum"]);
    expect(stat("rds-proxy-unavailable")).toEqual(["AvailabilityPercentage", "Average"]);
    // AvailabilityPercentage exists only in dimension set 4.
    expect(catalogEntry("rds-proxy-unavailable").dimensionKeys).toEqual([
      "ProxyName",
      "TargetGroup",
      "TargetRole",
    ]);
  });

  it("names the metrics the PgBouncer tasks publish (the publisher's constant)", () => {
    const e = catalogEntry("pgbouncer-clients-waiting");
    const m = catalogEntry("pgbouncer-max-wait");
    expect([e.namespace, e.metric, e.dimensionKeys]).toEqual([
      PGBOUNCER_METRICS.namespace,
      PGBOUNCER_METRICS.clientsWaiting,
      [PGBOUNCER_METRICS.dimension],
    ]);
    expect([m.namespace, m.metric]).toEqual([PGBOUNCER_METRICS.namespace, PGBOUNCER_METRICS.maxWaitSeconds]);
  });

  it("names the SQL metrics the database operations function publishes (spec/databaseOps.ts)", () => {
    const sql = (k: string) => {
      const e = catalogEntry(k);
      return [e.namespace, e.metric, e.dimensionKeys, e.statistic, e.treatMissingData];
    };
    expect(sql("cache-hit-ratio-low")).toEqual([
      DB_METRICS_NAMESPACE,
      DB_METRICS.cacheHitRatio.name,
      [DB_METRICS_DIMENSION],
      "Average",
      "notBreaching",
    ]);
    expect(sql("long-running-queries")).toEqual([
      DB_METRICS_NAMESPACE,
      DB_METRICS.longRunningQueries.name,
      [DB_METRICS_DIMENSION],
      "Maximum",
      "notBreaching",
    ]);
    // Published on every run, so its sample count is the collector's heartbeat; silence breaches.
    expect(sql("sql-metrics-missing")).toEqual([
      DB_METRICS_NAMESPACE,
      DB_METRICS.databaseSize.name,
      [DB_METRICS_DIMENSION],
      "SampleCount",
      "breaching",
    ]);
    expect(sql("dbops-function-errors")).toEqual([
      "AWS/Lambda",
      "Errors",
      ["FunctionName"],
      "Sum",
      "notBreaching",
    ]);
    expect(catalogEntry("cache-hit-ratio-low").source.url).toBe(
      "https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html",
    );
    expect(catalogEntry("dbops-function-errors").source.url).toBe(
      "https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html",
    );
  });

  it("finds the key an alarm name ends with, preferring the longest", () => {
    expect(catalogKeyOf("verscienta-prod-pooler-rds-proxy-auth-failures")).toBe("rds-proxy-auth-failures");
    expect(catalogKeyOf("verscienta-dev-db-auth-failures")).toBe("auth-failures");
    expect(catalogKeyOf("verscienta-dev-pgbouncer-cpu-high")).toBe("pgbouncer-cpu-high");
    expect(catalogKeyOf("verscienta-dev-db-long-running-queries")).toBe("long-running-queries");
    expect(catalogKeyOf("verscienta-dev-dbops-function-errors")).toBe("dbops-function-errors");
    expect(catalogKeyOf("something-else")).toBeUndefined();
  });

  it("reports a definition whose statistic, dimensions or missing-data treatment departs from it", () => {
    const [pool] = poolerAlarmDefinitions({
      kind: "rds-proxy",
      namePrefix: "s",
      proxyName: "p",
      maxConnections: 100,
      proxyMaxConnectionsPercent: 75,
      pinnedSessionsPercent: 50,
      thresholds: GUIDE_THRESHOLDS,
    });
    expect(
      catalogProblems(pool.key, {
        ...pool,
        statistic: "Maximum",
        dimensions: { ProxyName: "p", EndpointName: "default" },
        treatMissingData: "missing",
      }),
    ).toEqual([
      "rds-proxy-pool-high: dimensions [EndpointName, ProxyName], catalog [ProxyName]",
      "rds-proxy-pool-high: statistic Maximum, catalog Sum",
      "rds-proxy-pool-high: treatMissingData missing, catalog notBreaching",
    ]);
  });

  it("reports a wrong namespace, metric or fixed dimension value, and an alarm it does not know", () => {
    const avail = poolerAlarmDefinitions({
      kind: "rds-proxy",
      namePrefix: "s",
      proxyName: "p",
      maxConnections: 100,
      proxyMaxConnectionsPercent: 75,
      pinnedSessionsPercent: 50,
      thresholds: GUIDE_THRESHOLDS,
    }).find((d) => d.key === "rds-proxy-unavailable") as AlarmDefinition;
    expect(
      catalogProblems(avail.key, {
        ...avail,
        namespace: "AWS/RDSProxy",
        metricName: "Availability",
        dimensions: { ...avail.dimensions, TargetRole: "READ_ONLY" },
      }),
    ).toEqual([
      "rds-proxy-unavailable: namespace AWS/RDSProxy, catalog AWS/RDS",
      "rds-proxy-unavailable: metric Availability, catalog AvailabilityPercentage",
      "rds-proxy-unavailable: dimension TargetRole=READ_ONLY, catalog READ_WRITE",
    ]);
    expect(catalogProblems("nope", avail)).toEqual(["nope: not in the alarm catalog"]);
    expect(() => catalogEntry("nope")).toThrow('alarm "nope" is not in the alarm catalog');
  });

  it("matches log-derived metric names per instance, and only those", () => {
    const slow = everyDefinition().find((d) => d.key === "slow-queries") as AlarmDefinition;
    expect(slow.metricName).toBe("SlowQueries-x-db-replica-1");
    expect(catalogProblems("slow-queries", { ...slow, metricName: "SlowQueries-" })).toEqual([
      "slow-queries: metric SlowQueries-, catalog SlowQueries-<id>",
    ]);
  });

  it("is the README's alarm table, row for row", () => {
    const readme = readFileSync(path.join(findRepoRoot(__dirname), "README.md"), "utf8");
    const table = alarmCatalogMarkdown();
    expect(table.split("\n")).toHaveLength(ALARM_CATALOG.length + 2);
    expect(readme).toContain(table);
  });
});
