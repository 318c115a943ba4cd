import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { EncryptionKey } from "../kms/encryptionKey";
import { BackupVault } from "./backupVault";
import { MIN_RETENTION_DAYS } from "./defaults";
import { retentionProblems, throwIfProblems, type VaultLockMode, vaultNameProblems } from "./rules";

export interface CrossRegionBackupsArgs {
  /** The disaster-recovery region; must differ from `sourceRegion`. */
  readonly region: string;
  /** The primary's region (only checked: the DR copy must live elsewhere). */
  readonly sourceRegion: string;
  readonly accountId: pulumi.Input<string>;
  /** @default "aws" */
  readonly partition?: pulumi.Input<string>;
  /** ARN of the RDS instance whose automated backups (snapshots and transaction logs) are replicated. */
  readonly sourceDbInstanceArn: pulumi.Input<string>;
  /** Days RDS keeps the replicated automated backups: the point-in-time window in the DR region (1–35). */
  readonly automatedBackupRetentionDays: number;
  /** Alias of the DR key, without `alias/`. */
  readonly keyAliasName: string;
  /** Name of the DR vault that receives AWS Backup copies. */
  readonly vaultName: string;
  /** @default "compliance" */
  readonly lockMode?: VaultLockMode;
  /** @default 35 */
  readonly minRetentionDays?: number;
  /** Longest retention of any copy (the monthly rule's). */
  readonly maxRetentionDays: number;
  /**
   * E-mail addresses subscribed to the DR region's topic. AWS Backup only notifies a topic in the vault's
   * own region, and in a regional outage the primary topic is down with its region. @default []
   */
  readonly alarmEmails?: readonly string[];
  /** HTTPS endpoints subscribed to the DR region's topic. @default [] */
  readonly alarmHttpsEndpoints?: readonly string[];
  /** Protect the DR key, vault, lock and replication (prod). @default false */
  readonly protect?: boolean;
  readonly tags?: Record<string, string>;
}

/**
 * Everything the stack keeps in the disaster-recovery region, through an explicit provider for that
 * region: a separate customer-managed key (the guide's "encryption keys backed up separately": losing or
 * disabling the primary key leaves DR copies readable), RDS automated backups replicated with it (point-in-
 * time recovery in the DR region), a locked vault for AWS Backup's monthly copies, and an encrypted topic
 * for that vault's events.
 */
export class CrossRegionBackups extends pulumi.ComponentResource {
  readonly provider: aws.Provider;
  readonly region: string;
  readonly key: EncryptionKey;
  readonly vault: BackupVault;
  readonly topic: aws.sns.Topic;
  readonly replication: aws.rds.InstanceAutomatedBackupsReplication;
  readonly keyArn: pulumi.Output<string>;
  readonly vaultName: pulumi.Output<string>;
  readonly vaultArn: pulumi.Output<string>;
  readonly topicArn: pulumi.Output<string>;
  /** ARN of the replicated automated backups (`arn:aws:rds:<dr-region>:<acct>:auto-backup:ab-...`). */
  readonly replicationArn: pulumi.Output<string>;

  constructor(name: string, args: CrossRegionBackupsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("verscienta:backup:CrossRegionBackups", name, {}, opts);
    validateCrossRegionBackupsArgs(name, args);
    const protect = args.protect ?? false;
    this.region = args.region;

    this.provider = new aws.Provider(name, { region: args.region }, { parent: this });
    const inDr = { parent: this, provider: this.provider };

    this.key = new EncryptionKey(
      name,
      {
        accountId: args.accountId,
        region: args.region,
        partition: args.partition,
        aliasName: args.keyAliasName,
        protect,
        tags: args.tags,
      },
      inDr,
    );
    this.keyArn = this.key.keyArn;

    this.topic = new aws.sns.Topic(
      `${name}-alarms`,
      { name: `${name}-alarms`, kmsMasterKeyId: this.key.keyArn, tags: args.tags },
      inDr,
    );
    new aws.sns.TopicPolicy(
      `${name}-alarms-policy`,
      { arn: this.topic.arn, policy: drTopicPolicy(this.topic.arn, args.accountId) },
      inDr,
    );
    const subscriptions = [
      ...(args.alarmEmails ?? []).map((endpoint, i) => ({ name: `email-${i}`, protocol: "email", endpoint })),
      ...(args.alarmHttpsEndpoints ?? []).map((endpoint, i) => ({
        name: `https-${i}`,
        protocol: "https",
        endpoint,
      })),
    ];
    for (const sub of subscriptions) {
      new aws.sns.TopicSubscription(
        `${name}-alarms-${sub.name}`,
        { topic: this.topic.arn, protocol: sub.protocol, endpoint: sub.endpoint },
        inDr,
      );
    }
    this.topicArn = this.topic.arn;

    this.vault = new BackupVault(
      `${name}-vault`,
      {
        vaultName: args.vaultName,
        kmsKeyArn: this.key.keyArn,
        lockMode: args.lockMode,
        minRetentionDays: args.minRetentionDays,
        maxRetentionDays: args.maxRetentionDays,
        notificationTopicArn: this.topic.arn,
        protect,
        tags: args.tags,
      },
      inDr,
    );
    this.vaultName = this.vault.vaultName;
    this.vaultArn = this.vault.vaultArn;

    // Managed in the DR region: the provider signs the StartDBInstanceAutomatedBackupsReplication
    // request for the source region itself. RDS encrypts the replicated snapshots and logs with the DR key.
    this.replication = new aws.rds.InstanceAutomatedBackupsReplication(
      `${name}-automated-backups`,
      {
        sourceDbInstanceArn: args.sourceDbInstanceArn,
        kmsKeyId: this.key.keyArn,
        retentionPeriod: args.automatedBackupRetentionDays,
      },
      { ...inDr, protect },
    );
    this.replicationArn = this.replication.id;

    this.registerOutputs({
      keyArn: this.keyArn,
      vaultName: this.vaultName,
      vaultArn: this.vaultArn,
      topicArn: this.topicArn,
      replicationArn: this.replicationArn,
    });
  }
}

/** Lets AWS Backup (this account only) publish to the DR topic, and only over TLS. */
export function drTopicPolicy(
  topicArn: pulumi.Input<string>,
  accountId: pulumi.Input<string>,
): pulumi.Output<string> {
  return pulumi.all([topicArn, accountId]).apply(([arn, acct]) =>
    JSON.stringify({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "AwsBackupPublishes",
          Effect: "Allow",
          Principal: { Service: "backup.amazonaws.com" },
          Action: "sns:Publish",
          Resource: arn,
          Condition: { StringEquals: { "aws:SourceAccount": acct } },
        },
        {
          Sid: "DenyInsecureTransport",
          Effect: "Deny",
          Principal: { AWS: "*" },
          Action: "sns:Publish",
          Resource: arn,
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        },
      ],
    }),
  );
}

const REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;

export function validateCrossRegionBackupsArgs(name: string, args: CrossRegionBackupsArgs): void {
  const problems: string[] = [];
  if (!REGION.test(args.region)) {
    problems.push(`region: "${args.region}" is not an AWS region. Use e.g. "us-west-2".`);
  } else if (args.region === args.sourceRegion) {
    problems.push(
      `region: "${args.region}" is the primary's region; DR copies must live in a separate geographic location (the guide's DR checklist). Choose another region.`,
    );
  }
  const days = args.automatedBackupRetentionDays;
  if (!Number.isInteger(days) || days < 1 || days > 35) {
    problems.push(`automatedBackupRetentionDays: ${days} is outside RDS's 1–35 days. Use 35 in prod.`);
  }
  problems.push(...vaultNameProblems(args.vaultName));
  problems.push(
    ...retentionProblems({
      minRetentionDays: args.minRetentionDays ?? MIN_RETENTION_DAYS,
      maxRetentionDays: args.maxRetentionDays,
    }),
  );
  for (const url of args.alarmHttpsEndpoints ?? []) {
    if (!url.startsWith("https://")) {
      problems.push(
        `alarmHttpsEndpoints: "${url}" is not https://; alarm contents would travel unencrypted. Use https.`,
      );
    }
  }
  throwIfProblems("CrossRegionBackups", name, problems);
}
