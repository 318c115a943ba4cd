import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { assumeRolePolicy } from "../iam";
import { BACKUP_ROLE_MANAGED_POLICIES, MIN_RETENTION_DAYS } from "./defaults";
import { planRules, retentionProblems, throwIfProblems } from "./rules";
import { backupSchedules } from "./schedule";

export interface BackupPlanArgs {
  /** Name of the (primary-region) vault both rules write to. */
  readonly vaultName: pulumi.Input<string>;
  /**
   * ARNs of the resources the plan backs up, listed explicitly (not by tag) so a reviewer, and the
   * policy pack, can see statically that each database is covered. Read replicas are left out: RDS for
   * PostgreSQL cannot snapshot them, and they hold the primary's data.
   */
  readonly resourceArns: pulumi.Input<string>[];
  /** Days the daily recovery points are kept (HIPAA floor 35). */
  readonly dailyRetentionDays: number;
  /** Days the monthly recovery points (and their DR copies) are kept. */
  readonly monthlyRetentionDays: number;
  /** The instance's RDS backup window ("hh24:mi-hh24:mi", UTC): AWS Backup's jobs are scheduled after it. */
  readonly rdsBackupWindow: string;
  /** The instance's maintenance window ("ddd:hh24:mi-ddd:hh24:mi", UTC): AWS Backup's jobs avoid it. */
  readonly rdsMaintenanceWindow: string;
  /** When set, monthly recovery points are copied to this vault (another region). @default - no copy */
  readonly drVaultArn?: pulumi.Input<string>;
  /** Shortest retention the vaults' locks accept; checked against both rules. @default 35 */
  readonly minRetentionDays?: number;
  /** Longest retention the vaults' locks accept. @default monthlyRetentionDays */
  readonly maxRetentionDays?: number;
  /** @default "aws" */
  readonly partition?: pulumi.Input<string>;
  /** The AWS account id (the role's trust policy admits AWS Backup acting for this account only). */
  readonly accountId: pulumi.Input<string>;
  readonly tags?: Record<string, string>;
}

/**
 * The AWS Backup plan: a daily rule and a monthly rule (copied to the DR vault when one is given), the
 * role AWS Backup assumes to take, copy and restore snapshots, and a selection naming each instance.
 */
export class BackupPlan extends pulumi.ComponentResource {
  readonly role: aws.iam.Role;
  readonly plan: aws.backup.Plan;
  readonly selection: aws.backup.Selection;
  readonly planId: pulumi.Output<string>;
  readonly planArn: pulumi.Output<string>;
  /** The role AWS Backup assumes; restore testing uses it too. */
  readonly roleArn: pulumi.Output<string>;
  /** UTC hour the daily and monthly jobs start. */
  readonly hourUtc: number;

  constructor(name: string, args: BackupPlanArgs, opts?: pulumi.ComponentResourceOptions) {
    super("verscienta:backup:BackupPlan", name, {}, opts);
    validateBackupPlanArgs(name, args);
    const partition = args.partition ?? "aws";
    const schedules = backupSchedules(args.rdsBackupWindow, args.rdsMaintenanceWindow);
    this.hourUtc = schedules.hourUtc;

    this.role = new aws.iam.Role(
      `${name}-role`,
      {
        name: `${name}-role`,
        description: "Assumed by AWS Backup to snapshot, copy and restore (tests, DR) the PHI database.",
        assumeRolePolicy: assumeRolePolicy("backup.amazonaws.com", args.accountId),
        tags: args.tags,
      },
      { parent: this },
    );
    const attachments = BACKUP_ROLE_MANAGED_POLICIES.map(
      (policy) =>
        new aws.iam.RolePolicyAttachment(
          `${name}-role-${policy.replace(/^.*PolicyFor/, "").toLowerCase()}`,
          { role: this.role.name, policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/${policy}` },
          { parent: this },
        ),
    );
    this.roleArn = this.role.arn;

    this.plan = new aws.backup.Plan(
      `${name}-plan`,
      {
        name: `${name}-plan`,
        rules: planRules({
          vaultName: args.vaultName,
          dailyRetentionDays: args.dailyRetentionDays,
          monthlyRetentionDays: args.monthlyRetentionDays,
          schedules,
          drVaultArn: args.drVaultArn,
          recoveryPointTags: args.tags,
        }),
        tags: args.tags,
      },
      { parent: this },
    );
    this.planId = this.plan.id;
    this.planArn = this.plan.arn;

    this.selection = new aws.backup.Selection(
      `${name}-selection`,
      {
        name: `${name}-selection`,
        planId: this.plan.id,
        iamRoleArn: this.role.arn,
        resources: args.resourceArns,
      },
      // A selection made before the role has its policies fails its first job with AccessDenied.
      { parent: this, dependsOn: attachments },
    );

    this.registerOutputs({ planId: this.planId, planArn: this.planArn, roleArn: this.roleArn });
  }
}

export function validateBackupPlanArgs(name: string, args: BackupPlanArgs): void {
  const problems: string[] = [];
  if (args.resourceArns.length === 0) {
    problems.push(
      "resourceArns: [] selects nothing; the plan would back up no database. Pass the instance ARN.",
    );
  }
  if (!Number.isInteger(args.dailyRetentionDays) || args.dailyRetentionDays < MIN_RETENTION_DAYS) {
    problems.push(
      `dailyRetentionDays: ${args.dailyRetentionDays} is below ${MIN_RETENTION_DAYS} days (HIPAA 164.308(a)(7)(ii)(A), the policy pack's daily-rule check). Use ${MIN_RETENTION_DAYS} or more.`,
    );
  }
  if (!Number.isInteger(args.monthlyRetentionDays) || args.monthlyRetentionDays < args.dailyRetentionDays) {
    problems.push(
      `monthlyRetentionDays: ${args.monthlyRetentionDays} is below dailyRetentionDays (${args.dailyRetentionDays}). Keep monthly points at least as long as daily ones.`,
    );
  }
  problems.push(
    ...retentionProblems({
      dailyRetentionDays: args.dailyRetentionDays,
      monthlyRetentionDays: args.monthlyRetentionDays,
      minRetentionDays: args.minRetentionDays ?? MIN_RETENTION_DAYS,
      maxRetentionDays: args.maxRetentionDays ?? args.monthlyRetentionDays,
    }),
  );
  try {
    backupSchedules(args.rdsBackupWindow, args.rdsMaintenanceWindow);
  } catch (e) {
    problems.push((e as Error).message);
  }
  throwIfProblems("BackupPlan", name, problems);
}
