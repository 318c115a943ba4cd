import { T } from "../../lib/resourceTypes";
import type { ResourceRule } from "../../lib/types";
import { fail, numberOf, show, unknown } from "../../lib/values";

/** recoveryWindowInDays 0 deletes the credential immediately, with no way back. */
export const secretRecoveryWindow: ResourceRule = {
  name: "secretRecoveryWindow",
  kind: "resource",
  description: "Secrets Manager secret keeps a recovery window (not 0) before deletion.",
  resourceTypes: [T.secret],
  properties: ["recoveryWindowInDays"],
  hipaa: ["164.308(a)(7)(ii)(A)"],
  severity: "medium",
  enforcementLevel: "mandatory",
  remediation: "Remove recoveryWindowInDays (default 30) or set 7 to 30.",
  check: (props) => {
    const d = numberOf(props.recoveryWindowInDays);
    if (d === "unknown") return [unknown("recoveryWindowInDays")];
    return d === 0
      ? [
          fail(
            `recoveryWindowInDays is ${show(props.recoveryWindowInDays)}: deletion would be immediate and irreversible.`,
          ),
        ]
      : [];
  },
};
