import { paramEvidence } from "../../lib/evidence";
import { postgresOnly, requireParam } from "../../lib/parameters";
import { T } from "../../lib/resourceTypes";
import type { ResourceRule } from "../../lib/types";

/** md5 password hashes are replayable and crackable; SCRAM never sends or stores the password. */
export const rdsParamScram: ResourceRule = {
  name: "rdsParamScram",
  kind: "resource",
  description: "PostgreSQL parameter group sets password_encryption=scram-sha-256.",
  resourceTypes: [T.rdsParameterGroup],
  properties: ["family", "parameters"],
  evidence: paramEvidence("password_encryption"),
  hipaa: ["164.312(d)", "164.308(a)(5)(ii)(D)"],
  severity: "high",
  enforcementLevel: "mandatory",
  remediation:
    'Add { name: "password_encryption", value: "scram-sha-256" } and reset passwords hashed with md5.',
  notApplicable: postgresOnly,
  check: (props) =>
    requireParam(props, "password_encryption", (v) => v === "scram-sha-256", '"scram-sha-256"'),
};
