/**
 * What every RDS PostgreSQL instance of the platform shares, primary and read replicas alike: the
 * hardening settings and the encrypted log groups they export into. One place, so a replica can never
 * drift from the primary's protections (AWS CDK's DatabaseInstanceReadReplica shares its props with the
 * primary the same way).
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { RDS_LIMITS } from "../../spec/awsLimits";

/** Log types every instance exports to CloudWatch Logs. */
export const LOG_EXPORTS = ["postgresql", "upgrade"] as const;

/** The default certificate authority of the server certificate. */
export const DEFAULT_CA_CERT_IDENTIFIER = "rds-ca-rsa2048-g1";

/** `DatabaseInsightsMode` of CreateDBInstance / ModifyDBInstance. */
export type DatabaseInsightsMode = (typeof RDS_LIMITS.databaseInsightsModes)[number];

/**
 * Why RDS would refuse this Database Insights mode with this Performance Insights retention, or
 * undefined. Advanced needs at least 465 days (RDS_LIMITS.advancedInsightsMinRetentionDays, cited there).
 */
export function databaseInsightsProblem(
  mode: DatabaseInsightsMode,
  retentionDays: number,
): string | undefined {
  const min = RDS_LIMITS.advancedInsightsMinRetentionDays;
  return mode === "advanced" && retentionDays < min
    ? `databaseInsightsMode "advanced" needs performanceInsightsRetentionDays of at least ${min} (15 months); got ${retentionDays}. Set performanceInsightsRetentionDays to ${min}, or use "standard".`
    : undefined;
}

export interface InstanceHardeningArgs {
  /** Customer-managed key of Performance Insights. */
  readonly kmsKeyArn: pulumi.Input<string>;
  readonly securityGroupIds: pulumi.Input<string>[];
  readonly parameterGroupName: pulumi.Input<string>;
  readonly caCertIdentifier: string;
  readonly monitoringRoleArn: pulumi.Input<string>;
  readonly monitoringIntervalSeconds: number;
  readonly performanceInsightsRetentionDays: number;
  /**
   * CloudWatch Database Insights mode, always stated so RDS's own default (which has changed with the
   * Performance Insights console's end of life) never decides it. `advanced` needs
   * `performanceInsightsRetentionDays` of at least 465 (see databaseInsightsProblem).
   */
  readonly databaseInsightsMode: DatabaseInsightsMode;
  readonly maintenanceWindow: string;
  readonly deletionProtection: boolean;
  /** Storage autoscaling ceiling. */
  readonly maxAllocatedStorageGb: number;
}

/**
 * The settings a primary and its replicas share: encrypted gp3 storage with autoscaling, private, the
 * stack's parameter group and CA, IAM authentication, automatic minor upgrades, tags copied to
 * snapshots, logs exported, enhanced monitoring, encrypted Performance Insights, changes held for the
 * maintenance window. Storage's key is not here: a same-region replica must not name one (see
 * ReadReplica).
 */
export function instanceHardening(a: InstanceHardeningArgs) {
  return {
    storageType: "gp3",
    maxAllocatedStorage: a.maxAllocatedStorageGb,
    storageEncrypted: true,
    publiclyAccessible: false,
    vpcSecurityGroupIds: a.securityGroupIds,
    parameterGroupName: a.parameterGroupName,
    caCertIdentifier: a.caCertIdentifier,
    iamDatabaseAuthenticationEnabled: true,
    autoMinorVersionUpgrade: true,
    deletionProtection: a.deletionProtection,
    copyTagsToSnapshot: true,
    enabledCloudwatchLogsExports: [...LOG_EXPORTS],
    monitoringInterval: a.monitoringIntervalSeconds,
    monitoringRoleArn: a.monitoringRoleArn,
    performanceInsightsEnabled: true,
    performanceInsightsKmsKeyId: a.kmsKeyArn,
    performanceInsightsRetentionPeriod: a.performanceInsightsRetentionDays,
    databaseInsightsMode: a.databaseInsightsMode,
    maintenanceWindow: a.maintenanceWindow,
    // Changes wait for the maintenance window unless an operator applies them by hand.
    applyImmediately: false,
  } satisfies Partial<aws.rds.InstanceArgs>;
}

/**
 * Encrypted, retained log groups for an instance's exported logs. RDS writes exported logs to
 * /aws/rds/instance/<id>/<type>; creating the groups first lets us set the key and retention, otherwise
 * RDS creates them unencrypted with no expiry.
 */
export function logGroupsFor(
  parent: pulumi.Resource,
  name: string,
  identifier: string,
  args: {
    kmsKeyArn: pulumi.Input<string>;
    logRetentionDays: number;
    protect?: boolean;
    tags?: Record<string, string>;
  },
): aws.cloudwatch.LogGroup[] {
  return LOG_EXPORTS.map(
    (type) =>
      new aws.cloudwatch.LogGroup(
        `${name}-log-${type}`,
        {
          name: `/aws/rds/instance/${identifier}/${type}`,
          kmsKeyId: args.kmsKeyArn,
          retentionInDays: args.logRetentionDays,
          tags: args.tags,
        },
        { parent, protect: args.protect, retainOnDelete: args.protect },
      ),
  );
}
