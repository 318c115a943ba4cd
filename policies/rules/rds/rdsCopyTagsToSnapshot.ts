import { T } from "../../lib/resourceTypes";
import type { ResourceRule } from "../../lib/types";
import { requireTrue } from "../../lib/values";

/** Snapshots keep DataClassification=phi, which backup selection, access policies and audits key on. */
export const rdsCopyTagsToSnapshot: ResourceRule = {
  name: "rdsCopyTagsToSnapshot",
  kind: "resource",
  description: "RDS instance copies its tags (DataClassification) to snapshots.",
  resourceTypes: [T.rdsInstance],
  properties: ["copyTagsToSnapshot"],
  hipaa: ["164.308(a)(7)(ii)(A)", "164.316(b)(1)"],
  awsConfigRule: "rds-instance-copy-tags-to-snapshots-enabled",
  severity: "low",
  enforcementLevel: "mandatory",
  remediation: "Set copyTagsToSnapshot: true.",
  check: (props) =>
    requireTrue(
      props,
      "copyTagsToSnapshot",
      "snapshots would lose the PHI classification tag (default false).",
    ),
};
