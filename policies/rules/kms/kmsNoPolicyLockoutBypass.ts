import { T } from "../../lib/resourceTypes";
import type { ResourceRule } from "../../lib/types";
import { requireNotTrue } from "../../lib/values";

/** Bypassing the lockout check can leave a key nobody can administer, and its data unrecoverable. */
export const kmsNoPolicyLockoutBypass: ResourceRule = {
  name: "kmsNoPolicyLockoutBypass",
  kind: "resource",
  description: "KMS key does not set bypassPolicyLockoutSafetyCheck.",
  resourceTypes: [T.kmsKey, T.kmsReplicaKey],
  properties: ["bypassPolicyLockoutSafetyCheck"],
  hipaa: ["164.312(a)(1)", "164.308(a)(7)(ii)(A)"],
  severity: "high",
  enforcementLevel: "mandatory",
  remediation: "Remove bypassPolicyLockoutSafetyCheck or set it to false.",
  check: (props) =>
    requireNotTrue(
      props,
      "bypassPolicyLockoutSafetyCheck",
      "a policy could lock every administrator out of the key.",
    ),
};
