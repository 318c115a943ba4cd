import { describe, expect, it } from "vitest";
import { ConfigError, formatProblem, PROJECT, parseConfig } from "../../infra/config";
import { CONFIG_RULES } from "../../preflight/catalog";
import { stackConfig } from "../../testing/runProgram";

/** A stack file's project keys, as Pulumi hands them to parseConfig, with overrides. */
function raw(stack: "dev" | "prod", overrides: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(stackConfig(stack)))
    if (k.startsWith(`${PROJECT}:`)) out[k.slice(PROJECT.length + 1)] = v;
  return { ...out, ...overrides };
}

function problemsOf(stack: "dev" | "prod", overrides: Record<string, unknown>): string[] {
  try {
    parseConfig(raw(stack, overrides), "us-east-1", stack);
  } catch (e) {
    if (e instanceof ConfigError) return e.problems.map(formatProblem);
    throw e;
  }
  return [];
}

const DIGEST = "a".repeat(64);
const cases: {
  rule: string;
  why: string;
  stack: "dev" | "prod";
  config: Record<string, unknown>;
  expect: string;
}[] = [
  {
    rule: "rds.replica.managedMasterPassword.config",
    why: "a read replica is asked for",
    stack: "dev",
    config: { readReplicaCount: 1 },
    expect:
      "readReplicaCount: 1 asks for read replicas, but this stack always has RDS manage the master password in Secrets Manager, and RDS refuses to create a read replica of such an instance.",
  },
  {
    rule: "rds.storage.autoscalingThreshold.config",
    why: "the autoscaling ceiling is 5% above the allocation",
    stack: "dev",
    config: { allocatedStorageGb: 100, maxAllocatedStorageGb: 105 },
    expect:
      "maxAllocatedStorageGb: 105 is less than 10% above allocatedStorageGb (100); RDS needs at least 110.",
  },
  {
    rule: "rds.instanceClass.known.config",
    why: "the class is db.m4.large, which RDS offers only below PostgreSQL 13",
    stack: "dev",
    config: { instanceClass: "db.m4.large" },
    expect:
      'instanceClass: "db.m4.large" is not a class this platform can run: RDS offers it only for PostgreSQL lower than 13; this platform runs 14 or later.',
  },
  {
    rule: "rds.instanceClass.known.config",
    why: "the class's family has no memory rule (a typo)",
    stack: "prod",
    config: { instanceClass: "db.q6g.large" },
    expect:
      'instanceClass: "db.q6g.large" has no instance profile: the family q6g is not one the rules size (m5+, r5+, t3, t4g, x2+), so its memory and max_connections cannot be sized. Use a current RDS for PostgreSQL class such as "db.r6g.large", "db.m7g.large" or "db.t4g.medium"; a new family needs its memory per vCPU added to spec/instanceProfile.ts. (preflight rds.instanceClass.known.config; ',
  },
  {
    rule: "rds.databaseInsights.advancedRetention.config",
    why: "Advanced mode keeps Performance Insights only 7 days",
    stack: "prod",
    config: { databaseInsightsMode: "advanced", performanceInsightsRetentionDays: 7 },
    expect:
      'databaseInsightsMode: "advanced" needs Performance Insights kept at least 465 days, but performanceInsightsRetentionDays is 7; RDS refuses the combination (InvalidParameterCombination). Set performanceInsightsRetentionDays to 465 (15 months; no extra charge beyond Advanced mode itself), or set databaseInsightsMode to "standard". (preflight rds.databaseInsights.advancedRetention.config; ',
  },
  {
    rule: "rdsProxy.idleConnections.config",
    why: "proxy idle connections exceed its limit",
    stack: "prod",
    config: { proxyMaxConnectionsPercent: 40, proxyMaxIdleConnectionsPercent: 50 },
    expect:
      "proxyMaxIdleConnectionsPercent: 50 is above proxyMaxConnectionsPercent (40); RDS rejects the pool configuration.",
  },
  {
    rule: "ecs.pgbouncerImage.privateEcr.config",
    why: "the isolated VPC would pull PgBouncer from Docker Hub",
    stack: "dev",
    config: { pooler: "pgbouncer", pgbouncerImage: `docker.io/edoburu/pgbouncer@sha256:${DIGEST}` },
    expect: `pgbouncerImage: "docker.io/edoburu/pgbouncer@sha256:${DIGEST}" cannot be pulled: the created VPC has no internet route, and only a private ECR repository in us-east-1 is reachable (through its VPC endpoints).`,
  },
  {
    rule: "ecs.pgbouncerImage.privateEcr.config",
    why: "the image is in ECR of another region",
    stack: "dev",
    config: {
      pooler: "pgbouncer",
      pgbouncerImage: `123456789012.dkr.ecr.eu-west-1.amazonaws.com/pgbouncer@sha256:${DIGEST}`,
    },
    expect: `pgbouncerImage: "123456789012.dkr.ecr.eu-west-1.amazonaws.com/pgbouncer@sha256:${DIGEST}" cannot be pulled`,
  },
  {
    rule: "ecs.fargate.cpuMemory.config",
    why: "PgBouncer asks for 512 CPU units with 8 GiB",
    stack: "dev",
    config: {
      pooler: "pgbouncer",
      pgbouncerImage: `123456789012.dkr.ecr.us-east-1.amazonaws.com/pgbouncer@sha256:${DIGEST}`,
      pgbouncerCpu: 512,
      pgbouncerMemoryMiB: 8192,
    },
    expect:
      "pgbouncerMemoryMiB: 8192 is not a Fargate memory size for pgbouncerCpu 512; ECS rejects the task definition.",
  },
];

describe("config-level preflight rules refuse the combination in parseConfig", () => {
  it.each(cases)("$rule refuses a config where $why", (c) => {
    const rule = CONFIG_RULES.find((r) => r.id === c.rule)!;
    const found = problemsOf(c.stack, c.config).filter((p) => p.includes(`(preflight ${c.rule};`));
    expect(found).toHaveLength(1);
    expect(found[0].startsWith(c.expect)).toBe(true);
    expect(
      found[0].endsWith(`${rule.fix} (preflight ${rule.id}; ${rule.source.title}: ${rule.source.url})`),
    ).toBe(true);
  });

  it("has a case for every config-level rule", () => {
    expect([...new Set(cases.map((c) => c.rule))].sort()).toEqual(CONFIG_RULES.map((r) => r.id).sort());
  });

  it("accepts the default dev and prod stacks and an in-region private ECR image", () => {
    expect(problemsOf("dev", {})).toEqual([]);
    expect(problemsOf("prod", {})).toEqual([]);
    expect(
      problemsOf("dev", {
        pooler: "pgbouncer",
        pgbouncerImage: `123456789012.dkr.ecr.us-east-1.amazonaws.com/infra/pgbouncer@sha256:${DIGEST}`,
      }),
    ).toEqual([]);
  });

  it("accepts Advanced mode with 465 or 731 days of Performance Insights", () => {
    for (const days of [465, 731])
      expect(
        problemsOf("prod", { databaseInsightsMode: "advanced", performanceInsightsRetentionDays: days }),
      ).toEqual([]);
  });

  it("refuses a Database Insights mode RDS does not have, naming the two it has", () => {
    expect(problemsOf("prod", { databaseInsightsMode: "basic" })).toEqual([
      'databaseInsightsMode: "basic" is not one of standard, advanced. Use one of them.',
    ]);
  });

  it("lets an existing VPC pull from any registry it can reach", () => {
    expect(
      problemsOf("dev", {
        pooler: "pgbouncer",
        pgbouncerImage: `docker.io/edoburu/pgbouncer@sha256:${DIGEST}`,
        vpcId: "vpc-0123456789abcdef0",
        privateSubnetIds: ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"],
      }).filter((p) => p.includes("preflight")),
    ).toEqual([]);
  });
});
