import { describe, expect, it } from "vitest";
import type { PlanResult } from "../../tools/lib/planRun";
import { renderPlanText } from "../../tools/lib/planText";

const S = "urn:pulumi:prod::p::";
const plan: PlanResult = {
  stack: "prod",
  environment: "prod",
  generatedAt: "2026-01-02T03:04:05.000Z",
  gitCommit: "abc",
  packName: "verscienta-hipaa",
  packVersion: "0.1.0",
  instances: 1,
  resources: [
    { urn: `${S}c:Db::db`, type: "c:Db", name: "db", protect: false, custom: false },
    {
      urn: `${S}c:Db$aws:rds/instance:Instance::db-instance`,
      type: "aws:rds/instance:Instance",
      name: "db-instance",
      parent: `${S}c:Db::db`,
      protect: true,
      custom: true,
    },
    {
      urn: `${S}c:Db$aws:kms/key:Key::db-key`,
      type: "aws:kms/key:Key",
      name: "db-key",
      parent: `${S}c:Db::db`,
      protect: false,
      custom: true,
    },
  ],
  results: [
    {
      policy: "rdsStorageEncrypted",
      urn: `${S}c:Db$aws:rds/instance:Instance::db-instance`,
      resourceName: "db-instance",
      status: "fail",
      enforcementLevel: "mandatory",
      severity: "critical",
      message: "storageEncrypted is false",
      hipaa: ["164.312(a)(2)(iv)"],
    },
    {
      policy: "kmsKeyRotation",
      urn: `${S}c:Db$aws:kms/key:Key::db-key`,
      resourceName: "db-key",
      status: "pass",
      enforcementLevel: "mandatory",
      severity: "high",
      message: "ok",
      hipaa: ["164.312(a)(2)(iv)"],
    },
    {
      policy: "rdsAlarmCoverage",
      status: "fail",
      enforcementLevel: "advisory",
      severity: "medium",
      message: "a: no alarm\nb: no alarm",
      hipaa: ["164.308(a)(6)(ii)"],
    },
  ],
  summary: {
    resources: 3,
    customResources: 2,
    byType: { "aws:kms/key:Key": 1, "aws:rds/instance:Instance": 1, "c:Db": 1 },
    rules: 53,
    pass: 1,
    fail: 2,
    notApplicable: 0,
    mandatoryFail: 1,
    advisoryFail: 1,
  },
  outputs: {},
  timingsMs: { program: 1, policies: 1 },
  preflight: {
    rules: 32,
    errors: 1,
    warnings: 1,
    violations: [
      {
        rule: "sns.notificationTopic.subscriber",
        severity: "warning",
        resourceType: "aws:sns/topic:Topic",
        resourceName: "dev-alarms",
        message: "has no subscription",
        fix: "Subscribe on-call.",
        source: { title: "SNS guide", url: "https://example.test/sns" },
      },
      {
        rule: "rds.replica.sameRegionKmsKey",
        severity: "error",
        resourceType: "aws:rds/instance:Instance",
        resourceName: "db-replica",
        message: "sets kmsKeyId",
        fix: "Remove kmsKeyId.",
        source: { title: "CreateDBInstanceReadReplica", url: "https://example.test/rr" },
      },
    ],
  },
};

describe("renderPlanText", () => {
  it("prints the tree with verdict counts, counts by type, violations and the verdict", () => {
    expect(renderPlanText(plan)).toBe(
      [
        "Offline plan: stack prod (prod)",
        "pack verscienta-hipaa 0.1.0 · commit abc · 2026-01-02T03:04:05.000Z",
        "",
        "└─ db c:Db",
        "   ├─ db-instance aws:rds/instance:Instance  protected ✗ 1 failed",
        "   └─ db-key aws:kms/key:Key  ✓ 1",
        "",
        "Resources: 3 (2 cloud resources, 1 components)",
        "  aws:kms/key:Key              1",
        "  aws:rds/instance:Instance    1",
        "  c:Db                         1",
        "",
        "Violations (2):",
        "  [mandatory] rdsStorageEncrypted (164.312(a)(2)(iv)) on db-instance",
        "      storageEncrypted is false",
        "  [advisory] rdsAlarmCoverage (164.308(a)(6)(ii)) on the stack",
        "      a: no alarm",
        "      b: no alarm",
        "",
        "AWS acceptance preflight (1 errors, 1 warnings):",
        "  [error] rds.replica.sameRegionKmsKey on aws:rds/instance:Instance db-replica",
        "      sets kmsKeyId",
        "      fix: Remove kmsKeyId.",
        "      source: CreateDBInstanceReadReplica https://example.test/rr",
        "  [warning] sns.notificationTopic.subscriber on aws:sns/topic:Topic dev-alarms",
        "      has no subscription",
        "      fix: Subscribe on-call.",
        "      source: SNS guide https://example.test/sns",
        "",
        "Policies: 53 rules, 1 passed, 2 failed (1 mandatory, 1 advisory), 0 not applicable → FAIL",
        "Preflight: 32 rules, 1 errors, 1 warnings → FAIL (AWS would reject this plan, or it cannot work)",
        "",
      ].join("\n"),
    );
  });

  it("colours the verdict when asked", () => {
    expect(renderPlanText(plan, { color: true })).toContain("→ \u001b[31mFAIL\u001b[0m");
  });
});
