import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { assumeRolePolicy } from "../iam";
import {
  type DatabaseInsightsMode,
  DEFAULT_CA_CERT_IDENTIFIER,
  databaseInsightsProblem,
  instanceHardening,
  logGroupsFor,
} from "./hardening";

export interface PostgresInstanceArgs {
  /** Account that owns the service roles (their trust policies admit only this account). */
  readonly accountId: pulumi.Input<string>;
  /** DB instance identifier (lowercase, unique in the account and region). */
  readonly identifier: string;
  readonly engineVersion: string;
  readonly instanceClass: string;
  readonly allocatedStorageGb: number;
  /** Storage autoscaling ceiling; must be above `allocatedStorageGb`. */
  readonly maxAllocatedStorageGb: number;
  readonly databaseName: string;
  readonly masterUsername: string;
  /** Customer-managed key for storage, Performance Insights, the master secret and the log groups. */
  readonly kmsKeyArn: pulumi.Input<string>;
  readonly subnetGroupName: pulumi.Input<string>;
  readonly securityGroupIds: pulumi.Input<string>[];
  readonly parameterGroupName: pulumi.Input<string>;
  /** @default "rds-ca-rsa2048-g1" (DEFAULT_CA_CERT_IDENTIFIER) */
  readonly caCertIdentifier?: string;
  readonly multiAz: boolean;
  readonly deletionProtection: boolean;
  /** Automated backups (point-in-time recovery), 1–35 days. */
  readonly backupRetentionDays: number;
  readonly backupWindow: string;
  readonly maintenanceWindow: string;
  readonly engineLifecycleSupport: string;
  /** Days to keep the postgresql and upgrade logs. */
  readonly logRetentionDays: number;
  /** @default 60 */
  readonly monitoringIntervalSeconds?: number;
  /** @default 7 */
  readonly performanceInsightsRetentionDays?: number;
  /**
   * CloudWatch Database Insights mode; `advanced` costs more (per vCPU-hour) and needs
   * `performanceInsightsRetentionDays` of at least 465. @default "standard"
   */
  readonly databaseInsightsMode?: DatabaseInsightsMode;
  /**
   * Protect the instance and its log groups from deletion by Pulumi (and keep the log groups on
   * destroy). @default false
   */
  readonly protect?: boolean;
  readonly tags?: Record<string, string>;
}

/**
 * The primary RDS PostgreSQL instance, hardened: encrypted gp3 storage with autoscaling, RDS-managed
 * master password in Secrets Manager (never in config or state), IAM authentication, private, a current
 * CA, logs exported into encrypted groups created first, enhanced monitoring, encrypted Performance
 * Insights, point-in-time recovery kept on delete, tags copied to snapshots and a uniquely named final
 * snapshot.
 */
export class PostgresInstance extends pulumi.ComponentResource {
  readonly instance: aws.rds.Instance;
  readonly identifier: pulumi.Output<string>;
  readonly arn: pulumi.Output<string>;
  readonly address: pulumi.Output<string>;
  readonly endpoint: pulumi.Output<string>;
  readonly port: pulumi.Output<number>;
  readonly resourceId: pulumi.Output<string>;
  /** ARN of the RDS-managed master user secret. */
  readonly masterSecretArn: pulumi.Output<string>;
  readonly logGroupNames: pulumi.Output<string[]>;
  readonly monitoringRoleArn: pulumi.Output<string>;

  constructor(name: string, args: PostgresInstanceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("verscienta:rds:PostgresInstance", name, {}, opts);
    validateInstanceArgs(args);
    const stateful = { parent: this, protect: args.protect };

    // The log groups exist before the instance, so RDS exports into encrypted groups (logGroupsFor).
    const logGroups = logGroupsFor(this, name, args.identifier, args);
    this.logGroupNames = pulumi.all(logGroups.map((g) => g.name));

    const monitoringRole = new aws.iam.Role(
      `${name}-monitoring`,
      {
        name: `${args.identifier}-monitoring`,
        assumeRolePolicy: assumeRolePolicy("monitoring.rds.amazonaws.com", args.accountId),
        managedPolicyArns: ["arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"],
        tags: args.tags,
      },
      { parent: this },
    );
    this.monitoringRoleArn = monitoringRole.arn;

    // A fresh suffix per instance: a second destroy/recreate never collides with an old final snapshot.
    const finalSnapshotSuffix = new random.RandomId(
      `${name}-final-snapshot`,
      { byteLength: 4, keepers: { identifier: args.identifier } },
      { parent: this },
    );

    this.instance = new aws.rds.Instance(
      `${name}-instance`,
      {
        ...instanceHardening({
          kmsKeyArn: args.kmsKeyArn,
          securityGroupIds: args.securityGroupIds,
          parameterGroupName: args.parameterGroupName,
          caCertIdentifier: args.caCertIdentifier ?? DEFAULT_CA_CERT_IDENTIFIER,
          monitoringRoleArn: monitoringRole.arn,
          monitoringIntervalSeconds: args.monitoringIntervalSeconds ?? 60,
          performanceInsightsRetentionDays: args.performanceInsightsRetentionDays ?? 7,
          databaseInsightsMode: args.databaseInsightsMode ?? "standard",
          maintenanceWindow: args.maintenanceWindow,
          deletionProtection: args.deletionProtection,
          maxAllocatedStorageGb: args.maxAllocatedStorageGb,
        }),
        identifier: args.identifier,
        engine: "postgres",
        engineVersion: args.engineVersion,
        // Major upgrades happen only when engineVersion changes in the stack file (reviewed in the PR
        // preview); the parameter group of the new family is created first.
        allowMajorVersionUpgrade: true,
        instanceClass: args.instanceClass,
        allocatedStorage: args.allocatedStorageGb,
        kmsKeyId: args.kmsKeyArn,
        dbName: args.databaseName,
        username: args.masterUsername,
        manageMasterUserPassword: true,
        masterUserSecretKmsKeyId: args.kmsKeyArn,
        port: 5432,
        networkType: "IPV4",
        dbSubnetGroupName: args.subnetGroupName,
        multiAz: args.multiAz,
        backupRetentionPeriod: args.backupRetentionDays,
        backupWindow: args.backupWindow,
        deleteAutomatedBackups: false,
        skipFinalSnapshot: false,
        finalSnapshotIdentifier: pulumi.interpolate`${args.identifier}-final-${finalSnapshotSuffix.hex}`,
        engineLifecycleSupport: args.engineLifecycleSupport,
        tags: args.tags,
      },
      { ...stateful, dependsOn: logGroups },
    );

    this.identifier = this.instance.identifier;
    this.arn = this.instance.arn;
    this.address = this.instance.address;
    this.endpoint = this.instance.endpoint;
    this.port = this.instance.port;
    this.resourceId = this.instance.resourceId;
    this.masterSecretArn = this.instance.masterUserSecrets.apply((s) => {
      const arn = s?.[0]?.secretArn;
      if (!arn && !pulumi.runtime.isDryRun())
        throw new Error(`${args.identifier}: RDS returned no managed master user secret.`);
      return arn ?? "";
    });
    this.registerOutputs({ endpoint: this.endpoint, masterSecretArn: this.masterSecretArn });
  }
}

export function validateInstanceArgs(args: PostgresInstanceArgs): void {
  const problems: string[] = [];
  if (
    !/^[a-z][a-z0-9-]{0,62}$/.test(args.identifier) ||
    args.identifier.endsWith("-") ||
    args.identifier.includes("--")
  ) {
    problems.push(
      `identifier: "${args.identifier}" is not a valid DB instance identifier (lowercase letters, digits, single hyphens, at most 63).`,
    );
  }
  if (args.maxAllocatedStorageGb <= args.allocatedStorageGb) {
    problems.push(
      `maxAllocatedStorageGb: ${args.maxAllocatedStorageGb} must be above allocatedStorageGb (${args.allocatedStorageGb}).`,
    );
  }
  if (args.backupRetentionDays < 1 || args.backupRetentionDays > 35) {
    problems.push(
      `backupRetentionDays: ${args.backupRetentionDays} must be 1 to 35 (0 disables point-in-time recovery).`,
    );
  }
  const insights = databaseInsightsProblem(
    args.databaseInsightsMode ?? "standard",
    args.performanceInsightsRetentionDays ?? 7,
  );
  if (insights) problems.push(insights);
  if (problems.length) throw new Error(`PostgresInstance: ${problems.join(" ")}`);
}
