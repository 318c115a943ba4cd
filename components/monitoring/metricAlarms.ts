import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import type { AlarmDefinition } from "./alarmDefinitions";

/** Where every alarm reports: alarm, OK and insufficient-data actions all go to the one topic. */
export interface AlarmTarget {
  readonly topicArn: pulumi.Input<string>;
  readonly tags?: Record<string, string>;
}

/**
 * One `aws.cloudwatch.MetricAlarm` per key, named `${name}-${key}`. The definitions may depend on
 * values known only after a lookup (instance memory), so they arrive as one Output; the keys are known
 * up front, which keeps the set of resources visible in every preview.
 */
export function alarmsFromDefinitions(
  name: string,
  keys: readonly string[],
  definitions: pulumi.Output<AlarmDefinition[]>,
  target: AlarmTarget,
  opts: pulumi.CustomResourceOptions,
): aws.cloudwatch.MetricAlarm[] {
  return keys.map((key) => {
    const d = definitions.apply((ds) => {
      const found = ds.find((x) => x.key === key);
      if (!found) throw new Error(`alarm "${key}" has no definition (keys and definitions disagree).`);
      return found;
    });
    return new aws.cloudwatch.MetricAlarm(
      `${name}-${key}`,
      {
        name: d.alarmName,
        alarmDescription: d.description,
        namespace: d.namespace,
        metricName: d.metricName,
        dimensions: d.dimensions.apply((x) => ({ ...x })),
        statistic: d.statistic,
        period: d.periodSeconds,
        evaluationPeriods: d.evaluationPeriods,
        datapointsToAlarm: d.datapointsToAlarm,
        comparisonOperator: d.comparisonOperator,
        threshold: d.threshold,
        treatMissingData: d.treatMissingData,
        actionsEnabled: true,
        alarmActions: [target.topicArn],
        okActions: [target.topicArn],
        insufficientDataActions: [target.topicArn],
        tags: target.tags,
      },
      opts,
    );
  });
}
