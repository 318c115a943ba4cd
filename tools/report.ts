/**
 * `npm run report -- <input> --out <dir> [--stack <name>]`
 *
 * The auditor's report from an offline plan result, a policy:check JSON result or an engine event log:
 * Markdown and self-contained HTML (chart per HIPAA control, control → rule → resource matrix with
 * evidence), JSON, SARIF 2.1.0 and JUnit XML, each stating the stack, environment, policy config and
 * what the evidence is. The files are written in every case; the exit code is the verdict:
 * 0 PASS (advisory failures allowed), 1 FAIL (a mandatory rule failed), 2 usage or input error (nothing
 * written), 3 INCOMPLETE (no resources, or an event log cut short: no failure seen, but no pass proven).
 */
import * as path from "node:path";
import { MOCK_ACCOUNT } from "../testing/mockCloud";
import { flag, parseArgs, runCli, UsageError } from "./lib/cli";
import { readText } from "./lib/json";
import { gitCommit, PACK_NAME, packVersion, policyConfigFor } from "./lib/pack";
import { loadInput } from "./lib/report/load";
import { makeReport } from "./lib/report/make";
import { EXIT_CODES, VERDICT_LABEL } from "./lib/report/model";
import { CONTROL_NAMES, packEvidence, packRules } from "./lib/report/packRules";
import { writeReport } from "./lib/report/write";

const USAGE = "usage: npm run report -- <plan.json | check.json | events.json> --out <dir> [--stack <name>]";

runCli("report", async () => {
  const args = parseArgs(process.argv.slice(2), { values: ["out", "stack"], switches: ["help"] }, USAGE);
  if (args.flags.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const [input, ...extra] = args.positionals;
  if (!input) throw new UsageError(`an input file is required. ${USAGE}`);
  if (extra.length > 0) throw new UsageError(`unexpected argument ${extra[0]}. ${USAGE}`);
  const out = flag(args, "out");
  if (!out) throw new UsageError(`--out <dir> is required. ${USAGE}`);
  const rules = packRules();
  const loaded = loadInput(readText(input), input, rules, { evidence: packEvidence });
  const stack = flag(args, "stack");
  const report = makeReport(loaded, {
    input: path.basename(input),
    generatedAt: new Date().toISOString(),
    ...(stack ? { stack } : {}),
    rules,
    controlNames: CONTROL_NAMES,
    packName: PACK_NAME,
    packVersion: packVersion(),
    gitCommit: loaded.meta.gitCommit ?? gitCommit(),
    defaultPolicyConfig: policyConfigFor,
    ...(loaded.meta.source === "offline-plan" ? { mockAccount: MOCK_ACCOUNT } : {}),
  });
  const files = writeReport(report, out);
  const s = report.summary;
  process.stdout.write(
    `report: ${VERDICT_LABEL[report.verdict]}: ${s.pass} passed, ${s.fail} failed (${s.mandatoryFail} mandatory), ${s.notApplicable} n/a over ${s.resources} resources and ${s.controls} HIPAA controls (stack ${report.meta.stack ?? "unknown"}, environment ${report.meta.environment ?? "unknown"})\n`,
  );
  for (const p of report.incomplete) process.stdout.write(`  incomplete: ${p}\n`);
  for (const f of Object.values(files)) process.stdout.write(`  ${f}\n`);
  return EXIT_CODES[report.verdict];
});
