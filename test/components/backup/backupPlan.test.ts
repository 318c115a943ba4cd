import { describe, expect, it } from "vitest";
import {
  BackupPlan,
  type BackupPlanArgs,
  validateBackupPlanArgs,
} from "../../../components/backup/backupPlan";
import { ofType, one, runStack } from "../../../testing/runProgram";

const DB = "arn:aws:rds:us-east-1:123456789012:db:app-db";
const DR_VAULT = "arn:aws:backup:us-west-2:123456789012:backup-vault:app-dr-vault";
const args: BackupPlanArgs = {
  vaultName: "app-vault",
  resourceArns: [DB],
  dailyRetentionDays: 35,
  monthlyRetentionDays: 2192,
  rdsBackupWindow: "03:00-04:00",
  rdsMaintenanceWindow: "sun:05:00-sun:06:00",
  drVaultArn: DR_VAULT,
  accountId: "123456789012",
  tags: { DataClassification: "phi" },
};
const run = (a: BackupPlanArgs = args) =>
  runStack({
    stack: "dev",
    program: () => {
      new BackupPlan("app-backup", a);
      return {};
    },
  });

describe("BackupPlan", () => {
  it("runs a daily rule kept 35 days and a monthly rule kept six years that copies to the DR vault", async () => {
    const r = await run();
    expect(r.error).toBeUndefined();
    const plan = one(r, "aws:backup/plan:Plan");
    expect(plan.inputs.name).toBe("app-backup-plan");
    const rules = plan.inputs.rules as Record<string, unknown>[];
    expect(rules.map((x) => [x.ruleName, x.schedule, x.lifecycle, x.copyActions])).toEqual([
      ["daily", "cron(0 6 ? * * *)", { deleteAfter: 35 }, undefined],
      [
        "monthly",
        "cron(0 6 1 * ? *)",
        { deleteAfter: 2192 },
        [{ destinationVaultArn: DR_VAULT, lifecycle: { deleteAfter: 2192 } }],
      ],
    ]);
    expect(rules.every((x) => x.targetVaultName === "app-vault" && x.enableContinuousBackup === false)).toBe(
      true,
    );
  });

  it("selects the instance explicitly by ARN, with the backup role, after the role has its policies", async () => {
    const r = await run();
    const sel = one(r, "aws:backup/selection:Selection");
    expect(sel.inputs).toMatchObject({
      name: "app-backup-selection",
      resources: [DB],
      iamRoleArn: "arn:aws:iam::123456789012:role/app-backup-role",
    });
    const attachments = ofType(r, "aws:iam/rolePolicyAttachment:RolePolicyAttachment");
    expect(sel.dependencies).toEqual(expect.arrayContaining(attachments.map((a) => a.urn)));
  });

  it("gives the role exactly AWS Backup's managed backup and restore policies, trusted by AWS Backup of this account only", async () => {
    const r = await run();
    expect(
      ofType(r, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").map((a) => [a.name, a.inputs.policyArn]),
    ).toEqual([
      ["app-backup-role-backup", "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup"],
      [
        "app-backup-role-restores",
        "arn:aws:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores",
      ],
    ]);
    const trust = JSON.parse(String(one(r, "aws:iam/role:Role").inputs.assumeRolePolicy));
    expect(trust.Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: "backup.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
      },
    ]);
  });

  it("copies nothing when DR is off", async () => {
    const r = await run({ ...args, drVaultArn: undefined });
    const rules = one(r, "aws:backup/plan:Plan").inputs.rules as Record<string, unknown>[];
    expect(rules.map((x) => x.copyActions)).toEqual([undefined, undefined]);
  });
});

describe("validateBackupPlanArgs", () => {
  it("fails when the daily rule keeps points fewer than 35 days", () => {
    expect(() => validateBackupPlanArgs("p", { ...args, dailyRetentionDays: 30 })).toThrow(
      "dailyRetentionDays: 30 is below 35 days",
    );
  });

  it("fails when nothing is selected", () => {
    expect(() => validateBackupPlanArgs("p", { ...args, resourceArns: [] })).toThrow(
      "resourceArns: [] selects nothing",
    );
  });

  it("fails when the monthly rule would outlive the vault lock's maximum", () => {
    expect(() => validateBackupPlanArgs("p", { ...args, maxRetentionDays: 365 })).toThrow(
      "monthlyRetentionDays: 2192 is outside the vault lock's 35–365 days",
    );
  });

  it("fails when the windows leave no hour for AWS Backup", () => {
    expect(() => validateBackupPlanArgs("p", { ...args, rdsBackupWindow: "00:00-23:30" })).toThrow(
      "leave no free hour",
    );
  });
});
