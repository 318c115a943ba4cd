/**
 * Reads the report's input — an offline plan result (`npm run plan -- --json`), a policy:check result
 * (`--format json`) or an engine event log (`pulumi preview --policy-pack ... --event-log`) — into
 * verdicts enriched with the pack's metadata.
 */
import { UsageError } from "../cli";
import { parseEventLog } from "../eventLog";
import { describe, isObject, type JsonObject } from "../json";
import { parseUrn } from "../urn";
import type { Enforcement, Entry, ReportMeta, RuleMeta, Status } from "./model";

export type LoadedMeta = Omit<
  ReportMeta,
  "generatedAt" | "packName" | "input" | "evidence" | "policyConfig"
> & {
  packName?: string;
  /** From an event log's summaryEvent: a preview (planned) or an update (deployed). */
  isPreview?: boolean;
  /** The policy config the input says it ran with; undefined when it does not record one. */
  recordedPolicyConfig?: Record<string, unknown>;
};

export interface LoadedInput {
  readonly meta: LoadedMeta;
  readonly entries: Entry[];
  /** Why the input is not a complete record of a run (empty: it is). */
  readonly problems: string[];
}

export interface LoadOptions {
  /** Evidence of a verdict from a resource's inputs (event logs); default: the rule's `properties`. */
  readonly evidence?: (policy: string, inputs: JsonObject) => Record<string, unknown> | undefined;
}

const EXPECTED =
  "a plan result (`npm run plan -- --json <file>`), a policy:check result (`npm run policy:check -- --format json`) or an engine event log (`pulumi preview --event-log <file>`)";
const STATUSES: readonly Status[] = ["pass", "fail", "not-applicable"];
const LEVELS: readonly Enforcement[] = ["mandatory", "advisory", "disabled"];

export function loadInput(
  text: string,
  file: string,
  rules: readonly RuleMeta[],
  opts: LoadOptions = {},
): LoadedInput {
  if (text.trim() === "") throw new UsageError(`${file}: empty; expected ${EXPECTED}`);
  let doc: unknown;
  let whole = true;
  try {
    doc = JSON.parse(text);
  } catch {
    whole = false;
  }
  const byName = new Map(rules.map((r) => [r.name, r]));
  if (!whole || (isObject(doc) && typeof doc.sequence === "number"))
    return fromEventLog(text, file, rules, opts);
  if (!isObject(doc)) throw new UsageError(`${file}: found ${describe(doc)}; expected ${EXPECTED}`);
  if (Array.isArray(doc.steps)) {
    throw new UsageError(
      `${file}: this is a \`pulumi preview --json\` document; run \`npm run policy:check -- --preview ${file} --format json > checked.json\` and report on that`,
    );
  }
  if (!Array.isArray(doc.results))
    throw new UsageError(`${file}: no \`results\` array; expected ${EXPECTED}`);
  const isPlan = Array.isArray(doc.resources);
  const entries = doc.results.map((r, i) => toEntry(r, `${file}: results[${i}]`, byName));
  const str = (v: unknown) => (typeof v === "string" && v !== "" ? v : undefined);
  const stack = str(doc.stack) ?? stackOf(entries);
  const problems: string[] = [];
  const resources = Array.isArray(doc.resources) ? doc.resources.length : doc.resources;
  if (resources === 0) problems.push(`${isPlan ? "the plan" : "the checked preview"} has no resources`);
  if (entries.length === 0) problems.push("the input holds no verdicts (`results` is empty)");
  // policy:check states its own gaps (an empty preview); they carry over.
  if (Array.isArray(doc.incomplete))
    for (const p of doc.incomplete) if (typeof p === "string" && !problems.includes(p)) problems.push(p);
  return {
    meta: {
      source: isPlan ? "offline-plan" : "policy-check",
      stack,
      ...(str(doc.environment) ? { environment: str(doc.environment) } : {}),
      evaluatedAt: str(doc.generatedAt),
      gitCommit: str(doc.gitCommit),
      packVersion: str(doc.packVersion),
      packName: str(doc.packName),
      ...(isObject(doc.policyConfig) ? { recordedPolicyConfig: doc.policyConfig } : {}),
    },
    entries,
    problems,
  };
}

function stackOf(entries: readonly { urn?: string }[]): string | undefined {
  for (const e of entries) {
    const s = e.urn ? parseUrn(e.urn)?.stack : undefined;
    if (s) return s;
  }
  return undefined;
}

function toEntry(r: unknown, where: string, byName: ReadonlyMap<string, RuleMeta>): Entry {
  if (!isObject(r))
    throw new UsageError(`${where} is ${describe(r)}; expected an object with policy, status, urn`);
  if (typeof r.policy !== "string" || r.policy === "")
    throw new UsageError(`${where}.policy is ${describe(r.policy)}; expected a rule name`);
  if (!STATUSES.includes(r.status as Status)) {
    throw new UsageError(`${where}.status is ${describe(r.status)}; expected one of ${STATUSES.join(", ")}`);
  }
  if (r.enforcementLevel !== undefined && !LEVELS.includes(r.enforcementLevel as Enforcement)) {
    throw new UsageError(
      `${where}.enforcementLevel is ${describe(r.enforcementLevel)}; expected one of ${LEVELS.join(", ")}`,
    );
  }
  const rule = byName.get(r.policy);
  const urn = typeof r.urn === "string" && r.urn !== "" ? r.urn : undefined;
  const parsed = urn ? parseUrn(urn) : undefined;
  const hipaa = Array.isArray(r.hipaa)
    ? r.hipaa.filter((x): x is string => typeof x === "string")
    : [...(rule?.hipaa ?? [])];
  return {
    policy: r.policy,
    status: r.status as Status,
    ...(urn ? { urn } : {}),
    ...(typeof r.type === "string" && r.type !== "" ? { type: r.type } : parsed ? { type: parsed.type } : {}),
    ...(typeof r.resourceName === "string"
      ? { resourceName: r.resourceName }
      : parsed
        ? { resourceName: parsed.name }
        : {}),
    enforcementLevel:
      (r.enforcementLevel as Enforcement | undefined) ?? rule?.enforcementLevel ?? "mandatory",
    severity: typeof r.severity === "string" ? r.severity : (rule?.severity ?? "unknown"),
    message: typeof r.message === "string" ? r.message : "",
    hipaa,
    ...(typeof r.awsConfigRule === "string"
      ? { awsConfigRule: r.awsConfigRule }
      : rule?.awsConfigRule
        ? { awsConfigRule: rule.awsConfigRule }
        : {}),
    ...(isObject(r.evidence) ? { evidence: r.evidence as JsonObject } : {}),
  };
}

function fromEventLog(
  text: string,
  file: string,
  rules: readonly RuleMeta[],
  opts: LoadOptions,
): LoadedInput {
  const byName = new Map(rules.map((r) => [r.name, r]));
  // The types the pack has resource rules for: each such resource needs its policy summary.
  const types = rules.flatMap((r) => (r.kind === "resource" ? (r.resourceTypes ?? []) : []));
  const log = parseEventLog(text, file, types.length > 0 ? { analyzedTypes: new Set(types) } : {});
  const packNames = Object.keys(log.packs);
  const entries: Entry[] = log.verdicts.map((v) => {
    const rule = byName.get(v.policy);
    const inputs = v.urn ? log.resources.get(v.urn)?.inputs : undefined;
    const evidence =
      inputs && opts.evidence ? opts.evidence(v.policy, inputs) : evidenceFromInputs(inputs, rule);
    return {
      policy: v.policy,
      status: v.status,
      ...(v.urn ? { urn: v.urn } : {}),
      ...(v.type ? { type: v.type } : {}),
      ...(v.resourceName ? { resourceName: v.resourceName } : {}),
      enforcementLevel: v.enforcementLevel ?? rule?.enforcementLevel ?? "mandatory",
      severity: rule?.severity ?? "unknown",
      message:
        v.message ??
        (v.status === "pass" ? (rule?.description ?? "passed") : "violation (no message in the log)"),
      hipaa: [...(rule?.hipaa ?? [])],
      ...(rule?.awsConfigRule ? { awsConfigRule: rule.awsConfigRule } : {}),
      ...(evidence ? { evidence } : {}),
    };
  });
  return {
    meta: {
      source: "event-log",
      stack: log.stack,
      ...(log.environment ? { environment: log.environment } : {}),
      ...(log.isPreview !== undefined ? { isPreview: log.isPreview } : {}),
      evaluatedAt: log.startedAt,
      packName: packNames[0],
      packVersion: packNames.length > 0 ? log.packs[packNames[0]] : undefined,
    },
    entries,
    problems: [...log.problems],
  };
}

/** The inputs a rule reads (its `properties`), when the log carried the resource's inputs. */
function evidenceFromInputs(
  inputs: JsonObject | undefined,
  rule: RuleMeta | undefined,
): Record<string, unknown> | undefined {
  const props = rule?.properties;
  if (!inputs || !props || props.length === 0) return undefined;
  const out: Record<string, unknown> = {};
  for (const p of props) out[p] = inputs[p];
  return out;
}
