/**
 * `npm run bench:plan [-- --runs <n>] [--sizes 1,10,50]`
 *
 * Wall time and peak memory of the offline plan, each run in a fresh Node process:
 * - `plan CLI prod`: the whole `tools/plan.ts --stack prod` process, launched as `npm run plan` does
 *   (tools/run.cjs: our TypeScript bundled once by esbuild, V8 code cache, young generation 4 MiB) and,
 *   for comparison, through tsx's CLI with no bundle; wall time here, peak RSS from /usr/bin/time when
 *   installed;
 * - `prod (in-process)` and `prod × N db`: the plan measured inside the process after the imports
 *   (program under mocks + the full pack), plus the import cost; launched as `npm run plan` does.
 * Prints medians, the ratio to the cdk-nag baseline (cdk synth + HIPAA pack for an equivalent RDS
 * stack on this machine: 2.4 s, 450 MiB) and the per-database cost to check it grows linearly.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import * as path from "node:path";
import { findRepoRoot } from "../testing/repoRoot";
import { linearFit, median, table } from "./lib/benchStats";
import { flag, parseArgs, runCli, UsageError } from "./lib/cli";

const ROOT = findRepoRoot(__dirname);
const CDK = { wallS: 2.4, rssMiB: 450 };
const TIME = "/usr/bin/time";
const USAGE = "usage: npm run bench:plan -- [--runs <n>] [--sizes 1,10,50]";

interface Sample {
  wallMs: number;
  rssMiB: number;
  importMs?: number;
  planMs?: number;
  resources?: number;
}

/** Runs a node process, measuring wall time here and peak RSS with /usr/bin/time -f %M (KiB). */
function measure(args: string[]): Promise<{ wallMs: number; rssMiB?: number; stdout: string; code: number }> {
  const useTime = existsSync(TIME);
  const cmd = useTime ? TIME : process.execPath;
  const argv = useTime ? ["-f", "BENCH_MAXRSS_KB=%M", process.execPath, ...args] : args;
  return new Promise((resolve, reject) => {
    const start = performance.now();
    const child = spawn(cmd, argv, { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => {
      const wallMs = performance.now() - start;
      const kb = /BENCH_MAXRSS_KB=(\d+)/.exec(stderr)?.[1];
      if (code !== 0 && code !== 1)
        reject(new Error(`${args.join(" ")} exited ${code}: ${stderr.trim().split("\n").pop()}`));
      else resolve({ wallMs, rssMiB: kb ? Number(kb) / 1024 : undefined, stdout, code: code ?? 0 });
    });
  });
}

/** How the plan is launched: the npm script (tsx's CLI), tsx's CommonJS hook, and that plus a smaller young generation. */
const LAUNCHERS: Record<string, string[]> = {
  "npm run plan (bundled launcher)": ["--max-semi-space-size=4", "tools/run.cjs"],
  "tsx CLI (no bundle)": [path.join("node_modules", "tsx", "dist", "cli.mjs")],
};
const TUNED = LAUNCHERS["npm run plan (bundled launcher)"];

async function sampleCli(launcher: string[], outFile: string): Promise<Sample> {
  const r = await measure([...launcher, "tools/plan.ts", "--stack", "prod", "--quiet", "--json", outFile]);
  return { wallMs: r.wallMs, rssMiB: r.rssMiB ?? Number.NaN };
}

async function sampleChild(stack: string, instances?: number): Promise<Sample> {
  const r = await measure([
    ...TUNED,
    "tools/lib/benchChild.ts",
    stack,
    ...(instances ? [String(instances)] : []),
  ]);
  const j = JSON.parse(r.stdout.trim().split("\n").pop() ?? "{}") as {
    importMs: number;
    planMs: number;
    resources: number;
    maxRssMiB: number;
  };
  return {
    wallMs: r.wallMs,
    rssMiB: r.rssMiB ?? j.maxRssMiB,
    importMs: j.importMs,
    planMs: j.planMs,
    resources: j.resources,
  };
}

const f0 = (n: number) => n.toFixed(0);
const f2 = (n: number) => n.toFixed(2);

runCli("bench:plan", async () => {
  const args = parseArgs(process.argv.slice(2), { values: ["runs", "sizes"] }, USAGE);
  const runs = Number(flag(args, "runs") ?? 5);
  if (!Number.isInteger(runs) || runs < 1)
    throw new UsageError(`--runs must be a positive integer. ${USAGE}`);
  const sizes = (flag(args, "sizes") ?? "1,10,50").split(",").map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1) || sizes.length < 2) {
    throw new UsageError(`--sizes must list two or more positive integers. ${USAGE}`);
  }
  const tmp = mkdtempSync(path.join(tmpdir(), "bench-plan-"));
  const log = (m: string) => process.stderr.write(`bench:plan: ${m}\n`);
  log(`${runs} runs each; peak RSS from ${existsSync(TIME) ? "/usr/bin/time" : "the child's resourceUsage"}`);
  const scenarios: { label: string; n?: number; take: () => Promise<Sample> }[] = [
    ...Object.entries(LAUNCHERS).map(([label, launcher]) => ({
      label: `plan CLI prod: ${label}`,
      take: () => sampleCli(launcher, path.join(tmp, "plan.json")),
    })),
    { label: "prod (in-process)", take: () => sampleChild("prod") },
    ...sizes.map((n) => ({ label: `prod × ${n} db`, n, take: () => sampleChild("prod", n) })),
  ];
  const rows: string[][] = [];
  const scaling: { n: number; planMs: number; rssMiB: number }[] = [];
  try {
    // One warm-up so tsx's transform cache is filled, as it is for anyone running the plan twice.
    await sampleChild("prod");
    for (const s of scenarios) {
      const samples: Sample[] = [];
      for (let i = 0; i < runs; i++) samples.push(await s.take());
      const wall = median(samples.map((x) => x.wallMs));
      const rss = median(samples.map((x) => x.rssMiB));
      const plan = samples[0].planMs === undefined ? undefined : median(samples.map((x) => x.planMs ?? 0));
      const imp = samples[0].importMs === undefined ? undefined : median(samples.map((x) => x.importMs ?? 0));
      log(
        `${s.label}: wall ${f0(wall)} ms, rss ${f0(rss)} MiB${plan !== undefined ? `, plan ${f0(plan)} ms` : ""}`,
      );
      rows.push([
        s.label,
        samples[0].resources === undefined ? "" : String(samples[0].resources),
        f0(wall),
        imp === undefined ? "" : f0(imp),
        plan === undefined ? "" : f0(plan),
        f0(rss),
        f2(wall / 1000 / CDK.wallS),
        f2(rss / CDK.rssMiB),
      ]);
      if (s.n !== undefined && plan !== undefined) scaling.push({ n: s.n, planMs: plan, rssMiB: rss });
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const out: string[] = [];
  out.push(
    `Offline plan benchmark: medians of ${runs} fresh processes (node ${process.version}, ${process.platform}/${process.arch}, ` +
      `${cpus().length} CPUs, load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")} at the end)`,
  );
  out.push(
    table(
      ["scenario", "resources", "wall ms", "import ms", "plan ms", "peak RSS MiB", "wall/cdk", "rss/cdk"],
      rows,
    ),
  );
  out.push(
    `cdk-nag baseline (cdk synth + HIPAA pack, same machine): ${CDK.wallS} s, ${CDK.rssMiB} MiB; target ratio ≤ 0.50`,
  );
  const time = linearFit(
    scaling.map((s) => s.n),
    scaling.map((s) => s.planMs),
  );
  const mem = linearFit(
    scaling.map((s) => s.n),
    scaling.map((s) => s.rssMiB),
  );
  out.push(
    `Scaling over ${scaling.map((s) => s.n).join("/")} databases: plan time ≈ ${f0(time.intercept)} ms + ${f0(time.slope)} ms × N (R² ${time.r2.toFixed(4)}); ` +
      `peak RSS ≈ ${f0(mem.intercept)} MiB + ${f2(mem.slope)} MiB × N (R² ${mem.r2.toFixed(4)})`,
  );
  const perDb = scaling.map((s) => `${s.n}: ${f0(s.planMs / s.n)} ms/db`).join(", ");
  out.push(`Per-database plan time: ${perDb} (linear growth keeps this flat)`);
  process.stdout.write(`${out.join("\n")}\n`);
  return 0;
});
