import { describe, expect, it } from "vitest";
import { ConfigError, formatConfigProblems, parseConfig } from "../../infra/config";
import { runStack } from "../../testing/runProgram";

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
    why: "a stack file still sets manageDatabaseObjects, removed with the database operations function",
    stack: "dev",
    config: { manageDatabaseObjects: false },
    expect: [
      "manageDatabaseObjects: false was removed: roles, grants and extensions are always created, by the database operations function inside the VPC",
    ],
  },
  {
    why: "a stack file still sets the tunnel, removed with the PostgreSQL provider",
    stack: "dev",
    config: { databaseTunnelHost: "localhost", databaseTunnelPort: 15432 },
    expect: [
      'databaseTunnelHost: "localhost" was removed: Pulumi no longer connects to the database (no tunnel)',
      "databaseTunnelPort: 15432 was removed: Pulumi no longer connects to the database (no tunnel)",
    ],
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
      "alarmEmails and alarmHttpsEndpoints are empty: alarms reach nobody (weakens HIPAA 164.308(a)(6)(ii) response and reporting)",
    ]);
  });

  it("applies the strict profile when a key is left out", () => {
    const cfg = parseConfig(
      {
        environment: "dev",
        engineLifecycleSupport: "open-source-rds-extended-support",
        alarmEmails: '["oncall@example.org"]',
      },
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
        alarmEmails: '["oncall@example.org"]',
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

describe("alarm subscribers and IAM at the proxy", () => {
  const base = {
    environment: "prod",
    engineLifecycleSupport: "open-source-rds-extended-support",
    alarmEmails: '["oncall@example.org"]',
  };
  const problemsOf = (raw: Record<string, unknown>): string[] => {
    try {
      parseConfig(raw, "us-east-1", "prod");
      return [];
    } catch (e) {
      return (e as ConfigError).problems.map((p) => `${p.key}: ${p.message}`);
    }
  };

  it("fails when prod has no alarm subscriber, naming alarmEmails", () => {
    const problems = problemsOf({ ...base, alarmEmails: "[]" });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^alarmEmails: is empty and so is alarmHttpsEndpoints: prod alarms and DR backup notifications would reach nobody/,
    );
  });

  it("accepts a pager webhook alone as prod's subscriber", () => {
    expect(
      problemsOf({ ...base, alarmEmails: "[]", alarmHttpsEndpoints: '["https://pager.example.org/hook"]' }),
    ).toEqual([]);
  });

  it("warns, not fails, when dev has no subscriber", () => {
    const cfg = parseConfig(
      { environment: "dev", engineLifecycleSupport: "open-source-rds-extended-support" },
      "us-east-1",
      "dev",
    );
    expect(cfg.relaxations).toContain(
      "alarmEmails and alarmHttpsEndpoints are empty: alarms reach nobody (weakens HIPAA 164.308(a)(6)(ii) response and reporting)",
    );
  });

  it("fails when proxyRequireIam leaves a proxy-served role on passwords, naming the role", () => {
    const problems = problemsOf({ ...base, proxyRequireIam: "true", iamAuthRoles: '["app_user"]' });
    expect(problems).toEqual([
      "proxyRequireIam: makes the proxy use end-to-end IAM, but analytics_readonly is not in iamAuthRoles and could not log in through it. Add analytics_readonly to iamAuthRoles, or set proxyRequireIam to false.",
    ]);
  });

  it("accepts proxyRequireIam when every proxy-served role is an IAM role", () => {
    expect(
      problemsOf({ ...base, proxyRequireIam: "true", iamAuthRoles: '["app_user","analytics_readonly"]' }),
    ).toEqual([]);
  });

  it("fails when every pooled role is an IAM role behind a password pooler", () => {
    const problems = problemsOf({ ...base, iamAuthRoles: '["app_user","analytics_readonly"]' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(
      /^iamAuthRoles: lists every pooled role \(app_user, analytics_readonly\).*Set proxyRequireIam to true/,
    );
  });
});

describe("list items and problem messages", () => {
  const base = {
    environment: "prod",
    engineLifecycleSupport: "open-source-rds-extended-support",
    alarmEmails: '["oncall@example.org"]',
  };
  const errorOf = (raw: Record<string, unknown>): ConfigError => {
    try {
      parseConfig(raw, "us-east-1", "prod");
    } catch (e) {
      if (e instanceof ConfigError) return e;
      throw e;
    }
    throw new Error("expected a ConfigError");
  };

  it("fails on a malformed and a public CIDR in one list in the same run, each by index", () => {
    const e = errorOf({ ...base, allowedCidrs: '["10.0.0.0/8","10.0.0/8","8.8.8.0/24"]' });
    expect(e.problems).toEqual([
      {
        key: "allowedCidrs[1]",
        value: "10.0.0/8",
        message: 'is not valid. Use IPv4 CIDRs such as "10.0.0.0/16".',
      },
      {
        key: "allowedCidrs[2]",
        value: "8.8.8.0/24",
        message:
          "is not a private (RFC 1918) range; the database never admits public addresses (HIPAA 164.312(e)(1)). Use a private CIDR or a security group id.",
      },
    ]);
  });

  it("fails when a list is written as a comma-separated string, showing it as a YAML list", () => {
    const e = errorOf({ ...base, allowedCidrs: "10.0.0.0/8, 10.1.0.0/16" });
    expect(e.problems.map((p) => `${p.key}: ${JSON.stringify(p.value)} ${p.message}`)).toEqual([
      'allowedCidrs: "10.0.0.0/8, 10.1.0.0/16" is not a list. Use a list of private IPv4 CIDRs. Write it as a YAML list: ["10.0.0.0/8", "10.1.0.0/16"].',
    ]);
  });

  it("judges the well-formed IAM roles of a list that also holds a malformed one", () => {
    const e = errorOf({ ...base, iamAuthRoles: '["Bad-Name","someone"]' });
    expect(e.problems.map((p) => [p.key, p.value])).toEqual([
      ["iamAuthRoles[0]", "Bad-Name"],
      ["iamAuthRoles[1]", "someone"],
    ]);
  });

  it("prints one problem per line, grouped by key in the order found", () => {
    const e = errorOf({ ...base, instanceClass: "db.t4g.medium", allowedCidrs: '["10.0.0/8","8.8.8.0/24"]' });
    expect(e.problems.map((p) => p.key)).toEqual(["allowedCidrs[0]", "instanceClass", "allowedCidrs[1]"]);
    expect(e.message.split("\n")).toEqual([
      'Invalid configuration for stack "prod" (3 problems); nothing was provisioned:',
      '  - allowedCidrs[0]: "10.0.0/8" is not valid. Use IPv4 CIDRs such as "10.0.0.0/16".',
      '  - allowedCidrs[1]: "8.8.8.0/24" is not a private (RFC 1918) range; the database never admits public addresses (HIPAA 164.312(e)(1)). Use a private CIDR or a security group id.',
      '  - instanceClass: "db.t4g.medium" is a burstable class; prod needs steady CPU. Use a db.m or db.r class.',
    ]);
  });

  it("names file and line for stack-file keys, and the Pulumi.yaml default for inherited ones", () => {
    const text = formatConfigProblems(
      "prod",
      [
        { key: "alarmEmails", value: [], message: "is empty." },
        { key: "engineLifecycleSupport", value: undefined, message: "is required." },
        { key: "allowedCidrs[1]", value: "8.8.8.0/24", message: "is public." },
        { key: "multiAz", value: false, message: "is refused in prod." },
      ],
      { stackFile: "Pulumi.prod.yaml", lines: { multiAz: 3, allowedCidrs: 4, "allowedCidrs[1]": 6 } },
    );
    expect(text.split("\n")).toEqual([
      'Invalid configuration for stack "prod" (4 problems); nothing was provisioned:',
      "  - Pulumi.prod.yaml:3: multiAz: false is refused in prod.",
      '  - Pulumi.prod.yaml:6: allowedCidrs[1]: "8.8.8.0/24" is public.',
      "  - Pulumi.prod.yaml: engineLifecycleSupport: (unset) is required.",
      "  - Pulumi.yaml default (override it in Pulumi.prod.yaml): alarmEmails: [] is empty.",
    ]);
  });
});

describe("a production stack cannot be weakened", () => {
  const devFile = {
    environment: "dev",
    engineLifecycleSupport: "open-source-rds-extended-support",
    multiAz: "false",
    alarmEmails: '["oncall@example.org"]',
  };
  const problemKeys = (stack: string, raw: Record<string, unknown>): string[] => {
    try {
      parseConfig(raw, "us-east-1", stack);
      return [];
    } catch (e) {
      return (e as ConfigError).problems.map((p) => p.key);
    }
  };

  it.each(["prod", "production", "prod-eu", "eu-prod", "PROD"])(
    "refuses environment: dev on the stack named %s, and judges its relaxations as prod does",
    (stack) => {
      expect(problemKeys(stack, devFile)).toEqual(["environment", "multiAz"]);
    },
  );

  it("names the stack and the fix", () => {
    try {
      parseConfig(devFile, "us-east-1", "prod");
      expect.unreachable();
    } catch (e) {
      expect((e as ConfigError).problems[0].message).toBe(
        'is refused for stack "prod": a production stack (named prod, production, prod-* or *-prod) always runs the prod profile, whatever its stack file says. Set "environment: prod".',
      );
    }
  });

  it.each(["dev", "staging", "product-demo", "preprod-x"])(
    "lets the stack named %s run the dev profile",
    (stack) => {
      expect(problemKeys(stack, devFile)).toEqual([]);
    },
  );

  it("fails when prod turns pgaudit off; dev prints it as a relaxation", () => {
    expect(
      problemKeys("prod", { ...devFile, environment: "prod", multiAz: "true", pgauditEnabled: "false" }),
    ).toEqual(["pgauditEnabled"]);
    const dev = parseConfig({ ...devFile, pgauditEnabled: "false" }, "us-east-1", "dev");
    expect(dev.relaxations).toContain(
      "pgauditEnabled=false: no pgaudit (weakens HIPAA 164.312(b) audit controls)",
    );
  });
});
