import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  RESTORE_TEST_SCHEDULE,
  RESTORE_TEST_SELECTION_WINDOW_DAYS,
  RESTORE_TEST_START_WINDOW_HOURS,
  RESTORE_TEST_VALIDATION_WINDOW_HOURS,
} from "./defaults";
import { restoreTestingName, throwIfProblems } from "./rules";

export interface RestoreTestingArgs {
  /** Vault whose recovery points are restored (the primary vault; its notifications report the result). */
  readonly vaultArn: pulumi.Input<string>;
  /** The RDS instance whose latest snapshot is restored. */
  readonly dbInstanceArn: pulumi.Input<string>;
  /** Role AWS Backup assumes to restore and then delete the test copy (AWSBackupServiceRolePolicyForRestores). */
  readonly iamRoleArn: pulumi.Input<string>;
  /**
   * Subnet group the test copy is restored into. Without it AWS Backup infers the default VPC, which
   * the isolated database VPC does not have, and the test fails, or worse lands somewhere public.
   */
  readonly dbSubnetGroupName: pulumi.Input<string>;
  /** Security groups of the test copy: the database's own, so it is reachable only as the primary is. */
  readonly vpcSecurityGroupIds: pulumi.Input<string>[];
  /** Monthly by default: the guide's "backups tested monthly". @default "cron(0 10 15 * ? *)" */
  readonly scheduleExpression?: string;
  /** Only recovery points from the last N days are eligible; none fails the test. @default 7 */
  readonly selectionWindowDays?: number;
  /** Hours the restored copy stays up for validation before AWS Backup deletes it. @default 1 */
  readonly validationWindowHours?: number;
  readonly tags?: Record<string, string>;
}

/**
 * An AWS Backup restore testing plan: each month it restores the latest snapshot of the instance into
 * the database subnets, behind the database security group, checks that the restore completes, and
 * deletes the copy. The result is a restore job in the vault, so the vault's RESTORE_JOB_COMPLETED
 * notification (state COMPLETED or FAILED) reaches the alarm topic.
 */
export class RestoreTesting extends pulumi.ComponentResource {
  readonly plan: aws.backup.RestoreTestingPlan;
  readonly selection: aws.backup.RestoreTestingSelection;
  /** Restore testing plan name (letters, digits, _). */
  readonly planName: pulumi.Output<string>;

  constructor(name: string, args: RestoreTestingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("verscienta:backup:RestoreTesting", name, {}, opts);
    validateRestoreTestingArgs(name, args);

    this.plan = new aws.backup.RestoreTestingPlan(
      `${name}-plan`,
      {
        name: restoreTestingName(`${name}-plan`),
        scheduleExpression: args.scheduleExpression ?? RESTORE_TEST_SCHEDULE,
        scheduleExpressionTimezone: "Etc/UTC",
        startWindowHours: RESTORE_TEST_START_WINDOW_HOURS,
        recoveryPointSelection: {
          // The latest, not a random one: the test answers "can we restore what we would restore today".
          algorithm: "LATEST_WITHIN_WINDOW",
          includeVaults: [args.vaultArn],
          recoveryPointTypes: ["SNAPSHOT"],
          selectionWindowDays: args.selectionWindowDays ?? RESTORE_TEST_SELECTION_WINDOW_DAYS,
        },
        tags: args.tags,
      },
      { parent: this },
    );
    this.planName = this.plan.name;

    this.selection = new aws.backup.RestoreTestingSelection(
      `${name}-selection`,
      {
        name: restoreTestingName(`${name}-selection`),
        restoreTestingPlanName: this.plan.name,
        protectedResourceType: "RDS",
        protectedResourceArns: [args.dbInstanceArn],
        iamRoleArn: args.iamRoleArn,
        restoreMetadataOverrides: {
          dbSubnetGroupName: args.dbSubnetGroupName,
          // AWS Backup takes the list as a JSON string.
          vpcSecurityGroupIds: pulumi.output(args.vpcSecurityGroupIds).apply((ids) => JSON.stringify(ids)),
        },
        validationWindowHours: args.validationWindowHours ?? RESTORE_TEST_VALIDATION_WINDOW_HOURS,
      },
      { parent: this },
    );

    this.registerOutputs({ planName: this.planName });
  }
}

/** A cron() expression that fires once a month: fixed minute, hour and day of month. */
const MONTHLY_CRON = /^cron\(\d{1,2} \d{1,2} (\d{1,2}|L) \* \? \*\)$/;

export function validateRestoreTestingArgs(name: string, args: RestoreTestingArgs): void {
  const problems: string[] = [];
  try {
    restoreTestingName(`${name}-selection`);
  } catch (e) {
    problems.push((e as Error).message);
  }
  if (args.scheduleExpression !== undefined && !MONTHLY_CRON.test(args.scheduleExpression)) {
    problems.push(
      `scheduleExpression: "${args.scheduleExpression}" is not a monthly cron(); the guide requires backups tested monthly. Use e.g. "${RESTORE_TEST_SCHEDULE}".`,
    );
  }
  const window = args.selectionWindowDays;
  if (window !== undefined && (!Number.isInteger(window) || window < 1 || window > 365)) {
    problems.push(
      `selectionWindowDays: ${window} is outside 1–365. Use ${RESTORE_TEST_SELECTION_WINDOW_DAYS}.`,
    );
  }
  const hours = args.validationWindowHours;
  if (hours !== undefined && (!Number.isInteger(hours) || hours < 1 || hours > 168)) {
    problems.push(
      `validationWindowHours: ${hours} is outside 1–168. Use ${RESTORE_TEST_VALIDATION_WINDOW_HOURS}.`,
    );
  }
  if (args.vpcSecurityGroupIds.length === 0) {
    problems.push(
      "vpcSecurityGroupIds: [] would restore with the VPC's default security group. Pass the database's.",
    );
  }
  throwIfProblems("RestoreTesting", name, problems);
}
