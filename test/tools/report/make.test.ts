import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { evidenceDescription, relaxationsOf } from "../../../tools/lib/report/context";
import { loadInput } from "../../../tools/lib/report/load";
import { makeReport } from "../../../tools/lib/report/make";
import type { RuleMeta } from "../../../tools/lib/report/model";
import { CONTROLS, DB, RULES } from "./sample";

const events = readFileSync(path.join(__dirname, "../../fixtures/events-prod.ndjson"), "utf8");
const DEV_CONFIG = {
  rdsMultiAz: "advisory",
  rdsBackupRetention: { enforcementLevel: "advisory", minimumDays: 7 },
};
const rules: RuleMeta[] = RULES.map((r) =>
  r.name === "rdsMultiAz" ? { ...r, enforcementLevel: "mandatory" as const } : r,
).concat({
  name: "rdsBackupRetention",
  description: "Backups are kept.",
  hipaa: ["164.308(a)(7)(i)"],
  severity: "high",
  enforcementLevel: "mandatory",
  remediation: "Keep them.",
  configDefaults: { minimumDays: 35 },
});
const opts = {
  generatedAt: "2026-01-02T03:05:00.000Z",
  rules,
  controlNames: CONTROLS,
  packName: "verscienta-hipaa",
  defaultPolicyConfig: (env: string) => (env === "dev" ? DEV_CONFIG : undefined),
};
const plan = (stack: string, environment: string) =>
  JSON.stringify({
    stack,
    environment,
    resources: [{ urn: DB }],
    results: [{ policy: "rdsStorageEncrypted", urn: DB, status: "pass" }],
  });

describe("makeReport", () => {
  it("refuses a --stack that contradicts the input", () => {
    const loaded = loadInput(plan("dev", "dev"), "plan-dev.json", rules);
    expect(() => makeReport(loaded, { ...opts, input: "plan-dev.json", stack: "prod" })).toThrow(
      "--stack prod contradicts the input: plan-dev.json holds verdicts for stack dev. Drop --stack, or report on stack prod's own plan, check or event log.",
    );
  });

  it("accepts a --stack that agrees, and uses it for an input that names none", () => {
    const loaded = loadInput(plan("dev", "dev"), "p.json", rules);
    expect(makeReport(loaded, { ...opts, input: "p.json", stack: "dev" }).meta.stack).toBe("dev");
    const anon = loadInput(
      JSON.stringify({ results: [{ policy: "rdsMultiAz", status: "pass" }] }),
      "c.json",
      rules,
    );
    expect(makeReport(anon, { ...opts, input: "c.json", stack: "prod" }).meta.stack).toBe("prod");
  });

  it("states the environment, that the evidence is a mock account's, and every relaxation of dev", () => {
    const loaded = loadInput(plan("dev", "dev"), "plan-dev.json", rules);
    const { meta } = makeReport(loaded, { ...opts, input: "plan-dev.json", mockAccount: "123456789012" });
    expect(meta.environment).toBe("dev");
    expect(meta.evidence).toBe(
      "offline plan: the program run under mocks on a mock AWS account (account 123456789012); ARNs, ids and endpoints are the mock's, not a real account's",
    );
    expect(meta.policyConfig).toEqual({
      origin:
        "not recorded in the input; assumed to be the default for environment dev (policies/dev-policy-config.json)",
      relaxations: [
        "rdsMultiAz: advisory (pack default mandatory)",
        "rdsBackupRetention: advisory (pack default mandatory)",
        "rdsBackupRetention.minimumDays: 7 (pack default 35)",
      ],
    });
  });

  it("prefers the policy config the input recorded", () => {
    const check = JSON.stringify({
      stack: "prod",
      environment: "prod",
      policyConfig: { rdsStorageEncrypted: "disabled" },
      resources: 1,
      results: [{ policy: "rdsStorageEncrypted", urn: DB, status: "not-applicable" }],
    });
    const { meta } = makeReport(loadInput(check, "check.json", rules), { ...opts, input: "check.json" });
    expect(meta.policyConfig).toEqual({
      origin: "recorded in the input",
      relaxations: ["rdsStorageEncrypted: disabled (pack default mandatory)"],
    });
    expect(meta.evidence).toMatch(/^recorded preview \(`pulumi preview --json`\)/);
  });

  it("calls an event log of a preview planned inputs, and the complete log a FAIL", () => {
    const r = makeReport(loadInput(events, "events.json", rules), { ...opts, input: "events.json" });
    expect([r.verdict, r.incomplete, r.meta.environment]).toEqual(["fail", [], "prod"]);
    expect(r.meta.evidence).toBe(
      "event log of `pulumi preview`: planned inputs against the real stack, not yet deployed",
    );
  });

  it.each([3, 5, 6, 7])("refuses to call the log cut after %i events a pass: INCOMPLETE", (n) => {
    const cut = `${events.split("\n").slice(0, n).join("\n")}\n`;
    const r = makeReport(loadInput(cut, "events.json", rules), { ...opts, input: "events.json" });
    expect(r.verdict).toBe("incomplete");
    expect(r.incomplete.length).toBeGreaterThan(0);
  });
});

describe("relaxationsOf", () => {
  it("lists levels and thresholds that differ from the pack's, and names that are not rules", () => {
    expect(relaxationsOf({ rdsStorageEncrypted: "mandatory", rdsMultAz: "advisory" }, rules)).toEqual([
      'rdsMultAz: "advisory" (not a rule of this pack)',
    ]);
    expect(relaxationsOf(undefined, rules)).toEqual([]);
  });
});

describe("evidenceDescription", () => {
  it("tells a deployed state from a preview", () => {
    expect(evidenceDescription("event-log", { isPreview: false })).toBe(
      "event log of `pulumi up`: the inputs of the deployed state",
    );
  });
});
