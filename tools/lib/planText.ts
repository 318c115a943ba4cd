/** The offline plan as text: the resource tree with verdict counts, counts by type, the violations. */
import type { PlanResult } from "./planRun";

export interface TextOptions {
  /** ANSI colours. @default false */
  readonly color?: boolean;
}

export function renderPlanText(plan: PlanResult, opts: TextOptions = {}): string {
  const paint = (code: string) => (s: string) => (opts.color ? `\u001b[${code}m${s}\u001b[0m` : s);
  const red = paint("31");
  const yellow = paint("33");
  const green = paint("32");
  const dim = paint("2");
  const bold = paint("1");

  const verdicts = new Map<string, { pass: number; fail: number }>();
  for (const r of plan.results) {
    if (!r.urn) continue;
    const v = verdicts.get(r.urn) ?? { pass: 0, fail: 0 };
    if (r.status === "pass") v.pass++;
    else if (r.status === "fail") v.fail++;
    verdicts.set(r.urn, v);
  }
  const children = new Map<string | undefined, PlanResult["resources"]>();
  const urns = new Set(plan.resources.map((r) => r.urn));
  for (const r of plan.resources) {
    const parent = r.parent && urns.has(r.parent) ? r.parent : undefined;
    children.set(parent, [...(children.get(parent) ?? []), r]);
  }
  const lines: string[] = [];
  lines.push(
    bold(
      `Offline plan: stack ${plan.stack} (${plan.environment})${plan.instances > 1 ? `, ${plan.instances} databases` : ""}`,
    ),
  );
  lines.push(
    dim(
      `pack ${plan.packName} ${plan.packVersion ?? "?"} · commit ${plan.gitCommit ?? "unknown"} · ${plan.generatedAt}`,
    ),
    "",
  );
  const walk = (parent: string | undefined, prefix: string) => {
    const kids = children.get(parent) ?? [];
    kids.forEach((r, i) => {
      const last = i === kids.length - 1;
      const v = verdicts.get(r.urn);
      const marks = [
        r.protect ? dim("protected") : "",
        v ? (v.fail > 0 ? red(`✗ ${v.fail} failed`) : green(`✓ ${v.pass}`)) : "",
      ].filter((s) => s !== "");
      lines.push(
        `${prefix}${last ? "└─ " : "├─ "}${r.name} ${dim(r.type)}${marks.length ? `  ${marks.join(" ")}` : ""}`,
      );
      walk(r.urn, `${prefix}${last ? "   " : "│  "}`);
    });
  };
  walk(undefined, "");
  lines.push("");
  const s = plan.summary;
  lines.push(
    bold(
      `Resources: ${s.resources} (${s.customResources} cloud resources, ${s.resources - s.customResources} components)`,
    ),
  );
  const width = Math.max(...Object.keys(s.byType).map((t) => t.length));
  for (const [type, n] of Object.entries(s.byType))
    lines.push(`  ${type.padEnd(width)}  ${String(n).padStart(3)}`);
  lines.push("");

  const fails = plan.results.filter((r) => r.status === "fail");
  if (fails.length > 0) {
    lines.push(bold(`Violations (${fails.length}):`));
    const order = (l: string) => (l === "mandatory" ? 0 : l === "advisory" ? 1 : 2);
    for (const r of [...fails].sort(
      (a, b) => order(a.enforcementLevel) - order(b.enforcementLevel) || a.policy.localeCompare(b.policy),
    )) {
      const level =
        r.enforcementLevel === "mandatory" ? red("[mandatory]") : yellow(`[${r.enforcementLevel}]`);
      const msg = r.message.split("\n").join("\n      ");
      lines.push(
        `  ${level} ${r.policy} ${dim(`(${r.hipaa.join(", ")})`)} on ${r.resourceName ?? "the stack"}`,
        `      ${msg}`,
      );
    }
    lines.push("");
  }
  const pf = plan.preflight;
  if (pf.violations.length > 0) {
    lines.push(bold(`AWS acceptance preflight (${pf.errors} errors, ${pf.warnings} warnings):`));
    for (const v of [...pf.violations].sort((a, b) =>
      a.severity === b.severity ? a.rule.localeCompare(b.rule) : a.severity === "error" ? -1 : 1,
    )) {
      lines.push(
        `  ${v.severity === "error" ? red("[error]") : yellow("[warning]")} ${v.rule} on ${v.resourceType} ${v.resourceName}`,
        `      ${v.message}`,
        `      fix: ${v.fix}`,
        `      source: ${v.source.title} ${dim(v.source.url)}`,
      );
    }
    lines.push("");
  }
  const verdict =
    s.mandatoryFail > 0
      ? red("FAIL")
      : s.advisoryFail > 0
        ? yellow("PASS with advisory violations")
        : green("PASS");
  lines.push(
    `Policies: ${s.rules} rules, ${s.pass} passed, ${s.fail} failed (${s.mandatoryFail} mandatory, ${s.advisoryFail} advisory), ${s.notApplicable} not applicable → ${verdict}`,
  );
  lines.push(
    `Preflight: ${pf.rules} rules, ${pf.errors} errors, ${pf.warnings} warnings → ${pf.errors > 0 ? red("FAIL (AWS would reject this plan, or it cannot work)") : pf.warnings > 0 ? yellow("PASS with warnings") : green("PASS")}`,
  );
  return `${lines.join("\n")}\n`;
}
