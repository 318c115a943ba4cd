import { T } from "../../lib/resourceTypes";
import type { ResourceRule } from "../../lib/types";
import { isReadReplica, requireTrue } from "../../lib/values";

/** A standby in another AZ keeps PHI available through an AZ or host failure (contingency plan). */
export const rdsMultiAz: ResourceRule = {
  name: "rdsMultiAz",
  kind: "resource",
  description:
    "RDS primary instance is Multi-AZ (read replicas are exempt: the primary carries the standby).",
  resourceTypes: [T.rdsInstance],
  properties: ["multiAz", "replicateSourceDb"],
  hipaa: ["164.308(a)(7)(ii)(B)", "164.308(a)(7)(ii)(C)"],
  awsConfigRule: "rds-multi-az-support",
  severity: "medium",
  enforcementLevel: "mandatory",
  costOnly: true,
  remediation: "Set multiAz: true (dev may run single-AZ through the dev policy config).",
  notApplicable: (props) =>
    isReadReplica(props) ? "read replica: availability comes from the primary's standby" : undefined,
  check: (props) =>
    requireTrue(
      props,
      "multiAz",
      "a single-AZ instance is down for the length of an AZ outage or host replacement.",
    ),
};
