import { describe, expect, it } from "vitest";
import {
  RestoreTesting,
  type RestoreTestingArgs,
  validateRestoreTestingArgs,
} from "../../../components/backup/restoreTesting";
import { one, runStack } from "../../../testing/runProgram";

const VAULT = "arn:aws:backup:us-east-1:123456789012:backup-vault:app-vault";
const DB = "arn:aws:rds:us-east-1:123456789012:db:app-db";
const ROLE = "arn:aws:iam::123456789012:role/app-backup-role";
const args: RestoreTestingArgs = {
  vaultArn: VAULT,
  dbInstanceArn: DB,
  iamRoleArn: ROLE,
  dbSubnetGroupName: "app-db-subnets",
  vpcSecurityGroupIds: ["sg-0123456789abcdef0"],
};
const run = (a: RestoreTestingArgs = args) =>
  runStack({
    stack: "dev",
    program: () => {
      const t = new RestoreTesting("app-restore-test", a);
      return { planName: t.planName };
    },
  });

describe("RestoreTesting", () => {
  it("restores the latest snapshot of the last 7 days from the vault once a month", async () => {
    const r = await run();
    expect(r.error).toBeUndefined();
    expect(one(r, "aws:backup/restoreTestingPlan:RestoreTestingPlan").inputs).toEqual({
      name: "app_restore_test_plan",
      scheduleExpression: "cron(0 10 15 * ? *)",
      scheduleExpressionTimezone: "Etc/UTC",
      startWindowHours: 8,
      recoveryPointSelection: {
        algorithm: "LATEST_WITHIN_WINDOW",
        includeVaults: [VAULT],
        recoveryPointTypes: ["SNAPSHOT"],
        selectionWindowDays: 7,
      },
    });
    expect(r.outputs.planName).toBe("app_restore_test_plan");
  });

  it("restores the instance into the database subnets behind the database security group", async () => {
    const r = await run();
    expect(one(r, "aws:backup/restoreTestingSelection:RestoreTestingSelection").inputs).toEqual({
      name: "app_restore_test_selection",
      restoreTestingPlanName: "app_restore_test_plan",
      protectedResourceType: "RDS",
      protectedResourceArns: [DB],
      iamRoleArn: ROLE,
      restoreMetadataOverrides: {
        dbSubnetGroupName: "app-db-subnets",
        vpcSecurityGroupIds: '["sg-0123456789abcdef0"]',
      },
      validationWindowHours: 1,
    });
  });
});

describe("validateRestoreTestingArgs", () => {
  it("fails when the schedule is not monthly", () => {
    expect(() =>
      validateRestoreTestingArgs("t", { ...args, scheduleExpression: "cron(0 10 ? * MON *)" }),
    ).toThrow('scheduleExpression: "cron(0 10 ? * MON *)" is not a monthly cron()');
  });

  it("fails when no security group is given", () => {
    expect(() => validateRestoreTestingArgs("t", { ...args, vpcSecurityGroupIds: [] })).toThrow(
      "vpcSecurityGroupIds: [] would restore with the VPC's default security group.",
    );
  });

  it("fails when the validation window is outside 1–168 hours", () => {
    expect(() => validateRestoreTestingArgs("t", { ...args, validationWindowHours: 200 })).toThrow(
      "validationWindowHours: 200 is outside 1–168.",
    );
  });
});
