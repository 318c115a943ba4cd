import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { findRepoRoot } from "../../testing/repoRoot";
import {
  baselineSkipReason,
  CDK_INSTALL,
  interleaved,
  parseCdkReport,
  ratio,
} from "../../tools/lib/benchBaseline";

const ROOT = findRepoRoot(__dirname);
const read = (rel: string) => readFileSync(path.join(ROOT, rel), "utf8");

describe("the cdk-nag baseline is measured, never typed in", () => {
  const source = read("tools/benchPlan.ts");

  it("benchPlan has no baseline constant: no seconds or MiB figure for cdk in the code", () => {
    expect(source).not.toMatch(/\bCDK\s*=\s*\{/);
    expect(source).not.toMatch(/wallS|rssMiB:\s*\d/);
    expect(source).not.toMatch(/\b2\.4\s*s\b|\b450\s*MiB\b/);
  });

  it("benchPlan runs bench/cdk/synth.js and computes the ratios from this run's medians", () => {
    expect(source).toContain("sampleCdk");
    expect(source).toContain("interleaved(");
    expect(source).toMatch(/ratio\(m\.wall, base\.wall\)/);
    expect(source).toMatch(/ratio\(m\.rss, base\.rss\)/);
  });

  it("bench/cdk pins aws-cdk-lib, constructs and cdk-nag exactly, with its own lockfile", () => {
    const pkg = JSON.parse(read("bench/cdk/package.json")) as { dependencies: Record<string, string> };
    expect(Object.keys(pkg.dependencies).sort()).toEqual(["aws-cdk-lib", "cdk-nag", "constructs"]);
    for (const v of Object.values(pkg.dependencies)) expect(v).toMatch(/^\d+\.\d+\.\d+$/);
    const lock = JSON.parse(read("bench/cdk/package-lock.json")) as {
      packages: Record<string, { version?: string }>;
    };
    for (const [name, v] of Object.entries(pkg.dependencies)) {
      expect(lock.packages[`node_modules/${name}`]?.version).toBe(v);
    }
  });

  it("is not a dependency of the root project: root npm ci installs none of it", () => {
    const pkg = JSON.parse(read("package.json")) as Record<string, Record<string, string> | undefined>;
    const lock = read("package-lock.json");
    for (const name of ["aws-cdk-lib", "cdk-nag"]) {
      expect(pkg.dependencies?.[name]).toBeUndefined();
      expect(pkg.devDependencies?.[name]).toBeUndefined();
      expect(lock).not.toContain(`"node_modules/${name}"`);
    }
    expect(read(".gitignore").split("\n")).toContain("bench/cdk/node_modules/");
  });
});

describe("baselineSkipReason", () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it("says how to install the baseline when bench/cdk/node_modules is missing", () => {
    dir = mkdtempSync(path.join(tmpdir(), "bench-baseline-"));
    expect(baselineSkipReason(dir, false)).toContain(CDK_INSTALL);
    expect(CDK_INSTALL).toBe("npm ci --prefix bench/cdk");
  });

  it("measures it when installed, unless --no-cdk", () => {
    dir = mkdtempSync(path.join(tmpdir(), "bench-baseline-"));
    mkdirSync(path.join(dir, "bench", "cdk", "node_modules"), { recursive: true });
    expect(baselineSkipReason(dir, false)).toBeUndefined();
    expect(baselineSkipReason(dir, true)).toContain("--no-cdk");
  });
});

describe("parseCdkReport", () => {
  it("reads the last JSON line of synth.js", () => {
    const out = 'noise\n{"resources":136,"nagChecks":132,"nagNonCompliant":6,"maxRssMiB":470}\n';
    expect(parseCdkReport(out)).toEqual({
      resources: 136,
      nagChecks: 132,
      nagNonCompliant: 6,
      maxRssMiB: 470,
    });
  });
  it("fails on output that is not its report", () => {
    expect(() => parseCdkReport("Error: boom\n")).toThrow("printed no JSON line");
    expect(() => parseCdkReport('{"resources":1}')).toThrow('no number for "nagChecks"');
  });
});

describe("interleaved", () => {
  it("takes one sample of each scenario per round, in turn", async () => {
    const order: string[] = [];
    const take = (name: string) => async () => {
      order.push(name);
      return order.length;
    };
    const samples = await interleaved(3, [take("ours"), take("cdk")]);
    expect(order).toEqual(["ours", "cdk", "ours", "cdk", "ours", "cdk"]);
    expect(samples).toEqual([
      [1, 3, 5],
      [2, 4, 6],
    ]);
  });
});

describe("ratio", () => {
  it("divides ours by the measured baseline", () => {
    expect(ratio(1200, 2400)).toBe("0.50");
  });
  it("prints nothing without a measured baseline", () => {
    expect(ratio(1200, undefined)).toBe("");
    expect(ratio(1200, Number.NaN)).toBe("");
    expect(ratio(Number.NaN, 2400)).toBe("");
  });
});
