import { T } from "../../lib/resourceTypes";
import type { Finding, StackResource, StackRule } from "../../lib/types";
import { fail, isRecord, isUnknown, recordsOf, unknown } from "../../lib/values";

/** The platform database guide's alerting thresholds: CPU, memory, storage, connections. */
export const REQUIRED_METRICS = [
  "CPUUtilization",
  "FreeableMemory",
  "FreeStorageSpace",
  "DatabaseConnections",
] as const;

/** (metric name, DBInstanceIdentifier) pairs an alarm watches, directly or in metric queries. */
function watched(alarm: StackResource): { metric: unknown; db: unknown }[] {
  const p = alarm.props;
  const dbOf = (d: unknown) => (isUnknown(d) ? d : isRecord(d) ? d.DBInstanceIdentifier : undefined);
  const direct = { metric: p.metricName, db: dbOf(p.dimensions) };
  if (isUnknown(p.metricQueries)) return [direct, { metric: p.metricQueries, db: p.metricQueries }];
  const queries = recordsOf(p.metricQueries)
    .map((q) => q.metric)
    .filter(isRecord)
    .map((m) => ({ metric: m.metricName, db: dbOf(m.dimensions) }));
  return [direct, ...queries];
}

/** Resource exhaustion is an availability incident for PHI; someone must be told before it happens. */
export const rdsAlarmCoverage: StackRule = {
  name: "rdsAlarmCoverage",
  kind: "stack",
  description:
    "Every RDS instance has CloudWatch alarms on CPUUtilization, FreeableMemory, FreeStorageSpace and DatabaseConnections.",
  resourceTypes: [T.rdsInstance, T.metricAlarm],
  properties: ["metricName", "dimensions", "metricQueries"],
  hipaa: ["164.308(a)(1)(ii)(D)", "164.308(a)(7)(ii)(C)"],
  severity: "medium",
  enforcementLevel: "mandatory",
  remediation:
    "Add the four alarms (components/monitoring) with dimensions { DBInstanceIdentifier: <identifier> }.",
  check: (ctx) => {
    const out: Finding[] = [];
    const pairs = ctx.resources.filter((r) => r.type === T.metricAlarm).flatMap(watched);
    for (const db of ctx.resources.filter((r) => r.type === T.rdsInstance)) {
      const id = db.props.identifier;
      if (isUnknown(id) || typeof id !== "string") {
        out.push(unknown("identifier", db.urn));
        continue;
      }
      const missing = REQUIRED_METRICS.filter((m) => !pairs.some((p) => p.metric === m && p.db === id));
      if (missing.length === 0) continue;
      // An alarm whose dimension is unknown during preview may be the missing one.
      if (pairs.some((p) => isUnknown(p.db) || isUnknown(p.metric))) out.push(unknown("dimensions", db.urn));
      else out.push(fail(`${db.name}: no alarm on ${missing.join(", ")}.`, db.urn));
    }
    return out;
  },
};
