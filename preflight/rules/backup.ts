/** AWS Backup: vault lock, rule lifecycles, continuous backup; RDS cross-region automated backups. */
import type { PlanFinding, PlannedResource, PlanRule } from "../types";
import { arnRegion, list, num, obj, ofType, regionOf, str, T } from "./util";

const VAULT_LOCK = {
  title:
    'AWS Backup Developer Guide, "AWS Backup Vault Lock" and PutBackupVaultLockConfiguration (ChangeableForDays at least 3; a backup or copy job whose retention is outside MinRetentionDays..MaxRetentionDays fails)',
  url: "https://docs.aws.amazon.com/aws-backup/latest/devguide/vault-lock.html",
};

const lockOf = (rs: readonly PlannedResource[], vaultName: string | undefined) =>
  ofType(rs, T.vaultLock).find((l) => l.inputs.backupVaultName === vaultName);

/** A vault's name from an ARN (`...:backup-vault:<name>`) or a name. */
const vaultName = (ref: unknown) => str(ref)?.split(":backup-vault:").pop();

export const vaultLockSettings: PlanRule = {
  id: "backup.vaultLock.settings",
  level: "plan",
  title: "Vault lock: changeableForDays at least 3, minRetentionDays not above maxRetentionDays",
  source: VAULT_LOCK,
  fix: "Set changeableForDays to 3 or more and keep minRetentionDays ≤ maxRetentionDays.",
  check: (rs) =>
    ofType(rs, T.vaultLock).flatMap((l) => {
      const out: PlanFinding[] = [];
      const ch = num(l.inputs.changeableForDays);
      if (ch !== undefined && ch < 3)
        out.push({
          resource: l,
          message: `changeableForDays ${ch} is below the 3-day cooling-off period AWS Backup enforces.`,
        });
      const min = num(l.inputs.minRetentionDays);
      const max = num(l.inputs.maxRetentionDays);
      if (min !== undefined && max !== undefined && min > max)
        out.push({ resource: l, message: `minRetentionDays ${min} is above maxRetentionDays ${max}.` });
      return out;
    }),
};

function outsideLock(lock: PlannedResource | undefined, days: number | undefined): string | undefined {
  if (!lock || days === undefined) return undefined;
  const min = num(lock.inputs.minRetentionDays);
  const max = num(lock.inputs.maxRetentionDays);
  if (min !== undefined && days < min)
    return `${days} days is below the vault lock's minRetentionDays ${min}`;
  if (max !== undefined && days > max)
    return `${days} days is above the vault lock's maxRetentionDays ${max}`;
  return undefined;
}

export const lifecycleWithinVaultLock: PlanRule = {
  id: "backup.lifecycle.withinVaultLock",
  level: "plan",
  title: "Every backup and copy lifecycle fits the destination vault's lock retention",
  source: VAULT_LOCK,
  fix: "Make each rule's and copy action's deleteAfter fall within the target vault lock's min/max retention.",
  check: (rs) =>
    ofType(rs, T.backupPlan).flatMap((p) =>
      list(p.inputs.rules)
        .map(obj)
        .flatMap((rule) => {
          const out: PlanFinding[] = [];
          const own = outsideLock(
            lockOf(rs, str(rule.targetVaultName)),
            num(obj(rule.lifecycle).deleteAfter),
          );
          if (own)
            out.push({
              resource: p,
              message: `rule ${String(rule.ruleName)}: ${own}; every backup job of this rule will fail.`,
            });
          for (const c of list(rule.copyActions).map(obj)) {
            const bad = outsideLock(
              lockOf(rs, vaultName(c.destinationVaultArn)),
              num(obj(c.lifecycle).deleteAfter),
            );
            if (bad)
              out.push({
                resource: p,
                message: `rule ${String(rule.ruleName)} copy to ${String(c.destinationVaultArn)}: ${bad}; every copy job will fail.`,
              });
          }
          return out;
        }),
    ),
};

export const continuousBackupRetention: PlanRule = {
  id: "backup.continuous.retention",
  level: "plan",
  title: "Continuous backup (point-in-time recovery) rules keep 1 to 35 days",
  source: {
    title:
      'AWS Backup Developer Guide, "Changing your retention period" (continuous backup: minimum 1 day, maximum 35 days)',
    url: "https://docs.aws.amazon.com/aws-backup/latest/devguide/point-in-time-recovery-retention-period.html",
  },
  fix: "Set deleteAfter to 1..35 on rules with enableContinuousBackup, or use a snapshot rule for longer retention.",
  check: (rs) =>
    ofType(rs, T.backupPlan).flatMap((p) =>
      list(p.inputs.rules)
        .map(obj)
        .filter((r) => r.enableContinuousBackup === true)
        .filter((r) => {
          const d = num(obj(r.lifecycle).deleteAfter);
          return d === undefined || d < 1 || d > 35;
        })
        .map((r) => ({
          resource: p,
          message: `rule ${String(r.ruleName)} is continuous with deleteAfter ${String(obj(r.lifecycle).deleteAfter ?? "unset")}; continuous backups keep 1 to 35 days.`,
        })),
    ),
};

export const coldStorageLifecycle: PlanRule = {
  id: "backup.coldStorage.lifecycle",
  level: "plan",
  title: "A lifecycle that moves to cold storage deletes at least 90 days later",
  source: {
    title:
      "AWS Backup API Reference, Lifecycle (DeleteAfterDays at least 90 days after MoveToColdStorageAfterDays)",
    url: "https://docs.aws.amazon.com/aws-backup/latest/devguide/API_Lifecycle.html",
  },
  fix: "Set deleteAfter to coldStorageAfter + 90 or more, or drop the cold storage transition.",
  check: (rs) =>
    ofType(rs, T.backupPlan).flatMap((p) =>
      list(p.inputs.rules)
        .map(obj)
        .flatMap((r) => [
          { where: `rule ${String(r.ruleName)}`, lc: obj(r.lifecycle) },
          ...list(r.copyActions).map((c) => ({
            where: `rule ${String(r.ruleName)} copy`,
            lc: obj(obj(c).lifecycle),
          })),
        ])
        .filter(({ lc }) => {
          const cold = num(lc.coldStorageAfter);
          const del = num(lc.deleteAfter);
          return cold !== undefined && del !== undefined && del < cold + 90;
        })
        .map(({ where, lc }) => ({
          resource: p,
          message: `${where}: deleteAfter ${String(lc.deleteAfter)} is less than 90 days after coldStorageAfter ${String(lc.coldStorageAfter)}.`,
        })),
    ),
};

export const automatedBackupsReplicationKey: PlanRule = {
  id: "backup.automatedBackupsReplication.kmsKey",
  level: "plan",
  title: "Cross-region automated backups of an encrypted instance use a KMS key of the destination region",
  source: {
    title:
      "Amazon RDS API Reference, StartDBInstanceAutomatedBackupsReplication, KmsKeyId (the ARN of a key in the destination Region)",
    url: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_StartDBInstanceAutomatedBackupsReplication.html",
  },
  fix: "Pass kmsKeyId: the ARN of a key created in the replication's (DR) region.",
  check: (rs, ctx) =>
    ofType(rs, T.automatedBackupsReplication).flatMap((r) => {
      const here = regionOf(r, ctx);
      const key = str(r.inputs.kmsKeyId);
      const src = ofType(rs, T.instance).find((i) => i.state?.arn === r.inputs.sourceDbInstanceArn);
      const encrypted = src ? src.inputs.storageEncrypted === true : true;
      if (!encrypted) return [];
      return arnRegion(key) === here
        ? []
        : [
            {
              resource: r,
              message: `replicates to ${here} with kmsKeyId ${key ?? "unset"}; an encrypted instance's backups need a key of ${here}.`,
            },
          ];
    }),
};
