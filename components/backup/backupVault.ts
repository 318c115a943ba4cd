import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { MIN_RETENTION_DAYS, VAULT_NOTIFICATION_EVENTS } from "./defaults";
import {
  denyDeletePolicy,
  retentionProblems,
  throwIfProblems,
  VAULT_LOCK_MODES,
  type VaultLockMode,
  vaultLockSettings,
  vaultNameProblems,
} from "./rules";

export interface BackupVaultArgs {
  /** Vault name, unique in the account and region (2–50 letters, digits, - and _). */
  readonly vaultName: string;
  /**
   * Customer-managed KMS key in the vault's region. Recovery points of RDS are encrypted with the
   * snapshot's own key; the vault key protects the vault's metadata and copies of other resource types.
   */
  readonly kmsKeyArn: pulumi.Input<string>;
  /**
   * Vault Lock mode. "compliance" becomes immutable after the cooling-off period; "governance" can be
   * lifted by privileged principals; "none" leaves only the deny-delete vault policy, which an account
   * administrator can remove (weakens HIPAA 164.308(a)(7)(ii)(A) and 164.312(c)(1)).
   * @default "compliance"
   */
  readonly lockMode?: VaultLockMode;
  /** Shortest retention the lock accepts for any recovery point. @default 35 */
  readonly minRetentionDays?: number;
  /**
   * Longest retention the lock accepts. In compliance mode it cannot be raised after the cooling-off
   * period, so rules that keep recovery points longer would fail: choose it with the longest rule.
   */
  readonly maxRetentionDays: number;
  /**
   * SNS topic for job events, in the vault's region (AWS Backup publishes only to a topic in the same
   * region). Its policy must let backup.amazonaws.com publish; an encrypted topic's key must allow it too.
   */
  readonly notificationTopicArn: pulumi.Input<string>;
  /** @default VAULT_NOTIFICATION_EVENTS */
  readonly notificationEvents?: readonly string[];
  /**
   * Protect the vault from deletion by Pulumi. Deleting a vault needs it empty, but protection stops a
   * refactor from even trying. @default false
   */
  readonly protect?: boolean;
  readonly tags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * An AWS Backup vault for PHI recovery points: encrypted with a customer-managed key, a Vault Lock that
 * enforces minimum and maximum retention, a vault policy that denies deleting recovery points or
 * shortening their lifecycle to everyone, and job events sent to the alarm topic.
 */
export class BackupVault extends pulumi.ComponentResource {
  readonly vault: aws.backup.Vault;
  readonly lock?: aws.backup.VaultLockConfiguration;
  readonly policy: aws.backup.VaultPolicy;
  readonly notifications: aws.backup.VaultNotifications;
  readonly vaultName: pulumi.Output<string>;
  readonly vaultArn: pulumi.Output<string>;

  constructor(name: string, args: BackupVaultArgs, opts?: pulumi.ComponentResourceOptions) {
    super("verscienta:backup:BackupVault", name, {}, opts);
    validateBackupVaultArgs(name, args);
    const lockMode = args.lockMode ?? "compliance";
    const minRetentionDays = args.minRetentionDays ?? MIN_RETENTION_DAYS;

    this.vault = new aws.backup.Vault(
      name,
      {
        name: args.vaultName,
        kmsKeyArn: args.kmsKeyArn,
        // Never delete recovery points to make a destroy succeed: a vault with PHI backups must be
        // emptied deliberately (and the lock decides whether that is possible at all).
        forceDestroy: false,
        tags: args.tags,
      },
      { parent: this, protect: args.protect },
    );

    const lock = vaultLockSettings(lockMode, minRetentionDays, args.maxRetentionDays);
    if (lock) {
      this.lock = new aws.backup.VaultLockConfiguration(
        `${name}-lock`,
        { backupVaultName: this.vault.name, ...lock },
        { parent: this, protect: args.protect },
      );
    }

    this.policy = new aws.backup.VaultPolicy(
      `${name}-policy`,
      { backupVaultName: this.vault.name, policy: denyDeletePolicy() },
      { parent: this },
    );

    this.notifications = new aws.backup.VaultNotifications(
      `${name}-notifications`,
      {
        backupVaultName: this.vault.name,
        snsTopicArn: args.notificationTopicArn,
        backupVaultEvents: [...(args.notificationEvents ?? VAULT_NOTIFICATION_EVENTS)],
      },
      { parent: this },
    );

    this.vaultName = this.vault.name;
    this.vaultArn = this.vault.arn;
    this.registerOutputs({ vaultName: this.vaultName, vaultArn: this.vaultArn });
  }
}

export function validateBackupVaultArgs(name: string, args: BackupVaultArgs): void {
  const problems = vaultNameProblems(args.vaultName);
  if (args.lockMode !== undefined && !(VAULT_LOCK_MODES as readonly string[]).includes(args.lockMode)) {
    problems.push(
      `lockMode: "${args.lockMode}" is not one of ${VAULT_LOCK_MODES.join(", ")}. Use "compliance" in prod.`,
    );
  }
  problems.push(
    ...retentionProblems({
      minRetentionDays: args.minRetentionDays ?? MIN_RETENTION_DAYS,
      maxRetentionDays: args.maxRetentionDays,
    }),
  );
  if (args.notificationEvents !== undefined && args.notificationEvents.length === 0) {
    problems.push("notificationEvents: [] would silence failed backups. Leave it unset for the defaults.");
  }
  throwIfProblems("BackupVault", name, problems);
}
