import { describe, expect, it } from "vitest";
import {
  BackupVault,
  type BackupVaultArgs,
  validateBackupVaultArgs,
} from "../../../components/backup/backupVault";
import { ofType, one, runStack } from "../../../testing/runProgram";

const KEY = "arn:aws:kms:us-east-1:123456789012:key/mrk-1";
const TOPIC = "arn:aws:sns:us-east-1:123456789012:app-alarms";
const args: BackupVaultArgs = {
  vaultName: "app-vault",
  kmsKeyArn: KEY,
  lockMode: "compliance",
  maxRetentionDays: 2192,
  notificationTopicArn: TOPIC,
  protect: true,
  tags: { DataClassification: "phi" },
};
const run = (a: BackupVaultArgs = args) =>
  runStack({
    stack: "dev",
    program: () => {
      new BackupVault("app-vault", a);
      return {};
    },
  });

describe("BackupVault", () => {
  it("encrypts the vault with the customer-managed key, never force-destroys it, and protects it", async () => {
    const r = await run();
    expect(r.error).toBeUndefined();
    const vault = one(r, "aws:backup/vault:Vault");
    expect(vault.inputs).toEqual({
      name: "app-vault",
      kmsKeyArn: KEY,
      forceDestroy: false,
      tags: { DataClassification: "phi" },
    });
    expect(vault.protect).toBe(true);
  });

  it("locks the vault in compliance mode with a 35-day minimum", async () => {
    const r = await run();
    const lock = one(r, "aws:backup/vaultLockConfiguration:VaultLockConfiguration");
    expect(lock.name).toBe("app-vault-lock");
    expect(lock.inputs).toEqual({
      backupVaultName: "app-vault",
      changeableForDays: 3,
      minRetentionDays: 35,
      maxRetentionDays: 2192,
    });
    expect(lock.protect).toBe(true);
  });

  it("uses a governance lock (no changeableForDays) when asked", async () => {
    const r = await run({ ...args, lockMode: "governance", maxRetentionDays: 365 });
    expect(one(r, "aws:backup/vaultLockConfiguration:VaultLockConfiguration").inputs).toEqual({
      backupVaultName: "app-vault",
      minRetentionDays: 35,
      maxRetentionDays: 365,
    });
  });

  it("keeps the deny-delete policy when the lock is off", async () => {
    const r = await run({ ...args, lockMode: "none" });
    expect(ofType(r, "aws:backup/vaultLockConfiguration:VaultLockConfiguration")).toEqual([]);
    const policy = JSON.parse(String(one(r, "aws:backup/vaultPolicy:VaultPolicy").inputs.policy));
    expect(policy.Statement[0].Effect).toBe("Deny");
    expect(policy.Statement[0].Action).toEqual([
      "backup:DeleteRecoveryPoint",
      "backup:UpdateRecoveryPointLifecycle",
    ]);
  });

  it("sends job completions (failures included), copy failures and lifecycle changes to the topic", async () => {
    const r = await run();
    expect(one(r, "aws:backup/vaultNotifications:VaultNotifications").inputs).toEqual({
      backupVaultName: "app-vault",
      snsTopicArn: TOPIC,
      backupVaultEvents: [
        "BACKUP_JOB_COMPLETED",
        "COPY_JOB_FAILED",
        "RESTORE_JOB_COMPLETED",
        "RECOVERY_POINT_MODIFIED",
      ],
    });
  });
});

describe("validateBackupVaultArgs", () => {
  it("fails when the lock mode is unknown", () => {
    expect(() => validateBackupVaultArgs("v", { ...args, lockMode: "strict" as never })).toThrow(
      'lockMode: "strict" is not one of compliance, governance, none.',
    );
  });

  it("fails when notifications are switched off by an empty event list", () => {
    expect(() => validateBackupVaultArgs("v", { ...args, notificationEvents: [] })).toThrow(
      "notificationEvents: [] would silence failed backups.",
    );
  });

  it("fails when the maximum retention is below the minimum", () => {
    expect(() => validateBackupVaultArgs("v", { ...args, maxRetentionDays: 7 })).toThrow(
      "maxRetentionDays: 7 must be a whole number from minRetentionDays (35) to 36500.",
    );
  });
});
