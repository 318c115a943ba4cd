/**
 * The pure parts of the backup design: plan rules, vault lock settings, the deny-delete vault policy,
 * the names AWS Backup accepts, and the checks that keep them consistent with each other.
 */
import type * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import {
  BACKUP_COMPLETION_WINDOW_MINUTES,
  BACKUP_START_WINDOW_MINUTES,
  DENIED_RECOVERY_POINT_ACTIONS,
  VAULT_LOCK_CHANGEABLE_FOR_DAYS,
} from "./defaults";
import type { BackupSchedules } from "./schedule";

export const VAULT_LOCK_MODES = ["compliance", "governance", "none"] as const;
export type VaultLockMode = (typeof VAULT_LOCK_MODES)[number];

/** AWS Backup's ceiling for any retention value. */
export const MAX_RETENTION_DAYS = 36_500;

export interface VaultLockSettings {
  /** Set only in compliance mode: days until the lock becomes immutable. */
  readonly changeableForDays?: number;
  readonly minRetentionDays: number;
  readonly maxRetentionDays: number;
}

/**
 * Vault Lock for a mode. Compliance: after {@link VAULT_LOCK_CHANGEABLE_FOR_DAYS} days nobody (root,
 * AWS support) can delete recovery points early or remove the lock. Governance: the same rules, but
 * principals with backup:DeleteBackupVaultLockConfiguration can lift them (dev: tear-down stays
 * possible). None: no lock; the deny-delete vault policy still applies.
 */
export function vaultLockSettings(
  mode: VaultLockMode,
  minRetentionDays: number,
  maxRetentionDays: number,
): VaultLockSettings | undefined {
  if (mode === "none") return undefined;
  return {
    ...(mode === "compliance" ? { changeableForDays: VAULT_LOCK_CHANGEABLE_FOR_DAYS } : {}),
    minRetentionDays,
    maxRetentionDays,
  };
}

/**
 * The vault access policy: nobody deletes a recovery point or shortens its lifecycle. A vault policy
 * applies to the vault it is attached to and its recovery points, so `Resource: "*"` means exactly those.
 */
export function denyDeletePolicy(): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "DenyRecoveryPointDeletion",
        Effect: "Deny",
        Principal: { AWS: "*" },
        Action: [...DENIED_RECOVERY_POINT_ACTIONS],
        Resource: "*",
      },
    ],
  });
}

export interface PlanRulesInput {
  /** Name of the primary vault both rules write to. */
  readonly vaultName: pulumi.Input<string>;
  readonly dailyRetentionDays: number;
  readonly monthlyRetentionDays: number;
  readonly schedules: BackupSchedules;
  /** When set, the monthly rule copies each recovery point to this vault (DR region). */
  readonly drVaultArn?: pulumi.Input<string>;
  readonly recoveryPointTags?: pulumi.Input<Record<string, pulumi.Input<string>>>;
}

/**
 * The plan's rules. No cold storage: RDS snapshots cannot move to cold storage, and AWS Backup rejects
 * a lifecycle that asks for it. No continuous backup: RDS's own automated backups already give 35 days
 * of point-in-time recovery (replicated to the DR region); an AWS Backup continuous rule would take
 * over the instance's backup retention and window, which Pulumi manages on the instance.
 */
export function planRules(input: PlanRulesInput): aws.types.input.backup.PlanRule[] {
  const common = {
    targetVaultName: input.vaultName,
    startWindow: BACKUP_START_WINDOW_MINUTES,
    completionWindow: BACKUP_COMPLETION_WINDOW_MINUTES,
    scheduleExpressionTimezone: "Etc/UTC",
    enableContinuousBackup: false,
    recoveryPointTags: input.recoveryPointTags,
  };
  const monthlyLifecycle = { deleteAfter: input.monthlyRetentionDays };
  return [
    {
      ...common,
      ruleName: "daily",
      schedule: input.schedules.daily,
      lifecycle: { deleteAfter: input.dailyRetentionDays },
    },
    {
      ...common,
      ruleName: "monthly",
      schedule: input.schedules.monthly,
      lifecycle: monthlyLifecycle,
      ...(input.drVaultArn !== undefined
        ? { copyActions: [{ destinationVaultArn: input.drVaultArn, lifecycle: monthlyLifecycle }] }
        : {}),
    },
  ];
}

/**
 * A name AWS Backup restore testing accepts: letters, digits and underscores, at most 50 characters
 * (hyphens, which every other name in the stack uses, are refused).
 */
export function restoreTestingName(name: string): string {
  const out = name.replace(/[^A-Za-z0-9_]/g, "_");
  if (out.length === 0 || out.length > 50) {
    throw new Error(
      `name: "${name}" gives the restore testing name "${out}", which must be 1 to 50 characters. Use a shorter component name.`,
    );
  }
  return out;
}

const VAULT_NAME = /^[a-zA-Z0-9_-]{2,50}$/;

/** The checks shared by the backup components; every problem is collected, then thrown together. */
export function retentionProblems(args: {
  readonly dailyRetentionDays?: number;
  readonly monthlyRetentionDays?: number;
  readonly minRetentionDays: number;
  readonly maxRetentionDays: number;
}): string[] {
  const problems: string[] = [];
  const { minRetentionDays: min, maxRetentionDays: max } = args;
  if (!Number.isInteger(min) || min < 1) {
    problems.push(
      `minRetentionDays: ${min} is not a positive whole number of days. Use ${MAX_RETENTION_DAYS} or less, at least 1.`,
    );
  }
  if (!Number.isInteger(max) || max > MAX_RETENTION_DAYS || max < min) {
    problems.push(
      `maxRetentionDays: ${max} must be a whole number from minRetentionDays (${min}) to ${MAX_RETENTION_DAYS}.`,
    );
  }
  for (const key of ["dailyRetentionDays", "monthlyRetentionDays"] as const) {
    const days = args[key];
    if (days === undefined) continue;
    if (days < min || days > max) {
      problems.push(
        `${key}: ${days} is outside the vault lock's ${min}–${max} days; AWS Backup would fail every job of that rule. Keep it within the range or change the lock (impossible once a compliance lock is past its cooling-off period).`,
      );
    }
  }
  return problems;
}

export function vaultNameProblems(vaultName: string): string[] {
  return VAULT_NAME.test(vaultName)
    ? []
    : [`vaultName: "${vaultName}" is not a valid vault name. Use 2 to 50 letters, digits, - and _.`];
}

/** Throws one error listing every problem, prefixed with the component that found them. */
export function throwIfProblems(component: string, name: string, problems: readonly string[]): void {
  if (problems.length > 0) {
    throw new Error(
      `${component} "${name}": invalid arguments:\n${problems.map((p) => `  - ${p}`).join("\n")}`,
    );
  }
}
