/**
 * The cdk-nag baseline of `npm run bench:plan`: whether it can be measured here, how it is run, and the
 * ratios of our medians to its medians from the same run. The baseline is never a number in the code:
 * it is `bench/cdk/synth.js` (its own package.json and lockfile, not a dependency of this project),
 * launched as fresh processes interleaved with ours.
 */
import { existsSync } from "node:fs";
import * as path from "node:path";

/** Where the baseline app lives, relative to the repository root. */
export const CDK_DIR = path.join("bench", "cdk");
export const CDK_SCRIPT = path.join(CDK_DIR, "synth.js");
export const CDK_INSTALL = "npm ci --prefix bench/cdk";

/** Why the baseline is not measured in this run, or undefined when it is. */
export function baselineSkipReason(root: string, noCdk: boolean): string | undefined {
  if (noCdk) return "cdk-nag baseline skipped (--no-cdk): no ratio printed.";
  if (!existsSync(path.join(root, CDK_DIR, "node_modules"))) {
    return `cdk-nag baseline not installed, so no ratio is printed; install it with \`${CDK_INSTALL}\` and run again.`;
  }
  return undefined;
}

/** What `bench/cdk/synth.js` prints on its last stdout line. */
export interface CdkReport {
  readonly resources: number;
  readonly nagChecks: number;
  readonly nagNonCompliant: number;
  readonly maxRssMiB: number;
}

export function parseCdkReport(stdout: string): CdkReport {
  const last = stdout.trim().split("\n").pop() ?? "";
  let j: Partial<Record<keyof CdkReport, unknown>>;
  try {
    j = JSON.parse(last) as typeof j;
  } catch {
    throw new Error(`${CDK_SCRIPT} printed no JSON line (last line: ${JSON.stringify(last.slice(0, 200))})`);
  }
  const keys = ["resources", "nagChecks", "nagNonCompliant", "maxRssMiB"] as const;
  for (const k of keys) {
    if (typeof j[k] !== "number") throw new Error(`${CDK_SCRIPT} printed no number for "${k}": ${last}`);
  }
  return j as CdkReport;
}

/**
 * Every scenario's samples taken in rounds (round i takes sample i of each scenario in turn: ours, cdk,
 * ours, cdk, ...), so a change of machine load during the run affects every scenario alike.
 */
export async function interleaved<T>(
  runs: number,
  takers: readonly (() => Promise<T>)[],
  onSample?: (round: number, scenario: number, sample: T) => void,
): Promise<T[][]> {
  const out: T[][] = takers.map(() => []);
  for (let round = 0; round < runs; round++) {
    for (let s = 0; s < takers.length; s++) {
      const sample = await takers[s]();
      out[s].push(sample);
      onSample?.(round, s, sample);
    }
  }
  return out;
}

/** ours / baseline, two decimals; empty when there is no baseline (never a made-up denominator). */
export function ratio(ours: number, baseline: number | undefined): string {
  if (baseline === undefined || !Number.isFinite(baseline) || baseline <= 0 || !Number.isFinite(ours))
    return "";
  return (ours / baseline).toFixed(2);
}
