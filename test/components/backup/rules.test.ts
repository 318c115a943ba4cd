import { describe, expect, it } from "vitest";
import {
  denyDeletePolicy,
  planRules,
  restoreTestingName,
  retentionProblems,
  vaultLockSettings,
  vaultNameProblems,
} from "../../../components/backup/rules";
import { backupSchedules } from "../../../components/backup/schedule";

const schedules = backupSchedules("03:00-04:00", "sun:05:00-sun:06:00");

describe("vaultLockSettings", () => {
  it("locks in compliance mode with the 3-day cooling-off period, after which nobody can lift it", () => {
    expect(vaultLockSettings("compliance", 35, 2192)).toEqual({
      changeableForDays: 3,
      minRetentionDays: 35,
      maxRetentionDays: 2192,
    });
  });

  it("leaves out changeableForDays in governance mode (that is what makes it governance)", () => {
    expect(vaultLockSettings("governance", 35, 365)).toEqual({ minRetentionDays: 35, maxRetentionDays: 365 });
  });

  it("creates no lock in mode none", () => {
    expect(vaultLockSettings("none", 35, 365)).toBeUndefined();
  });
});

describe("denyDeletePolicy", () => {
  it("denies deleting recovery points and shortening their lifecycle to every principal", () => {
    expect(JSON.parse(denyDeletePolicy())).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "DenyRecoveryPointDeletion",
          Effect: "Deny",
          Principal: { AWS: "*" },
          Action: ["backup:DeleteRecoveryPoint", "backup:UpdateRecoveryPointLifecycle"],
          Resource: "*",
        },
      ],
    });
  });

  it("does not deny changing the vault policy itself (Pulumi must be able to manage it)", () => {
    expect(denyDeletePolicy()).not.toContain("PutBackupVaultAccessPolicy");
  });
});

describe("planRules", () => {
  const base = { vaultName: "v", dailyRetentionDays: 35, monthlyRetentionDays: 2192, schedules };

  it("keeps daily points 35 days and monthly points six years, copying monthly ones to the DR vault", () => {
    expect(
      planRules({ ...base, drVaultArn: "arn:dr", recoveryPointTags: { DataClassification: "phi" } }),
    ).toEqual([
      {
        ruleName: "daily",
        targetVaultName: "v",
        schedule: "cron(0 6 ? * * *)",
        scheduleExpressionTimezone: "Etc/UTC",
        startWindow: 60,
        completionWindow: 360,
        enableContinuousBackup: false,
        lifecycle: { deleteAfter: 35 },
        recoveryPointTags: { DataClassification: "phi" },
      },
      {
        ruleName: "monthly",
        targetVaultName: "v",
        schedule: "cron(0 6 1 * ? *)",
        scheduleExpressionTimezone: "Etc/UTC",
        startWindow: 60,
        completionWindow: 360,
        enableContinuousBackup: false,
        lifecycle: { deleteAfter: 2192 },
        copyActions: [{ destinationVaultArn: "arn:dr", lifecycle: { deleteAfter: 2192 } }],
        recoveryPointTags: { DataClassification: "phi" },
      },
    ]);
  });

  it("copies nothing when there is no DR vault", () => {
    expect(planRules(base).map((r) => r.copyActions)).toEqual([undefined, undefined]);
  });

  it("never asks for cold storage (RDS snapshots do not support it)", () => {
    const json = JSON.stringify(planRules({ ...base, drVaultArn: "arn:dr" }));
    expect(json).not.toContain("coldStorageAfter");
    expect(json).not.toContain("optInToArchive");
  });
});

describe("restoreTestingName", () => {
  it("turns hyphens into underscores, the only separator restore testing accepts", () => {
    expect(restoreTestingName("verscienta-prod-restore-test-plan")).toBe("verscienta_prod_restore_test_plan");
  });

  it("fails when the name is longer than 50 characters", () => {
    expect(() => restoreTestingName("x".repeat(51))).toThrow("must be 1 to 50 characters");
  });
});

describe("retentionProblems", () => {
  it("accepts rules inside the lock's range", () => {
    expect(
      retentionProblems({
        dailyRetentionDays: 35,
        monthlyRetentionDays: 2192,
        minRetentionDays: 35,
        maxRetentionDays: 2192,
      }),
    ).toEqual([]);
  });

  it("fails when a rule keeps points longer than the lock allows", () => {
    expect(
      retentionProblems({
        dailyRetentionDays: 35,
        monthlyRetentionDays: 2557,
        minRetentionDays: 35,
        maxRetentionDays: 2192,
      }),
    ).toEqual([
      "monthlyRetentionDays: 2557 is outside the vault lock's 35–2192 days; AWS Backup would fail every job of that rule. Keep it within the range or change the lock (impossible once a compliance lock is past its cooling-off period).",
    ]);
  });

  it("fails when the maximum is below the minimum or above AWS Backup's ceiling", () => {
    expect(retentionProblems({ minRetentionDays: 35, maxRetentionDays: 30 })).toEqual([
      "maxRetentionDays: 30 must be a whole number from minRetentionDays (35) to 36500.",
    ]);
    expect(retentionProblems({ minRetentionDays: 35, maxRetentionDays: 40_000 })).toHaveLength(1);
  });

  it("fails when the minimum is not a positive whole number", () => {
    expect(retentionProblems({ minRetentionDays: 0, maxRetentionDays: 10 })[0]).toMatch(
      /^minRetentionDays: 0 /,
    );
  });
});

describe("vaultNameProblems", () => {
  it("fails when the vault name has characters AWS Backup refuses", () => {
    expect(vaultNameProblems("verscienta-prod-vault")).toEqual([]);
    expect(vaultNameProblems("my vault")).toEqual([
      'vaultName: "my vault" is not a valid vault name. Use 2 to 50 letters, digits, - and _.',
    ]);
  });
});
