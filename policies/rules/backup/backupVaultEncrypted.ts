import { T } from "../../lib/resourceTypes";
import type { ResourceRule } from "../../lib/types";
import { requireCmk } from "../../lib/values";

/** Recovery points are copies of PHI; with our key they can be shared with the DR account and audited. */
export const backupVaultEncrypted: ResourceRule = {
  name: "backupVaultEncrypted",
  kind: "resource",
  description: "AWS Backup vault is encrypted with a customer-managed KMS key.",
  resourceTypes: [T.backupVault],
  properties: ["kmsKeyArn"],
  hipaa: ["164.312(a)(2)(iv)", "164.308(a)(7)(ii)(A)"],
  awsConfigRule: "backup-recovery-point-encrypted",
  severity: "high",
  enforcementLevel: "mandatory",
  remediation: "Set kmsKeyArn to the stack's customer-managed key.",
  check: (props) => requireCmk(props, "kmsKeyArn", "the vault"),
};
