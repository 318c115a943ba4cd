import { describe, expect, it } from "vitest";
import { PLAN_RULES, planPreflight } from "../../preflight/catalog";
import type { PlanContext, PlannedResource } from "../../preflight/types";

/**
 * One violating fixture per plan-level rule: a hand-built list of planned resources, as the mock cloud
 * records them, that the rule must catch, with the exact resource it names.
 */
const R = (
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  more: Partial<PlannedResource> = {},
) => ({ type, name, inputs, ...more }) as PlannedResource;
const ACCT = "123456789012";
const T = {
  db: "aws:rds/instance:Instance",
  pg: "aws:rds/parameterGroup:ParameterGroup",
  key: "aws:kms/key:Key",
  topic: "aws:sns/topic:Topic",
  alarm: "aws:cloudwatch/metricAlarm:MetricAlarm",
  proxy: "aws:rds/proxy:Proxy",
  plan: "aws:backup/plan:Plan",
  lock: "aws:backup/vaultLockConfiguration:VaultLockConfiguration",
  vpc: "aws:ec2/vpc:Vpc",
  svc: "aws:ecs/service:Service",
};
const primary = (inputs: Record<string, unknown> = {}) =>
  R(
    T.db,
    "db",
    { identifier: "app-db", engine: "postgres", engineVersion: "16", ...inputs },
    {
      state: { arn: `arn:aws:rds:us-east-1:${ACCT}:db:app-db` },
    },
  );
const replica = (inputs: Record<string, unknown> = {}) =>
  R(T.db, "replica", {
    identifier: "app-db-replica",
    replicateSourceDb: "app-db",
    storageEncrypted: true,
    ...inputs,
  });
const keyArn = (region: string) => `arn:aws:kms:${region}:${ACCT}:key/k1`;
const key = (statements: unknown[], region = "us-east-1") =>
  R(
    T.key,
    "key",
    { deletionWindowInDays: 30, policy: JSON.stringify({ Statement: statements }) },
    {
      state: { arn: keyArn(region) },
      region,
    },
  );
const topicArn = `arn:aws:sns:us-east-1:${ACCT}:alarms`;
const topic = (inputs: Record<string, unknown> = {}) =>
  R(T.topic, "alarms-topic", { name: "alarms", ...inputs }, { state: { arn: topicArn } });
const alarm = (inputs: Record<string, unknown> = {}) =>
  R(T.alarm, "cpu-alarm", { period: 60, evaluationPeriods: 5, alarmActions: [topicArn], ...inputs });

interface Case {
  readonly rule: string;
  readonly why: string;
  readonly resources: PlannedResource[];
  readonly ctx?: Partial<PlanContext>;
  /** [resource name, a phrase of the message] for each expected violation. */
  readonly expect: [string, string][];
}

const cases: Case[] = [
  {
    rule: "rds.replica.managedMasterPassword",
    why: "a replica's source has its master password managed by Secrets Manager",
    resources: [primary({ manageMasterUserPassword: true }), replica()],
    expect: [["replica", "whose master password is managed by Secrets Manager"]],
  },
  {
    rule: "rds.replica.sameRegionKmsKey",
    why: "a same-region replica sets kmsKeyId",
    resources: [primary(), replica({ kmsKeyId: keyArn("us-east-1") })],
    expect: [["replica", "same-region read replica sets kmsKeyId"]],
  },
  {
    rule: "rds.parameterGroup.family",
    why: "a PostgreSQL 16 instance uses a postgres15 group",
    resources: [
      primary({ parameterGroupName: "app-postgres15-x" }),
      R(T.pg, "params", { namePrefix: "app-postgres15-", family: "postgres15" }),
    ],
    expect: [["db", "runs PostgreSQL 16 but its parameter group params is family postgres15"]],
  },
  {
    rule: "rds.parameterGroup.replaceOrder",
    why: "the group in use is replaced delete-before-create",
    resources: [
      primary({ parameterGroupName: "app-postgres16" }),
      R(T.pg, "params", { name: "app-postgres16", family: "postgres16" }, { deleteBeforeReplace: true }),
    ],
    expect: [["params", "is replaced delete-before-create while instances use it"]],
  },
  {
    rule: "rds.parameterGroup.replaceOrder",
    why: "the group in use has a fixed name without its family",
    resources: [
      primary({ parameterGroupName: "app-params" }),
      R(T.pg, "params", { name: "app-params", family: "postgres16" }),
    ],
    expect: [["params", "has the fixed name app-params without its family"]],
  },
  {
    rule: "rds.performanceInsights.retention",
    why: "Performance Insights keeps 94 days",
    resources: [primary({ performanceInsightsEnabled: true, performanceInsightsRetentionPeriod: 94 })],
    expect: [["db", "performanceInsightsRetentionPeriod 94 is not a value RDS accepts"]],
  },
  {
    rule: "rds.databaseInsights.advancedRetention",
    why: "Advanced mode keeps Performance Insights 434 days",
    resources: [
      primary({
        databaseInsightsMode: "advanced",
        performanceInsightsEnabled: true,
        performanceInsightsRetentionPeriod: 434,
      }),
    ],
    expect: [
      [
        "db",
        "databaseInsightsMode advanced with performanceInsightsRetentionPeriod 434; RDS needs at least 465",
      ],
    ],
  },
  {
    rule: "rds.databaseInsights.advancedRetention",
    why: "Advanced mode runs without Performance Insights",
    resources: [primary({ databaseInsightsMode: "advanced", performanceInsightsRetentionPeriod: 465 })],
    expect: [["db", "databaseInsightsMode advanced without Performance Insights enabled"]],
  },
  {
    rule: "rds.monitoring.interval",
    why: "enhanced monitoring has no role",
    resources: [primary({ monitoringInterval: 60 })],
    expect: [["db", "monitoringInterval 60 without a monitoringRoleArn"]],
  },
  {
    rule: "rds.backup.retention",
    why: "backups are kept 36 days",
    resources: [primary({ backupRetentionPeriod: 36 })],
    expect: [["db", "backupRetentionPeriod 36 is outside 0 to 35 days"]],
  },
  {
    rule: "rds.backup.window",
    why: "the backup window overlaps Sunday's maintenance",
    resources: [primary({ backupWindow: "05:00-06:00", maintenanceWindow: "sun:05:30-sun:06:30" })],
    expect: [["db", "overlaps maintenanceWindow sun:05:30-sun:06:30"]],
  },
  {
    rule: "rds.storage.autoscalingThreshold",
    why: "the autoscaling ceiling is 5% above the allocation",
    resources: [primary({ allocatedStorage: 100, maxAllocatedStorage: 105 })],
    expect: [["db", "maxAllocatedStorage 105 is less than 10% above allocatedStorage 100"]],
  },
  {
    rule: "rds.storage.gp3ProvisionedPerformance",
    why: "gp3 below 400 GiB sets IOPS",
    resources: [primary({ storageType: "gp3", allocatedStorage: 100, iops: 12000 })],
    expect: [["db", "gp3 with 100 GiB sets iops"]],
  },
  {
    rule: "rds.identifier",
    why: "the identifier has two consecutive hyphens",
    resources: [primary({ identifier: "app--db" })],
    expect: [["db", 'identifier "app--db" breaks the DB instance identifier rules']],
  },
  {
    rule: "rds.logExports",
    why: "a MySQL log type is exported",
    resources: [primary({ enabledCloudwatchLogsExports: ["postgresql", "slowquery"] })],
    expect: [["db", "exports slowquery"]],
  },
  {
    rule: "rds.iamAuth.enabled",
    why: "an rds_iam role exists but IAM authentication is off",
    resources: [
      primary({ iamDatabaseAuthenticationEnabled: false }),
      R("postgresql:index/role:Role", "app-role", { name: "app_user", roles: ["rds_iam"] }),
    ],
    expect: [["db", "role app_user is a member of rds_iam"]],
  },
  {
    rule: "rdsProxy.endToEndIam",
    why: "the proxy signs in as an rds_iam role with a password secret",
    resources: [
      R("postgresql:index/role:Role", "app-role", { name: "app_user", roles: ["rds_iam"] }),
      R(T.proxy, "proxy", {
        name: "app-proxy",
        defaultAuthScheme: "NONE",
        auths: [{ authScheme: "SECRETS", description: "login role app_user", secretArn: "arn:s" }],
      }),
    ],
    expect: [["proxy", "signs in as app_user with a password secret"]],
  },
  {
    rule: "rdsProxy.endToEndIam",
    why: "an IAM_AUTH proxy's role has no rds-db:connect",
    resources: [
      R(T.proxy, "proxy", {
        name: "app-proxy",
        defaultAuthScheme: "IAM_AUTH",
        roleArn: `arn:aws:iam::${ACCT}:role/app-proxy`,
      }),
      R("aws:iam/role:Role", "proxy-role", { name: "app-proxy" }),
      R("aws:iam/rolePolicy:RolePolicy", "proxy-secrets", {
        role: "app-proxy",
        policy: JSON.stringify({
          Statement: [{ Effect: "Allow", Action: "secretsmanager:GetSecretValue", Resource: "*" }],
        }),
      }),
    ],
    expect: [["proxy", "has no rds-db:connect grant"]],
  },
  {
    rule: "rdsProxy.idleConnections",
    why: "idle connections exceed the connection limit",
    resources: [
      R("aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup", "tg", {
        connectionPoolConfig: { maxConnectionsPercent: 50, maxIdleConnectionsPercent: 60 },
      }),
    ],
    expect: [["tg", "maxIdleConnectionsPercent 60 is outside 0 to maxConnectionsPercent 50"]],
  },
  {
    rule: "rdsProxy.name",
    why: "the proxy name ends with a hyphen",
    resources: [R(T.proxy, "proxy", { name: "app-proxy-", defaultAuthScheme: "NONE" })],
    expect: [["proxy", 'name "app-proxy-" breaks the DB proxy name rules']],
  },
  {
    rule: "backup.vaultLock.settings",
    why: "the lock can be changed for only 1 day",
    resources: [
      R(T.lock, "lock", {
        backupVaultName: "v",
        changeableForDays: 1,
        minRetentionDays: 35,
        maxRetentionDays: 2192,
      }),
    ],
    expect: [["lock", "changeableForDays 1 is below the 3-day cooling-off period"]],
  },
  {
    rule: "backup.lifecycle.withinVaultLock",
    why: "a rule keeps 7 days in a vault locked to at least 35",
    resources: [
      R(T.lock, "lock", { backupVaultName: "v", changeableForDays: 3, minRetentionDays: 35 }),
      R(T.plan, "plan", {
        rules: [{ ruleName: "daily", targetVaultName: "v", lifecycle: { deleteAfter: 7 } }],
      }),
    ],
    expect: [["plan", "rule daily: 7 days is below the vault lock's minRetentionDays 35"]],
  },
  {
    rule: "backup.continuous.retention",
    why: "a continuous rule keeps 90 days",
    resources: [
      R(T.plan, "plan", {
        rules: [{ ruleName: "pitr", enableContinuousBackup: true, lifecycle: { deleteAfter: 90 } }],
      }),
    ],
    expect: [["plan", "rule pitr is continuous with deleteAfter 90"]],
  },
  {
    rule: "backup.coldStorage.lifecycle",
    why: "recovery points are deleted 30 days after moving to cold storage",
    resources: [
      R(T.plan, "plan", {
        rules: [{ ruleName: "monthly", lifecycle: { coldStorageAfter: 30, deleteAfter: 60 } }],
      }),
    ],
    expect: [["plan", "rule monthly: deleteAfter 60 is less than 90 days after coldStorageAfter 30"]],
  },
  {
    rule: "backup.automatedBackupsReplication.kmsKey",
    why: "DR automated backups use a key of the source region",
    resources: [
      primary({ storageEncrypted: true }),
      R(
        "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
        "dr-backups",
        { sourceDbInstanceArn: `arn:aws:rds:us-east-1:${ACCT}:db:app-db`, kmsKeyId: keyArn("us-east-1") },
        { region: "us-west-2" },
      ),
    ],
    expect: [["dr-backups", "an encrypted instance's backups need a key of us-west-2"]],
  },
  {
    rule: "kms.deletionWindow",
    why: "the key would be deleted after 3 days",
    resources: [R(T.key, "key", { deletionWindowInDays: 3 })],
    expect: [["key", "deletionWindowInDays 3 is outside 7 to 30"]],
  },
  {
    rule: "kms.encryptedTopic.publishers",
    why: "CloudWatch alarms publish to a topic whose key does not admit cloudwatch.amazonaws.com",
    resources: [
      key([
        { Effect: "Allow", Principal: { AWS: `arn:aws:iam::${ACCT}:root` }, Action: "kms:*", Resource: "*" },
      ]),
      topic({ kmsMasterKeyId: keyArn("us-east-1") }),
      alarm(),
      R("aws:sns/topicSubscription:TopicSubscription", "sub", { topic: topicArn }),
    ],
    expect: [["alarms-topic", "does not let cloudwatch.amazonaws.com use it"]],
  },
  {
    rule: "kms.encryptedLogGroup.logsPrincipal",
    why: "a log group's key does not admit CloudWatch Logs",
    resources: [
      key([{ Effect: "Allow", Principal: { Service: "rds.amazonaws.com" }, Action: "kms:*", Resource: "*" }]),
      R("aws:cloudwatch/logGroup:LogGroup", "logs", {
        name: "/app",
        retentionInDays: 365,
        kmsKeyId: keyArn("us-east-1"),
      }),
    ],
    expect: [["logs", "does not allow logs.us-east-1.amazonaws.com"]],
  },
  {
    rule: "ecs.fargate.cpuMemory",
    why: "512 CPU units with 8 GiB",
    resources: [
      R("aws:ecs/taskDefinition:TaskDefinition", "task", {
        requiresCompatibilities: ["FARGATE"],
        cpu: "512",
        memory: "8192",
      }),
    ],
    expect: [["task", "cpu 512 with memory 8192 is not a Fargate task size"]],
  },
  {
    rule: "ecs.loadBalancer.targetTypeIp",
    why: "an awsvpc service registers into an instance target group",
    resources: [
      R("aws:ecs/taskDefinition:TaskDefinition", "task", {
        family: "pgb",
        networkMode: "awsvpc",
        requiresCompatibilities: ["FARGATE"],
        cpu: "512",
        memory: "1024",
      }),
      R("aws:lb/targetGroup:TargetGroup", "tg", { targetType: "instance" }, { state: { arn: "arn:tg" } }),
      R(T.svc, "svc", { taskDefinition: "pgb", loadBalancers: [{ targetGroupArn: "arn:tg" }] }),
    ],
    expect: [["tg", "targetType instance for the awsvpc service svc"]],
  },
  {
    rule: "network.dbSubnetGroup.azs",
    why: "both subnets are in one AZ",
    resources: [
      R("aws:ec2/subnet:Subnet", "a", { availabilityZone: "us-east-1a" }, { state: { id: "subnet-a" } }),
      R("aws:ec2/subnet:Subnet", "b", { availabilityZone: "us-east-1a" }, { state: { id: "subnet-b" } }),
      R("aws:rds/subnetGroup:SubnetGroup", "subnets", { subnetIds: ["subnet-a", "subnet-b"] }),
    ],
    expect: [["subnets", "has 2 subnet(s) in 1 Availability Zone(s)"]],
  },
  {
    rule: "network.fargate.ecrEndpoints",
    why: "Fargate in an isolated VPC without the S3 gateway endpoint",
    resources: [
      R(T.vpc, "vpc", {}),
      R(T.svc, "svc", { launchType: "FARGATE" }),
      ...["ecr.api", "ecr.dkr", "logs"].map((s) =>
        R("aws:ec2/vpcEndpoint:VpcEndpoint", s, {
          serviceName: `com.amazonaws.us-east-1.${s}`,
          vpcEndpointType: "Interface",
        }),
      ),
    ],
    expect: [["svc", "no VPC endpoint for s3 (Gateway)"]],
  },
  {
    rule: "secretsManager.rotation.endpoint",
    why: "Lambda rotation in an isolated VPC without a secretsmanager endpoint",
    resources: [
      R(T.vpc, "vpc", {}),
      R("aws:secretsmanager/secretRotation:SecretRotation", "rotation", {
        secretId: "arn:s",
        rotationLambdaArn: "arn:l",
      }),
    ],
    expect: [["rotation", "without a secretsmanager endpoint"]],
  },
  {
    rule: "secretsManager.rotation.days",
    why: "a role secret rotates every 1001 days",
    resources: [
      R("aws:secretsmanager/secretRotation:SecretRotation", "app-rotation", {
        secretId: "arn:s",
        rotationRules: { automaticallyAfterDays: 1001 },
      }),
    ],
    expect: [["app-rotation", "automaticallyAfterDays 1001 is outside 1–1000"]],
  },
  {
    rule: "secretsManager.replica.region",
    why: "the column key is replicated to its own region",
    resources: [
      R("aws:secretsmanager/secret:Secret", "column-key", {
        replicas: [{ region: "us-east-1", kmsKeyId: "k" }],
      }),
    ],
    expect: [["column-key", "replicates to us-east-1, its own region"]],
  },
  {
    rule: "lambda.function.limits",
    why: "the function may run 20 minutes with 64 MB",
    resources: [R("aws:lambda/function:Function", "dbops", { timeout: 1200, memorySize: 64 })],
    expect: [
      ["dbops", "timeout 1200 s is outside 1–900"],
      ["dbops", "memorySize 64 MB is outside 128–10240"],
    ],
  },
  {
    rule: "lambda.function.vpcConfig",
    why: "the function's VPC configuration has subnets but no security group",
    resources: [
      R("aws:lambda/function:Function", "dbops", {
        vpcConfig: { subnetIds: ["subnet-1"], securityGroupIds: [] },
      }),
    ],
    expect: [["dbops", "Lambda needs at least one of each"]],
  },
  {
    rule: "lambda.invocation.payload",
    why: "the apply event is above 6 MB",
    resources: [
      R("aws:lambda/invocation:Invocation", "apply", {
        input: JSON.stringify({ pad: "x".repeat(6 * 1024 * 1024) }),
      }),
    ],
    expect: [["apply", "above the 6291456-byte limit"]],
  },
  {
    rule: "events.rule.scheduleExpression",
    why: "the schedule says rate(1 minutes)",
    resources: [
      R("aws:cloudwatch/eventRule:EventRule", "metrics", { scheduleExpression: "rate(1 minutes)" }),
    ],
    expect: [["metrics", 'scheduleExpression "rate(1 minutes)" is not valid']],
  },
  {
    rule: "cloudwatch.alarm.period",
    why: "a one-minute alarm evaluates two days",
    resources: [alarm({ period: 60, evaluationPeriods: 2880, alarmActions: [] })],
    expect: [["cpu-alarm", "exceeds 86400 s"]],
  },
  {
    rule: "cloudwatch.alarm.period",
    why: "the period is 45 seconds",
    resources: [alarm({ period: 45, evaluationPeriods: 1, alarmActions: [] })],
    expect: [["cpu-alarm", "period 45 s is not 10, 20, 30 or a multiple of 60"]],
  },
  {
    rule: "cloudwatch.logGroup.retention",
    why: "logs are kept 100 days",
    resources: [R("aws:cloudwatch/logGroup:LogGroup", "logs", { name: "/app", retentionInDays: 100 })],
    expect: [["logs", "retentionInDays 100 is not accepted"]],
  },
  {
    rule: "sns.notificationTopic.subscriber",
    why: "prod alarms publish to a topic nobody subscribes to",
    resources: [topic(), alarm()],
    ctx: { environment: "prod" },
    expect: [["alarms-topic", "has no subscription; they reach nobody"]],
  },
];

describe("each plan-level rule catches its violating fixture", () => {
  it.each(cases)("$rule refuses a plan where $why", (c) => {
    const all = planPreflight(c.resources, { region: "us-east-1", environment: "prod", ...c.ctx });
    const mine = all.filter((v) => v.rule === c.rule);
    expect(mine.map((v) => v.resourceName)).toEqual(c.expect.map(([n]) => n));
    for (const [i, [, phrase]] of c.expect.entries()) expect(mine[i].message).toContain(phrase);
    const rule = PLAN_RULES.find((r) => r.id === c.rule)!;
    expect([mine[0].source, mine[0].fix, mine[0].severity]).toEqual([rule.source, rule.fix, "error"]);
  });

  it("has a fixture for every plan-level rule", () => {
    expect([...new Set(cases.map((c) => c.rule))].sort()).toEqual(PLAN_RULES.map((r) => r.id).sort());
  });

  it("reports a dev topic without subscribers as a warning, not an error", () => {
    const v = planPreflight([topic(), alarm()], { region: "us-east-1", environment: "dev" });
    expect(v.map((x) => [x.rule, x.severity])).toEqual([["sns.notificationTopic.subscriber", "warning"]]);
  });

  it("accepts Advanced mode with Performance Insights kept 465 days, and standard with 7", () => {
    const v = planPreflight(
      [
        primary({
          databaseInsightsMode: "advanced",
          performanceInsightsEnabled: true,
          performanceInsightsRetentionPeriod: 465,
        }),
        replica({ databaseInsightsMode: "standard", performanceInsightsEnabled: true }),
      ],
      { region: "us-east-1" },
    );
    expect(v.filter((x) => x.rule === "rds.databaseInsights.advancedRetention")).toEqual([]);
  });

  it("accepts a cross-region replica with a key of its own region", () => {
    const rr = replica({
      replicateSourceDb: `arn:aws:rds:us-east-1:${ACCT}:db:app-db`,
      kmsKeyId: keyArn("us-west-2"),
    });
    const v = planPreflight([primary(), { ...rr, region: "us-west-2" }], { region: "us-east-1" });
    expect(v.filter((x) => x.rule === "rds.replica.sameRegionKmsKey")).toEqual([]);
  });
});
