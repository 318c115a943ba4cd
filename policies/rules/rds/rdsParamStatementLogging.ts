import { paramEvidence } from "../../lib/evidence";
import { postgresOnly, requireParam } from "../../lib/parameters";
import { T } from "../../lib/resourceTypes";
import type { ResourceRule } from "../../lib/types";

/** Who changed what (log_statement) and which queries were slow (log_min_duration_statement). */
export const rdsParamStatementLogging: ResourceRule = {
  name: "rdsParamStatementLogging",
  kind: "resource",
  description:
    "PostgreSQL parameter group sets log_statement (ddl, mod or all) and log_min_duration_statement (not -1).",
  resourceTypes: [T.rdsParameterGroup],
  properties: ["family", "parameters"],
  evidence: paramEvidence("log_statement", "log_min_duration_statement"),
  hipaa: ["164.312(b)", "164.308(a)(1)(ii)(D)"],
  severity: "medium",
  enforcementLevel: "mandatory",
  remediation:
    'Add { name: "log_statement", value: "mod" } and { name: "log_min_duration_statement", value: "1000" }.',
  notApplicable: postgresOnly,
  check: (props) => [
    ...requireParam(
      props,
      "log_statement",
      (v) => ["ddl", "mod", "all"].includes(v),
      '"ddl", "mod" or "all"',
    ),
    ...requireParam(props, "log_min_duration_statement", (v) => /^\d+$/.test(v), "a duration in ms (not -1)"),
  ],
};
