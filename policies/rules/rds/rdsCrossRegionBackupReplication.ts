import { T } from "../../lib/resourceTypes";
import type { Finding, StackRule } from "../../lib/types";
import { fail, isReadReplica, isUnknown, unknown } from "../../lib/values";

const REPLICATION = "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication";

/**
 * AWS Backup copies are daily or monthly snapshots; the RPO under 15 minutes the guide's DR checklist sets
 * for a regional outage needs the transaction logs in the other region too. RDS cross-Region automated
 * backups replicate snapshots and logs (RDS User Guide, "Replicating automated backups to another AWS
 * Region"), so point-in-time recovery works in the DR region.
 */
export const rdsCrossRegionBackupReplication: StackRule = {
  name: "rdsCrossRegionBackupReplication",
  kind: "stack",
  description:
    "Every RDS primary instance replicates its automated backups (snapshots and transaction logs) to another region.",
  resourceTypes: [T.rdsInstance, REPLICATION],
  properties: ["sourceDbInstanceArn", "kmsKeyId", "retentionPeriod"],
  hipaa: ["164.308(a)(7)(ii)(B)"],
  severity: "high",
  enforcementLevel: "mandatory",
  // dev may run without DR (drEnabled: false, printed as a relaxation); prod's config refuses it.
  costOnly: true,
  remediation:
    "Keep drEnabled: true (aws.rds.InstanceAutomatedBackupsReplication in drRegion with the DR key).",
  check: (ctx) => {
    const out: Finding[] = [];
    const replications = ctx.resources.filter((r) => r.type === REPLICATION);
    for (const db of ctx.resources.filter((r) => r.type === T.rdsInstance && !isReadReplica(r.props))) {
      const covered = replications.some(
        (rep) =>
          rep.opts.dependencies.includes(db.urn) ||
          (!isUnknown(db.props.arn) && rep.props.sourceDbInstanceArn === db.props.arn),
      );
      if (covered) continue;
      if (replications.some((rep) => isUnknown(rep.props.sourceDbInstanceArn)))
        out.push(unknown("sourceDbInstanceArn", db.urn));
      else out.push(fail(`${db.name}: its automated backups are not replicated to another region.`, db.urn));
    }
    return out;
  },
};
