import { T } from "../../lib/resourceTypes";
import type { Finding, StackResource, StackRule } from "../../lib/types";
import { fail, isUnknown, unknown } from "../../lib/values";

const lockOf = (vault: StackResource, all: readonly StackResource[]) =>
  all.find(
    (r) =>
      r.type === T.backupVaultLock &&
      (r.opts.dependencies.includes(vault.urn) ||
        r.props.backupVaultName === (vault.props.name ?? vault.name)),
  );

/**
 * A vault lock in governance mode can be removed by anyone with enough IAM permissions; compliance mode,
 * once its grace time (`changeableForDays`) ends, cannot be changed or removed by anyone, root and AWS
 * included (AWS Backup Developer Guide, "AWS Backup Vault Lock": a lock with ChangeableForDays is in
 * compliance mode). Ransomware's first move is deleting the backups.
 */
export const backupVaultLockCompliance: StackRule = {
  name: "backupVaultLockCompliance",
  kind: "stack",
  description: "Every AWS Backup vault has a vault lock in compliance mode (changeableForDays set).",
  resourceTypes: [T.backupVault, T.backupVaultLock],
  properties: ["changeableForDays", "minRetentionDays", "maxRetentionDays"],
  hipaa: ["164.312(c)(1)", "164.308(a)(7)(ii)(A)"],
  awsConfigRule: "backup-recovery-point-manual-deletion-disabled",
  severity: "high",
  enforcementLevel: "mandatory",
  // dev uses governance mode (backupVaultLockMode, printed as a relaxation); prod's config refuses it.
  costOnly: true,
  remediation: 'Set backupVaultLockMode: "compliance" (prod\'s default).',
  check: (ctx) => {
    const out: Finding[] = [];
    for (const vault of ctx.resources.filter((r) => r.type === T.backupVault)) {
      const lock = lockOf(vault, ctx.resources);
      if (!lock) out.push(fail(`${vault.name}: no vault lock.`, vault.urn));
      else if (isUnknown(lock.props.changeableForDays)) out.push(unknown("changeableForDays", lock.urn));
      else if (lock.props.changeableForDays === undefined || lock.props.changeableForDays === null)
        out.push(
          fail(`${vault.name}: its vault lock is in governance mode (no changeableForDays).`, vault.urn),
        );
    }
    return out;
  },
};
