import type * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type AlarmDefinition, sqlMetricAlarmDefinitions, sqlMetricAlarmKeys } from "./alarmDefinitions";
import { alarmsFromDefinitions } from "./metricAlarms";

export interface SqlMetricAlarmsArgs {
  /** The DB instance the database operations function queries (the primary): the metrics' dimension. */
  readonly identifier: pulumi.Input<string>;
  /** Prefix of the function-error alarm's name (the stack name): `<prefix>-dbops-function-errors`. */
  readonly namePrefix: string;
  /** The database operations function (AWS/Lambda FunctionName dimension). */
  readonly functionName: pulumi.Input<string>;
  readonly topicArn: pulumi.Input<string>;
  readonly tags?: Record<string, string>;
}

/**
 * Alarms on the guide's SQL metrics the database operations function publishes (cache hit ratio,
 * queries still running past the slow-query threshold), on those metrics going silent, and on the
 * function's own errors. The thresholds are the guide's (spec/databaseOps.ts); see
 * `sqlMetricAlarmDefinitions` for each alarm's reasoning and alarmCatalog.ts for its AWS source.
 */
export class SqlMetricAlarms extends pulumi.ComponentResource {
  readonly alarms: aws.cloudwatch.MetricAlarm[];
  readonly definitions: pulumi.Output<AlarmDefinition[]>;
  readonly alarmNames: pulumi.Output<string[]>;
  readonly alarmArns: pulumi.Output<string[]>;

  constructor(name: string, args: SqlMetricAlarmsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("verscienta:monitoring:SqlMetricAlarms", name, {}, opts);
    if (!/^[A-Za-z0-9_.-]{1,200}$/.test(args.namePrefix)) {
      throw new Error(
        `SqlMetricAlarms: namePrefix: "${args.namePrefix}" is not an alarm name prefix. Use the stack name (letters, digits, ., _ and -).`,
      );
    }
    this.definitions = pulumi
      .all([args.identifier, args.functionName])
      .apply(([identifier, functionName]) => {
        if (!functionName)
          throw new Error(
            "SqlMetricAlarms: functionName: is empty. Pass the database operations function's name (access.opsFunctionName).",
          );
        return sqlMetricAlarmDefinitions({ identifier, namePrefix: args.namePrefix, functionName });
      });
    this.alarms = alarmsFromDefinitions(
      name,
      sqlMetricAlarmKeys(),
      this.definitions,
      { topicArn: args.topicArn, tags: args.tags },
      { parent: this },
    );
    this.alarmNames = pulumi.all(this.alarms.map((a) => a.name));
    this.alarmArns = pulumi.all(this.alarms.map((a) => a.arn));
    this.registerOutputs({ alarmNames: this.alarmNames });
  }
}
