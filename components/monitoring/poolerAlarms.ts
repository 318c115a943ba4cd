import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  type AlarmDefinition,
  type AlarmedPoolerKind,
  PROXY_DEFAULT_TARGET_GROUP,
  poolerAlarmDefinitions,
  poolerAlarmKeys,
} from "./alarmDefinitions";
import { alarmsFromDefinitions } from "./metricAlarms";
import { type AlarmThresholds, GUIDE_THRESHOLDS, validateAlarmThresholds } from "./thresholds";

export interface PoolerAlarmsArgs {
  readonly kind: AlarmedPoolerKind;
  /** Prefix of the alarm names (the stack name): `<prefix>-rds-proxy-pool-high`. */
  readonly namePrefix: string;
  /** rds-proxy: the proxy's name (the metrics' ProxyName dimension). */
  readonly proxyName?: pulumi.Input<string>;
  /**
   * rds-proxy: the proxy's target group (a dimension of AvailabilityPercentage). Every proxy has one,
   * named "default" (see PROXY_DEFAULT_TARGET_GROUP). @default "default"
   */
  readonly proxyTargetGroupName?: pulumi.Input<string>;
  /** rds-proxy: max_connections of the target instance. */
  readonly maxConnections?: pulumi.Input<number>;
  /** rds-proxy: the proxy's `maxConnectionsPercent`. @default 75 */
  readonly proxyMaxConnectionsPercent?: number;
  /**
   * rds-proxy: alarm when more than this share of the proxy's pool is pinned to single clients.
   * @default 50
   */
  readonly pinnedSessionsPercent?: number;
  /** pgbouncer: ECS cluster and service names. */
  readonly clusterName?: pulumi.Input<string>;
  readonly serviceName?: pulumi.Input<string>;
  /** pgbouncer: network load balancer and target group ARN suffixes (the NLB metric dimensions). */
  readonly loadBalancerArnSuffix?: pulumi.Input<string>;
  readonly targetGroupArnSuffix?: pulumi.Input<string>;
  /** @default GUIDE_THRESHOLDS */
  readonly thresholds?: Partial<AlarmThresholds>;
  readonly topicArn: pulumi.Input<string>;
  readonly tags?: Record<string, string>;
}

const REQUIRED: Record<AlarmedPoolerKind, readonly (keyof PoolerAlarmsArgs)[]> = {
  "rds-proxy": ["proxyName", "maxConnections"],
  pgbouncer: ["clusterName", "serviceName", "loadBalancerArnSuffix", "targetGroupArnSuffix"],
};

export function validatePoolerAlarmsArgs(args: PoolerAlarmsArgs): void {
  const problems: string[] = [];
  for (const k of REQUIRED[args.kind] ?? []) {
    if (args[k] === undefined)
      problems.push(`${k}: is required when kind is "${args.kind}". Pass it from the pooler component.`);
  }
  for (const k of ["proxyMaxConnectionsPercent", "pinnedSessionsPercent"] as const) {
    const v = args[k];
    if (v !== undefined && (!Number.isInteger(v) || v < 1 || v > 99))
      problems.push(`${k}: ${v} is not a percentage from 1 to 99. Use 1 to 99.`);
  }
  if (!REQUIRED[args.kind])
    problems.push(`kind: "${String(args.kind)}" is not a pooler. Use "rds-proxy" or "pgbouncer".`);
  if (problems.length) throw new Error(`PoolerAlarms: ${problems.join(" ")}`);
}

/**
 * Alarms on the connection pooler. RDS Proxy: its pool near saturation (the guide's 90% connection
 * rule applied to the proxy's share of max_connections), pinned sessions, refused logins, and its writer
 * unreachable. PgBouncer on ECS: service CPU and memory, unhealthy and missing load-balancer targets, and
 * clients queueing for a server connection (the metrics each task publishes).
 */
export class PoolerAlarms extends pulumi.ComponentResource {
  readonly alarms: aws.cloudwatch.MetricAlarm[];
  readonly definitions: pulumi.Output<AlarmDefinition[]>;
  readonly alarmNames: pulumi.Output<string[]>;
  readonly alarmArns: pulumi.Output<string[]>;

  constructor(name: string, args: PoolerAlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("verscienta:monitoring:PoolerAlarms", name, {}, opts);
    validatePoolerAlarmsArgs(args);
    const thresholds: AlarmThresholds = { ...GUIDE_THRESHOLDS, ...args.thresholds };
    validateAlarmThresholds(thresholds);

    this.definitions =
      args.kind === "rds-proxy"
        ? pulumi
            .all([
              args.proxyName!,
              args.maxConnections!,
              args.proxyTargetGroupName ?? PROXY_DEFAULT_TARGET_GROUP,
            ])
            .apply(([proxyName, maxConnections, targetGroupName]) =>
              poolerAlarmDefinitions({
                kind: "rds-proxy",
                namePrefix: args.namePrefix,
                proxyName,
                targetGroupName,
                maxConnections,
                proxyMaxConnectionsPercent: args.proxyMaxConnectionsPercent ?? 75,
                pinnedSessionsPercent: args.pinnedSessionsPercent ?? 50,
                thresholds,
              }),
            )
        : pulumi
            .all([
              args.clusterName!,
              args.serviceName!,
              args.loadBalancerArnSuffix!,
              args.targetGroupArnSuffix!,
            ])
            .apply(([clusterName, serviceName, loadBalancerArnSuffix, targetGroupArnSuffix]) =>
              poolerAlarmDefinitions({
                kind: "pgbouncer",
                namePrefix: args.namePrefix,
                clusterName,
                serviceName,
                loadBalancerArnSuffix,
                targetGroupArnSuffix,
                thresholds,
              }),
            );

    this.alarms = alarmsFromDefinitions(
      name,
      poolerAlarmKeys(args.kind),
      this.definitions,
      { topicArn: args.topicArn, tags: args.tags },
      { parent: this },
    );
    this.alarmNames = pulumi.all(this.alarms.map((a) => a.name));
    this.alarmArns = pulumi.all(this.alarms.map((a) => a.arn));
    this.registerOutputs({ alarmNames: this.alarmNames });
  }
}
