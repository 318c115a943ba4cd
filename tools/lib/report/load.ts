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

export type LoadedMeta = Omit<ReportMeta, "generatedAt" | "packName" | "input"> & { packName?: string };

export interface LoadedInput {
  readonly meta: LoadedMeta;
  readonly entries: Entry[];
}

const EXPECTED =
  "a plan result (`npm run plan -- --json <file>`), a policy:check result (`npm run policy:check -- --format json`) or an engine event log (`pulumi preview --event-log <file>`)";
const STATUSES: readonly Status[] = ["pass", "fail", "not-applicable"];
const LEVELS: readonly Enforcement[] = ["mandatory", "advisory", "disabled"];

export function loadInput(text: string, file: string, rules: readonly RuleMeta[]): LoadedInput {
  if (text.trim() === "") throw new UsageError(`${file}: empty; expected ${EXPECTED}`);
  let doc: unknown;
  let whole = true;
  try {
    doc = JSON.parse(text);
  } catch {
    whole = false;
  }
  const byName = new Map(rules.map((r) => [r.name, r]));
  if (!whole || (isObject(doc) && typeof doc.sequence === "number")) return fromEventLog(text, file, byName);
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
  return {
    meta: {
      source: isPlan ? "offline-plan" : "policy-check",
      stack,
      evaluatedAt: str(doc.generatedAt),
      gitCommit: str(doc.gitCommit),
      packVersion: str(doc.packVersion),
      packName: str(doc.packName),
    },
    entries,
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

function fromEventLog(text: string, file: string, byName: ReadonlyMap<string, RuleMeta>): LoadedInput {
  const log = parseEventLog(text, file);
  const packNames = Object.keys(log.packs);
  const entries: Entry[] = log.verdicts.map((v) => {
    const rule = byName.get(v.policy);
    const evidence = evidenceFromInputs(v.urn ? log.resources.get(v.urn)?.inputs : undefined, rule);
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
      evaluatedAt: log.startedAt,
      packName: packNames[0],
      packVersion: packNames.length > 0 ? log.packs[packNames[0]] : undefined,
    },
    entries,
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
