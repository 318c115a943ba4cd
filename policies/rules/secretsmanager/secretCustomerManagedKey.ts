import { T } from "../../lib/resourceTypes";
import type { ResourceRule } from "../../lib/types";
import { requireCmk } from "../../lib/values";

/** Database credentials open PHI; their key must be one whose policy we control and audit. */
export const secretCustomerManagedKey: ResourceRule = {
  name: "secretCustomerManagedKey",
  kind: "resource",
  description:
    "Secrets Manager secret is encrypted with a customer-managed KMS key, not alias/aws/secretsmanager.",
  resourceTypes: [T.secret],
  properties: ["kmsKeyId"],
  hipaa: ["164.312(a)(2)(iv)", "164.312(a)(1)"],
  awsConfigRule: "secretsmanager-using-cmk",
  severity: "high",
  enforcementLevel: "mandatory",
  remediation: "Set kmsKeyId to the stack's customer-managed key.",
  check: (props) => requireCmk(props, "kmsKeyId", "the secret"),
};
