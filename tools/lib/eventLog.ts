/**
 * Parser for the engine event log a real run writes (`pulumi preview --policy-pack policies
 * --event-log events.json`): one JSON `apitype.EngineEvent` per line,
 * `{ sequence, timestamp, <oneOf>Event }`. The events read here (field names from pulumi/pulumi
 * `sdk/go/common/apitype/events.go`):
 *
 * - `preludeEvent { config }`
 * - `resourcePreEvent { metadata { op, urn, type, new { type, urn, inputs, parent, protect, ... } } }`
 * - `policyEvent { resourceUrn?, message, color, policyName, policyPackName, policyPackVersion,
 *    policyPackVersionTag, enforcementLevel: "warning" | "mandatory" | "remediate" | "none" }` — one
 *    per violation
 * - `policyAnalyzeSummaryEvent { resourceUrn, policyPackName, policyPackVersion, policyPackVersionTag,
 *    passed?: string[], failed?: string[] }` — per resource and pack
 * - `policyAnalyzeStackSummaryEvent { policyPackName, policyPackVersion, policyPackVersionTag,
 *    passed?, failed? }` — the stack policies
 * - `summaryEvent { durationSeconds, resourceChanges, PolicyPacks, isPreview }`
 *
 * Other events (diagnostics, outputs, progress, cancel) are skipped.
 */
import { UsageError } from "./cli";
import { describe, isObject, type JsonObject } from "./json";
import { parseUrn } from "./urn";

export type Verdict = "pass" | "fail";
export type Enforcement = "mandatory" | "advisory" | "disabled";

export interface LoggedVerdict {
  readonly policy: string;
  readonly status: Verdict;
  /** Unset for stack policies that passed (the log names no resource). */
  readonly urn?: string;
  readonly type?: string;
  readonly resourceName?: string;
  /** From the violation's policyEvent; passes carry none in the log. */
  readonly enforcementLevel?: Enforcement;
  readonly message?: string;
  readonly policyPackName: string;
  readonly policyPackVersion: string;
}

export interface EventLog {
  readonly verdicts: LoggedVerdict[];
  readonly stack?: string;
  /** The time of the first event (ISO 8601). */
  readonly startedAt?: string;
  readonly isPreview?: boolean;
  /** Policy packs seen: name → version. */
  readonly packs: Record<string, string>;
  /** Resources seen in resourcePreEvents: urn → type and inputs. */
  readonly resources: Map<string, { type: string; inputs: JsonObject }>;
  readonly eventCount: number;
}

const EXPECTED = "newline-delimited engine events from `pulumi preview --event-log <file>`";

/** Maps the engine's enforcement levels onto the pack's. */
export function enforcementOf(level: unknown): Enforcement | undefined {
  switch (level) {
    case "mandatory":
    case "remediate":
      return "mandatory";
    case "warning":
    case "advisory":
      return "advisory";
    case "none":
    case "disabled":
      return "disabled";
    default:
      return undefined;
  }
}

/** Drops the engine's colour tags (`<{%reset%}>`, `<{%fg 1%}>`). */
export const stripColors = (s: string): string => s.replace(/<\{%[^%]*%\}>/g, "").trim();

const strings = (v: unknown): string[] =>
  Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : [];

export function parseEventLog(text: string, file: string): EventLog {
  const events: { line: number; e: JsonObject }[] = [];
  const lines = text.split("\n");
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === "") continue;
    let e: unknown;
    try {
      e = JSON.parse(line);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new UsageError(`${file}:${i + 1}: not valid JSON (${why}); expected ${EXPECTED}`);
    }
    if (!isObject(e) || typeof e.sequence !== "number") {
      throw new UsageError(
        `${file}:${i + 1}: ${describe(e)} without a numeric \`sequence\`; expected ${EXPECTED}`,
      );
    }
    events.push({ line: i + 1, e });
  }
  if (events.length === 0) throw new UsageError(`${file}: empty; expected ${EXPECTED}`);
  events.sort((a, b) => (a.e.sequence as number) - (b.e.sequence as number));

  const resources = new Map<string, { type: string; inputs: JsonObject }>();
  const violations: {
    line: number;
    urn?: string;
    policy: string;
    level?: Enforcement;
    message: string;
    pack: string;
    version: string;
  }[] = [];
  const summaries: { urn?: string; passed: string[]; failed: string[]; pack: string; version: string }[] = [];
  const packs: Record<string, string> = {};
  let isPreview: boolean | undefined;
  let stack: string | undefined;

  for (const { line, e } of events) {
    const pre = e.resourcePreEvent;
    if (isObject(pre) && isObject(pre.metadata)) {
      const m = pre.metadata;
      const urn = typeof m.urn === "string" ? m.urn : undefined;
      if (urn) {
        const nw = isObject(m.new) ? m.new : undefined;
        const type = typeof m.type === "string" ? m.type : (parseUrn(urn)?.type ?? "");
        resources.set(urn, { type, inputs: nw && isObject(nw.inputs) ? nw.inputs : {} });
        stack ??= parseUrn(urn)?.stack;
      }
    }
    const pe = e.policyEvent;
    if (isObject(pe)) {
      if (typeof pe.policyName !== "string" || pe.policyName === "") {
        throw new UsageError(
          `${file}:${line}: policyEvent.policyName is ${describe(pe.policyName)}; expected the policy's name`,
        );
      }
      const pack = String(pe.policyPackName ?? "");
      const version = String(pe.policyPackVersion ?? "");
      packs[pack] = version;
      violations.push({
        line,
        urn: typeof pe.resourceUrn === "string" && pe.resourceUrn !== "" ? pe.resourceUrn : undefined,
        policy: pe.policyName,
        level: enforcementOf(pe.enforcementLevel),
        message: stripColors(String(pe.message ?? "")),
        pack,
        version,
      });
    }
    for (const key of ["policyAnalyzeSummaryEvent", "policyAnalyzeStackSummaryEvent"] as const) {
      const s = e[key];
      if (!isObject(s)) continue;
      const pack = String(s.policyPackName ?? "");
      const version = String(s.policyPackVersion ?? "");
      packs[pack] = version;
      const urn =
        key === "policyAnalyzeSummaryEvent" && typeof s.resourceUrn === "string" ? s.resourceUrn : undefined;
      if (key === "policyAnalyzeSummaryEvent" && !urn) {
        throw new UsageError(
          `${file}:${line}: policyAnalyzeSummaryEvent.resourceUrn is ${describe(s.resourceUrn)}; expected a URN`,
        );
      }
      summaries.push({ urn, passed: strings(s.passed), failed: strings(s.failed), pack, version });
    }
    if (isObject(e.summaryEvent) && typeof e.summaryEvent.isPreview === "boolean")
      isPreview = e.summaryEvent.isPreview;
  }

  const resourceOf = (urn: string | undefined) => {
    if (!urn) return {};
    const p = parseUrn(urn);
    stack ??= p?.stack;
    return { urn, type: resources.get(urn)?.type ?? p?.type, resourceName: p?.name };
  };
  const verdicts: LoggedVerdict[] = [];
  const used = new Set<number>();
  for (const s of summaries) {
    for (const policy of s.passed) {
      verdicts.push({
        policy,
        status: "pass",
        ...resourceOf(s.urn),
        policyPackName: s.pack,
        policyPackVersion: s.version,
      });
    }
    for (const policy of s.failed) {
      // Resource policies: the violations of this policy on this resource. Stack policies: all of its
      // violations (each may name the resource at fault).
      const matching = violations
        .map((v, i) => ({ v, i }))
        .filter(
          ({ v, i }) =>
            !used.has(i) &&
            v.policy === policy &&
            v.pack === s.pack &&
            (s.urn === undefined || v.urn === s.urn),
        );
      if (matching.length === 0) {
        verdicts.push({
          policy,
          status: "fail",
          ...resourceOf(s.urn),
          policyPackName: s.pack,
          policyPackVersion: s.version,
        });
      }
      for (const { v, i } of matching) {
        used.add(i);
        verdicts.push({
          policy,
          status: "fail",
          ...resourceOf(v.urn ?? s.urn),
          enforcementLevel: v.level,
          message: v.message,
          policyPackName: s.pack,
          policyPackVersion: s.version,
        });
      }
    }
  }
  // Violations no summary covered (CLIs before summary events existed): each is a failure.
  for (const [i, v] of violations.entries()) {
    if (used.has(i)) continue;
    verdicts.push({
      policy: v.policy,
      status: "fail",
      ...resourceOf(v.urn),
      enforcementLevel: v.level,
      message: v.message,
      policyPackName: v.pack,
      policyPackVersion: v.version,
    });
  }
  const ts = events[0].e.timestamp;
  return {
    verdicts,
    stack,
    startedAt: typeof ts === "number" ? new Date(ts * 1000).toISOString() : undefined,
    isPreview,
    packs,
    resources,
    eventCount: events.length,
  };
}
