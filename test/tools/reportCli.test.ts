/**
 * `npm run report` as a process: the exit code is the verdict (0 pass, 1 fail, 2 usage, 3 incomplete),
 * a --stack that contradicts the input is refused, and a bad --out is an error, never a hang.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "../..");
const tmp = mkdtempSync(path.join(tmpdir(), "report-cli-"));
const EVENTS = path.join(ROOT, "test/fixtures/events-prod.ndjson");
const report = (...args: string[]) => {
  // A hard limit and SIGKILL: the --out /proc/x bug spun in C++ and ignored SIGTERM.
  const r = spawnSync(process.execPath, ["--require", "tsx/cjs", "tools/report.ts", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, PLAN_DEBUG: undefined, NO_COLOR: "1" },
    timeout: 30_000,
    killSignal: "SIGKILL",
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
};

describe("report exit codes", () => {
  it("exits 3 and writes INCOMPLETE in every file for an event log cut before its policy events", () => {
    const cut = path.join(tmp, "cut.ndjson");
    writeFileSync(cut, `${readFileSync(EVENTS, "utf8").split("\n").slice(0, 7).join("\n")}\n`);
    const out = path.join(tmp, "cut");
    const r = report(cut, "--out", out);
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/^report: INCOMPLETE: 4 passed, 0 failed/);
    const file = (f: string) => readFileSync(path.join(out, f), "utf8");
    expect(file("hipaa-report.md")).toContain("**INCOMPLETE**");
    expect(file("hipaa-report.html")).toContain('data-verdict="incomplete"');
    expect(JSON.parse(file("hipaa-report.json")).verdict).toBe("incomplete");
    expect(JSON.parse(file("hipaa-report.sarif")).runs[0].invocations[0].executionSuccessful).toBe(false);
    expect(file("hipaa-report.junit.xml")).toContain('type="incomplete"');
  });

  it("refuses a --stack that contradicts the input with exit 2 and one line, writing nothing", () => {
    const out = path.join(tmp, "mismatch");
    const r = report(EVENTS, "--out", out, "--stack", "dev");
    expect([r.code, r.stderr]).toEqual([
      2,
      "report: error: --stack dev contradicts the input: events-prod.ndjson holds verdicts for stack prod. Drop --stack, or report on stack dev's own plan, check or event log.\n",
    ]);
    expect(existsSync(out)).toBe(false);
  });

  it("refuses --out under /proc with exit 2 and a clear error, instead of spinning", () => {
    const r = report(EVENTS, "--out", "/proc/x");
    expect([r.signal, r.code, r.stderr]).toEqual([
      null,
      2,
      "report: error: --out /proc/x: cannot create the directory /proc/x (ENOENT); give a writable directory, e.g. artifacts/report\n",
    ]);
  });

  it("refuses --out below a regular file", () => {
    const r = report(EVENTS, "--out", path.join(ROOT, "package.json", "x"));
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `report: error: --out ${path.join(ROOT, "package.json", "x")}: ${path.join(ROOT, "package.json")} exists and is not a directory\n`,
    );
  });
});
