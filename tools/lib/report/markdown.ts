/** The report as Markdown (job summaries, PR comments, the artifact's README). */
import {
  type ControlStatus,
  evidenceText,
  type Report,
  resourceLabel,
  type Status,
  VERDICT_LABEL,
} from "./model";

const STATUS: Record<Status, string> = { pass: "✅ pass", fail: "❌ fail", "not-applicable": "➖ n/a" };
const CONTROL: Record<ControlStatus, string> = {
  fail: "❌ fail",
  warn: "⚠️ advisory failures",
  pass: "✅ pass",
  "not-applicable": "➖ no verdicts",
};

/** Escapes text for a Markdown table cell (pipes, backslashes, newlines, HTML). */
export function mdCell(s: string): string {
  return s
    .replace(/\\/g, "\\\\")
    .replace(/\|/g, "\\|")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\r?\n/g, "<br>");
}

/** A text bar of `width` cells split between passes and failures. */
export function textBar(pass: number, fail: number, width = 20): string {
  const total = pass + fail;
  if (total === 0) return "·".repeat(width);
  const f = fail === 0 ? 0 : Math.max(1, Math.round((fail / total) * width));
  return "🟥".repeat(f) + "🟩".repeat(width - f);
}

export function renderMarkdown(report: Report): string {
  const { meta, summary } = report;
  const out: string[] = [];
  out.push(`# HIPAA compliance report${meta.stack ? `: stack \`${meta.stack}\`` : ""}`, "");
  out.push("| | |", "|---|---|");
  const row = (k: string, v: string | undefined) => out.push(`| ${k} | ${mdCell(v ?? "unknown")} |`);
  row("Stack", meta.stack);
  row("Environment", meta.environment);
  row("Evidence", meta.evidence);
  row("Policy config", meta.policyConfig?.origin);
  row(
    "Relaxed rules",
    meta.policyConfig
      ? meta.policyConfig.relaxations.length > 0
        ? meta.policyConfig.relaxations.join("\n")
        : "none: every rule at the pack's level and thresholds"
      : undefined,
  );
  row("Source", `${meta.source} (${meta.input})`);
  row("Evaluated at", meta.evaluatedAt);
  row("Report generated", meta.generatedAt);
  row("Git commit", meta.gitCommit);
  row("Policy pack", `${meta.packName} ${meta.packVersion ?? "(version unknown)"}`);
  out.push("");
  out.push(
    `**${VERDICT_LABEL[report.verdict]}**: ${summary.pass} passed, ${summary.fail} failed (${summary.mandatoryFail} mandatory), ` +
      `${summary.notApplicable} not applicable, over ${summary.resources} checked resources and ${summary.controls} HIPAA controls.`,
    "",
  );
  if (report.incomplete.length > 0) {
    out.push(
      report.verdict === "incomplete"
        ? "No failure was found in what the input holds, but it cannot show that every resource was checked, so this is not a pass:"
        : "The input is also incomplete; more failures may be missing:",
      "",
      ...report.incomplete.map((p) => `- ${mdCell(p)}`),
      "",
    );
  }

  out.push("## Summary by HIPAA control", "");
  out.push("| Control | Name | Status | Pass | Fail | N/A | |", "|---|---|---|---:|---:|---:|---|");
  for (const c of report.controls) {
    out.push(
      `| ${mdCell(c.citation)} | ${mdCell(c.name)} | ${CONTROL[c.status]} | ${c.counts.pass} | ${c.counts.fail} | ${c.counts.notApplicable} | ${textBar(c.counts.pass, c.counts.fail, 10)} |`,
    );
  }
  out.push("");

  out.push("## Control-by-control matrix", "");
  for (const c of report.controls) {
    out.push(`### ${mdCell(c.citation)} ${mdCell(c.name)} — ${CONTROL[c.status]}`, "");
    out.push("| Rule | Resource | Status | Level | Evidence | Message |", "|---|---|---|---|---|---|");
    for (const r of c.rules) {
      if (r.entries.length === 0) {
        out.push(
          `| \`${mdCell(r.rule.name)}\` | (no resource in scope) | ➖ n/a | ${r.rule.enforcementLevel} | | |`,
        );
        continue;
      }
      for (const e of r.entries) {
        out.push(
          `| \`${mdCell(e.policy)}\` | ${mdCell(resourceLabel(e))} | ${STATUS[e.status]} | ${e.enforcementLevel} | ${mdCell(evidenceText(e.evidence))} | ${mdCell(e.message)} |`,
        );
      }
    }
    out.push("");
  }

  const failing = report.entries.filter((e) => e.status === "fail");
  if (failing.length > 0) {
    out.push("## Remediation", "");
    const byRule = new Map(report.rules.map((r) => [r.name, r]));
    for (const name of [...new Set(failing.map((e) => e.policy))].sort()) {
      const rule = byRule.get(name);
      out.push(`- \`${mdCell(name)}\`: ${mdCell(rule?.remediation || "see the rule's documentation")}`);
    }
    out.push("");
  }
  return out.join("\n");
}
