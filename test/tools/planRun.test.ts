import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import type { PolicyResult } from "../../policies/lib/evaluate";
import type { Registration } from "../../testing/mockCloud";
import { availableStacks, type PlanResult, redactResults, runPlan } from "../../tools/lib/planRun";

const NOW = () => new Date("2026-01-02T03:04:05Z");
const packVersion = (
  JSON.parse(readFileSync(path.join(__dirname, "../../policies/package.json"), "utf8")) as { version: string }
).version;

describe("runPlan (prod)", () => {
  let plan: PlanResult;
  beforeAll(async () => {
    plan = await runPlan({ stack: "prod", now: NOW, commit: "abc123" });
  });

  it("records the stack, environment, time, commit and pack", () => {
    expect([
      plan.stack,
      plan.environment,
      plan.generatedAt,
      plan.gitCommit,
      plan.packName,
      plan.packVersion,
      plan.instances,
    ]).toEqual(["prod", "prod", "2026-01-02T03:04:05.000Z", "abc123", "verscienta-hipaa", packVersion, 1]);
  });

  it("lists every registered resource with its parent and protection", () => {
    const db = plan.resources.find(
      (r) => r.type === "aws:rds/instance:Instance" && r.name === "verscienta-prod-instance",
    )!;
    expect(db).toEqual({
      urn: "urn:pulumi:prod::verscienta-postgres::verscienta:rds:PostgresInstance$aws:rds/instance:Instance::verscienta-prod-instance",
      type: "aws:rds/instance:Instance",
      name: "verscienta-prod-instance",
      parent: "urn:pulumi:prod::verscienta-postgres::verscienta:rds:PostgresInstance::verscienta-prod",
      protect: true,
      custom: true,
    });
    expect(plan.summary.resources).toBe(plan.resources.length);
    expect(plan.summary.customResources).toBe(plan.resources.filter((r) => r.custom).length);
    expect(Object.values(plan.summary.byType).reduce((a, b) => a + b, 0)).toBe(plan.resources.length);
  });

  it("evaluates the pack over the resources and the stack, with matching counts", () => {
    const encrypted = plan.results.find(
      (r) => r.policy === "rdsStorageEncrypted" && r.resourceName === "verscienta-prod-instance",
    )!;
    expect([encrypted.status, encrypted.enforcementLevel, encrypted.evidence]).toEqual([
      "pass",
      "mandatory",
      { storageEncrypted: true },
    ]);
    expect(plan.results.some((r) => r.urn === undefined)).toBe(true); // stack rules
    const n = (s: string) => plan.results.filter((r) => r.status === s).length;
    expect([plan.summary.pass, plan.summary.fail, plan.summary.notApplicable]).toEqual([
      n("pass"),
      n("fail"),
      n("not-applicable"),
    ]);
    expect(plan.summary.mandatoryFail + plan.summary.advisoryFail).toBe(plan.summary.fail);
  });

  it("hides secret stack outputs", () => {
    expect(plan.outputs.connectionStringTemplate).toBe("[secret]");
  });
});

describe("runPlan (instances)", () => {
  it("builds N platforms with unique names in one stack", async () => {
    const one = await runPlan({ stack: "prod", instances: 1, now: NOW, commit: null });
    const three = await runPlan({ stack: "prod", instances: 3, now: NOW, commit: null });
    const dbs = three.resources.filter((r) => r.type === "aws:rds/instance:Instance").map((r) => r.name);
    expect(dbs.filter((n) => !n.includes("replica")).sort()).toEqual([
      "verscienta-prod-db1-instance",
      "verscienta-prod-db2-instance",
      "verscienta-prod-db3-instance",
    ]);
    expect(new Set(three.resources.map((r) => r.urn)).size).toBe(three.resources.length);
    expect(three.resources.length).toBe(3 * one.resources.length);
    expect(three.gitCommit).toBeUndefined();
  });
});

describe("runPlan errors", () => {
  it("fails when the stack has no stack file, listing the stacks there are", async () => {
    await expect(runPlan({ stack: "staging" })).rejects.toThrow(
      `no stack file Pulumi.staging.yaml; available stacks: ${availableStacks().join(", ")}`,
    );
  });

  it("fails with one line per config problem, each naming file:line, key, value and fix", async () => {
    const root = mkdtempSync(path.join(tmpdir(), "plan-hostile-"));
    const file = path.join(root, "Pulumi.hostile.yaml");
    writeFileSync(
      file,
      [
        "config:",
        "  aws:region: us-east-1",
        "  verscienta-postgres:environment: prod",
        "  verscienta-postgres:engineVersion: latest",
        "  verscienta-postgres:instanceClass: db.t4g.medium",
        "  verscienta-postgres:multiAz: false",
        "  verscienta-postgres:deletionProtection: false",
        "  verscienta-postgres:backupRetentionDays: 7",
        "  verscienta-postgres:logRetentionDays: 100",
        "  verscienta-postgres:allowedCidrs:",
        "    - 10.0.0.0/8",
        "    - 10.0.0/8",
        "    - 8.8.8.0/24",
        '  verscienta-postgres:backupWindow: "25:00-26:00"',
        "  verscienta-postgres:backupRetentionDay: 7",
        "  verscienta-postgres:drEnabled: false",
        "",
      ].join("\n"),
    );
    const error = await runPlan({ stack: "hostile", root }).then(
      () => undefined,
      (e: Error) => e,
    );
    const lines = error?.message.split("\n") ?? [];
    expect(lines[0]).toBe(
      'Invalid configuration for stack "hostile" (13 problems); nothing was provisioned:',
    );
    // Stack-file problems in line order; the missing key (no line) after them; the inherited default last.
    expect(lines.slice(1).map((l) => l.slice(0, l.indexOf(" ", l.indexOf(": ") + 2)))).toEqual([
      `  - ${file}:4: engineVersion:`,
      `  - ${file}:5: instanceClass:`,
      `  - ${file}:6: multiAz:`,
      `  - ${file}:7: deletionProtection:`,
      `  - ${file}:8: backupRetentionDays:`,
      `  - ${file}:9: logRetentionDays:`,
      `  - ${file}:12: allowedCidrs[1]:`,
      `  - ${file}:13: allowedCidrs[2]:`,
      `  - ${file}:14: backupWindow:`,
      `  - ${file}:15: backupRetentionDay:`,
      `  - ${file}:16: drEnabled:`,
      `  - ${file}: engineLifecycleSupport:`,
      `  - Pulumi.yaml default (override it in ${file}): alarmEmails:`,
    ]);
    expect(lines[7]).toBe(
      `  - ${file}:12: allowedCidrs[1]: "10.0.0/8" is not valid. Use IPv4 CIDRs such as "10.0.0.0/16".`,
    );
    expect(lines[8]).toBe(
      `  - ${file}:13: allowedCidrs[2]: "8.8.8.0/24" is not a private (RFC 1918) range; the database never admits public addresses (HIPAA 164.312(e)(1)). Use a private CIDR or a security group id.`,
    );
  });

  it("fails when --instances is out of range", async () => {
    await expect(runPlan({ stack: "prod", instances: 0 })).rejects.toThrow(
      "--instances must be an integer from 1 to 500, got 0",
    );
  });
});

describe("redactResults", () => {
  const reg = (over: Partial<Registration>): Registration => ({
    type: "postgresql:index/role:Role",
    name: "r",
    urn: "urn:pulumi:prod::p::postgresql:index/role:Role::r",
    custom: true,
    inputs: {},
    state: {},
    region: "us-east-1",
    protect: false,
    retainOnDelete: false,
    deleteBeforeReplace: false,
    dependencies: [],
    additionalSecretOutputs: [],
    ignoreChanges: [],
    secretInputs: [],
    ...over,
  });
  const result = (over: Partial<PolicyResult>): PolicyResult => ({
    policy: "p",
    status: "fail",
    enforcementLevel: "mandatory",
    severity: "high",
    message: "",
    hipaa: [],
    ...over,
  });

  it("hides secret inputs by key on their resource and by value everywhere", () => {
    const regs = [reg({ inputs: { login: "svc", conn: "pg://x:Sup3rSecret@h" }, secretInputs: ["conn"] })];
    const out = redactResults(
      [
        result({
          urn: regs[0].urn,
          message: "conn is pg://x:Sup3rSecret@h",
          evidence: { conn: "pg://x:Sup3rSecret@h", login: "svc" },
        }),
        result({ message: "stack", evidence: { violations: [{ message: "has pg://x:Sup3rSecret@h" }] } }),
      ],
      regs,
    );
    expect(out.map((r) => [r.message, r.evidence])).toEqual([
      ["conn is [redacted]", { conn: "[redacted]", login: "svc" }],
      ["stack", { violations: [{ message: "has [redacted]" }] }],
    ]);
  });
});

describe("runPlan refuses to relax a production stack", () => {
  it("fails when a policy config lowers a level or loosens a threshold for prod, naming the rules", async () => {
    await expect(
      runPlan({
        stack: "prod",
        now: NOW,
        commit: null,
        policyConfig: {
          rdsMultiAz: { enforcementLevel: "advisory" },
          rdsBackupRetention: { enforcementLevel: "mandatory", minimumDays: 7 },
          kmsKeyRotation: { enforcementLevel: "mandatory" },
        },
      }),
    ).rejects.toThrow(
      "--policy-config relaxes rdsMultiAz, rdsBackupRetention for stack prod, which runs the prod profile; production stacks are judged with the pack's own levels and thresholds. Drop --policy-config.",
    );
  });
});
