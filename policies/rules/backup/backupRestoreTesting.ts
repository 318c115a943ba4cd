import { T } from "../../lib/resourceTypes";
import type { Finding, StackRule } from "../../lib/types";
import { arrayOf, fail, isReadReplica, isUnknown, unknown } from "../../lib/values";

const PLAN = "aws:backup/restoreTestingPlan:RestoreTestingPlan";
const SELECTION = "aws:backup/restoreTestingSelection:RestoreTestingSelection";

/**
 * A backup nobody has restored is a hope, not a contingency plan: 164.308(a)(7)(ii)(D) asks for testing,
 * the guide's DR checklist for a monthly restore test. AWS Backup restore testing restores the latest
 * recovery point on a schedule and reports the job.
 */
export const backupRestoreTesting: StackRule = {
  name: "backupRestoreTesting",
  kind: "stack",
  description: "Every RDS primary instance is restored on a schedule by an AWS Backup restore testing plan.",
  resourceTypes: [T.rdsInstance, PLAN, SELECTION],
  properties: [
    "scheduleExpression",
    "protectedResourceType",
    "protectedResourceArns",
    "restoreTestingPlanName",
  ],
  hipaa: ["164.308(a)(7)(ii)(D)"],
  severity: "medium",
  enforcementLevel: "mandatory",
  // dev may skip restore tests (restoreTestingEnabled: false, printed as a relaxation); prod refuses it.
  costOnly: true,
  remediation: "Keep restoreTestingEnabled: true (a monthly restore testing plan selecting the instance).",
  check: (ctx) => {
    const out: Finding[] = [];
    const plans = ctx.resources.filter((r) => r.type === PLAN);
    const selections = ctx.resources.filter((r) => r.type === SELECTION);
    // A name or type unknown until apply may be the link that covers the instance: not provable yet.
    const undecided =
      plans.some((p) => isUnknown(p.props.name) || isUnknown(p.props.scheduleExpression)) ||
      selections.some(
        (s) =>
          isUnknown(s.props.restoreTestingPlanName) ||
          isUnknown(s.props.protectedResourceType) ||
          isUnknown(s.props.protectedResourceArns),
      );
    const planNames = new Set(
      plans.filter((p) => p.props.scheduleExpression !== undefined).map((p) => p.props.name),
    );
    const covering = selections.filter(
      (s) => s.props.protectedResourceType === "RDS" && planNames.has(s.props.restoreTestingPlanName),
    );
    const arns = covering.flatMap((s) => arrayOf(s.props.protectedResourceArns) ?? []);
    for (const db of ctx.resources.filter((r) => r.type === T.rdsInstance && !isReadReplica(r.props))) {
      const arn = db.props.arn;
      if (arns.some((a) => a === "*" || (a === arn && !isUnknown(arn)))) continue;
      if (undecided || isUnknown(arn) || arn === undefined || arns.some(isUnknown))
        out.push(unknown("protectedResourceArns", db.urn));
      else out.push(fail(`${db.name}: no restore testing plan restores this instance.`, db.urn));
    }
    return out;
  },
};
