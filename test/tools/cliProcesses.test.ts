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
const runWith = (env: NodeJS.ProcessEnv, script: string, ...args: string[]) => {
  const r = spawnSync(process.execPath, ["--require", "tsx/cjs", `tools/${script}.ts`, ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, PLAN_DEBUG: undefined, NO_COLOR: "1", ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
};
const run = (script: string, ...args: string[]) => runWith({}, script, ...args);

describe("plan", () => {
  it("exits 2 with one line when the stack does not exist", () => {
    const r = run("plan", "--stack", "staging");
    expect([r.code, r.stderr]).toEqual([
      2,
      "plan: error: no stack file Pulumi.staging.yaml; available stacks: dev, prod\n",
    ]);
  });

  it("prints the source-mapped stack after the message when PLAN_DEBUG=1", () => {
    const r = runWith({ PLAN_DEBUG: "1" }, "plan", "--stack", "staging");
    const lines = r.stderr.split("\n");
    expect([r.code, lines[0], lines[1]]).toEqual([
      2,
      "plan: error: no stack file Pulumi.staging.yaml; available stacks: dev, prod",
      "UsageError: no stack file Pulumi.staging.yaml; available stacks: dev, prod",
    ]);
    expect(lines[2]).toMatch(/^ {4}at runPlan \(.*tools\/lib\/planRun\.ts:\d+:\d+\)$/);
  });

  it("refuses a repeated --stack instead of planning the last one", () => {
    const r = run("plan", "--stack", "prod", "--stack", "dev");
    expect([r.code, r.stdout]).toEqual([2, ""]);
    expect(r.stderr).toMatch(
      /^plan: error: --stack is given twice \("prod", then "dev"\); give it once\. usage: .*\n$/,
    );
  });

  it("refuses --json onto a stack file and leaves the file as it was", () => {
    const before = readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8");
    const r = run("plan", "--stack", "prod", "--json", "Pulumi.prod.yaml");
    expect([r.code, r.stdout, r.stderr]).toEqual([
      2,
      "",
      "plan: error: --json Pulumi.prod.yaml: refusing to write over a Pulumi project or stack file. Give a new .json path, e.g. artifacts/plan.json.\n",
    ]);
    expect(readFileSync(path.join(ROOT, "Pulumi.prod.yaml"), "utf8")).toBe(before);
  });

  it("refuses --json onto an existing file that is not a plan output", () => {
    const notes = path.join(tmp, "notes.json");
    writeFileSync(notes, '{"keep": "me"}\n');
    const r = run("plan", "--stack", "prod", "--json", notes);
    expect([r.code, r.stderr]).toEqual([
      2,
      `plan: error: --json ${notes}: the file exists and is not a previous plan output; refusing to overwrite it. Give a new path, or delete the file first if you mean to replace it.\n`,
    ]);
    expect(readFileSync(notes, "utf8")).toBe('{"keep": "me"}\n');
  });

  it("overwrites its own previous output, and prints the program's warnings once each", () => {
    const out = path.join(tmp, "plan-dev.json");
    const first = run("plan", "--stack", "dev", "--quiet", "--json", out);
    const second = run("plan", "--stack", "dev", "--quiet", "--json", out);
    expect([first.code, second.code]).toEqual([0, 0]);
    const doc = JSON.parse(readFileSync(out, "utf8")) as { stack: string; programWarnings: string[] };
    expect(doc.stack).toBe("dev");
    expect(doc.programWarnings).toHaveLength(4);
    const warnings = second.stderr.split("\n").filter((l) => l.includes("warning"));
    expect(warnings).toEqual(doc.programWarnings.map((w) => `plan: warning: ${w}`));
    expect(warnings[0]).toBe(
      "plan: warning: dev relaxation in effect: multiAz=false: single AZ (weakens HIPAA 164.308(a)(7) contingency plan). prod refuses it.",
    );
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
    expect(Object.keys(doc)).toEqual([
      "stack",
      "environment",
      "policyConfig",
      "resources",
      "incomplete",
      "results",
    ]);
    expect(doc.results.some((x) => x.status === "fail")).toBe(true);
  });
});

describe("report", () => {
  it("writes the five formats from an event log, and exits 1 for its FAIL", () => {
    const out = path.join(tmp, "report");
    const r = run("report", "test/fixtures/events-prod.ndjson", "--out", out);
    expect(r.code).toBe(1);
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
