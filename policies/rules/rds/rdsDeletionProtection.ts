import { T } from "../../lib/resourceTypes";
import type { ResourceRule } from "../../lib/types";
import { requireTrue } from "../../lib/values";

/** Stops a console click or API call deleting the PHI database. */
export const rdsDeletionProtection: ResourceRule = {
  name: "rdsDeletionProtection",
  kind: "resource",
  description: "RDS instance has deletion protection.",
  resourceTypes: [T.rdsInstance],
  properties: ["deletionProtection"],
  hipaa: ["164.308(a)(7)(ii)(A)", "164.312(c)(1)"],
  awsConfigRule: "rds-instance-deletion-protection-enabled",
  severity: "high",
  enforcementLevel: "mandatory",
  costOnly: true,
  remediation: "Set deletionProtection: true (dev may relax it through the dev policy config).",
  check: (props) =>
    requireTrue(props, "deletionProtection", "the instance can be deleted by one API call (default false)."),
};
