/**
 * What a verdict was judged against, stated in the report so a reader cannot mistake it: the kind of
 * evidence (a mock account is not a real one) and the policy config with every relaxation in effect.
 */
import type { PolicyConfigContext, ReportMeta, RuleMeta } from "./model";

/** Enforcement levels from strongest to weakest (`remediate` is mandatory with a fix). */
const STRENGTH: Readonly<Record<string, number>> = { remediate: 3, mandatory: 3, advisory: 2, disabled: 1 };

/** What the evidence is, per input kind. `isPreview`: from the event log's summaryEvent. */
export function evidenceDescription(
  source: ReportMeta["source"],
  opts: { isPreview?: boolean; mockAccount?: string } = {},
): string {
  switch (source) {
    case "offline-plan":
      return `offline plan: the program run under mocks on a mock AWS account${opts.mockAccount ? ` (${opts.mockAccount})` : ""}; ARNs, ids and endpoints are the mock's, not a real account's`;
    case "policy-check":
      return "recorded preview (`pulumi preview --json`): planned inputs against the real stack; values unknown until apply are not evidence";
    case "event-log":
      return opts.isPreview === false
        ? "event log of `pulumi up`: the inputs of the deployed state"
        : opts.isPreview === true
          ? "event log of `pulumi preview`: planned inputs against the real stack, not yet deployed"
          : "engine event log (preview or update unknown: the log has no summaryEvent)";
  }
}

/**
 * Every way `config` differs from the pack's defaults: levels below the rule's own, changed
 * parameters, and names that are not rules of this pack (a typo there silently keeps a rule strict or
 * drops a relaxation someone relied on).
 */
export function relaxationsOf(
  config: Readonly<Record<string, unknown>> | undefined,
  rules: readonly RuleMeta[],
): string[] {
  const out: string[] = [];
  const byName = new Map(rules.map((r) => [r.name, r]));
  for (const [name, raw] of Object.entries(config ?? {})) {
    const rule = byName.get(name);
    if (!rule) {
      out.push(`${name}: ${JSON.stringify(raw)} (not a rule of this pack)`);
      continue;
    }
    const c: Record<string, unknown> =
      typeof raw === "string" ? { enforcementLevel: raw } : raw && typeof raw === "object" ? { ...raw } : {};
    const level = c.enforcementLevel;
    if (typeof level === "string" && level !== rule.enforcementLevel) {
      const weaker = (STRENGTH[level] ?? 0) < (STRENGTH[rule.enforcementLevel] ?? 0);
      out.push(`${name}: ${level} (pack default ${rule.enforcementLevel}${weaker ? "" : "; stricter"})`);
    }
    for (const [k, v] of Object.entries(c)) {
      if (k === "enforcementLevel") continue;
      const d = rule.configDefaults?.[k];
      if (JSON.stringify(v) !== JSON.stringify(d)) {
        out.push(
          `${name}.${k}: ${JSON.stringify(v)} (pack default ${d === undefined ? "none" : JSON.stringify(d)})`,
        );
      }
    }
  }
  return out;
}

/** The config as the report states it. `recorded`: the input says which config it ran with. */
export function policyConfigContext(
  config: Readonly<Record<string, unknown>> | undefined,
  rules: readonly RuleMeta[],
  origin: string,
): PolicyConfigContext {
  return { origin, relaxations: relaxationsOf(config, rules) };
}
