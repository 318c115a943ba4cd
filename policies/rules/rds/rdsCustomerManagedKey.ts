import { T } from "../../lib/resourceTypes";
import type { ResourceRule } from "../../lib/types";
import { requireCmk } from "../../lib/values";

/**
 * With no kmsKeyId RDS uses alias/aws/rds, whose key policy the account cannot restrict, audit per
 * grant, or share with a DR account; a customer-managed key is also what lets snapshots be copied.
 */
export const rdsCustomerManagedKey: ResourceRule = {
  name: "rdsCustomerManagedKey",
  kind: "resource",
  description: "RDS instance storage is encrypted with a customer-managed KMS key, not alias/aws/rds.",
  resourceTypes: [T.rdsInstance],
  properties: ["kmsKeyId"],
  hipaa: ["164.312(a)(2)(iv)", "164.312(a)(1)"],
  awsConfigRule: "rds-storage-encrypted",
  severity: "high",
  enforcementLevel: "mandatory",
  remediation: "Set kmsKeyId to the ARN of the stack's customer-managed key (components/kms EncryptionKey).",
  check: (props) => requireCmk(props, "kmsKeyId", "storage"),
};
