/**
 * Monitoring and alerting: the encrypted alarm topic, the guide's "Alerting Thresholds" as
 * CloudWatch alarms on the primary and every replica (sized from the instance class's real memory),
 * the DBA additions, RDS events, pooler alarms, the alarms on the guide's SQL metrics (published by the
 * database operations function from the primary) and on that function, and the dashboard.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  type AlarmThresholds,
  AlarmTopic,
  DatabaseAlarms,
  DatabaseDashboard,
  DatabaseEvents,
  ec2InstanceType,
  isBurstableClass,
  PoolerAlarms,
  SqlMetricAlarms,
} from "../components/monitoring";
import type { PlatformConfig } from "./config";
import type { Core, MonitoringResult, PoolerTarget } from "./contracts";

/** The config's alarm keys, as the components' thresholds. */
export function thresholdsFrom(cfg: PlatformConfig): AlarmThresholds {
  return {
    cpuPercent: cfg.alarmCpuPercent,
    cpuMinutes: cfg.alarmCpuMinutes,
    freeableMemoryPercent: cfg.alarmFreeableMemoryPercent,
    freeStoragePercent: cfg.alarmFreeStoragePercent,
    connectionsPercent: cfg.alarmConnectionsPercent,
    replicaLagSeconds: cfg.alarmReplicaLagSeconds,
    slowQuerySeconds: cfg.alarmSlowQuerySeconds,
    maxUsedTransactionIds: cfg.alarmMaxUsedTransactionIds,
    diskQueueDepth: cfg.alarmDiskQueueDepth,
    cpuCreditBalance: cfg.alarmCpuCreditBalance,
    authFailures: cfg.alarmAuthFailures,
  };
}

/** The `postgresql` group among an instance's exported log groups (an output of the group resource). */
const postgresqlLogGroup = (names: pulumi.Output<string[]>): pulumi.Output<string> =>
  names.apply((ns) => {
    const found = ns.find((n) => n.endsWith("/postgresql"));
    if (!found)
      throw new Error(
        `no postgresql log group among ${ns.join(", ")}: the instance must export the "postgresql" log.`,
      );
    return found;
  });

/**
 * @param opsFunctionName the database operations function (infra/access.ts): it publishes the SQL
 *   metrics of the primary, and its errors page.
 */
export function buildMonitoring(
  core: Core,
  pooler: PoolerTarget,
  opsFunctionName: pulumi.Output<string>,
): MonitoringResult {
  const { cfg, name, tags } = core;
  const thresholds = thresholdsFrom(cfg);

  const topic = new AlarmTopic(name, {
    accountId: core.accountId,
    region: cfg.region,
    partition: core.partition,
    kmsKeyArn: core.key.keyArn,
    emails: cfg.alarmEmails,
    httpsEndpoints: cfg.alarmHttpsEndpoints,
    tags,
  });

  // The class's memory from EC2's catalogue ("db.r6g.large" → "r6g.large"), not a hand-kept table.
  const memoryMiB = aws.ec2.getInstanceTypeOutput({
    instanceType: ec2InstanceType(cfg.instanceClass),
  }).memorySize;
  const burstable = isBurstableClass(cfg.instanceClass);

  const instances = [
    {
      component: `${name}-db`,
      identifier: core.primary.identifier,
      logGroupNames: core.primary.logGroupNames,
      replica: false,
    },
    ...core.replicas.map((r, i) => ({
      component: `${name}-db-replica-${i + 1}`,
      identifier: r.identifier,
      logGroupNames: r.logGroupNames,
      replica: true,
    })),
  ].map(
    (i) =>
      ({
        ...i,
        alarms: new DatabaseAlarms(i.component, {
          identifier: i.identifier,
          postgresqlLogGroupName: postgresqlLogGroup(i.logGroupNames),
          replica: i.replica,
          burstable,
          memoryMiB,
          // Replicas are created with the primary's storage and parameter group.
          allocatedStorageGb: cfg.allocatedStorageGb,
          maxConnections: cfg.maxConnections,
          thresholds,
          topicArn: topic.topicArn,
          tags,
        }),
      }) as const,
  );

  const primaryMaxConnections = instances[0].alarms.maxConnections;
  const poolerAlarms =
    pooler.kind === "rds-proxy"
      ? new PoolerAlarms(`${name}-pooler`, {
          kind: "rds-proxy",
          namePrefix: name,
          proxyName: pooler.proxyName,
          maxConnections: primaryMaxConnections,
          proxyMaxConnectionsPercent: cfg.proxyMaxConnectionsPercent,
          thresholds,
          topicArn: topic.topicArn,
          tags,
        })
      : pooler.kind === "pgbouncer"
        ? new PoolerAlarms(`${name}-pooler`, {
            kind: "pgbouncer",
            namePrefix: name,
            clusterName: pooler.clusterName,
            serviceName: pooler.serviceName,
            loadBalancerArnSuffix: pooler.loadBalancerArnSuffix,
            targetGroupArnSuffix: pooler.targetGroupArnSuffix,
            thresholds,
            topicArn: topic.topicArn,
            tags,
          })
        : undefined;

  // The function connects to the primary only (DB_HOST is the primary's address), so the SQL metrics
  // and their alarms are the primary's.
  const sqlAlarms = new SqlMetricAlarms(`${name}-sql`, {
    identifier: core.primary.identifier,
    namePrefix: name,
    functionName: opsFunctionName,
    topicArn: topic.topicArn,
    tags,
  });

  new DatabaseEvents(name, {
    sourceIds: instances.map((i) => i.identifier),
    proxyName: pooler.kind === "rds-proxy" ? pooler.proxyName : undefined,
    topicArn: topic.topicArn,
    tags,
  });

  const alarmNames = pulumi
    .all([
      ...instances.map((i) => i.alarms.alarmNames),
      sqlAlarms.alarmNames,
      ...(poolerAlarms ? [poolerAlarms.alarmNames] : []),
    ])
    .apply((groups) => groups.flat());
  const alarmArns = pulumi
    .all([
      ...instances.map((i) => i.alarms.alarmArns),
      sqlAlarms.alarmArns,
      ...(poolerAlarms ? [poolerAlarms.alarmArns] : []),
    ])
    .apply((groups) => groups.flat());

  const dashboard = new DatabaseDashboard(name, {
    dashboardName: `${name}-postgres`,
    region: cfg.region,
    instances: instances.map((i) => ({
      identifier: i.identifier,
      replica: i.replica,
      maxConnections: i.alarms.maxConnections,
      alarms: i.alarms.definitions,
    })),
    poolerKind: pooler.kind,
    poolerAlarms: poolerAlarms?.definitions ?? [],
    sqlMetrics: { identifier: core.primary.identifier, alarms: sqlAlarms.definitions },
    alarmArns,
  });

  return {
    topicArn: topic.topicArn,
    outputs: {
      alarmTopicArn: topic.topicArn,
      dashboardName: dashboard.dashboardName,
      alarmNames,
    },
  };
}
