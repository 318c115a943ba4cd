import { T } from "../../lib/resourceTypes";
import type { ResourceRule } from "../../lib/types";
import { configNumber, fail, isRecord, isUnknown, numberOf, recordsOf, unknown } from "../../lib/values";

/** `cron(min hour dom month dow [year])` that fires every day. */
export function isDailyCron(schedule: string): boolean {
  const m = /^cron\((.+)\)$/.exec(schedule.trim());
  if (!m) return /^rate\(\s*(1\s+day|24\s+hours?)\s*\)$/.test(schedule.trim());
  const [, , dom, month, dow] = m[1].trim().split(/\s+/);
  const any = (f: string | undefined) => f === "*" || f === "?";
  return any(dom) && any(month) && any(dow);
}

/** A daily recovery point kept 35 days: the floor of the contingency plan, beyond RDS's own PITR. */
export const backupDailyRetention: ResourceRule = {
  name: "backupDailyRetention",
  kind: "resource",
  description:
    "AWS Backup plan has a daily rule whose recovery points are kept at least the configured days.",
  resourceTypes: [T.backupPlan],
  properties: ["rules"],
  hipaa: ["164.308(a)(7)(ii)(A)", "164.308(a)(7)(ii)(B)"],
  awsConfigRule: "backup-plan-min-frequency-and-min-retention-check",
  severity: "high",
  enforcementLevel: "mandatory",
  costOnly: true,
  configSchema: { properties: { minimumDays: { type: "integer", default: 35, minimum: 1 } } },
  remediation:
    'Add a rule with schedule "cron(0 5 * * ? *)" and lifecycle.deleteAfter of at least the minimum (35).',
  check: (props, ctx) => {
    const min = configNumber(ctx.config, "minimumDays", 35);
    if (isUnknown(props.rules)) return [unknown("rules")];
    let sawUnknown = false;
    for (const r of recordsOf(props.rules)) {
      if (isUnknown(r.schedule) || isUnknown(r.lifecycle)) {
        sawUnknown = true;
        continue;
      }
      if (typeof r.schedule !== "string" || !isDailyCron(r.schedule)) continue;
      const deleteAfter = isRecord(r.lifecycle) ? numberOf(r.lifecycle.deleteAfter) : undefined;
      if (deleteAfter === "unknown") sawUnknown = true;
      // No lifecycle (or no deleteAfter): kept until deleted by hand, which is compliant.
      else if (deleteAfter === undefined || deleteAfter >= min) return [];
    }
    return sawUnknown
      ? [unknown("rules")]
      : [fail(`no daily rule keeps recovery points for ${min} days or more.`)];
  },
};
