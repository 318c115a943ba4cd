import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface EncryptionKeyArgs {
  /** AWS account id that owns the key (the key policy's root principal). */
  readonly accountId: pulumi.Input<string>;
  /** Region of the key; scopes the service conditions (`kms:ViaService`, CloudWatch Logs). */
  readonly region: pulumi.Input<string>;
  /** @default "aws" */
  readonly partition?: pulumi.Input<string>;
  /** Alias without the `alias/` prefix. */
  readonly aliasName: string;
  /**
   * Protect the key and keep it when the stack is destroyed. Losing the key makes every encrypted
   * snapshot and backup unreadable. @default false
   */
  readonly protect?: boolean;
  /** Make the key multi-Region so a DR-region replica can decrypt copied backups. @default false */
  readonly multiRegion?: boolean;
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/** Days KMS waits before deleting a key scheduled for deletion: the maximum, 30. */
export const KEY_DELETION_WINDOW_DAYS = 30;

/**
 * The stack's customer-managed KMS key (HIPAA 164.312(a)(2)(iv), 164.312(e)(2)(ii)): rotation on, a
 * 30-day deletion window, and a key policy that grants the account root and only the AWS services that
 * use it, each through its own condition.
 */
export class EncryptionKey extends pulumi.ComponentResource {
  readonly key: aws.kms.Key;
  readonly alias: aws.kms.Alias;
  readonly keyArn: pulumi.Output<string>;
  readonly keyId: pulumi.Output<string>;

  constructor(name: string, args: EncryptionKeyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("verscienta:kms:EncryptionKey", name, {}, opts);
    if (!/^[a-zA-Z0-9/_-]+$/.test(args.aliasName) || args.aliasName.startsWith("aws/")) {
      throw new Error(
        `aliasName: "${args.aliasName}" is not a valid alias. Use letters, digits, /, _ and - (not aws/).`,
      );
    }
    const partition = args.partition ?? "aws";

    this.key = new aws.kms.Key(
      `${name}-key`,
      {
        description: `Encrypts PHI at rest for ${args.aliasName}: RDS storage, snapshots, Performance Insights, secrets, logs, alarms and backups.`,
        enableKeyRotation: true,
        rotationPeriodInDays: 365,
        deletionWindowInDays: KEY_DELETION_WINDOW_DAYS,
        keyUsage: "ENCRYPT_DECRYPT",
        customerMasterKeySpec: "SYMMETRIC_DEFAULT",
        multiRegion: args.multiRegion ?? false,
        bypassPolicyLockoutSafetyCheck: false,
        policy: keyPolicy(args.accountId, args.region, partition),
        tags: args.tags,
      },
      { parent: this, protect: args.protect, retainOnDelete: args.protect },
    );
    this.alias = new aws.kms.Alias(
      `${name}-alias`,
      { name: `alias/${args.aliasName}`, targetKeyId: this.key.keyId },
      { parent: this },
    );
    this.keyArn = this.key.arn;
    this.keyId = this.key.keyId;
    this.registerOutputs({ keyArn: this.keyArn, keyId: this.keyId });
  }
}

/**
 * The key policy. Services that act for a principal of this account are admitted through
 * `kms:ViaService` + `kms:CallerAccount` (the pattern of AWS-managed keys); services that act as
 * themselves (CloudWatch Logs, CloudWatch alarms, RDS events, AWS Backup notifications) through their
 * service principal with a source-account or encryption-context condition.
 */
export function keyPolicy(
  accountId: pulumi.Input<string>,
  region: pulumi.Input<string>,
  partition: pulumi.Input<string> = "aws",
): pulumi.Output<string> {
  return pulumi.all([accountId, region, partition]).apply(([acct, rgn, part]) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "AccountRootAdministersTheKey",
          Effect: "Allow",
          Principal: { AWS: `arn:${part}:iam::${acct}:root` },
          Action: "kms:*",
          Resource: "*",
        },
        {
          Sid: "AwsServicesForThisAccount",
          Effect: "Allow",
          Principal: { AWS: "*" },
          Action: [
            "kms:Encrypt",
            "kms:Decrypt",
            "kms:ReEncrypt*",
            "kms:GenerateDataKey*",
            "kms:CreateGrant",
            "kms:ListGrants",
            "kms:DescribeKey",
          ],
          Resource: "*",
          Condition: {
            StringEquals: {
              "kms:CallerAccount": acct,
              "kms:ViaService": ["rds", "secretsmanager", "backup", "ecs", "ecr"].map(
                (s) => `${s}.${rgn}.amazonaws.com`,
              ),
            },
          },
        },
        {
          Sid: "CloudWatchLogsInThisRegion",
          Effect: "Allow",
          Principal: { Service: `logs.${rgn}.amazonaws.com` },
          Action: ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"],
          Resource: "*",
          Condition: {
            ArnLike: { "kms:EncryptionContext:aws:logs:arn": `arn:${part}:logs:${rgn}:${acct}:*` },
          },
        },
        {
          // alias/aws/sns cannot be used by CloudWatch, RDS events or AWS Backup: their service
          // principals need these two actions on the topic's key, or alarm delivery silently fails.
          Sid: "PublishToEncryptedTopics",
          Effect: "Allow",
          Principal: {
            Service: ["cloudwatch.amazonaws.com", "events.rds.amazonaws.com", "backup.amazonaws.com"],
          },
          Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
          Resource: "*",
          Condition: { StringEquals: { "aws:SourceAccount": acct } },
        },
      ],
    }),
  );
}
