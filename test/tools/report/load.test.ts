import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { loadInput } from "../../../tools/lib/report/load";
import { DB, RULES } from "./sample";

const events = readFileSync(path.join(__dirname, "../../fixtures/events-prod.ndjson"), "utf8");

describe("loadInput", () => {
  it("reads a plan result as is, with its stack, time, commit and pack", () => {
    const plan = {
      stack: "prod",
      generatedAt: "2026-01-02T03:04:05.000Z",
      gitCommit: "abc",
      packName: "verscienta-hipaa",
      packVersion: "0.1.0",
      resources: [],
      results: [
        {
          policy: "rdsStorageEncrypted",
          urn: DB,
          type: "aws:rds/instance:Instance",
          resourceName: "db-primary",
          status: "pass",
          enforcementLevel: "mandatory",
          severity: "critical",
          message: "ok",
          hipaa: ["164.312(a)(2)(iv)"],
          evidence: { storageEncrypted: true },
        },
      ],
    };
    const r = loadInput(JSON.stringify(plan), "plan.json", RULES);
    expect(r.meta).toEqual({
      source: "offline-plan",
      stack: "prod",
      evaluatedAt: "2026-01-02T03:04:05.000Z",
      gitCommit: "abc",
      packVersion: "0.1.0",
      packName: "verscienta-hipaa",
    });
    expect(r.entries).toEqual([{ ...plan.results[0], awsConfigRule: "rds-storage-encrypted" }]);
  });

  it("enriches a policy:check result from the pack metadata and reads names from URNs", () => {
    const check = {
      results: [
        {
          urn: DB,
          type: "aws:rds/instance:Instance",
          policy: "rdsMultiAz",
          status: "fail",
          enforcementLevel: "advisory",
          message: "m",
        },
      ],
    };
    const r = loadInput(JSON.stringify(check), "check.json", RULES);
    expect([r.meta.source, r.meta.stack]).toEqual(["policy-check", "prod"]);
    expect(r.entries).toEqual([
      {
        policy: "rdsMultiAz",
        status: "fail",
        urn: DB,
        type: "aws:rds/instance:Instance",
        resourceName: "db-primary",
        enforcementLevel: "advisory",
        severity: "medium",
        message: "m",
        hipaa: ["164.308(a)(7)(i)"],
      },
    ]);
  });

  it("reads an engine event log: verdicts, the rule's metadata, evidence from the logged inputs", () => {
    const rules = RULES.map((r) =>
      r.name === "rdsStorageEncrypted" ? { ...r, properties: ["storageEncrypted"] } : r,
    );
    const r = loadInput(events, "events.json", rules);
    expect(r.meta).toEqual({
      source: "event-log",
      stack: "prod",
      environment: "prod",
      isPreview: true,
      evaluatedAt: "2025-11-25T20:00:00.000Z",
      packName: "verscienta-hipaa",
      packVersion: "0.1.0",
    });
    expect(r.problems).toEqual([]);
    const fail = r.entries.find((e) => e.status === "fail" && e.policy === "rdsStorageEncrypted")!;
    expect([fail.enforcementLevel, fail.severity, fail.hipaa, fail.evidence]).toEqual([
      "mandatory",
      "critical",
      ["164.312(a)(2)(iv)"],
      { storageEncrypted: false },
    ]);
    const pass = r.entries.find((e) => e.status === "pass" && e.policy === "rdsMultiAz")!;
    expect([pass.enforcementLevel, pass.message]).toEqual(["advisory", "RDS has a standby in a second AZ."]);
  });

  it("takes an event log's evidence from the pack's evidence function when given one", () => {
    const seen: string[] = [];
    const r = loadInput(events, "events.json", RULES, {
      evidence: (policy, inputs) => {
        seen.push(policy);
        return { "exact[path]": inputs.storageEncrypted ?? null };
      },
    });
    const fail = r.entries.find((e) => e.status === "fail" && e.policy === "rdsStorageEncrypted")!;
    expect(fail.evidence).toEqual({ "exact[path]": false });
    expect(seen).toContain("rdsMultiAz");
  });

  it("fails when a plan has no resources or no verdicts: not complete, never a pass", () => {
    const empty = { stack: "prod", environment: "prod", resources: [], results: [] };
    expect(loadInput(JSON.stringify(empty), "plan.json", RULES).problems).toEqual([
      "the plan has no resources",
      "the input holds no verdicts (`results` is empty)",
    ]);
  });

  it("fails when an event log is cut before its policy events, even though what is left passes", () => {
    const cut = `${events.split("\n").slice(0, 7).join("\n")}\n`;
    const r = loadInput(cut, "events.json", RULES);
    expect(r.entries.map((e) => e.status)).toEqual(["pass", "pass", "pass", "pass"]);
    expect(r.problems).toContain(
      "pack verscienta-hipaa: 1 of 3 resources have no policy summary (policyAnalyzeSummaryEvent): verscienta-prod-replica-1-instance",
    );
  });

  it("carries a policy:check result's context and its own incompleteness", () => {
    const check = {
      stack: "dev",
      environment: "dev",
      policyConfig: { rdsMultiAz: { enforcementLevel: "advisory" } },
      resources: 0,
      incomplete: ["p.json has no resources (no step with a newState the stack keeps): nothing was checked"],
      results: [{ policy: "rdsAlarmCoverage", status: "pass" }],
    };
    const r = loadInput(JSON.stringify(check), "check.json", RULES);
    expect([r.meta.stack, r.meta.environment, r.meta.recordedPolicyConfig]).toEqual([
      "dev",
      "dev",
      { rdsMultiAz: { enforcementLevel: "advisory" } },
    ]);
    expect(r.problems).toEqual([
      "the checked preview has no resources",
      "p.json has no resources (no step with a newState the stack keeps): nothing was checked",
    ]);
  });

  it("fails when given a preview document, saying what to run first", () => {
    expect(() => loadInput('{"steps":[]}', "preview.json", RULES)).toThrow(
      "preview.json: this is a `pulumi preview --json` document; run `npm run policy:check -- --preview preview.json --format json > checked.json` and report on that",
    );
  });

  it("fails when the document has no results", () => {
    expect(() => loadInput('{"stack":"prod"}', "x.json", RULES)).toThrow(
      /^x\.json: no `results` array; expected a plan result/,
    );
  });

  it("fails when a verdict has an unknown status, naming its index", () => {
    const bad = {
      results: [
        { policy: "rdsMultiAz", status: "pass" },
        { policy: "rdsMultiAz", status: "ok" },
      ],
    };
    expect(() => loadInput(JSON.stringify(bad), "x.json", RULES)).toThrow(
      'x.json: results[1].status is the string "ok"; expected one of pass, fail, not-applicable',
    );
  });

  it("fails when the file is empty", () => {
    expect(() => loadInput(" \n", "x.json", RULES)).toThrow(/^x\.json: empty; expected/);
  });

  it("fails when the text is neither JSON nor an event log", () => {
    expect(() => loadInput("hello\n", "x.txt", RULES)).toThrow(/^x\.txt:1: not valid JSON/);
  });
});
