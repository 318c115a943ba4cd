import { T } from "../../lib/resourceTypes";
import type { Finding, StackResource, StackRule } from "../../lib/types";
import { arrayOf, fail, isReadReplica, isUnknown, recordsOf, tagsOf, unknown } from "../../lib/values";

const glob = (pattern: string, s: string): boolean =>
  new RegExp(
    `^${pattern
      .split("*")
      .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
  ).test(s);

type Match = boolean | "unknown";

/** AWS Backup semantics: (resources matched AND conditions hold) OR a selection tag matches. */
function selects(sel: StackResource, instance: StackResource): Match {
  const p = sel.props;
  if ([p.resources, p.notResources, p.selectionTags, p.conditions].some(isUnknown)) return "unknown";
  const arn = instance.props.arn;
  const identifier = instance.props.identifier;
  const tags = tagsOf(instance.props);
  const known = (v: unknown): v is string => typeof v === "string" && !isUnknown(v);
  if (!known(arn) && !known(identifier)) return "unknown";
  const resources = (arrayOf(p.resources) ?? []).filter((x): x is string => typeof x === "string");
  if (resources.some(isUnknown)) return "unknown";
  // With the ARN (stack outputs) match it; during preview fall back to the identifier part.
  const arnMatch = (pattern: string) =>
    known(arn)
      ? glob(pattern, arn)
      : glob(pattern.replace(/^arn:[^:]*:rds:[^:]*:[^:]*:/, ""), `db:${String(identifier)}`);
  const excluded = (arrayOf(p.notResources) ?? []).some((x) => typeof x === "string" && arnMatch(x));
  const tagEquals = (key: string, value: unknown) => tags[key.replace(/^aws:ResourceTag\//, "")] === value;
  // `conditions` is a list of blocks (aws.backup.Selection; the API's Conditions object), each holding
  // lists per operator; every condition of every block must hold (AWS Backup Developer Guide, "Assigning
  // resources programmatically": conditions are ANDed with the resources they narrow).
  const tagOf = (key: string) => tags[key.replace(/^aws:ResourceTag\//, "")];
  const condOk = recordsOf(p.conditions).every((block) =>
    Object.entries(block).every(([op, list]) =>
      recordsOf(list).every((c) => {
        const key = String(c.key ?? "");
        const value = String(c.value ?? "");
        if (op === "stringEquals") return tagEquals(key, c.value);
        if (op === "stringNotEquals") return !tagEquals(key, c.value);
        if (op === "stringLikes") return glob(value, tagOf(key) ?? "");
        if (op === "stringNotLikes") return !glob(value, tagOf(key) ?? "");
        // An operator this rule does not know narrows the selection in ways it cannot judge.
        return false;
      }),
    ),
  );
  const byResources = resources.some(arnMatch) && condOk;
  const byTags = recordsOf(p.selectionTags).some(
    (t) => t.type === "STRINGEQUALS" && tagEquals(String(t.key), t.value),
  );
  return !excluded && (byResources || byTags);
}

/** Every database is in a backup plan, beyond RDS's own snapshots (independent copies, DR, vault lock). */
export const backupRdsSelected: StackRule = {
  name: "backupRdsSelected",
  kind: "stack",
  description:
    "Every RDS primary instance is selected by an AWS Backup selection (by ARN or tag); read replicas are exempt.",
  resourceTypes: [T.rdsInstance, T.backupSelection],
  properties: ["resources", "selectionTags", "conditions", "notResources"],
  hipaa: ["164.308(a)(7)(ii)(A)", "164.308(a)(7)(ii)(B)"],
  awsConfigRule: "rds-in-backup-plan",
  severity: "high",
  enforcementLevel: "mandatory",
  remediation:
    "Add an aws.backup.Selection for the plan naming the instance ARN, or tag-selecting DataClassification=phi.",
  check: (ctx) => {
    const out: Finding[] = [];
    const selections = ctx.resources.filter((r) => r.type === T.backupSelection);
    for (const db of ctx.resources.filter((r) => r.type === T.rdsInstance && !isReadReplica(r.props))) {
      const m = selections.map((s) => selects(s, db));
      if (m.includes(true)) continue;
      out.push(
        m.includes("unknown")
          ? unknown("resources", db.urn)
          : fail(`${db.name}: no AWS Backup selection covers this instance.`, db.urn),
      );
    }
    return out;
  },
};
