import { actionsOf, statementsOf } from "../../lib/iam";
import { T } from "../../lib/resourceTypes";
import type { Finding, StackResource, StackRule } from "../../lib/types";
import { fail, jsonOf, unknown } from "../../lib/values";

const refersTo = (r: StackResource, vault: StackResource): boolean =>
  r.opts.dependencies.includes(vault.urn) || r.props.backupVaultName === (vault.props.name ?? vault.name);

/** A deny that covers deleting recovery points. */
function deniesDelete(policy: unknown): boolean | "unknown" {
  const doc = jsonOf(policy);
  if ("unknown" in doc) return "unknown";
  if ("error" in doc) return false;
  return statementsOf(doc.value).some(
    (s) =>
      s.Effect === "Deny" &&
      actionsOf(s).some((a) => ["backup:DeleteRecoveryPoint", "backup:*", "*"].includes(a)),
  );
}

/** Without a lock or a deny, one compromised admin can delete every backup (ransomware's first move). */
export const backupVaultLocked: StackRule = {
  name: "backupVaultLocked",
  kind: "stack",
  description:
    "Every AWS Backup vault has a vault lock or a vault policy denying backup:DeleteRecoveryPoint.",
  resourceTypes: [T.backupVault, T.backupVaultLock, T.backupVaultPolicy],
  properties: ["backupVaultName", "policy", "minRetentionDays", "changeableForDays"],
  hipaa: ["164.312(c)(1)", "164.308(a)(7)(ii)(A)"],
  awsConfigRule: "backup-recovery-point-manual-deletion-disabled",
  severity: "high",
  enforcementLevel: "mandatory",
  remediation:
    "Add aws.backup.VaultLockConfiguration (compliance mode in prod) or an aws.backup.VaultPolicy denying backup:DeleteRecoveryPoint.",
  check: (ctx) => {
    const out: Finding[] = [];
    for (const vault of ctx.resources.filter((r) => r.type === T.backupVault)) {
      if (ctx.resources.some((r) => r.type === T.backupVaultLock && refersTo(r, vault))) continue;
      const policies = ctx.resources
        .filter((r) => r.type === T.backupVaultPolicy && refersTo(r, vault))
        .map((p) => deniesDelete(p.props.policy));
      if (policies.includes(true)) continue;
      out.push(
        policies.includes("unknown")
          ? unknown("policy", vault.urn)
          : fail(`${vault.name}: no vault lock and no deny-delete vault policy.`, vault.urn),
      );
    }
    return out;
  },
};
