/** AWS KMS: deletion window, and key policies the services encrypting with the key depend on. */
import type { PlanFinding, PlannedResource, PlanRule } from "../types";
import {
  actionCovers,
  actions,
  arnRegion,
  findKey,
  list,
  num,
  ofType,
  policyStatements,
  regionOf,
  servicePrincipals,
  T,
} from "./util";

export const deletionWindow: PlanRule = {
  id: "kms.deletionWindow",
  level: "plan",
  title: "The key deletion window is 7 to 30 days",
  source: {
    title: "AWS KMS API Reference, ScheduleKeyDeletion, PendingWindowInDays (7 to 30, inclusive)",
    url: "https://docs.aws.amazon.com/kms/latest/APIReference/API_ScheduleKeyDeletion.html",
  },
  fix: "Use a deletionWindowInDays of 7 to 30 (the stack uses 30).",
  check: (rs) =>
    ofType(rs, T.kmsKey)
      .filter((k) => {
        const d = num(k.inputs.deletionWindowInDays);
        return d !== undefined && (d < 7 || d > 30);
      })
      .map((k) => ({
        resource: k,
        message: `deletionWindowInDays ${String(k.inputs.deletionWindowInDays)} is outside 7 to 30.`,
      })),
};

/** True when the key policy lets `service` perform every one of `wanted`. */
function keyAllows(key: PlannedResource, service: string, wanted: readonly string[]): boolean {
  const st = policyStatements(key.inputs.policy).filter((s) => servicePrincipals(s).includes(service));
  return wanted.every((w) => st.some((s) => actions(s).some((a) => actionCovers(a, w))));
}

/** A topic's ARN as other resources reference it. */
const topicMatches = (t: PlannedResource, ref: unknown, region: string) =>
  typeof ref === "string" &&
  (ref === t.state?.arn ||
    (ref.endsWith(`:${String(t.inputs.name ?? t.name)}`) && arnRegion(ref) === region));

/** Services that publish to a topic in the plan: alarms, RDS event subscriptions, backup vault notifications. */
export function publishersOf(
  rs: readonly PlannedResource[],
  t: PlannedResource,
  region: string,
): Map<string, PlannedResource> {
  const out = new Map<string, PlannedResource>();
  for (const a of ofType(rs, T.metricAlarm))
    if (
      [
        ...list(a.inputs.alarmActions),
        ...list(a.inputs.okActions),
        ...list(a.inputs.insufficientDataActions),
      ].some((x) => topicMatches(t, x, region))
    )
      out.set("cloudwatch.amazonaws.com", a);
  for (const e of ofType(rs, T.eventSubscription))
    if (topicMatches(t, e.inputs.snsTopic, region)) out.set("events.rds.amazonaws.com", e);
  for (const v of ofType(rs, T.vaultNotifications))
    if (topicMatches(t, v.inputs.snsTopicArn, region)) out.set("backup.amazonaws.com", v);
  return out;
}

export const encryptedTopicPublishers: PlanRule = {
  id: "kms.encryptedTopic.publishers",
  level: "plan",
  title:
    "A CMK-encrypted topic's key lets each publishing service (CloudWatch, RDS events, AWS Backup) use it",
  source: {
    title:
      'Amazon SNS Developer Guide, "Enable compatibility between event sources from AWS services and encrypted topics" (the service principal needs kms:GenerateDataKey* and kms:Decrypt on the key; otherwise notifications are not delivered)',
    url: "https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services",
  },
  fix: "Add a key policy statement allowing the publishing service principals kms:GenerateDataKey* and kms:Decrypt.",
  check: (rs, ctx) => {
    const out: PlanFinding[] = [];
    for (const t of ofType(rs, T.topic)) {
      const key = findKey(rs, t.inputs.kmsMasterKeyId);
      if (!key) continue;
      for (const [service] of publishersOf(rs, t, regionOf(t, ctx)))
        if (!keyAllows(key, service, ["kms:GenerateDataKey", "kms:Decrypt"]))
          out.push({
            resource: t,
            message: `is encrypted with ${key.name}, whose policy does not let ${service} use it; its notifications to this topic are silently dropped.`,
          });
    }
    return out;
  },
};

export const encryptedLogGroupLogsPrincipal: PlanRule = {
  id: "kms.encryptedLogGroup.logsPrincipal",
  level: "plan",
  title: "A CMK-encrypted log group's key allows logs.<region>.amazonaws.com",
  source: {
    title:
      'Amazon CloudWatch Logs User Guide, "Encrypt log data in CloudWatch Logs using AWS Key Management Service" (the key policy must allow the logs.<region>.amazonaws.com principal)',
    url: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/encrypt-log-data-kms.html",
  },
  fix: "Add a key policy statement for logs.<region>.amazonaws.com with kms:Encrypt*, kms:Decrypt*, kms:GenerateDataKey*.",
  check: (rs, ctx) =>
    ofType(rs, T.logGroup).flatMap((g) => {
      const key = findKey(rs, g.inputs.kmsKeyId);
      const service = `logs.${regionOf(g, ctx)}.amazonaws.com`;
      return key && !keyAllows(key, service, ["kms:Encrypt", "kms:Decrypt", "kms:GenerateDataKey"])
        ? [
            {
              resource: g,
              message: `is encrypted with ${key.name}, whose policy does not allow ${service}; CloudWatch Logs refuses to associate the key.`,
            },
          ]
        : [];
    }),
};
