import { wildcardPrincipalEvidence } from "../../lib/evidence";
import { isWildcardPrincipal, statementsOf } from "../../lib/iam";
import { T } from "../../lib/resourceTypes";
import type { ResourceRule } from "../../lib/types";
import { fail, isRecord, jsonOf, unknown } from "../../lib/values";

/**
 * `Principal: "*"` without a condition lets any AWS account use the PHI key. Conditions such as
 * kms:CallerAccount + kms:ViaService (the pattern of AWS-managed keys) make it safe.
 */
export const kmsNoWildcardPrincipal: ResourceRule = {
  name: "kmsNoWildcardPrincipal",
  kind: "resource",
  description: 'No KMS key-policy statement allows a "*" principal without a condition.',
  resourceTypes: [T.kmsKey, T.kmsReplicaKey],
  properties: ["policy"],
  evidence: wildcardPrincipalEvidence,
  hipaa: ["164.312(a)(1)", "164.308(a)(4)(ii)(B)"],
  severity: "critical",
  enforcementLevel: "mandatory",
  remediation:
    "Name the principals, or add a condition (kms:CallerAccount, kms:ViaService, aws:SourceAccount) to the statement.",
  check: (props) => {
    if (props.policy === undefined || props.policy === null) return []; // KMS default policy: the account root only.
    const doc = jsonOf(props.policy);
    if ("unknown" in doc) return [unknown("policy")];
    if ("error" in doc) return [fail(`policy is not valid JSON: ${doc.error}`)];
    return statementsOf(doc.value)
      .filter(
        (s) =>
          s.Effect === "Allow" &&
          isWildcardPrincipal(s.Principal) &&
          !(isRecord(s.Condition) && Object.keys(s.Condition).length > 0),
      )
      .map((s) =>
        fail(`statement ${JSON.stringify(s.Sid ?? "(no Sid)")} allows principal "*" with no condition.`),
      );
  },
};
