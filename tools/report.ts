/**
 * `npm run report -- <input> --out <dir> [--stack <name>]`
 *
 * The auditor's report from an offline plan result, a policy:check JSON result or an engine event log:
 * Markdown and self-contained HTML (chart per HIPAA control, control → rule → resource matrix with
 * evidence), JSON, SARIF 2.1.0 and JUnit XML. Exit 0 when written (the verdicts are in the files),
 * 2 on a usage or input error.
 */
import * as path from "node:path";
import { flag, parseArgs, runCli, UsageError } from "./lib/cli";
import { readText } from "./lib/json";
import { gitCommit, PACK_NAME, packVersion } from "./lib/pack";
import { loadInput } from "./lib/report/load";
import { buildReport } from "./lib/report/model";
import { CONTROL_NAMES, packRules } from "./lib/report/packRules";
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
  const loaded = loadInput(readText(input), input, rules);
  const report = buildReport(
    {
      ...loaded.meta,
      input: path.basename(input),
      stack: flag(args, "stack") ?? loaded.meta.stack,
      generatedAt: new Date().toISOString(),
      gitCommit: loaded.meta.gitCommit ?? gitCommit(),
      packName: loaded.meta.packName ?? PACK_NAME,
      packVersion: loaded.meta.packVersion ?? packVersion(),
    },
    loaded.entries,
    rules,
    CONTROL_NAMES,
  );
  const files = writeReport(report, out);
  const s = report.summary;
  process.stdout.write(
    `report: ${s.pass} passed, ${s.fail} failed (${s.mandatoryFail} mandatory), ${s.notApplicable} n/a over ${s.resources} resources and ${s.controls} HIPAA controls\n`,
  );
  for (const f of Object.values(files)) process.stdout.write(`  ${f}\n`);
  return 0;
});
