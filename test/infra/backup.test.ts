import * as pulumi from "@pulumi/pulumi";
import { describe, expect, it } from "vitest";
import { RUNBOOK_OUTPUTS } from "../../components/backup/runbookCommands";
import { buildBackup, buildDisasterRecovery } from "../../infra/backup";
import { loadConfig } from "../../infra/config";
import { buildCore } from "../../infra/core";
import { evaluateResources, fromRegistrations } from "../../policies/lib/evaluate";
import { MOCK_ACCOUNT, type Registration } from "../../testing/mockCloud";
import { ofType, one, type RunResult, runStack } from "../../testing/runProgram";

const TOPIC = `arn:aws:sns:us-east-1:${MOCK_ACCOUNT}:alarms`;

/** Runs core + backups (the alarm topic stands in for monitoring's), as `buildPlatform` composes them. */
const run = (stack: "dev" | "prod", config?: Record<string, unknown>) =>
  runStack({
    stack,
    config,
    program: () => {
      const cfg = loadConfig();
      const core = buildCore(cfg, `verscienta-${pulumi.getStack()}`);
      return buildBackup(core, pulumi.output(TOPIC), buildDisasterRecovery(core)).outputs;
    },
  });

const byName = (r: RunResult, type: string, name: string): Registration => {
  const found = ofType(r, type).filter((x) => x.name === name);
  if (found.length !== 1) throw new Error(`expected one ${type} named ${name}, found ${found.length}`);
  return found[0];
};

/** The policy pack's backup rules (and prod's protection rule), run over the registrations as the engine would. */
const BACKUP_RULES = [
  "backupRdsSelected",
  "backupDailyRetention",
  "backupVaultEncrypted",
  "backupVaultLocked",
  "prodStatefulProtected",
];
function backupRuleViolations(r: RunResult, environment: "dev" | "prod"): string[] {
  const results = evaluateResources(fromRegistrations(r.registrations), { environment, stackName: r.stack });
  const seen = new Set(results.map((x) => x.policy));
  const missing = BACKUP_RULES.filter((n) => !seen.has(n)).map((n) => `${n}: not evaluated`);
  return [
    ...missing,
    ...results
      .filter((x) => BACKUP_RULES.includes(x.policy) && x.status === "fail")
      .map((x) => `${x.policy} ${x.resourceName ?? ""}: ${x.message}`),
  ];
}

describe("buildBackup (prod)", () => {
  it("builds the primary vault with the stack key, a compliance lock and notifications to the alarm topic, protected", async () => {
    const r = await run("prod");
    expect(r.error).toBeUndefined();
    const key = byName(r, "aws:kms/key:Key", "verscienta-prod-key");
    const vault = byName(r, "aws:backup/vault:Vault", "verscienta-prod-vault");
    expect(vault.region).toBe("us-east-1");
    expect(vault.inputs).toMatchObject({
      name: "verscienta-prod-vault",
      kmsKeyArn: key.state.arn,
      forceDestroy: false,
    });
    expect(vault.protect).toBe(true);
    expect(
      byName(r, "aws:backup/vaultLockConfiguration:VaultLockConfiguration", "verscienta-prod-vault-lock")
        .inputs,
    ).toEqual({
      backupVaultName: "verscienta-prod-vault",
      changeableForDays: 3,
      minRetentionDays: 35,
      maxRetentionDays: 2192,
    });
    expect(
      byName(r, "aws:backup/vaultNotifications:VaultNotifications", "verscienta-prod-vault-notifications")
        .inputs.snsTopicArn,
    ).toBe(TOPIC);
  });

  it("keeps daily points 35 days and monthly points 2192 days, copied to the us-west-2 vault, for the primary only", async () => {
    const r = await run("prod");
    const rules = one(r, "aws:backup/plan:Plan").inputs.rules as Record<string, unknown>[];
    expect(rules.map((x) => [x.ruleName, x.schedule, x.lifecycle, x.copyActions])).toEqual([
      ["daily", "cron(0 6 ? * * *)", { deleteAfter: 35 }, undefined],
      [
        "monthly",
        "cron(0 6 1 * ? *)",
        { deleteAfter: 2192 },
        [
          {
            destinationVaultArn: `arn:aws:backup:us-west-2:${MOCK_ACCOUNT}:backup-vault:verscienta-prod-dr-vault`,
            lifecycle: { deleteAfter: 2192 },
          },
        ],
      ],
    ]);
    expect(one(r, "aws:backup/selection:Selection").inputs.resources).toEqual([
      `arn:aws:rds:us-east-1:${MOCK_ACCOUNT}:db:verscienta-prod-db`,
    ]);
  });

  it("creates the DR provider, key, vault, topic and replication in us-west-2 through that provider", async () => {
    const r = await run("prod");
    const provider = byName(r, "pulumi:providers:aws", "verscienta-prod-dr");
    expect(provider.inputs.region).toBe("us-west-2");
    const drNames = [
      ["aws:kms/key:Key", "verscienta-prod-dr-key"],
      ["aws:backup/vault:Vault", "verscienta-prod-dr-vault"],
      ["aws:backup/vaultLockConfiguration:VaultLockConfiguration", "verscienta-prod-dr-vault-lock"],
      ["aws:backup/vaultPolicy:VaultPolicy", "verscienta-prod-dr-vault-policy"],
      ["aws:sns/topic:Topic", "verscienta-prod-dr-alarms"],
      [
        "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
        "verscienta-prod-dr-automated-backups",
      ],
    ];
    for (const [type, name] of drNames) {
      const reg = byName(r, type, name);
      expect([name, reg.region, reg.provider?.startsWith(`${provider.urn}::`)]).toEqual([
        name,
        "us-west-2",
        true,
      ]);
    }
    const drKey = byName(r, "aws:kms/key:Key", "verscienta-prod-dr-key");
    expect(drKey.protect).toBe(true);
    expect(byName(r, "aws:backup/vault:Vault", "verscienta-prod-dr-vault").inputs.kmsKeyArn).toBe(
      drKey.state.arn,
    );
    const repl = byName(
      r,
      "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
      "verscienta-prod-dr-automated-backups",
    );
    expect(repl.inputs).toEqual({
      sourceDbInstanceArn: `arn:aws:rds:us-east-1:${MOCK_ACCOUNT}:db:verscienta-prod-db`,
      kmsKeyId: drKey.state.arn,
      retentionPeriod: 35,
    });
    expect(repl.protect).toBe(true);
  });

  it("tests a restore monthly into the database's subnets and security group", async () => {
    const r = await run("prod");
    const sel = one(r, "aws:backup/restoreTestingSelection:RestoreTestingSelection");
    const db = byName(r, "aws:rds/instance:Instance", "verscienta-prod-instance");
    expect(sel.inputs).toMatchObject({
      restoreTestingPlanName: "verscienta_prod_restore_test_plan",
      protectedResourceArns: [`arn:aws:rds:us-east-1:${MOCK_ACCOUNT}:db:verscienta-prod-db`],
      restoreMetadataOverrides: {
        dbSubnetGroupName: db.inputs.dbSubnetGroupName,
        vpcSecurityGroupIds: JSON.stringify(db.inputs.vpcSecurityGroupIds),
      },
    });
    expect(String(db.inputs.dbSubnetGroupName)).not.toBe("");
    expect(one(r, "aws:backup/restoreTestingPlan:RestoreTestingPlan").inputs.scheduleExpression).toBe(
      "cron(0 10 15 * ? *)",
    );
  });

  it("outputs what the runbooks read", async () => {
    const r = await run("prod");
    expect(r.outputs).toMatchObject({
      backupVaultName: "verscienta-prod-vault",
      backupVaultArn: `arn:aws:backup:us-east-1:${MOCK_ACCOUNT}:backup-vault:verscienta-prod-vault`,
      backupRoleArn: `arn:aws:iam::${MOCK_ACCOUNT}:role/verscienta-prod-backup-role`,
      backupScheduleHourUtc: 6,
      drEnabled: true,
      drRegion: "us-west-2",
      drBackupVaultName: "verscienta-prod-dr-vault",
      drBackupVaultArn: `arn:aws:backup:us-west-2:${MOCK_ACCOUNT}:backup-vault:verscienta-prod-dr-vault`,
      restoreTestingPlanName: "verscienta_prod_restore_test_plan",
    });
    expect(String(r.outputs.drKmsKeyArn)).toMatch(/^arn:aws:kms:us-west-2:/);
    expect(String(r.outputs.drAutomatedBackupsReplicationArn)).toMatch(
      /^arn:aws:rds:us-west-2:.*:auto-backup:/,
    );
    expect(typeof r.outputs.backupPlanId).toBe("string");
    expect(typeof r.outputs.dbSubnetGroupName).toBe("string");
    expect(typeof r.outputs.dbParameterGroupName).toBe("string");
  });

  it("passes the policy pack's backup rules", async () => {
    expect(backupRuleViolations(await run("prod"), "prod")).toEqual([]);
  });

  it("fails the pack's checks when the selection or the vault lock and policy are missing (the check can fail)", async () => {
    const r = await run("prod");
    const without = (...types: string[]) => ({
      ...r,
      registrations: r.registrations.filter((x) => !types.includes(x.type)),
    });
    expect(
      backupRuleViolations(without("aws:backup/selection:Selection"), "prod").map((v) => v.split(" ")[0]),
    ).toEqual(["backupRdsSelected"]);
    expect(
      backupRuleViolations(
        without(
          "aws:backup/vaultLockConfiguration:VaultLockConfiguration",
          "aws:backup/vaultPolicy:VaultPolicy",
        ),
        "prod",
      ).map((v) => v.split(" ")[0]),
    ).toEqual(["backupVaultLocked"]);
  });

  it("fails when prod turns DR off", async () => {
    const r = await run("prod", { drEnabled: false });
    expect(r.error?.message).toContain("drEnabled: false is refused in prod");
  });
});

describe("buildBackup (dev)", () => {
  it("uses a governance lock and keeps monthly points 365 days, still copied to the DR region by default", async () => {
    const r = await run("dev");
    expect(r.error).toBeUndefined();
    expect(
      byName(r, "aws:backup/vaultLockConfiguration:VaultLockConfiguration", "verscienta-dev-vault-lock")
        .inputs,
    ).toEqual({
      backupVaultName: "verscienta-dev-vault",
      minRetentionDays: 35,
      maxRetentionDays: 365,
    });
    const rules = one(r, "aws:backup/plan:Plan").inputs.rules as Record<string, unknown>[];
    expect(rules.map((x) => x.lifecycle)).toEqual([{ deleteAfter: 35 }, { deleteAfter: 365 }]);
    expect(
      byName(
        r,
        "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
        "verscienta-dev-dr-automated-backups",
      ).inputs.retentionPeriod,
    ).toBe(7);
    expect(r.registrations.filter((x) => x.protect).map((x) => x.name)).toEqual([]);
  });

  it("creates nothing in another region when DR is turned off explicitly", async () => {
    const r = await run("dev", { drEnabled: false });
    expect(r.error).toBeUndefined();
    expect(ofType(r, "pulumi:providers:aws")).toEqual([]);
    expect(
      ofType(r, "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication"),
    ).toEqual([]);
    expect(ofType(r, "aws:backup/vault:Vault").map((v) => v.name)).toEqual(["verscienta-dev-vault"]);
    const rules = one(r, "aws:backup/plan:Plan").inputs.rules as Record<string, unknown>[];
    expect(rules.map((x) => x.copyActions)).toEqual([undefined, undefined]);
    expect(r.outputs.drEnabled).toBe(false);
    expect(Object.keys(r.outputs).filter((k) => k.startsWith("dr") && k !== "drEnabled")).toEqual([]);
  });

  it("skips restore testing only when dev turns it off", async () => {
    const r = await run("dev", { restoreTestingEnabled: false });
    expect(ofType(r, "aws:backup/restoreTestingPlan:RestoreTestingPlan")).toEqual([]);
    expect(r.outputs.restoreTestingPlanName).toBeUndefined();
  });

  it("passes the policy pack's backup rules, with and without DR", async () => {
    expect(backupRuleViolations(await run("dev"), "dev")).toEqual([]);
    expect(
      backupRuleViolations(await run("dev", { drEnabled: false, backupVaultLockMode: "none" }), "dev"),
    ).toEqual([]);
  });
});

describe("buildBackup in the whole program", () => {
  it("is wired to monitoring's alarm topic and its outputs reach the stack (prod, read replica included)", async () => {
    const r = await runStack({ stack: "prod" });
    expect(r.error).toBeUndefined();
    const topics = ofType(r, "aws:sns/topic:Topic").filter((t) => t.region === "us-east-1");
    expect(topics).toHaveLength(1);
    const topicArn = String(topics[0].state.arn);
    for (const n of ofType(r, "aws:backup/vaultNotifications:VaultNotifications").filter(
      (x) => x.region === "us-east-1",
    )) {
      expect(n.inputs.snsTopicArn).toBe(topicArn);
    }
    expect(r.outputs).toMatchObject({ backupVaultName: "verscienta-prod-vault", drRegion: "us-west-2" });
    expect(backupRuleViolations(r, "prod")).toEqual([]);
  });
});

describe("runbook outputs", () => {
  it("exports every stack output the runbooks read (prod)", async () => {
    const r = await runStack({ stack: "prod" });
    const missing = Object.values(RUNBOOK_OUTPUTS).filter((o) => r.outputs[o] === undefined);
    expect(missing).toEqual([]);
  });
});
