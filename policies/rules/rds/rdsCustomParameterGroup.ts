import { T } from "../../lib/resourceTypes";
import type { ResourceRule } from "../../lib/types";
import { fail, isUnknown, show, unknown } from "../../lib/values";

/** The default group cannot force TLS, SCRAM or audit logging; those live in a custom group. */
export const rdsCustomParameterGroup: ResourceRule = {
  name: "rdsCustomParameterGroup",
  kind: "resource",
  description:
    "RDS instance uses a custom parameter group (where TLS, SCRAM and audit logging are enforced).",
  resourceTypes: [T.rdsInstance],
  properties: ["parameterGroupName"],
  hipaa: ["164.312(e)(1)", "164.312(b)"],
  severity: "high",
  enforcementLevel: "mandatory",
  remediation: "Set parameterGroupName to the stack's hardened parameter group.",
  check: (props) => {
    const v = props.parameterGroupName;
    if (isUnknown(v)) return [unknown("parameterGroupName")];
    if (typeof v !== "string" || v === "" || v.startsWith("default.")) {
      return [
        fail(
          `parameterGroupName is ${show(v)}; the default group leaves rds.force_ssl, password_encryption and logging at RDS defaults.`,
        ),
      ];
    }
    return [];
  },
};
