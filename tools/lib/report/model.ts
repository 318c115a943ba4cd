/**
 * The report's result model: every verdict (rule × resource) with its compliance metadata, grouped by
 * HIPAA Security Rule control. Pure: renderers (Markdown, HTML, SARIF, JUnit, JSON) only read it.
 */
import { REDACTED, redactEvidence } from "./redact";

export type Status = "pass" | "fail" | "not-applicable";
/**
 * The report's one-word answer. `incomplete`: the input cannot show every resource was checked (no
 * resources, a log cut short), so the absence of failures proves nothing; never called a pass.
 * A mandatory failure is a failure even in an incomplete input.
 */
export type Verdict = "pass" | "pass-advisory" | "fail" | "incomplete";
/** Exit codes of `npm run report` per verdict (2 is a usage or input error). */
export const EXIT_CODES: Readonly<Record<Verdict, number>> = {
  pass: 0,
  "pass-advisory": 0,
  fail: 1,
  incomplete: 3,
};
export type Enforcement = "mandatory" | "advisory" | "disabled";

/** One verdict; the shape of the policy pack's `PolicyResult`. */
export interface Entry {
  readonly policy: string;
  readonly urn?: string;
  readonly type?: string;
  readonly resourceName?: string;
  readonly status: Status;
  readonly enforcementLevel: Enforcement;
  readonly severity: string;
  readonly message: string;
  readonly hipaa: readonly string[];
  readonly awsConfigRule?: string;
  readonly evidence?: Readonly<Record<string, unknown>>;
}

/** What the report needs of a rule (the pack's RULES entries fit). */
export interface RuleMeta {
  readonly name: string;
  readonly description: string;
  readonly hipaa: readonly string[];
  readonly severity: string;
  readonly enforcementLevel: Enforcement;
  readonly remediation: string;
  readonly awsConfigRule?: string;
  /** Properties the rule reads: the evidence shown when the input carries only resource inputs. */
  readonly properties?: readonly string[];
  /** Resource rules check one resource of these types; stack rules look at the whole stack. */
  readonly kind?: "resource" | "stack";
  readonly resourceTypes?: readonly string[];
  /** The rule's parameters and their pack defaults (`minimumDays: 35`). */
  readonly configDefaults?: Readonly<Record<string, unknown>>;
}

/** The policy config the verdicts were judged against. */
export interface PolicyConfigContext {
  /** Where it comes from, and whether the input recorded it or it is the environment's default. */
  readonly origin: string;
  /** Every level or threshold weaker than, or different from, the pack's defaults; empty: none. */
  readonly relaxations: readonly string[];
}

export interface ReportMeta {
  /** Where the verdicts come from. */
  readonly source: "offline-plan" | "policy-check" | "event-log";
  /** The input file the report was made from. */
  readonly input: string;
  readonly stack?: string;
  /** The stack's `environment` config (dev, prod), as the input records it. */
  readonly environment?: string;
  /** What the evidence is: an offline plan on the mock account, a recorded preview, deployed state. */
  readonly evidence?: string;
  readonly policyConfig?: PolicyConfigContext;
  /** When the verdicts were produced (plan time, first event of the log). */
  readonly evaluatedAt?: string;
  /** When the report was rendered. */
  readonly generatedAt: string;
  readonly gitCommit?: string;
  readonly packName: string;
  readonly packVersion?: string;
}

export interface Counts {
  pass: number;
  fail: number;
  notApplicable: number;
  /** Failures of mandatory rules (they block a deployment). */
  mandatoryFail: number;
}

/** A control's overall state: any mandatory failure fails it; advisory-only failures warn. */
export type ControlStatus = "fail" | "warn" | "pass" | "not-applicable";

export interface RuleRow {
  readonly rule: RuleMeta;
  readonly counts: Counts;
  readonly entries: readonly Entry[];
}

export interface ControlRow {
  /** 45 CFR citation, e.g. "164.312(a)(2)(iv)"; "unmapped" for verdicts of rules the pack's metadata lacks. */
  readonly citation: string;
  readonly name: string;
  readonly status: ControlStatus;
  readonly counts: Counts;
  readonly rules: readonly RuleRow[];
}

export interface Report {
  readonly meta: ReportMeta;
  readonly verdict: Verdict;
  /** Why the input is not a complete record (empty: it is). */
  readonly incomplete: readonly string[];
  readonly rules: readonly RuleMeta[];
  readonly entries: readonly Entry[];
  readonly controls: readonly ControlRow[];
  readonly summary: Counts & { resources: number; controls: number; controlsFailing: number };
}

export function verdictOf(c: Counts, incomplete: readonly string[]): Verdict {
  if (c.mandatoryFail > 0) return "fail";
  if (incomplete.length > 0) return "incomplete";
  return c.fail > 0 ? "pass-advisory" : "pass";
}

export const UNMAPPED = "unmapped";

export function emptyCounts(): Counts {
  return { pass: 0, fail: 0, notApplicable: 0, mandatoryFail: 0 };
}

export function count(entries: readonly Entry[]): Counts {
  const c = emptyCounts();
  for (const e of entries) {
    if (e.status === "pass") c.pass++;
    else if (e.status === "fail") {
      c.fail++;
      if (e.enforcementLevel === "mandatory") c.mandatoryFail++;
    } else c.notApplicable++;
  }
  return c;
}

export function controlStatus(c: Counts): ControlStatus {
  if (c.mandatoryFail > 0) return "fail";
  if (c.fail > 0) return "warn";
  if (c.pass > 0) return "pass";
  return "not-applicable";
}

/**
 * Orders citations the way the regulation reads: 164.308 before 164.312, (a)(1) before (a)(2),
 * (a)(2) before (a)(10).
 */
export function compareCitations(a: string, b: string): number {
  const key = (s: string) => s.split(/[.()]+/).filter((p) => p !== "");
  const ka = key(a);
  const kb = key(b);
  for (let i = 0; i < Math.max(ka.length, kb.length); i++) {
    if (ka[i] === undefined) return -1;
    if (kb[i] === undefined) return 1;
    const na = Number(ka[i]);
    const nb = Number(kb[i]);
    const d = Number.isNaN(na) || Number.isNaN(nb) ? ka[i].localeCompare(kb[i]) : na - nb;
    if (d !== 0) return d;
  }
  return 0;
}

/** The rule a verdict belongs to; a stand-in built from the verdict when the metadata lacks it. */
function ruleFor(e: Entry, byName: ReadonlyMap<string, RuleMeta>): RuleMeta {
  return (
    byName.get(e.policy) ?? {
      name: e.policy,
      description: "(not in this pack's metadata)",
      hipaa: e.hipaa,
      severity: e.severity,
      enforcementLevel: e.enforcementLevel,
      remediation: "",
    }
  );
}

/**
 * Builds the report: redacts evidence, then groups verdicts control → rule → resource. Each control
 * lists every rule that cites it, even rules with no verdict in this run (an auditor sees the gap).
 */
export function buildReport(
  meta: ReportMeta,
  entries: readonly Entry[],
  rules: readonly RuleMeta[],
  controlNames: Readonly<Record<string, string>>,
  inputProblems: readonly string[] = [],
): Report {
  const clean = entries.map((e) => (e.evidence ? { ...e, evidence: redactEvidence(e.evidence) } : e));
  const byName = new Map(rules.map((r) => [r.name, r]));
  const citations = new Set<string>();
  for (const r of rules) for (const c of r.hipaa) citations.add(c);
  for (const e of clean) for (const c of citationsOf(e, byName)) citations.add(c);

  const controls: ControlRow[] = [];
  for (const citation of [...citations].sort((a, b) =>
    a === UNMAPPED ? 1 : b === UNMAPPED ? -1 : compareCitations(a, b),
  )) {
    const inControl = clean.filter((e) => citationsOf(e, byName).includes(citation));
    const ruleNames = [
      ...new Set([
        ...rules.filter((r) => r.hipaa.includes(citation)).map((r) => r.name),
        ...inControl.map((e) => e.policy),
      ]),
    ];
    const ruleRows: RuleRow[] = ruleNames.map((name) => {
      const es = inControl.filter((e) => e.policy === name).sort(byResource);
      return { rule: ruleFor(es[0] ?? ({ policy: name } as Entry), byName), counts: count(es), entries: es };
    });
    const counts = count(inControl);
    controls.push({
      citation,
      name:
        citation === UNMAPPED
          ? "Rules without HIPAA metadata"
          : (controlNames[citation] ?? "(control name not in metadata)"),
      status: controlStatus(counts),
      counts,
      rules: ruleRows,
    });
  }
  const resources = new Set(clean.map((e) => e.urn).filter((u): u is string => u !== undefined));
  const total = count(clean);
  const incomplete = [...inputProblems];
  // Stack rules pass over an empty stack: passes with no resource behind them are no evidence.
  if (resources.size === 0) incomplete.push("no resource was checked: the input holds no resource verdicts");
  return {
    meta,
    verdict: verdictOf(total, incomplete),
    incomplete,
    rules,
    entries: clean,
    controls,
    summary: {
      ...total,
      resources: resources.size,
      controls: controls.length,
      controlsFailing: controls.filter((c) => c.status === "fail").length,
    },
  };
}

function citationsOf(e: Entry, byName: ReadonlyMap<string, RuleMeta>): readonly string[] {
  const fromRule = byName.get(e.policy)?.hipaa;
  const list = fromRule && fromRule.length > 0 ? fromRule : e.hipaa;
  return list.length > 0 ? list : [UNMAPPED];
}

const byResource = (a: Entry, b: Entry) =>
  (a.resourceName ?? "").localeCompare(b.resourceName ?? "") || (a.urn ?? "").localeCompare(b.urn ?? "");

/** One evidence value as text: JSON, `unset` for undefined or null, the redaction marker as is. */
export function evidenceValue(v: unknown): string {
  return v === undefined || v === null ? "unset" : v === REDACTED ? v : JSON.stringify(v);
}

/**
 * Evidence as `key=value` text, every value whole (values are already redacted). Never cut: the
 * deciding value may be the last one, and a cut value (`{"AWS":"*"}` without its Condition) misleads.
 */
export function evidenceText(evidence: Readonly<Record<string, unknown>> | undefined): string {
  if (!evidence) return "";
  return Object.entries(evidence)
    .map(([k, v]) => `${k}=${evidenceValue(v)}`)
    .join(", ");
}

/** The headline words of a verdict, the same in every format. */
export const VERDICT_LABEL: Readonly<Record<Verdict, string>> = {
  pass: "PASS",
  "pass-advisory": "PASS with advisory failures",
  fail: "FAIL",
  incomplete: "INCOMPLETE",
};

/** Display label of a resource in a table. */
export const resourceLabel = (e: Entry): string =>
  e.urn ? `${e.resourceName ?? e.urn} (${e.type ?? "?"})` : "(stack)";
