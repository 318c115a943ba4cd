import { T } from "../../lib/resourceTypes";
import type { ResourceRule } from "../../lib/types";
import { requireNotTrue } from "../../lib/values";

/** A public endpoint puts the PHI database one leaked password away from the internet. */
export const rdsNotPubliclyAccessible: ResourceRule = {
  name: "rdsNotPubliclyAccessible",
  kind: "resource",
  description: "RDS instance has no public endpoint.",
  resourceTypes: [T.rdsInstance],
  properties: ["publiclyAccessible"],
  hipaa: ["164.312(a)(1)", "164.312(e)(1)"],
  awsConfigRule: "rds-instance-public-access-check",
  severity: "critical",
  enforcementLevel: "mandatory",
  remediation: "Set publiclyAccessible: false and reach the database through the VPC (pooler, bastion, VPN).",
  // The provider default (false) is secure, so unset passes.
  check: (props) =>
    requireNotTrue(props, "publiclyAccessible", "the instance would get a public IP address."),
};
