import { createHash } from "node:crypto";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface AlarmTopicArgs {
  readonly accountId: pulumi.Input<string>;
  readonly region: pulumi.Input<string>;
  /** @default "aws" */
  readonly partition?: pulumi.Input<string>;
  /**
   * Customer-managed KMS key whose policy lets cloudwatch.amazonaws.com, events.rds.amazonaws.com and
   * backup.amazonaws.com use it. Never `alias/aws/sns`: those services cannot use the AWS-managed key,
   * and alarm notifications are then silently dropped.
   */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** E-mail subscribers (each confirms by mail). @default [] */
  readonly emails?: readonly string[];
  /** HTTPS webhook subscribers (pager, chat). Plain http is refused. @default [] */
  readonly httpsEndpoints?: readonly string[];
  readonly tags?: Record<string, string>;
}

/** AWS services that publish to the topic, and the source ARNs they may publish for. */
const PUBLISHERS = [
  {
    sid: "CloudWatchAlarmsPublish",
    service: "cloudwatch.amazonaws.com",
    arn: "cloudwatch",
    resource: "alarm:*",
  },
  { sid: "RdsEventsPublish", service: "events.rds.amazonaws.com", arn: "rds", resource: "*" },
  {
    sid: "BackupNotificationsPublish",
    service: "backup.amazonaws.com",
    arn: "backup",
    resource: "backup-vault:*",
  },
] as const;

/**
 * The topic policy: the owning account manages the topic; CloudWatch alarms, RDS events and AWS Backup
 * publish only for this account (`aws:SourceAccount`, `aws:SourceArn`: no confused deputy); and every
 * publish over plain HTTP is denied (HIPAA 164.312(e)(1)).
 */
export function alarmTopicPolicy(
  topicArn: string,
  accountId: string,
  region: string,
  partition = "aws",
): object {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AccountOwnerManagesTopic",
        Effect: "Allow",
        Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
        Action: [
          "sns:GetTopicAttributes",
          "sns:SetTopicAttributes",
          "sns:AddPermission",
          "sns:RemovePermission",
          "sns:DeleteTopic",
          "sns:Subscribe",
          "sns:ListSubscriptionsByTopic",
          "sns:Publish",
        ],
        Resource: topicArn,
      },
      ...PUBLISHERS.map((p) => ({
        Sid: p.sid,
        Effect: "Allow",
        Principal: { Service: p.service },
        Action: "sns:Publish",
        Resource: topicArn,
        Condition: {
          StringEquals: { "aws:SourceAccount": accountId },
          ArnLike: { "aws:SourceArn": `arn:${partition}:${p.arn}:${region}:${accountId}:${p.resource}` },
        },
      })),
      {
        Sid: "DenyPublishWithoutTls",
        Effect: "Deny",
        Principal: "*",
        Action: "sns:Publish",
        Resource: topicArn,
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ],
  };
}

export function validateAlarmTopicArgs(args: AlarmTopicArgs): void {
  const problems: string[] = [];
  if (
    typeof args.kmsKeyArn === "string" &&
    /^(alias\/aws\/sns|arn:[^:]+:kms:[^:]*:[^:]*:alias\/aws\/sns)$/.test(args.kmsKeyArn)
  ) {
    problems.push(
      `kmsKeyArn: "${args.kmsKeyArn}" is the AWS-managed SNS key; CloudWatch cannot use it and alarms would never arrive. Pass the stack's customer-managed key.`,
    );
  }
  for (const [i, e] of (args.emails ?? []).entries()) {
    if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(e))
      problems.push(`emails[${i}]: "${e}" is not an e-mail address. Fix or remove it.`);
  }
  for (const [i, u] of (args.httpsEndpoints ?? []).entries()) {
    if (!/^https:\/\/\S+$/.test(u)) {
      problems.push(
        `httpsEndpoints[${i}]: "${u}" is not an https:// URL; alarm contents must not travel unencrypted. Use https://.`,
      );
    }
  }
  if (problems.length) throw new Error(`AlarmTopic: ${problems.join(" ")}`);
}

/** Stable child name per subscriber that keeps the address itself out of the resource URN. */
const subscriberId = (endpoint: string) => createHash("sha256").update(endpoint).digest("hex").slice(0, 10);

/**
 * The alarm topic: SNS encrypted with the stack's customer-managed key, a policy that admits
 * CloudWatch, RDS events and AWS Backup for this account only and refuses plain-HTTP publishers, and
 * the e-mail and HTTPS subscriptions from config.
 */
export class AlarmTopic extends pulumi.ComponentResource {
  readonly topic: aws.sns.Topic;
  readonly topicArn: pulumi.Output<string>;
  readonly subscriptions: aws.sns.TopicSubscription[];

  constructor(name: string, args: AlarmTopicArgs, opts?: pulumi.ComponentResourceOptions) {
    super("verscienta:monitoring:AlarmTopic", name, {}, opts);
    validateAlarmTopicArgs(args);

    this.topic = new aws.sns.Topic(
      `${name}-alarms`,
      { name: `${name}-alarms`, kmsMasterKeyId: args.kmsKeyArn, tags: args.tags },
      { parent: this },
    );
    this.topicArn = this.topic.arn;

    new aws.sns.TopicPolicy(
      `${name}-alarms-policy`,
      {
        arn: this.topic.arn,
        policy: pulumi
          .all([this.topic.arn, args.accountId, args.region, args.partition ?? "aws"])
          .apply(([arn, acct, region, part]) => JSON.stringify(alarmTopicPolicy(arn, acct, region, part))),
      },
      { parent: this },
    );

    const subscribe = (protocol: "email" | "https", endpoint: string) =>
      new aws.sns.TopicSubscription(
        `${name}-alarms-${protocol}-${subscriberId(endpoint)}`,
        {
          topic: this.topic.arn,
          protocol,
          endpoint,
          // HTTPS endpoints confirm through the SubscribeURL SNS posts to them.
          ...(protocol === "https" ? { endpointAutoConfirms: false } : {}),
        },
        { parent: this },
      );
    this.subscriptions = [
      ...(args.emails ?? []).map((e) => subscribe("email", e)),
      ...(args.httpsEndpoints ?? []).map((u) => subscribe("https", u)),
    ];
    this.registerOutputs({ topicArn: this.topicArn });
  }
}
