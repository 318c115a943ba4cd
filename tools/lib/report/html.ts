/**
 * The report as one self-contained HTML page: inline CSS and an inline SVG chart, no script, no
 * external fetch (a Content-Security-Policy forbids any), every value escaped.
 */
import {
  type ControlRow,
  type ControlStatus,
  evidenceValue,
  type Report,
  type Status,
  VERDICT_LABEL,
  type Verdict,
} from "./model";

/** Escapes text for HTML element content and quoted attribute values. */
export function esc(s: string): string {
  return s
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

const STATUS_LABEL: Record<Status, string> = { pass: "pass", fail: "fail", "not-applicable": "n/a" };
const CONTROL_LABEL: Record<ControlStatus, string> = {
  fail: "fail",
  warn: "advisory failures",
  pass: "pass",
  "not-applicable": "no verdicts",
};

const CSS = `
:root{--pass:#1a7f37;--fail:#cf222e;--warn:#bf8700;--na:#8c959f;--incomplete:#8250df;--ink:#1f2328;--muted:#59636e;--line:#d1d9e0}
*{box-sizing:border-box}body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);margin:0;background:#f6f8fa}
main{max-width:1200px;margin:0 auto;padding:24px}
h1{font-size:24px;margin:0 0 4px}h2{font-size:18px;margin:28px 0 10px}h3{font-size:15px;margin:0}
.card{background:#fff;border:1px solid var(--line);border-radius:8px;padding:16px;margin:12px 0}
.meta{display:grid;grid-template-columns:max-content 1fr;gap:4px 16px;margin:0}.meta dt{color:var(--muted)}.meta dd{margin:0;font-family:ui-monospace,monospace;word-break:break-all}
.verdict{font-size:16px;font-weight:600;padding:10px 14px;border-radius:6px;color:#fff;display:inline-block}
.verdict.fail{background:var(--fail)}.verdict.warn{background:var(--warn)}.verdict.pass{background:var(--pass)}.verdict.incomplete{background:var(--incomplete)}
.incomplete-list{border-left:4px solid var(--incomplete);background:#fbefff;padding:8px 12px 8px 28px;margin:8px 0}
.badge{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;color:#fff;white-space:nowrap}
.badge.pass{background:var(--pass)}.badge.fail{background:var(--fail)}.badge.warn{background:var(--warn)}.badge.not-applicable,.badge.na{background:var(--na)}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{border-bottom:1px solid var(--line);padding:6px 8px;text-align:left;vertical-align:top}
th{background:#f6f8fa;font-weight:600}td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.fail td:not(.rule){background:#fff5f5}code,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12px}
.evidence{font-family:ui-monospace,monospace;font-size:12px;color:#24292f;overflow-wrap:anywhere}.evidence .ek{color:#59636e}
table{table-layout:fixed}td.rule{background:#fff}
.control-head{display:flex;gap:12px;align-items:center;flex-wrap:wrap;margin-bottom:8px}
.rule-desc{color:var(--muted);font-size:12px}.legend span{margin-right:14px}.legend i{display:inline-block;width:10px;height:10px;margin-right:4px;border-radius:2px}
svg text{font-family:system-ui,sans-serif}
`;

/** The summary chart: one stacked bar per control (pass, advisory fail, mandatory fail, n/a). */
export function renderChart(controls: readonly ControlRow[]): string {
  const rowH = 26;
  const labelW = 330;
  const barW = 560;
  const countW = 90;
  const width = labelW + barW + countW;
  const height = controls.length * rowH + 10;
  const max = Math.max(1, ...controls.map((c) => c.counts.pass + c.counts.fail + c.counts.notApplicable));
  const rows = controls.map((c, i) => {
    const y = i * rowH + 4;
    const segs: [number, string, string][] = [
      [c.counts.pass, "#1a7f37", "pass"],
      [c.counts.fail - c.counts.mandatoryFail, "#bf8700", "advisory fail"],
      [c.counts.mandatoryFail, "#cf222e", "mandatory fail"],
      [c.counts.notApplicable, "#8c959f", "not applicable"],
    ];
    let x = labelW;
    const rects = segs
      .filter(([n]) => n > 0)
      .map(([n, color, what]) => {
        const w = Math.max(2, (n / max) * barW);
        const r = `<rect x="${x.toFixed(1)}" y="${y}" width="${w.toFixed(1)}" height="${rowH - 8}" fill="${color}"><title>${esc(`${c.citation}: ${n} ${what}`)}</title></rect>`;
        x += w;
        return r;
      })
      .join("");
    const label = `${c.citation} ${c.name}`;
    // "Contingency plan: data backup plan" → "data backup plan": the specification, not its standard.
    const spec = (c.name.includes(": ") ? c.name.slice(c.name.indexOf(": ") + 2) : c.name).replace(
      / \(addressable\)$/,
      "",
    );
    const shortLabel = `${c.citation} ${spec}`;
    const short = shortLabel.length > 46 ? `${shortLabel.slice(0, 45)}…` : shortLabel;
    return (
      `<g class="chart-row" data-control="${esc(c.citation)}">` +
      `<text x="${labelW - 8}" y="${y + rowH / 2}" text-anchor="end" font-size="12" fill="#1f2328"><title>${esc(label)}</title>${esc(short)}</text>` +
      rects +
      `<text x="${labelW + barW + 8}" y="${y + rowH / 2}" font-size="12" fill="#59636e">${c.counts.pass}✓ ${c.counts.fail}✗</text></g>`
    );
  });
  return (
    `<svg id="chart" role="img" aria-label="Pass and fail per HIPAA control" viewBox="0 0 ${width} ${height}" width="100%" ` +
    `xmlns="http://www.w3.org/2000/svg">${rows.join("")}</svg>`
  );
}

export function renderHtml(report: Report): string {
  const { meta, summary } = report;
  const verdictClass: Record<Verdict, string> = {
    fail: "fail",
    "pass-advisory": "warn",
    pass: "pass",
    incomplete: "incomplete",
  };
  const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? "" : "s"}`;
  const verdictText = {
    fail: `FAIL: ${plural(summary.mandatoryFail, "mandatory failure")}`,
    "pass-advisory": `PASS with ${plural(summary.fail, "advisory failure")}`,
    pass: "PASS",
    incomplete: `${VERDICT_LABEL.incomplete}: not a pass, the input is not a complete record`,
  }[report.verdict];
  const relaxations = meta.policyConfig
    ? meta.policyConfig.relaxations.length > 0
      ? meta.policyConfig.relaxations.join("; ")
      : "none: every rule at the pack's level and thresholds"
    : undefined;
  const metaRows: [string, string | undefined][] = [
    ["Stack", meta.stack],
    ["Environment", meta.environment],
    ["Evidence", meta.evidence],
    ["Policy config", meta.policyConfig?.origin],
    ["Relaxed rules", relaxations],
    ["Source", `${meta.source} (${meta.input})`],
    ["Evaluated at", meta.evaluatedAt],
    ["Report generated", meta.generatedAt],
    ["Git commit", meta.gitCommit],
    ["Policy pack", `${meta.packName} ${meta.packVersion ?? "(version unknown)"}`],
  ];
  const controls = report.controls.map((c) => renderControl(c)).join("\n");
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(`HIPAA compliance report${meta.stack ? ` — ${meta.stack}` : ""}`)}</title>
<style>${CSS}</style>
</head>
<body>
<main>
<h1>HIPAA compliance report${meta.stack ? `: <span class="mono">${esc(meta.stack)}</span>` : ""}</h1>
<div class="card">
<dl class="meta">${metaRows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v ?? "unknown")}</dd>`).join("")}</dl>
</div>
<p><span id="verdict" class="verdict ${verdictClass[report.verdict]}" data-verdict="${report.verdict}">${esc(verdictText)}</span></p>
${
  report.incomplete.length > 0
    ? `<div id="incomplete"><p>${esc(report.verdict === "incomplete" ? "No failure was found in what the input holds, but it cannot show that every resource was checked:" : "The input is also incomplete; more failures may be missing:")}</p><ul class="incomplete-list">${report.incomplete.map((p) => `<li>${esc(p)}</li>`).join("")}</ul></div>`
    : ""
}
<p>${summary.pass} passed · ${summary.fail} failed (${summary.mandatoryFail} mandatory) · ${summary.notApplicable} not applicable · ${summary.resources} resources checked · ${summary.controls} HIPAA controls (${summary.controlsFailing} failing)</p>
<h2>Summary by HIPAA control</h2>
<div class="card">
<p class="legend"><span><i style="background:var(--pass)"></i>pass</span><span><i style="background:var(--warn)"></i>advisory fail</span><span><i style="background:var(--fail)"></i>mandatory fail</span><span><i style="background:var(--na)"></i>not applicable</span></p>
${renderChart(report.controls)}
</div>
<h2>Control-by-control matrix</h2>
<div id="matrix">
${controls}
</div>
</main>
</body>
</html>
`;
}

/**
 * Evidence as one `key: value` line per value, each whole (already redacted): the deciding value is
 * never cut. Strings are shown as JSON too, so `"1"` and an unset value cannot be confused.
 */
function evidenceHtml(evidence: Readonly<Record<string, unknown>> | undefined): string {
  if (!evidence) return "";
  return Object.entries(evidence)
    .map(([k, v]) => `<div><span class="ek">${esc(k)}</span>: ${esc(evidenceValue(v))}</div>`)
    .join("");
}

function renderControl(c: ControlRow): string {
  const rows: string[] = [];
  for (const r of c.rules) {
    const span = Math.max(1, r.entries.length);
    const ruleCell = `<td rowspan="${span}" class="rule"><code>${esc(r.rule.name)}</code><div class="rule-desc">${esc(r.rule.description)}</div></td>`;
    if (r.entries.length === 0) {
      rows.push(
        `<tr>${ruleCell}<td>(no resource in scope)</td><td><span class="badge na">n/a</span></td><td>${esc(r.rule.enforcementLevel)}</td><td></td><td></td></tr>`,
      );
      continue;
    }
    r.entries.forEach((e, i) => {
      // A pass's message is the rule's description, already shown: only other messages are repeated.
      const message = e.status === "pass" && e.message === r.rule.description ? "" : e.message;
      rows.push(
        `<tr class="${e.status}">${i === 0 ? ruleCell : ""}<td title="${esc(e.urn ?? "")}"><span class="mono">${esc(e.resourceName ?? "(stack)")}</span>` +
          `${e.type ? `<div class="rule-desc mono">${esc(e.type)}</div>` : ""}</td>` +
          `<td><span class="badge ${e.status}">${STATUS_LABEL[e.status]}</span></td><td>${esc(e.enforcementLevel)}<div class="rule-desc">${esc(e.severity)}</div></td>` +
          `<td class="evidence">${evidenceHtml(e.evidence)}</td><td>${esc(message)}</td></tr>`,
      );
    });
  }
  return `<section class="card control" data-control="${esc(c.citation)}">
<div class="control-head"><h3>${esc(c.citation)} ${esc(c.name)}</h3><span class="badge ${c.status === "not-applicable" ? "na" : c.status}">${esc(CONTROL_LABEL[c.status])}</span><span class="rule-desc">${c.counts.pass} pass · ${c.counts.fail} fail · ${c.counts.notApplicable} n/a</span></div>
<table><colgroup><col style="width:20%"><col style="width:20%"><col style="width:7%"><col style="width:9%"><col style="width:26%"><col style="width:18%"></colgroup>
<thead><tr><th>Rule</th><th>Resource</th><th>Status</th><th>Level</th><th>Evidence</th><th>Message</th></tr></thead>
<tbody>${rows.join("")}</tbody></table>
</section>`;
}
