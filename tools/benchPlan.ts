/**
 * `npm run bench:plan [-- --runs <n>] [--sizes 1,10,50] [--no-cdk]`
 *
 * Wall time and peak memory of the offline plan, each run in a fresh Node process:
 * - `plan CLI prod`: the whole `tools/plan.ts --stack prod` process, launched as `npm run plan` does
 *   (tools/run.cjs: our TypeScript bundled once by esbuild, V8 code cache, young generation 4 MiB) and,
 *   for comparison, through tsx's CLI with no bundle; wall time here, peak RSS from /usr/bin/time when
 *   installed;
 * - `prod (in-process)` and `prod × N db`: the plan measured inside the process after the imports
 *   (program under mocks + the full pack), plus the import cost; launched as `npm run plan` does;
 * - the cdk-nag baseline, when `bench/cdk/node_modules` is installed (`npm ci --prefix bench/cdk`): the
 *   equivalent prod stack in AWS CDK, `Aspects.of(app).add(new HIPAASecurityChecks())` and `app.synth()`
 *   (`bench/cdk/synth.js`), measured the same way.
 * Samples are taken in rounds (one of each scenario per round: ours, cdk, ours, cdk, ...) so load affects
 * all alike. Prints medians, the ratios ours/cdk computed from those medians of this run (no ratio when
 * the baseline is not measured), and the per-database cost to check it grows linearly.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import * as path from "node:path";
import { findRepoRoot } from "../testing/repoRoot";
import {
  baselineSkipReason,
  CDK_DIR,
  CDK_SCRIPT,
  type CdkReport,
  interleaved,
  parseCdkReport,
  ratio,
} from "./lib/benchBaseline";
import { linearFit, median, table } from "./lib/benchStats";
import { flag, parseArgs, runCli, UsageError } from "./lib/cli";

const ROOT = findRepoRoot(__dirname);
const TIME = "/usr/bin/time";
const USAGE = "usage: npm run bench:plan -- [--runs <n>] [--sizes 1,10,50] [--no-cdk]";
/** The ratio `npm run plan` should reach against the cdk-nag baseline, wall time and peak RSS. */
const TARGET_RATIO = 0.5;

interface Sample {
  wallMs: number;
  rssMiB: number;
  importMs?: number;
  planMs?: number;
  resources?: number;
  cdk?: CdkReport;
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

/** One cdk-nag baseline run: `node bench/cdk/synth.js`, a fresh process measured like ours. */
async function sampleCdk(): Promise<Sample> {
  const r = await measure([CDK_SCRIPT]);
  if (r.code !== 0) throw new Error(`${CDK_SCRIPT} exited ${r.code}`);
  const cdk = parseCdkReport(r.stdout);
  return { wallMs: r.wallMs, rssMiB: r.rssMiB ?? cdk.maxRssMiB, resources: cdk.resources, cdk };
}

/** "aws-cdk-lib 2.x.y, cdk-nag 2.x.y" as installed under bench/cdk. */
function cdkVersions(): string {
  return ["aws-cdk-lib", "cdk-nag"]
    .map((name) => {
      const pkg = path.join(ROOT, CDK_DIR, "node_modules", name, "package.json");
      return `${name} ${(JSON.parse(readFileSync(pkg, "utf8")) as { version: string }).version}`;
    })
    .join(", ");
}

const f0 = (n: number) => n.toFixed(0);
const f2 = (n: number) => n.toFixed(2);

runCli("bench:plan", async () => {
  const args = parseArgs(process.argv.slice(2), { values: ["runs", "sizes"], switches: ["no-cdk"] }, USAGE);
  const runs = Number(flag(args, "runs") ?? 5);
  if (!Number.isInteger(runs) || runs < 1)
    throw new UsageError(`--runs must be a positive integer. ${USAGE}`);
  const sizes = (flag(args, "sizes") ?? "1,10,50").split(",").map(Number);
  if (sizes.some((n) => !Number.isInteger(n) || n < 1) || sizes.length < 2) {
    throw new UsageError(`--sizes must list two or more positive integers. ${USAGE}`);
  }
  const skipCdk = baselineSkipReason(ROOT, args.flags["no-cdk"] === true);
  const tmp = mkdtempSync(path.join(tmpdir(), "bench-plan-"));
  const log = (m: string) => process.stderr.write(`bench:plan: ${m}\n`);
  log(
    `${runs} rounds, one fresh process per scenario each, interleaved; peak RSS from ` +
      `${existsSync(TIME) ? "/usr/bin/time" : "the child's resourceUsage"}`,
  );
  if (skipCdk) log(skipCdk);
  /** `comparable`: the same single-database prod stack as the baseline, so a ratio means something. */
  const ours: { label: string; n?: number; comparable: boolean; take: () => Promise<Sample> }[] = [
    ...Object.entries(LAUNCHERS).map(([label, launcher]) => ({
      label: `plan CLI prod: ${label}`,
      comparable: true,
      take: () => sampleCli(launcher, path.join(tmp, "plan.json")),
    })),
    { label: "prod (in-process)", comparable: true, take: () => sampleChild("prod") },
    ...sizes.map((n) => ({
      label: `prod × ${n} db`,
      n,
      comparable: n === 1,
      take: () => sampleChild("prod", n),
    })),
  ];
  const cdkLabel = "baseline: cdk synth + cdk-nag HIPAA (bench/cdk)";
  const scenarios = skipCdk
    ? ours
    : [...ours, { label: cdkLabel, comparable: false, take: sampleCdk } as (typeof ours)[number]];
  let samples: Sample[][];
  try {
    // One warm-up of each so the file cache (and tsx's transform cache) is filled, as it is for anyone
    // running either tool twice.
    await sampleChild("prod");
    if (!skipCdk) await sampleCdk();
    samples = await interleaved(
      runs,
      scenarios.map((s) => s.take),
      (round, s) => {
        if (s === scenarios.length - 1) log(`round ${round + 1}/${runs} done`);
      },
    );
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const med = samples.map((xs) => ({
    wall: median(xs.map((x) => x.wallMs)),
    rss: median(xs.map((x) => x.rssMiB)),
    plan: xs[0].planMs === undefined ? undefined : median(xs.map((x) => x.planMs ?? 0)),
    imp: xs[0].importMs === undefined ? undefined : median(xs.map((x) => x.importMs ?? 0)),
    resources: xs[0].resources,
  }));
  const base = skipCdk ? undefined : med[scenarios.length - 1];
  const rows: string[][] = [];
  const scaling: { n: number; planMs: number; rssMiB: number }[] = [];
  scenarios.forEach((s, i) => {
    const m = med[i];
    log(
      `${s.label}: wall ${f0(m.wall)} ms, rss ${f0(m.rss)} MiB${m.plan !== undefined ? `, plan ${f0(m.plan)} ms` : ""}`,
    );
    const row = [
      s.label,
      m.resources === undefined ? "" : String(m.resources),
      f0(m.wall),
      m.imp === undefined ? "" : f0(m.imp),
      m.plan === undefined ? "" : f0(m.plan),
      f0(m.rss),
    ];
    if (base)
      row.push(s.comparable ? ratio(m.wall, base.wall) : "", s.comparable ? ratio(m.rss, base.rss) : "");
    rows.push(row);
    if (s.n !== undefined && m.plan !== undefined) scaling.push({ n: s.n, planMs: m.plan, rssMiB: m.rss });
  });
  const out: string[] = [];
  out.push(
    `Offline plan benchmark: medians of ${runs} fresh processes per scenario, interleaved (node ${process.version}, ` +
      `${process.platform}/${process.arch}, ${cpus().length} CPUs, load average ${loadavg()
        .map((l) => l.toFixed(1))
        .join(" ")} at the end)`,
  );
  const header = ["scenario", "resources", "wall ms", "import ms", "plan ms", "peak RSS MiB"];
  out.push(table(base ? [...header, "wall/cdk", "rss/cdk"] : header, rows));
  if (base) {
    const report = samples[scenarios.length - 1][0].cdk!;
    out.push(
      `cdk-nag baseline measured in this run (${cdkVersions()}; node ${CDK_DIR}/synth.js: ${report.resources} ` +
        `CloudFormation resources, ${report.nagChecks} HIPAA checks, ${report.nagNonCompliant} non-compliant): ` +
        `median ${f0(base.wall)} ms, ${f0(base.rss)} MiB. Ratios are ours/cdk from these medians.`,
    );
    const ref = med[0];
    const wallR = ref.wall / base.wall;
    const rssR = ref.rss / base.rss;
    const verdict = (r: number) => (r <= TARGET_RATIO ? "met" : "NOT met");
    out.push(
      `Target ≤ ${TARGET_RATIO.toFixed(2)} for \`${scenarios[0].label}\`: wall ${f2(wallR)} (${verdict(wallR)}), ` +
        `peak RSS ${f2(rssR)} (${verdict(rssR)})`,
    );
  } else {
    out.push(skipCdk!);
  }
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
