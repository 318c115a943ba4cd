/**
 * The CLIs as processes: exit codes, one-line errors (never a stack trace), files written. Launched the
 * way the npm scripts run them, through tsx.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "../..");
const tmp = mkdtempSync(path.join(tmpdir(), "cli-test-"));
const run = (script: string, ...args: string[]) => {
  const r = spawnSync(process.execPath, ["--require", "tsx/cjs", `tools/${script}.ts`, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};

describe("plan", () => {
  it("exits 2 with one line when the stack does not exist", () => {
    const r = run("plan", "--stack", "staging");
    expect([r.code, r.stderr]).toEqual([
      2,
      "plan: error: no stack file Pulumi.staging.yaml; available stacks: dev, prod\n",
    ]);
  });

  it("exits 2 with one line on an unknown option", () => {
    const r = run("plan", "--stack", "prod", "--jsn", "x");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(
      /^plan: error: unknown option --jsn\. usage: npm run plan -- --stack <dev\|prod>.*\n$/,
    );
  });
});

describe("policy:check", () => {
  it("exits 2 with one line naming the file when the preview is malformed", () => {
    const bad = path.join(tmp, "bad.json");
    writeFileSync(bad, '{"steps": "nope"}');
    const r = run("policyCheck", "--preview", bad);
    expect([r.code, r.stderr]).toEqual([
      2,
      `policy:check: error: ${bad}: \`steps\` is the string "nope"; expected an array of preview steps\n`,
    ]);
  });

  it("prints JSON verdicts and exits 1 when a mandatory rule fails", () => {
    const r = run("policyCheck", "--preview", "test/fixtures/preview-prod.json", "--format", "json");
    expect(r.code).toBe(1);
    const doc = JSON.parse(r.stdout) as { results: { status: string }[] };
    expect(Object.keys(doc)).toEqual(["results"]);
    expect(doc.results.some((x) => x.status === "fail")).toBe(true);
  });
});

describe("report", () => {
  it("writes the five formats from an event log", () => {
    const out = path.join(tmp, "report");
    const r = run("report", "test/fixtures/events-prod.ndjson", "--out", out);
    expect(r.code).toBe(0);
    for (const f of [
      "hipaa-report.md",
      "hipaa-report.html",
      "hipaa-report.json",
      "hipaa-report.sarif",
      "hipaa-report.junit.xml",
    ]) {
      expect(existsSync(path.join(out, f))).toBe(true);
    }
    const sarif = JSON.parse(readFileSync(path.join(out, "hipaa-report.sarif"), "utf8")) as {
      version: string;
      runs: { results: unknown[] }[];
    };
    expect([sarif.version, sarif.runs[0].results.length]).toEqual(["2.1.0", 2]);
  });

  it("exits 2 with one line when --out is missing", () => {
    const r = run("report", "test/fixtures/events-prod.ndjson");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^report: error: --out <dir> is required\. usage: .*\n$/);
  });

  it("exits 2 with one line when the input is not a report input", () => {
    const r = run("report", "package.json", "--out", path.join(tmp, "x"));
    expect([r.code, r.stderr]).toEqual([
      2,
      "report: error: package.json: no `results` array; expected a plan result (`npm run plan -- --json <file>`), a policy:check result (`npm run policy:check -- --format json`) or an engine event log (`pulumi preview --event-log <file>`)\n",
    ]);
  });
});
