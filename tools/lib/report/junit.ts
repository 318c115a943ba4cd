/**
 * JUnit XML for CI test tabs: one `<testsuite>` per HIPAA control, one `<testcase>` per rule × resource
 * (`classname` = control, `name` = rule › resource); failures carry the message and evidence; not
 * applicable verdicts are `<skipped>`. A verdict whose rule cites several controls appears in each.
 */
import { evidenceText, type Report, VERDICT_LABEL } from "./model";

/** Escapes text for XML content and attributes, dropping characters XML 1.0 cannot carry. */
export function xmlEsc(s: string): string {
  return (
    s
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing the control characters XML forbids
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "")
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      .replace(/'/g, "&apos;")
  );
}

export function renderJunit(report: Report): string {
  const suites: string[] = [];
  let tests = 0;
  let failures = 0;
  let skipped = 0;
  for (const c of report.controls) {
    const cases: string[] = [];
    for (const r of c.rules) {
      for (const e of r.entries) {
        const name = `${e.policy} › ${e.resourceName ?? "stack"}`;
        const attrs = `name="${xmlEsc(name)}" classname="${xmlEsc(`${c.citation} ${c.name}`)}"`;
        if (e.status === "pass") cases.push(`    <testcase ${attrs}/>`);
        else if (e.status === "not-applicable") {
          cases.push(
            `    <testcase ${attrs}>\n      <skipped message="${xmlEsc(e.message)}"/>\n    </testcase>`,
          );
        } else {
          const body = [
            `${e.message}`,
            `urn: ${e.urn ?? "(stack)"}`,
            `evidence: ${evidenceText(e.evidence)}`,
          ].join("\n");
          cases.push(
            `    <testcase ${attrs}>\n      <failure message="${xmlEsc(e.message)}" type="${xmlEsc(e.enforcementLevel)}">${xmlEsc(body)}</failure>\n    </testcase>`,
          );
        }
      }
    }
    const t = c.counts.pass + c.counts.fail + c.counts.notApplicable;
    tests += t;
    failures += c.counts.fail;
    skipped += c.counts.notApplicable;
    suites.push(
      `  <testsuite name="${xmlEsc(`HIPAA ${c.citation} ${c.name}`)}" tests="${t}" failures="${c.counts.fail}" errors="0" skipped="${c.counts.notApplicable}"${report.meta.evaluatedAt ? ` timestamp="${xmlEsc(report.meta.evaluatedAt)}"` : ""}>\n${cases.join("\n")}${cases.length ? "\n" : ""}  </testsuite>`,
    );
  }
  // Completeness is a suite of its own: an incomplete input is an error (the check could not run to
  // the end), not a failure of a rule, so CI test tabs show it apart from the verdicts.
  const m = report.meta;
  const props: [string, string | undefined][] = [
    ["verdict", report.verdict],
    ["stack", m.stack],
    ["environment", m.environment],
    ["evidence", m.evidence],
    ["policyConfig", m.policyConfig?.origin],
    ["relaxations", m.policyConfig?.relaxations.join("; ")],
  ];
  const propXml = props
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `      <property name="${k}" value="${xmlEsc(v ?? "")}"/>`)
    .join("\n");
  const completeness =
    report.incomplete.length === 0
      ? ['    <testcase name="the input is a complete record of the run" classname="evidence completeness"/>']
      : report.incomplete.map(
          (p) =>
            `    <testcase name="${xmlEsc(`INCOMPLETE › ${p}`)}" classname="evidence completeness">\n      <error message="${xmlEsc(p)}" type="incomplete"/>\n    </testcase>`,
        );
  const errors = report.incomplete.length;
  suites.unshift(
    `  <testsuite name="Evidence completeness: ${xmlEsc(VERDICT_LABEL[report.verdict])}" tests="${completeness.length}" failures="0" errors="${errors}" skipped="0">\n    <properties>\n${propXml}\n    </properties>\n${completeness.join("\n")}\n  </testsuite>`,
  );
  tests += completeness.length;
  const name = `HIPAA policy pack ${report.meta.packName}${report.meta.stack ? ` on ${report.meta.stack}` : ""}`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${xmlEsc(name)}" tests="${tests}" failures="${failures}" errors="${errors}" skipped="${skipped}">\n${suites.join("\n")}\n</testsuites>\n`;
}
