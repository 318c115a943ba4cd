import { T } from "../../lib/resourceTypes";
import type { ResourceRule } from "../../lib/types";
import { requireTrue } from "../../lib/values";

/** Minor versions carry PostgreSQL security fixes; applied in the maintenance window. */
export const rdsAutoMinorVersionUpgrade: ResourceRule = {
  name: "rdsAutoMinorVersionUpgrade",
  kind: "resource",
  description: "RDS instance takes automatic minor engine upgrades.",
  resourceTypes: [T.rdsInstance],
  properties: ["autoMinorVersionUpgrade"],
  hipaa: ["164.308(a)(1)(ii)(B)", "164.308(a)(5)(ii)(B)"],
  awsConfigRule: "rds-automatic-minor-version-upgrade-enabled",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediation: "Leave autoMinorVersionUpgrade unset or set it to true.",
  // The provider default (true) is secure.
  check: (props) =>
    requireTrue(
      props,
      "autoMinorVersionUpgrade",
      "security fixes in minor releases would not be applied.",
      true,
    ),
};
