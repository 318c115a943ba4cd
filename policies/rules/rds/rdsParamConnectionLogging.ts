import { paramEvidence } from "../../lib/evidence";
import { isOn, postgresOnly, requireParam } from "../../lib/parameters";
import { T } from "../../lib/resourceTypes";
import type { ResourceRule } from "../../lib/types";

/** Every log-in and log-out in the audit trail: log-in monitoring and session reconstruction. */
export const rdsParamConnectionLogging: ResourceRule = {
  name: "rdsParamConnectionLogging",
  kind: "resource",
  description: "PostgreSQL parameter group turns on log_connections and log_disconnections.",
  resourceTypes: [T.rdsParameterGroup],
  properties: ["family", "parameters"],
  evidence: paramEvidence("log_connections", "log_disconnections"),
  hipaa: ["164.312(b)", "164.308(a)(5)(ii)(C)"],
  severity: "medium",
  enforcementLevel: "mandatory",
  remediation: 'Add { name: "log_connections", value: "1" } and { name: "log_disconnections", value: "1" }.',
  notApplicable: postgresOnly,
  check: (props) => [
    ...requireParam(props, "log_connections", isOn, '"1"'),
    ...requireParam(props, "log_disconnections", isOn, '"1"'),
  ],
};
