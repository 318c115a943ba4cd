/**
 * One measured offline plan, in a fresh process (spawned by tools/benchPlan.ts): times the imports and
 * the plan itself, then prints one JSON line with the timings and the process's peak RSS.
 * Args: `<stack> [instances]`. On failure: one line on stderr, exit 2.
 */
import { quietErrors } from "./quietErrors";

quietErrors();
const t0 = performance.now();
// Loaded here, not imported at the top, so the import cost is measured apart from the plan.
const { runPlan } = require("./planRun") as typeof import("./planRun");
const t1 = performance.now();
const [stack, n] = process.argv.slice(2);
runPlan({ stack, ...(n ? { instances: Number(n) } : {}), commit: null }).then(
  (plan) => {
    const t2 = performance.now();
    process.stdout.write(
      `${JSON.stringify({
        importMs: Math.round(t1 - t0),
        planMs: Math.round(t2 - t1),
        programMs: plan.timingsMs.program,
        policiesMs: plan.timingsMs.policies,
        resources: plan.summary.resources,
        results: plan.results.length,
        maxRssMiB: Math.round(process.resourceUsage().maxRSS / 1024),
      })}\n`,
    );
  },
  (e: unknown) => {
    process.stderr.write(`bench child: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exitCode = 2;
  },
);
