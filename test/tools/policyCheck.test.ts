import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { evaluateResources } from "../../policies/lib/evaluate";
import {
  checkExitCode,
  checkPreview,
  environmentOf,
  renderCheckText,
  toCheckJson,
} from "../../tools/lib/policyCheck";

const FILE = path.join(__dirname, "../fixtures/preview-prod.json");
const text = readFileSync(FILE, "utf8");
const S = "urn:pulumi:prod::verscienta-postgres::";
const REPLICA = `${S}verscienta:rds:ReadReplica$aws:rds/instance:Instance::verscienta-prod-replica-1-instance`;

describe("checkPreview over the recorded prod preview", () => {
  const check = checkPreview(text, "preview.json", evaluateResources);

  it("evaluates the pack over every step's newState as prod", () => {
    expect([check.stack, check.environment, check.resources]).toEqual(["prod", "prod", 4]);
    const verdict = (policy: string, name: string) =>
      check.results.find((r) => r.policy === policy && r.resourceName === name)?.status;
    expect(verdict("rdsStorageEncrypted", "verscienta-prod-instance")).toBe("pass");
    expect(verdict("rdsStorageEncrypted", "verscienta-prod-replica-1-instance")).toBe("fail");
    expect(verdict("kmsKeyRotation", "verscienta-prod-key")).toBe("pass");
  });

  it("prints --format json with its context and exactly the documented keys per verdict", () => {
    const json = toCheckJson(check);
    expect(Object.keys(json)).toEqual([
      "stack",
      "environment",
      "policyConfig",
      "resources",
      "incomplete",
      "results",
    ]);
    expect([json.stack, json.environment, json.policyConfig, json.resources, json.incomplete]).toEqual([
      "prod",
      "prod",
      {},
      4,
      [],
    ]);
    const fail = json.results.find((r) => r.policy === "rdsStorageEncrypted" && r.urn === REPLICA);
    expect(fail).toEqual({
      urn: REPLICA,
      type: "aws:rds/instance:Instance",
      policy: "rdsStorageEncrypted",
      status: "fail",
      enforcementLevel: "mandatory",
      message: "storageEncrypted is false; PHI at rest must be encrypted (the provider default is false).",
      evidence: { storageEncrypted: false },
    });
    for (const r of json.results)
      expect(Object.keys(r)).toEqual([
        "urn",
        "type",
        "policy",
        "status",
        "enforcementLevel",
        "message",
        "evidence",
      ]);
    expect(checkExitCode(check)).toBe(1);
  });

  it("prints failures first, then a count line", () => {
    const lines = renderCheckText(check).trimEnd().split("\n");
    expect(lines[0]).toBe("policy:check preview.json: stack prod (prod), 4 resources");
    expect(lines[1].startsWith("FAIL ")).toBe(true);
    const fails = check.results.filter((r) => r.status === "fail").length;
    expect(lines.at(-1)).toMatch(
      new RegExp(`^\\d+ passed, ${fails} failed \\(\\d+ mandatory\\), \\d+ not applicable$`),
    );
  });
});

describe("checkPreview options", () => {
  it("passes the environment and dev policy config to the evaluator", () => {
    let seen: unknown;
    checkPreview(
      text,
      "p.json",
      (_r, opts) => {
        seen = opts;
        return [];
      },
      { environment: "dev" },
    );
    expect(seen).toMatchObject({
      stackName: "prod",
      environment: "dev",
      config: { rdsMultiAz: { enforcementLevel: "advisory" } },
    });
  });

  it("refuses to call an empty preview a pass: INCOMPLETE, exit 3, though stack rules pass", () => {
    const empty = checkPreview('{"steps":[],"changeSummary":{}}', "empty.json", evaluateResources);
    expect(empty.results.filter((r) => r.status === "pass").length).toBeGreaterThan(0);
    expect(empty.results.some((r) => r.status === "fail" && r.enforcementLevel === "mandatory")).toBe(false);
    expect(empty.incomplete).toEqual([
      "empty.json has no resources (no step with a newState the stack keeps): nothing was checked",
    ]);
    expect(checkExitCode(empty)).toBe(3);
    expect(renderCheckText(empty)).toContain(
      "INCOMPLETE: empty.json has no resources (no step with a newState the stack keeps): nothing was checked\n",
    );
  });

  it("records the dev policy config it judged against", () => {
    const dev = checkPreview(text, "p.json", evaluateResources, { environment: "dev" });
    expect(toCheckJson(dev).policyConfig).toMatchObject({ rdsMultiAz: { enforcementLevel: "advisory" } });
  });

  it("fails when the preview is malformed, naming the file", () => {
    expect(() => checkPreview("[1]", "bad.json", evaluateResources)).toThrow(
      /^bad\.json: expected the output of `pulumi preview --json`/,
    );
  });
});

describe("environmentOf", () => {
  it("reads the Environment tag, else the stack name", () => {
    const r = (tags?: Record<string, string>) => ({
      urn: "u",
      type: "t",
      name: "n",
      props: tags ? { tags } : {},
    });
    expect(environmentOf([r(), r({ Environment: "dev" })], "prod")).toBe("dev");
    expect(environmentOf([r()], "prod")).toBe("prod");
    expect(environmentOf([r()], "staging")).toBeUndefined();
  });
});
