import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  type AlarmDefinition,
  authFailureMetricName,
  CUSTOM_NAMESPACE,
  instanceAlarmDefinitions,
  instanceAlarmKeys,
  slowQueryMetricName,
} from "./alarmDefinitions";
import { AUTH_FAILURE_PATTERNS, slowQueryVariants, variantSuffix } from "./logPatterns";
import { alarmsFromDefinitions } from "./metricAlarms";
import {
  type AlarmThresholds,
  connectionsThreshold,
  GUIDE_THRESHOLDS,
  validateAlarmThresholds,
} from "./thresholds";

export interface DatabaseAlarmsArgs {
  /** DB instance identifier: the alarms' dimension and the prefix of their names. */
  readonly identifier: pulumi.Input<string>;
  /**
   * Name of the instance's exported `postgresql` log group (`/aws/rds/instance/<id>/postgresql`), as
   * an output of the log group resource so the metric filters are created after it.
   */
  readonly postgresqlLogGroupName: pulumi.Input<string>;
  /** A read replica: adds the ReplicaLag alarm. @default false */
  readonly replica?: boolean;
  /** A burstable class (db.t*): adds the CPUCreditBalance alarm. @default false */
  readonly burstable?: boolean;
  /** The instance class's memory in MiB (`aws.ec2.getInstanceType`). */
  readonly memoryMiB: pulumi.Input<number>;
  /** Storage allocated at deploy time; FreeStorageSpace alarms below a share of it. */
  readonly allocatedStorageGb: number;
  /** `max_connections` from the parameter group. @default RDS's LEAST(DBInstanceClassMemory/9531392, 5000) */
  readonly maxConnections?: number;
  /** @default GUIDE_THRESHOLDS (the guide's "Alerting Thresholds", then the DBA additions) */
  readonly thresholds?: Partial<AlarmThresholds>;
  /** The alarm topic: alarm, OK and insufficient-data actions. */
  readonly topicArn: pulumi.Input<string>;
  readonly tags?: Record<string, string>;
}

/**
 * Every alarm for one DB instance (primary or replica): the guide's thresholds sized from the instance's
 * memory, storage and max_connections, the DBA additions, and the metric filters that turn its
 * postgresql log into slow-query and failed-login counts.
 */
export class DatabaseAlarms extends pulumi.ComponentResource {
  readonly alarms: aws.cloudwatch.MetricAlarm[];
  readonly metricFilters: aws.cloudwatch.LogMetricFilter[];
  readonly definitions: pulumi.Output<AlarmDefinition[]>;
  readonly alarmNames: pulumi.Output<string[]>;
  readonly alarmArns: pulumi.Output<string[]>;
  /** max_connections the connection alarm is sized from. */
  readonly maxConnections: pulumi.Output<number>;

  constructor(name: string, args: DatabaseAlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("verscienta:monitoring:DatabaseAlarms", name, {}, opts);
    const thresholds: AlarmThresholds = { ...GUIDE_THRESHOLDS, ...args.thresholds };
    validateAlarmThresholds(thresholds);
    if (!Number.isInteger(args.allocatedStorageGb) || args.allocatedStorageGb < 20) {
      throw new Error(
        `DatabaseAlarms: allocatedStorageGb: ${args.allocatedStorageGb} is not an RDS allocation. Use 20 GiB or more.`,
      );
    }
    const options = { replica: args.replica ?? false, burstable: args.burstable ?? false };

    const identifier = pulumi.output(args.identifier);
    const filter = (suffix: string, pattern: string, metricName: pulumi.Input<string>) =>
      new aws.cloudwatch.LogMetricFilter(
        `${name}-${suffix}`,
        {
          name: pulumi.interpolate`${identifier}-${suffix}`,
          logGroupName: args.postgresqlLogGroupName,
          pattern,
          metricTransformation: { name: metricName, namespace: CUSTOM_NAMESPACE, value: "1", unit: "Count" },
        },
        { parent: this },
      );
    // Every pattern in both tokenisations (logPatterns.ts): on any line at most one variant matches, so
    // the filters feeding one metric sum to the true count whichever way CloudWatch splits fields. The
    // "collapse" filters keep their original names; the "single" ones add "-single".
    const slowQueries = identifier.apply(slowQueryMetricName);
    const authFailures = identifier.apply(authFailureMetricName);
    this.metricFilters = [
      ...slowQueryVariants(thresholds.slowQuerySeconds).map((v) =>
        filter(variantSuffix(v), v.pattern, slowQueries),
      ),
      ...AUTH_FAILURE_PATTERNS.map((v) => filter(variantSuffix(v), v.pattern, authFailures)),
    ];

    this.definitions = pulumi.all([identifier, args.memoryMiB]).apply(([id, memoryMiB]) =>
      instanceAlarmDefinitions({
        ...options,
        identifier: id,
        memoryMiB,
        allocatedStorageGb: args.allocatedStorageGb,
        maxConnections: args.maxConnections,
        thresholds,
      }),
    );
    this.maxConnections = pulumi
      .output(args.memoryMiB)
      .apply(
        (m) => connectionsThreshold(m, thresholds.connectionsPercent, args.maxConnections).maxConnections,
      );

    // Log-derived alarms wait for their filters so the metric exists when the alarm is first evaluated.
    this.alarms = alarmsFromDefinitions(
      name,
      instanceAlarmKeys(options),
      this.definitions,
      { topicArn: args.topicArn, tags: args.tags },
      { parent: this, dependsOn: this.metricFilters },
    );
    this.alarmNames = pulumi.all(this.alarms.map((a) => a.name));
    this.alarmArns = pulumi.all(this.alarms.map((a) => a.arn));
    this.registerOutputs({ alarmNames: this.alarmNames });
  }
}
