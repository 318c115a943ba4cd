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
 * Other events (diagnostics, outputs, progress) are skipped, but read for completeness.
 *
 * A log can be cut short (a runner killed mid-preview, a partial upload, `head`): then policy events of
 * later resources are missing and what is left may look like a pass. {@link EventLog.problems} lists
 * every sign of that, from how the CLI writes the log (pulumi/pulumi `pkg/backend/display/display.go`:
 * `stampEvents` numbers events 0, 1, 2, ... with no gaps; `startEventLogger` JSON-encodes one event per
 * line and stops after the `cancelEvent`, which `engine.Update` sends last, after the `summaryEvent`;
 * `apitype.SummaryEvent.result` is "succeeded", "failed" or "canceled"; the step generator emits a
 * `policyAnalyzeSummaryEvent` per pack for every resource it analyzes and a
 * `policyAnalyzeStackSummaryEvent` per pack after the last one, `pkg/resource/deploy/step_generator.go`
 * and `analyze_snapshot.go`).
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
  /** The stack config of the run (preludeEvent), secrets blinded by the engine. */
  readonly config: Record<string, string>;
  /** The `environment` key of the stack config, whatever the project name. */
  readonly environment?: string;
  /** Why the log cannot be a complete record of a run; empty when it is. */
  readonly problems: string[];
}

export interface ParseOptions {
  /**
   * Resource types the pack has rules for: each such resource in the log needs a policy summary from
   * every pack, or the log is incomplete. Default: every custom resource but providers.
   */
  readonly analyzedTypes?: ReadonlySet<string>;
}

/** Steps for which the engine analyzes the resource (not deletes, reads, refreshes or discards). */
const ANALYZED_OPS = new Set([
  "same",
  "create",
  "update",
  "replace",
  "create-replacement",
  "import",
  "import-replacement",
]);

/** How many names a problem lists before "and N more". */
const LIST_MAX = 10;

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

export function parseEventLog(text: string, file: string, opts: ParseOptions = {}): EventLog {
  const events: { line: number; e: JsonObject }[] = [];
  const problems: string[] = [];
  const lines = text.split("\n");
  let lastLine = lines.length - 1;
  while (lastLine > 0 && lines[lastLine].trim() === "") lastLine--;
  for (const [i, raw] of lines.entries()) {
    const line = raw.trim();
    if (line === "") continue;
    let e: unknown;
    try {
      e = JSON.parse(line);
    } catch (err) {
      // The CLI ends every event with a newline: a last line without one was cut while being written.
      if (i === lastLine && !text.trimStart().endsWith("\n") && events.length > 0) {
        problems.push(
          `line ${i + 1}, the last, is an incomplete event (not valid JSON, no newline): the log was cut off while being written`,
        );
        continue;
      }
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
  problems.push(...sequenceProblems(events.map(({ e }) => e.sequence as number)));

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
  let summary: JsonObject | undefined;
  const config: Record<string, string> = {};
  /** Resources the engine analyzes (by op), and the packs that reported a summary for each. */
  const toAnalyze = new Map<string, string>();
  const analyzedBy = new Map<string, Set<string>>();
  const stackSummaries = new Set<string>();
  let firstError: string | undefined;

  for (const { line, e } of events) {
    if (isObject(e.preludeEvent) && isObject(e.preludeEvent.config)) {
      for (const [k, v] of Object.entries(e.preludeEvent.config)) if (typeof v === "string") config[k] = v;
    }
    if (isObject(e.diagnosticEvent) && e.diagnosticEvent.severity === "error" && firstError === undefined) {
      firstError = stripColors(String(e.diagnosticEvent.message ?? ""));
    }
    const pre = e.resourcePreEvent;
    if (isObject(pre) && isObject(pre.metadata)) {
      const m = pre.metadata;
      const urn = typeof m.urn === "string" ? m.urn : undefined;
      if (urn) {
        const nw = isObject(m.new) ? m.new : undefined;
        const type = typeof m.type === "string" ? m.type : (parseUrn(urn)?.type ?? "");
        if (!(GONE.has(String(m.op)) && resources.has(urn)))
          resources.set(urn, { type, inputs: nw && isObject(nw.inputs) ? nw.inputs : {} });
        stack ??= parseUrn(urn)?.stack;
        const analyzed = opts.analyzedTypes
          ? opts.analyzedTypes.has(type)
          : nw?.custom === true && !type.startsWith("pulumi:providers:");
        if (ANALYZED_OPS.has(String(m.op)) && analyzed) toAnalyze.set(urn, type);
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
      if (urn) analyzedBy.set(urn, (analyzedBy.get(urn) ?? new Set()).add(pack));
      else stackSummaries.add(pack);
      summaries.push({ urn, passed: strings(s.passed), failed: strings(s.failed), pack, version });
    }
    if (isObject(e.summaryEvent)) {
      summary = e.summaryEvent;
      if (typeof summary.isPreview === "boolean") isPreview = summary.isPreview;
    }
  }

  const packNames = Object.keys(packs);
  if (!summary) {
    problems.push("no summaryEvent: the run never finished (the engine writes one at the end of every run)");
  } else if (summary.result === "canceled") {
    problems.push(
      'summaryEvent.result is "canceled": the run was cancelled before every resource was checked',
    );
  } else if (summary.result === "failed" && !violations.some((v) => v.level === "mandatory")) {
    // A preview fails on a mandatory violation (then every resource was still analyzed) or on an error
    // that stops the program, after which no resource is registered or checked.
    problems.push(
      `summaryEvent.result is "failed" with no mandatory policy violation: the run stopped on an error${firstError ? ` (${firstError})` : ""}, and resources after it were never checked`,
    );
  }
  if (!isObject(events.at(-1)?.e.cancelEvent)) {
    problems.push("the log does not end with a cancelEvent, the engine's last event of a finished run");
  }
  if (packNames.length === 0) {
    problems.push(
      "no policy event at all: no policy pack ran (run `pulumi preview --policy-pack policies --event-log <file>`)",
    );
  }
  if (toAnalyze.size === 0) problems.push("no resource the pack checks appears in the log");
  for (const pack of packNames) {
    const missing = [...toAnalyze.keys()].filter((u) => !analyzedBy.get(u)?.has(pack));
    if (missing.length > 0) {
      const names = missing.map((u) => parseUrn(u)?.name ?? u);
      problems.push(
        `pack ${pack}: ${missing.length} of ${toAnalyze.size} resources have no policy summary (policyAnalyzeSummaryEvent): ${names.slice(0, LIST_MAX).join(", ")}${names.length > LIST_MAX ? ` and ${names.length - LIST_MAX} more` : ""}`,
      );
    }
    if (!stackSummaries.has(pack)) {
      problems.push(
        `pack ${pack}: no stack-policy summary (policyAnalyzeStackSummaryEvent); stack rules never ran`,
      );
    }
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
    config,
    environment: Object.entries(config).find(([k]) => k.endsWith(":environment"))?.[1],
    problems,
  };
}

/** Steps after which the resource is gone: they never replace the inputs of the one that stays. */
const GONE = new Set(["delete", "delete-replaced", "discard", "discard-replaced", "read-discard"]);

/** Gaps and repeats in the engine's sequence numbers, which start at 0 and grow by one per event. */
export function sequenceProblems(sorted: readonly number[]): string[] {
  const out: string[] = [];
  if (sorted.length === 0) return out;
  const gone = (from: number, to: number) =>
    from === to ? `event ${from} is missing` : `events ${from}–${to} are missing`;
  if (sorted[0] !== 0) out.push(`${gone(0, sorted[0] - 1)} (the first event's sequence is ${sorted[0]})`);
  for (let i = 1; i < sorted.length; i++) {
    const [a, b] = [sorted[i - 1], sorted[i]];
    if (b === a) out.push(`sequence ${a} appears more than once`);
    else if (b > a + 1) out.push(`${gone(a + 1, b - 1)} (the sequence jumps from ${a} to ${b})`);
  }
  return out;
}
