import { T } from "../../lib/resourceTypes";
import type { Finding, StackRule } from "../../lib/types";
import { fail, isUnknown, recordsOf, unknown } from "../../lib/values";

/** The region of an ARN (`arn:partition:service:region:...`), if it is a known string. */
const regionOf = (arn: unknown): string | undefined =>
  typeof arn === "string" && !isUnknown(arn) ? arn.split(":")[3] || undefined : undefined;

/**
 * A disaster that takes the region takes every backup kept in it. The guide's DR checklist asks for
 * backups in a separate location; AWS Backup copies a rule's recovery points to a vault in another
 * region through the rule's copy actions.
 */
export const backupCrossRegionCopy: StackRule = {
  name: "backupCrossRegionCopy",
  kind: "stack",
  description: "Every AWS Backup plan copies recovery points to a vault in another region.",
  resourceTypes: [T.backupPlan],
  properties: ["rules"],
  hipaa: ["164.308(a)(7)(ii)(B)", "164.308(a)(7)(ii)(A)"],
  awsConfigRule: "backup-plan-min-frequency-and-min-retention-check",
  severity: "high",
  enforcementLevel: "mandatory",
  // dev may run without DR copies (drEnabled: false, printed as a relaxation); prod's config refuses it.
  costOnly: true,
  remediation:
    "Keep drEnabled: true: the monthly rule gets a copy action to the DR vault (drRegion), encrypted with the DR key.",
  check: (ctx) => {
    const out: Finding[] = [];
    const home = ctx.resources
      .filter((r) => r.type === T.rdsInstance || r.type === T.backupPlan)
      .map((r) => regionOf(r.props.arn))
      .find((r) => r !== undefined);
    for (const plan of ctx.resources.filter((r) => r.type === T.backupPlan)) {
      if (isUnknown(plan.props.rules)) {
        out.push(unknown("rules", plan.urn));
        continue;
      }
      const destinations = recordsOf(plan.props.rules).flatMap((rule) =>
        recordsOf(rule.copyActions).map((c) => c.destinationVaultArn),
      );
      if (destinations.some(isUnknown) || (destinations.length > 0 && home === undefined)) {
        out.push(unknown("rules[].copyActions[].destinationVaultArn", plan.urn));
        continue;
      }
      if (!destinations.some((d) => regionOf(d) !== undefined && regionOf(d) !== home))
        out.push(
          fail(
            `${plan.name}: no rule copies to a vault outside ${home ?? "the stack's region"} (destinations: ${destinations.length ? destinations.join(", ") : "none"}).`,
            plan.urn,
          ),
        );
    }
    return out;
  },
};
