import { T } from "../../lib/resourceTypes";
import type { ResourceRule } from "../../lib/types";
import { configNumber, fail, isReadReplica, numberOf, show, unknown } from "../../lib/values";

/** Point-in-time recovery window; 35 days is the RDS maximum. */
export const rdsBackupRetention: ResourceRule = {
  name: "rdsBackupRetention",
  kind: "resource",
  description:
    "RDS primary instance keeps automated backups (point-in-time recovery) for at least the configured days.",
  resourceTypes: [T.rdsInstance],
  properties: ["backupRetentionPeriod", "replicateSourceDb"],
  hipaa: ["164.308(a)(7)(ii)(A)", "164.312(c)(1)"],
  awsConfigRule: "db-instance-backup-enabled",
  severity: "high",
  enforcementLevel: "mandatory",
  costOnly: true,
  configSchema: { properties: { minimumDays: { type: "integer", default: 35, minimum: 1, maximum: 35 } } },
  remediation: "Set backupRetentionPeriod to at least the configured minimum (35 in prod).",
  notApplicable: (props) =>
    isReadReplica(props)
      ? "read replica: RDS keeps no automated backups of a replica; the primary's cover the data"
      : undefined,
  check: (props, ctx) => {
    const min = configNumber(ctx.config, "minimumDays", 35);
    const days = numberOf(props.backupRetentionPeriod);
    if (days === "unknown") return [unknown("backupRetentionPeriod")];
    if (days === undefined || days < min) {
      return [
        fail(
          `backupRetentionPeriod is ${show(props.backupRetentionPeriod)}; at least ${min} days required (unset means the RDS default of 1).`,
        ),
      ];
    }
    return [];
  },
};
