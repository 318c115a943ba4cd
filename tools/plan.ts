/**
 * `npm run plan -- --stack <dev|prod> [--json <file>] [--instances <n>] [--policy-config <file>] [--quiet]`
 *
 * The offline plan: the real program under realistic mocks, the whole policy pack over every resource
 * and the stack, and the AWS acceptance preflight. Prints the resource tree, counts and violations; exit 1
 * when a mandatory rule fails or a preflight rule finds an error-level violation, 2 on a usage or input error.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { checkOutputFile, flag, parseArgs, runCli, UsageError } from "./lib/cli";
import { readPolicyConfig } from "./lib/pack";
import { availableStacks, isPlanResultText, planExitCode, runPlan } from "./lib/planRun";
import { renderPlanText } from "./lib/planText";
import { progress } from "./lib/progress";
import { quietErrors } from "./lib/quietErrors";

quietErrors();

const USAGE =
  "usage: npm run plan -- --stack <dev|prod> [--json <file>] [--instances <n>] [--policy-config <file>] [--quiet]";

runCli("plan", async () => {
  const args = parseArgs(
    process.argv.slice(2),
    { values: ["stack", "json", "instances", "policy-config"], switches: ["quiet", "help"] },
    USAGE,
  );
  if (args.flags.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (args.positionals.length > 0)
    throw new UsageError(`unexpected argument ${args.positionals[0]}. ${USAGE}`);
  const stack = flag(args, "stack");
  if (!stack) throw new UsageError(`--stack is required (one of: ${availableStacks().join(", ")}). ${USAGE}`);
  const instancesFlag = flag(args, "instances");
  const instances = instancesFlag === undefined ? undefined : Number(instancesFlag);
  const configFile = flag(args, "policy-config");
  const json = flag(args, "json");
  if (json) checkOutputFile("--json", json, isPlanResultText, "a previous plan output");
  const p = progress("plan", { quiet: args.flags.quiet === true });
  let plan: Awaited<ReturnType<typeof runPlan>>;
  try {
    plan = await runPlan({
      stack,
      ...(instances !== undefined ? { instances } : {}),
      ...(configFile ? { policyConfig: readPolicyConfig(configFile) } : {}),
      onProgress: (m) => p.step(m),
    });
  } finally {
    p.done();
  }
  for (const w of plan.programWarnings ?? []) process.stderr.write(`plan: warning: ${w}\n`);
  if (json) {
    try {
      mkdirSync(path.dirname(path.resolve(json)), { recursive: true });
      writeFileSync(json, `${JSON.stringify(plan, null, 2)}\n`);
    } catch (e) {
      throw new UsageError(
        `--json ${json}: cannot write (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
      );
    }
  }
  process.stdout.write(
    renderPlanText(plan, { color: process.stdout.isTTY === true && !process.env.NO_COLOR }),
  );
  if (json) process.stderr.write(`plan: wrote ${json}\n`);
  return planExitCode(plan);
});
