import { T } from "../../lib/resourceTypes";
import type { ResourceRule } from "../../lib/types";
import { isReadReplica, requireNotTrue } from "../../lib/values";

/** Deleting the instance without a final snapshot loses every change since the last backup. */
export const rdsFinalSnapshot: ResourceRule = {
  name: "rdsFinalSnapshot",
  kind: "resource",
  description: "RDS primary instance takes a final snapshot when deleted (read replicas are exempt).",
  resourceTypes: [T.rdsInstance],
  properties: ["skipFinalSnapshot", "finalSnapshotIdentifier", "replicateSourceDb"],
  hipaa: ["164.308(a)(7)(ii)(A)"],
  severity: "high",
  enforcementLevel: "mandatory",
  remediation: "Set skipFinalSnapshot: false with a unique finalSnapshotIdentifier.",
  notApplicable: (props) =>
    isReadReplica(props) ? "read replica: RDS takes no final snapshot of a replica" : undefined,
  check: (props) =>
    requireNotTrue(props, "skipFinalSnapshot", "deletion would discard the data without a snapshot."),
};
