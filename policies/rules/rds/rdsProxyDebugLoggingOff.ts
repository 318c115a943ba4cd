import { T } from "../../lib/resourceTypes";
import type { ResourceRule } from "../../lib/types";
import { requireNotTrue } from "../../lib/values";

/** Debug logging writes SQL text (and with it PHI literals) to CloudWatch Logs. */
export const rdsProxyDebugLoggingOff: ResourceRule = {
  name: "rdsProxyDebugLoggingOff",
  kind: "resource",
  description: "RDS Proxy debug logging is off (it logs SQL statements, which can contain PHI).",
  resourceTypes: [T.rdsProxy],
  properties: ["debugLogging"],
  hipaa: ["164.312(a)(1)", "164.312(c)(1)"],
  severity: "high",
  enforcementLevel: "mandatory",
  remediation: "Set debugLogging: false (turn it on only briefly, in a non-PHI environment).",
  check: (props) =>
    requireNotTrue(props, "debugLogging", "the proxy would log SQL text, which can contain PHI."),
};
