import { paramEvidence } from "../../lib/evidence";
import { postgresOnly, requireParam } from "../../lib/parameters";
import { T } from "../../lib/resourceTypes";
import type { ResourceRule } from "../../lib/types";

/** rds.force_ssl=1 makes the server refuse every non-TLS connection, whatever the client asks for. */
export const rdsParamForceSsl: ResourceRule = {
  name: "rdsParamForceSsl",
  kind: "resource",
  description: "PostgreSQL parameter group sets rds.force_ssl=1 (TLS-only connections).",
  resourceTypes: [T.rdsParameterGroup],
  properties: ["family", "parameters"],
  evidence: paramEvidence("rds.force_ssl"),
  hipaa: ["164.312(e)(1)", "164.312(e)(2)(ii)"],
  severity: "critical",
  enforcementLevel: "mandatory",
  remediation: 'Add { name: "rds.force_ssl", value: "1" } to the parameter group.',
  notApplicable: postgresOnly,
  check: (props) => requireParam(props, "rds.force_ssl", (v) => v === "1", '"1"'),
};
