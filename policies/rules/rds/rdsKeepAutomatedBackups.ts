import { T } from "../../lib/resourceTypes";
import type { ResourceRule } from "../../lib/types";
import { isReadReplica, requireNotTrue } from "../../lib/values";

/** The provider deletes automated backups with the instance unless told otherwise (default true). */
export const rdsKeepAutomatedBackups: ResourceRule = {
  name: "rdsKeepAutomatedBackups",
  kind: "resource",
  description:
    "RDS primary instance keeps its automated backups when deleted (deleteAutomatedBackups: false).",
  resourceTypes: [T.rdsInstance],
  properties: ["deleteAutomatedBackups", "replicateSourceDb"],
  hipaa: ["164.308(a)(7)(ii)(A)", "164.312(c)(1)"],
  severity: "high",
  enforcementLevel: "mandatory",
  remediation: "Set deleteAutomatedBackups: false.",
  notApplicable: (props) => (isReadReplica(props) ? "read replica: it has no automated backups" : undefined),
  check: (props) =>
    requireNotTrue(
      props,
      "deleteAutomatedBackups",
      "point-in-time backups would be deleted with the instance (default true).",
      true,
    ),
};
