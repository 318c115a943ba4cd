import { describe, expect, it } from "vitest";
import {
  CrossRegionBackups,
  type CrossRegionBackupsArgs,
  validateCrossRegionBackupsArgs,
} from "../../../components/backup/crossRegionBackups";
import { MOCK_ACCOUNT } from "../../../testing/mockCloud";
import { ofType, one, runStack } from "../../../testing/runProgram";

const SOURCE_ARN = `arn:aws:rds:us-east-1:${MOCK_ACCOUNT}:db:app-db`;
const args: CrossRegionBackupsArgs = {
  region: "us-west-2",
  sourceRegion: "us-east-1",
  accountId: MOCK_ACCOUNT,
  sourceDbInstanceArn: SOURCE_ARN,
  automatedBackupRetentionDays: 35,
  keyAliasName: "app-postgres-dr",
  vaultName: "app-dr-vault",
  lockMode: "compliance",
  maxRetentionDays: 2192,
  alarmEmails: ["oncall@example.org"],
  alarmHttpsEndpoints: ["https://hooks.example.org/alarm"],
  protect: true,
  tags: { DataClassification: "phi" },
};

const run = (a: CrossRegionBackupsArgs = args) =>
  runStack({
    stack: "dev",
    program: () => {
      const dr = new CrossRegionBackups("app-dr", a);
      return { replicationArn: dr.replicationArn, keyArn: dr.keyArn, vaultArn: dr.vaultArn };
    },
  });

describe("CrossRegionBackups", () => {
  it("creates an explicit provider for the DR region and manages every child through it", async () => {
    const r = await run();
    expect(r.error).toBeUndefined();
    const provider = one(r, "pulumi:providers:aws", "app-dr");
    expect(provider.inputs.region).toBe("us-west-2");
    const custom = r.registrations.filter((x) => x.custom && !x.type.startsWith("pulumi:providers:"));
    expect(custom.map((x) => x.type).sort()).toEqual([
      "aws:backup/vault:Vault",
      "aws:backup/vaultLockConfiguration:VaultLockConfiguration",
      "aws:backup/vaultNotifications:VaultNotifications",
      "aws:backup/vaultPolicy:VaultPolicy",
      "aws:kms/alias:Alias",
      "aws:kms/key:Key",
      "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
      "aws:sns/topic:Topic",
      "aws:sns/topicPolicy:TopicPolicy",
      "aws:sns/topicSubscription:TopicSubscription",
      "aws:sns/topicSubscription:TopicSubscription",
    ]);
    for (const c of custom) {
      expect({
        name: c.name,
        region: c.region,
        provider: c.provider?.split("::").slice(0, -1).join("::"),
      }).toEqual({
        name: c.name,
        region: "us-west-2",
        provider: provider.urn,
      });
    }
  });

  it("replicates the primary's automated backups, encrypted with the DR-region key, for the PITR retention", async () => {
    const r = await run();
    const key = one(r, "aws:kms/key:Key", "app-dr-key");
    const repl = one(r, "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication");
    expect(repl.name).toBe("app-dr-automated-backups");
    expect(repl.inputs).toEqual({
      sourceDbInstanceArn: SOURCE_ARN,
      kmsKeyId: key.state.arn,
      retentionPeriod: 35,
    });
    expect(String(key.state.arn)).toMatch(/^arn:aws:kms:us-west-2:/);
    expect(r.outputs.replicationArn).toMatch(/^arn:aws:rds:us-west-2:123456789012:auto-backup:ab-/);
  });

  it("uses a separate key (not a replica of the primary), scoped to the DR region's services, protected and retained", async () => {
    const r = await run();
    const key = one(r, "aws:kms/key:Key", "app-dr-key");
    expect(key.inputs.multiRegion).toBe(false);
    expect(key.inputs.enableKeyRotation).toBe(true);
    expect(key.protect).toBe(true);
    expect(key.retainOnDelete).toBe(true);
    const policy = JSON.parse(String(key.inputs.policy));
    const via = policy.Statement.find((s: { Sid: string }) => s.Sid === "AwsServicesForThisAccount");
    expect(via.Condition.StringEquals["kms:ViaService"]).toContain("rds.us-west-2.amazonaws.com");
    expect(via.Condition.StringEquals["kms:ViaService"]).toContain("backup.us-west-2.amazonaws.com");
    expect(one(r, "aws:kms/alias:Alias", "app-dr-alias").inputs.name).toBe("alias/app-postgres-dr");
  });

  it("locks the DR vault, encrypts it with the DR key and reports its events to a DR-region topic", async () => {
    const r = await run();
    const key = one(r, "aws:kms/key:Key", "app-dr-key");
    const vault = one(r, "aws:backup/vault:Vault");
    expect(vault.inputs).toMatchObject({
      name: "app-dr-vault",
      kmsKeyArn: key.state.arn,
      forceDestroy: false,
    });
    expect(vault.protect).toBe(true);
    expect(one(r, "aws:backup/vaultLockConfiguration:VaultLockConfiguration").inputs).toEqual({
      backupVaultName: "app-dr-vault",
      changeableForDays: 3,
      minRetentionDays: 35,
      maxRetentionDays: 2192,
    });
    const topic = one(r, "aws:sns/topic:Topic");
    expect(topic.inputs).toMatchObject({ name: "app-dr-alarms", kmsMasterKeyId: key.state.arn });
    expect(one(r, "aws:backup/vaultNotifications:VaultNotifications").inputs.snsTopicArn).toBe(
      `arn:aws:sns:us-west-2:${MOCK_ACCOUNT}:app-dr-alarms`,
    );
    expect(
      ofType(r, "aws:sns/topicSubscription:TopicSubscription").map((s) => [
        s.inputs.protocol,
        s.inputs.endpoint,
      ]),
    ).toEqual([
      ["email", "oncall@example.org"],
      ["https", "https://hooks.example.org/alarm"],
    ]);
  });

  it("lets only AWS Backup of this account publish to the DR topic, over TLS", async () => {
    const r = await run();
    const policy = JSON.parse(String(one(r, "aws:sns/topicPolicy:TopicPolicy").inputs.policy));
    expect(policy.Statement[0]).toEqual({
      Sid: "AwsBackupPublishes",
      Effect: "Allow",
      Principal: { Service: "backup.amazonaws.com" },
      Action: "sns:Publish",
      Resource: `arn:aws:sns:us-west-2:${MOCK_ACCOUNT}:app-dr-alarms`,
      Condition: { StringEquals: { "aws:SourceAccount": MOCK_ACCOUNT } },
    });
    expect(policy.Statement[1].Condition).toEqual({ Bool: { "aws:SecureTransport": "false" } });
  });

  it("does not protect anything when protect is off (dev)", async () => {
    const r = await run({ ...args, protect: false });
    expect(r.registrations.filter((x) => x.protect).map((x) => x.name)).toEqual([]);
  });
});

describe("validateCrossRegionBackupsArgs", () => {
  it("fails when the DR region is the primary's region", () => {
    expect(() => validateCrossRegionBackupsArgs("app-dr", { ...args, region: "us-east-1" })).toThrow(
      'region: "us-east-1" is the primary\'s region; DR copies must live in a separate geographic location',
    );
  });

  it("fails when the replicated retention is outside RDS's 1–35 days", () => {
    expect(() =>
      validateCrossRegionBackupsArgs("app-dr", { ...args, automatedBackupRetentionDays: 36 }),
    ).toThrow("automatedBackupRetentionDays: 36 is outside RDS's 1–35 days");
  });

  it("fails when an alarm endpoint is not https, listing every problem at once", () => {
    expect(() =>
      validateCrossRegionBackupsArgs("app-dr", {
        ...args,
        region: "mars-1",
        alarmHttpsEndpoints: ["http://hooks.example.org"],
      }),
    ).toThrow(
      'CrossRegionBackups "app-dr": invalid arguments:\n  - region: "mars-1" is not an AWS region. Use e.g. "us-west-2".\n  - alarmHttpsEndpoints: "http://hooks.example.org" is not https://',
    );
  });
});
