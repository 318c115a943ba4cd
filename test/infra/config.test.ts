import { describe, expect, it } from "vitest";
import { ConfigError, parseConfig } from "../../infra/config";
import { runStack } from "../../tools/lib/runProgram";

/**
 * Each invalid configuration runs the real program under mocks: it must fail before any resource is
 * registered, with a message naming the key, the value and the fix.
 */
const invalid: { why: string; stack: "dev" | "prod"; config: Record<string, unknown>; expect: string[] }[] = [
  {
    why: "backupRetentionDays is above 35",
    stack: "dev",
    config: { backupRetentionDays: 40 },
    expect: ["backupRetentionDays: 40 is above the RDS maximum of 35"],
  },
  {
    why: "backupRetentionDays is 0",
    stack: "dev",
    config: { backupRetentionDays: 0 },
    expect: ["backupRetentionDays: 0 disables automated backups and point-in-time recovery"],
  },
  {
    why: "prod turns Multi-AZ off",
    stack: "prod",
    config: { multiAz: false },
    expect: ["multiAz: false is refused in prod", "164.308(a)(7)"],
  },
  {
    why: "prod turns deletion protection off",
    stack: "prod",
    config: { deletionProtection: false },
    expect: ["deletionProtection: false is refused in prod"],
  },
  {
    why: "prod keeps 7 days of backups",
    stack: "prod",
    config: { backupRetentionDays: 7 },
    expect: ["backupRetentionDays: 7 is below the 35 days prod keeps"],
  },
  {
    why: "prod keeps logs one year",
    stack: "prod",
    config: { logRetentionDays: 365 },
    expect: ["logRetentionDays: 365 is below six years (2192 days)"],
  },
  {
    why: "logRetentionDays is not a CloudWatch value",
    stack: "dev",
    config: { logRetentionDays: 100 },
    expect: ["logRetentionDays: 100 is not a CloudWatch Logs retention value"],
  },
  {
    why: "engineVersion is older than 14",
    stack: "dev",
    config: { engineVersion: "13" },
    expect: ['engineVersion: "13" is older than PostgreSQL 14'],
  },
  {
    why: "engineVersion is not a version",
    stack: "dev",
    config: { engineVersion: "latest" },
    expect: ['engineVersion: "latest" is not valid'],
  },
  {
    why: "instanceClass lacks the db. prefix",
    stack: "dev",
    config: { instanceClass: "m5.large" },
    expect: ['instanceClass: "m5.large" is not valid. Use an RDS instance class'],
  },
  {
    why: "prod uses a burstable class",
    stack: "prod",
    config: { instanceClass: "db.t4g.medium" },
    expect: ['instanceClass: "db.t4g.medium" is a burstable class'],
  },
  {
    why: "maxAllocatedStorageGb is not above allocatedStorageGb",
    stack: "dev",
    config: { allocatedStorageGb: 100, maxAllocatedStorageGb: 100 },
    expect: ["maxAllocatedStorageGb: 100 must be above allocatedStorageGb (100)"],
  },
  {
    why: "allowedCidrs opens the database to the internet",
    stack: "dev",
    config: { allowedCidrs: ["0.0.0.0/0"] },
    expect: ['allowedCidrs[0]: "0.0.0.0/0" is not a private (RFC 1918) range'],
  },
  {
    why: "allowedCidrs lists a public range",
    stack: "prod",
    config: { allowedCidrs: ["10.0.0.0/16", "8.8.8.0/24"] },
    expect: ['allowedCidrs[1]: "8.8.8.0/24" is not a private'],
  },
  {
    why: "vpcId is set without subnets",
    stack: "dev",
    config: { vpcId: "vpc-0123456789abcdef0" },
    expect: ["privateSubnetIds: [] must be set together with vpcId"],
  },
  {
    why: "an existing VPC has one subnet",
    stack: "dev",
    config: { vpcId: "vpc-0123456789abcdef0", privateSubnetIds: ["subnet-0123456789abcdef0"] },
    expect: ["privateSubnetIds", "at least 2 AZs"],
  },
  {
    why: "the CA expired",
    stack: "dev",
    config: { caCertIdentifier: "rds-ca-2019" },
    expect: ['caCertIdentifier: "rds-ca-2019" is not one of rds-ca-rsa2048-g1'],
  },
  {
    why: "enhanced monitoring is off",
    stack: "dev",
    config: { monitoringIntervalSeconds: 0 },
    expect: ["monitoringIntervalSeconds: 0 is not an enhanced-monitoring interval"],
  },
  {
    why: "the maintenance window overlaps the backup window",
    stack: "dev",
    config: { backupWindow: "04:00-05:00", maintenanceWindow: "mon:04:30-mon:05:30" },
    expect: ['maintenanceWindow: "mon:04:30-mon:05:30" overlaps backupWindow "04:00-05:00"'],
  },
  {
    why: "a key is misspelt",
    stack: "dev",
    config: { backupRetentionDay: 7 },
    expect: ['backupRetentionDay: 7 is not a known config key. Did you mean "backupRetentionDays"?'],
  },
  {
    why: "environment is unknown",
    stack: "dev",
    config: { environment: "staging" },
    expect: ['environment: "staging" is not one of dev, prod'],
  },
  {
    why: "the engine lifecycle choice is missing",
    stack: "prod",
    config: { engineLifecycleSupport: undefined },
    expect: ["engineLifecycleSupport: (unset) is required: choose"],
  },
  {
    why: "pgbouncer has no image",
    stack: "dev",
    config: { pooler: "pgbouncer" },
    expect: ['pgbouncerImage: (unset) is required when pooler is "pgbouncer"'],
  },
  {
    why: "the pgbouncer image is not pinned by digest",
    stack: "dev",
    config: { pooler: "pgbouncer", pgbouncerImage: "bitnami/pgbouncer:1.23" },
    expect: ['pgbouncerImage: "bitnami/pgbouncer:1.23" is not valid. Pin the image by digest'],
  },
  {
    why: "prod enables proxy debug logging",
    stack: "prod",
    config: { proxyDebugLogging: true },
    expect: ["proxyDebugLogging: true is refused in prod", "PHI"],
  },
  {
    why: "prod turns disaster recovery off",
    stack: "prod",
    config: { drEnabled: false },
    expect: ["drEnabled: false is refused in prod"],
  },
  {
    why: "an alarm percentage is 100",
    stack: "dev",
    config: { alarmCpuPercent: 100 },
    expect: ["alarmCpuPercent: 100 is above the maximum of 99"],
  },
  {
    why: "an alarm endpoint is plain http",
    stack: "dev",
    config: { alarmHttpsEndpoints: ["http://hooks.example.com/x"] },
    expect: ['alarmHttpsEndpoints[0]: "http://hooks.example.com/x" is not valid. Use https:// URLs'],
  },
  {
    why: "databaseName is not an identifier",
    stack: "dev",
    config: { databaseName: "Verscienta-Health" },
    expect: ['databaseName: "Verscienta-Health" is not valid'],
  },
  {
    why: "vpcCidr is public",
    stack: "dev",
    config: { vpcCidr: "52.0.0.0/16" },
    expect: ['vpcCidr: "52.0.0.0/16" is not a private (RFC 1918) range'],
  },
  {
    why: "the region is missing",
    stack: "dev",
    config: { "aws:region": undefined },
    expect: ["aws:region: (unset) is required"],
  },
  {
    why: "the DR region is the primary region",
    stack: "prod",
    config: { drRegion: "us-east-1" },
    expect: ['drRegion: "us-east-1" is the primary region'],
  },
  {
    why: "an IAM role is not one the stack creates",
    stack: "dev",
    config: { iamAuthRoles: ["someone"] },
    expect: ['iamAuthRoles[0]: "someone" is not one of the roles this stack creates'],
  },
  {
    why: "prod vault lock is off",
    stack: "prod",
    config: { backupVaultLockMode: "none" },
    expect: ['backupVaultLockMode: "none" is refused in prod'],
  },
];

describe("config validation", () => {
  it.each(invalid)(
    "fails when $why, before registering anything",
    async ({ stack, config, expect: fragments }) => {
      const r = await runStack({ stack, config });
      expect(r.error).toBeInstanceOf(ConfigError);
      expect(r.registrations).toHaveLength(0);
      for (const f of fragments) expect(r.error?.message).toContain(f);
      expect(r.error?.message).toContain("nothing was provisioned");
    },
  );

  it("reports every problem at once", async () => {
    const r = await runStack({
      stack: "prod",
      config: {
        multiAz: false,
        backupRetentionDays: 40,
        allowedCidrs: ["0.0.0.0/0"],
        proxyDebugLogging: true,
      },
    });
    const problems = (r.error as ConfigError).problems.map((p) => p.key);
    expect(problems).toEqual(["backupRetentionDays", "multiAz", "proxyDebugLogging", "allowedCidrs[0]"]);
    expect(r.error?.message).toMatch(/^Invalid configuration for stack "prod" \(4 problems\)/);
    expect(r.registrations).toHaveLength(0);
  });

  it("accepts both stack files as they are", async () => {
    for (const stack of ["dev", "prod"]) {
      const r = await runStack({ stack });
      expect(r.error).toBeUndefined();
      expect(r.registrations.length).toBeGreaterThan(20);
    }
  });

  it("reads config values in the string form Pulumi passes them", () => {
    const cfg = parseConfig(
      {
        environment: "dev",
        engineLifecycleSupport: "open-source-rds-extended-support-disabled",
        backupRetentionDays: "14",
        multiAz: "false",
        deletionProtection: "false",
        instanceClass: "db.t4g.medium",
        allowedCidrs: '["10.1.0.0/16"]',
        engineVersion: "16.4",
      },
      "us-east-1",
      "dev",
    );
    expect(cfg.backupRetentionDays).toBe(14);
    expect(cfg.multiAz).toBe(false);
    expect(cfg.allowedCidrs).toEqual(["10.1.0.0/16"]);
    expect(cfg.engineMajor).toBe(16);
    expect(cfg.drRegion).toBe("us-west-2");
    expect(cfg.relaxations).toEqual([
      "multiAz=false: single AZ (weakens HIPAA 164.308(a)(7) contingency plan)",
      "deletionProtection=false (weakens HIPAA 164.312(c)(1) integrity)",
      "backupRetentionDays=14 (weakens HIPAA 164.308(a)(7)(ii)(A) data backup plan)",
    ]);
  });

  it("applies the strict profile when a key is left out", () => {
    const cfg = parseConfig(
      { environment: "dev", engineLifecycleSupport: "open-source-rds-extended-support" },
      "us-east-1",
    );
    expect(cfg).toMatchObject({
      multiAz: true,
      deletionProtection: true,
      backupRetentionDays: 35,
      logRetentionDays: 2192,
      instanceClass: "db.r6g.large",
      pooler: "rds-proxy",
      caCertIdentifier: "rds-ca-rsa2048-g1",
      relaxations: [],
    });
    expect(cfg.vpcId).toBeUndefined();
    expect(cfg.maxConnections).toBeUndefined();
  });

  it("treats the empty defaults of optional keys as unset", () => {
    const cfg = parseConfig(
      {
        environment: "prod",
        engineLifecycleSupport: "open-source-rds-extended-support",
        vpcId: "",
        maxConnections: 0,
        pgbouncerImage: "",
      },
      "eu-west-1",
    );
    expect(cfg.vpcId).toBeUndefined();
    expect(cfg.maxConnections).toBeUndefined();
    expect(cfg.pgbouncerImage).toBeUndefined();
    expect(cfg.drRegion).toBe("eu-central-1");
  });

  it("fails when a region has no default DR pair and drRegion is unset", () => {
    expect(() =>
      parseConfig(
        { environment: "prod", engineLifecycleSupport: "open-source-rds-extended-support" },
        "ap-south-2",
      ),
    ).toThrow("drRegion: (unset) has no default for ap-south-2");
  });
});
