import { T } from "../../lib/resourceTypes";
import type { ResourceRule } from "../../lib/types";
import { requireTrue } from "../../lib/values";

/** IAM authentication gives short-lived, per-person tokens attributable in CloudTrail. */
export const rdsIamAuthentication: ResourceRule = {
  name: "rdsIamAuthentication",
  kind: "resource",
  description: "RDS instance accepts IAM database authentication.",
  resourceTypes: [T.rdsInstance],
  properties: ["iamDatabaseAuthenticationEnabled"],
  hipaa: ["164.312(d)", "164.312(a)(1)"],
  awsConfigRule: "rds-instance-iam-authentication-enabled",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediation: "Set iamDatabaseAuthenticationEnabled: true and grant rds_iam to people's roles.",
  check: (props) =>
    requireTrue(
      props,
      "iamDatabaseAuthenticationEnabled",
      "people should sign in with short-lived IAM tokens (default false).",
    ),
};
