import { beforeAll, describe, expect, it } from "vitest";
import { passwordRoles } from "../../components/postgres/accessModel";
import { dbopsBundle } from "../../components/postgres/dbopsBundle";
import { DBOPS_ENV } from "../../functions/dbops/contract";
import { stackAccessModel } from "../../infra/accessModel";
import { parseConfig } from "../../infra/config";
import { DB_METRICS_SCHEDULE, MONITOR_ROLE } from "../../spec/databaseOps";
import { MOCK_ACCOUNT, MOCK_VPC_WITHOUT_SECRETS_ENDPOINT, type Registration } from "../../testing/mockCloud";
import { ofType, one, type RunResult, runStack, stackConfig } from "../../testing/runProgram";

const SECRET = "aws:secretsmanager/secret:Secret";
const VERSION = "aws:secretsmanager/secretVersion:SecretVersion";
const ROTATION = "aws:secretsmanager/secretRotation:SecretRotation";
const FUNCTION = "aws:lambda/function:Function";
const INVOCATION = "aws:lambda/invocation:Invocation";
const PERMISSION = "aws:lambda/permission:Permission";
const EGRESS = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
const INGRESS = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const ROLES = ["verscienta_owner", "app_user", "analytics_readonly", MONITOR_ROLE.name];
const FN = "verscienta-dev-dbops";

let dev: RunResult;
let prod: RunResult;
let iam: RunResult;
beforeAll(async () => {
  dev = await runStack({ stack: "dev" });
  prod = await runStack({ stack: "prod" });
  iam = await runStack({ stack: "dev", config: { iamAuthRoles: ["analytics_readonly"] } });
  for (const r of [dev, prod, iam]) expect(r.error).toBeUndefined();
});

const keyArn = (r: RunResult) => one(r, "aws:kms/key:Key", `verscienta-${r.stack}-key`).state.arn as string;
const instance = (r: RunResult) => one(r, "aws:rds/instance:Instance", "-instance");
const masterSecretArn = (r: RunResult) =>
  (instance(r).state.masterUserSecrets as { secretArn: string }[])[0].secretArn;
const secretArn = (r: RunResult, role: string) => one(r, SECRET, `-${role}-secret`).state.arn as string;
const columnKeyArn = (r: RunResult) => one(r, SECRET, "-column-key-secret").state.arn as string;
const fnSg = (r: RunResult) => one(r, "aws:ec2/securityGroup:SecurityGroup", "-dbops-sg");
/** A security group's id, as AWS answers it (the last part of its ARN). */
const sgId = (reg: Registration) => String(reg.state.arn).split("/").pop();
const byUrn = (r: RunResult, urn: string) => r.registrations.find((x) => x.urn === urn);
/** The stack file's project keys, bare, as parseConfig takes them. */
const bareConfig = (stack: string, extra: Record<string, string> = {}) => ({
  ...Object.fromEntries(
    Object.entries(stackConfig(stack))
      .filter(([k]) => k.startsWith("verscienta-postgres:"))
      .map(([k, v]) => [k.slice("verscienta-postgres:".length), v]),
  ),
  ...extra,
});
const applyInput = (r: RunResult) => JSON.parse(String(one(r, INVOCATION, "-dbops-apply").inputs.input));

describe("the issue's acceptance: no PostgreSQL provider, no master password, objects still created", () => {
  it.each(["dev", "prod"])("the default %s plan has no PostgreSQL provider or resource", (stack) => {
    const r = stack === "dev" ? dev : prod;
    expect(r.registrations.filter((x) => x.type.includes("postgresql"))).toEqual([]);
    expect(r.registrations.filter((x) => x.type.startsWith("pulumi-nodejs:dynamic"))).toEqual([]);
    expect(r.cloud.calls.map((c) => c.token)).not.toContain(
      "aws:secretsmanager/getSecretVersion:getSecretVersion",
    );
  });

  it.each(["dev", "prod"])("no resource input of the %s plan holds a password field", (stack) => {
    const r = stack === "dev" ? dev : prod;
    const text = JSON.stringify(r.registrations.map((x) => x.inputs));
    expect(text).not.toMatch(/\\?"password\\?"\s*:/i);
    expect(r.registrations.filter((x) => x.type.startsWith("random:index/randomPassword"))).toEqual([]);
    for (const v of ofType(r, VERSION))
      expect(JSON.parse(String(v.inputs.secretString))).not.toHaveProperty("password");
  });

  it.each(["dev", "prod"])(
    "the %s plan still creates the in-database objects: the Invocation carries the model",
    (stack) => {
      const r = stack === "dev" ? dev : prod;
      const cfg = parseConfig(bareConfig(stack), "us-east-1", stack);
      const event = applyInput(r);
      expect(event.action).toBe("apply");
      expect(event.model).toEqual(JSON.parse(JSON.stringify(stackAccessModel(cfg))));
      expect(r.outputs.databaseObjectsApplied).toMatchObject({
        database: "verscienta_health",
        rolesCreated: ROLES,
        columnKeyInitialised: true,
      });
    },
  );
});

describe("role secrets", () => {
  it("keeps one secret per role, monitor included, named <stack>/postgres/<role>, stack key, recoverable 30 days", () => {
    const secrets = ofType(dev, SECRET).filter((s) => /\/postgres\/(?!column)/.test(String(s.inputs.name)));
    expect(secrets.map((s) => s.inputs.name).sort()).toEqual(
      ROLES.map((r) => `verscienta-dev/postgres/${r}`).sort(),
    );
    for (const s of secrets) {
      expect(s.inputs.kmsKeyId).toBe(keyArn(dev));
      expect(s.inputs.recoveryWindowInDays).toBe(30);
    }
  });

  it("writes {username, engine, host, port, dbname} only, as a secret, and leaves later versions to the function", () => {
    const v = one(dev, VERSION, "app_user-version");
    expect(v.secretInputs).toContain("secretString");
    expect(v.ignoreChanges).toEqual(["secretString"]);
    expect(JSON.parse(String(v.inputs.secretString))).toEqual({
      username: "app_user",
      engine: "postgres",
      host: instance(dev).state.address,
      port: 5432,
      dbname: "verscienta_health",
    });
  });

  it("protects the secrets in prod", () => {
    for (const role of ROLES) expect(one(prod, SECRET, `-${role}-secret`).protect).toBe(true);
    expect(one(dev, SECRET, "-app_user-secret").protect).toBe(false);
  });

  it("exports the secret ARNs per role and the function's result, never a value", () => {
    const arns = dev.outputs.roleSecretArns as Record<string, string>;
    expect(Object.keys(arns).sort()).toEqual([...ROLES].sort());
    expect(arns.app_user).toBe(secretArn(dev, "app_user"));
    expect(dev.outputs.columnEncryptionKeySecretArn).toBe(columnKeyArn(dev));
    expect(dev.outputs.databaseOpsFunctionName).toBe(FN);
  });
});

describe("the column-encryption key's secret", () => {
  it("is encrypted with the stack key, recoverable 30 days, and has no version from Pulumi", () => {
    const s = one(dev, SECRET, "-column-key-secret");
    expect(s.inputs).toMatchObject({
      name: "verscienta-dev/postgres/column-encryption-key",
      kmsKeyId: keyArn(dev),
      recoveryWindowInDays: 30,
    });
    expect(ofType(dev, VERSION).filter((v) => v.inputs.secretId === columnKeyArn(dev))).toEqual([]);
  });

  it("is replicated to the DR region with the DR key, and protected in prod", () => {
    const s = one(prod, SECRET, "-column-key-secret");
    const drKey = ofType(prod, "aws:kms/key:Key").find((k) => k.region === "us-west-2");
    expect(s.inputs.replicas).toEqual([{ region: "us-west-2", kmsKeyId: drKey?.state.arn }]);
    expect(s.protect).toBe(true);
  });

  it("has no replica when DR is off", async () => {
    const r = await runStack({ stack: "dev", config: { drEnabled: false } });
    expect(r.error).toBeUndefined();
    expect(one(r, SECRET, "-column-key-secret").inputs.replicas).toBeUndefined();
    const p = JSON.parse(String(one(r, "aws:iam/policy:Policy", "-dbops-policy").inputs.policy));
    expect(p.Statement.map((x: { Sid: string }) => x.Sid)).not.toContain(
      "EncryptTheColumnKeyReplicaThroughSecretsManagerOnly",
    );
  });
});

describe("the database operations function", () => {
  it("runs nodejs22.x on arm64 for 300 s with 256 MiB, in the database's subnets, with its own group", () => {
    const f = one(dev, FUNCTION, "-dbops-function");
    expect(f.inputs).toMatchObject({
      name: FN,
      runtime: "nodejs22.x",
      architectures: ["arm64"],
      handler: "index.handler",
      timeout: 300,
      memorySize: 256,
    });
    expect(f.inputs.reservedConcurrentExecutions).toBeUndefined();
    const subnets = one(dev, "aws:rds/subnetGroup:SubnetGroup", "-subnets").inputs.subnetIds;
    expect(f.inputs.vpcConfig).toEqual({
      subnetIds: subnets,
      securityGroupIds: [sgId(fnSg(dev))],
    });
  });

  it("deploys the bundle built from functions/dbops", () => {
    const trigger = one(dev, INVOCATION, "-dbops-apply").inputs.triggers as Record<string, string>;
    expect(trigger.code).toBe(dbopsBundle().sha256);
    expect(trigger.model).toMatch(/^[0-9a-f]{64}$/);
  });

  it("gets its database, secrets and CA through the environment, and no secret value", () => {
    const env = (
      one(dev, FUNCTION, "-dbops-function").inputs.environment as { variables: Record<string, string> }
    ).variables;
    expect(env).toEqual({
      [DBOPS_ENV.host]: instance(dev).state.address,
      [DBOPS_ENV.port]: "5432",
      [DBOPS_ENV.database]: "verscienta_health",
      [DBOPS_ENV.instanceIdentifier]: "verscienta-dev-db",
      [DBOPS_ENV.masterSecretArn]: masterSecretArn(dev),
      [DBOPS_ENV.monitorSecretArn]: secretArn(dev, MONITOR_ROLE.name),
      [DBOPS_ENV.caBundle]: "/var/runtime/ca-cert.pem",
      [DBOPS_ENV.roleKinds]: JSON.stringify({
        verscienta_owner: "owner",
        app_user: "app",
        analytics_readonly: "analytics",
        verscienta_monitor: "monitor",
      }),
    });
  });

  it("may reach only PostgreSQL on the database and HTTPS on the VPC's endpoints", () => {
    const sg = fnSg(dev);
    expect(sg.inputs.egress).toBeUndefined();
    expect(sg.inputs.ingress).toBeUndefined();
    const rules = ofType(dev, EGRESS).filter((e) => e.name.startsWith("verscienta-dev-dbops"));
    const endpointsSg = sgId(one(dev, "aws:ec2/securityGroup:SecurityGroup", "-endpoints-sg"));
    const dbSg = sgId(one(dev, "aws:ec2/securityGroup:SecurityGroup", "-db-sg"));
    expect(
      rules.map((r) => [
        r.inputs.fromPort,
        r.inputs.toPort,
        r.inputs.referencedSecurityGroupId,
        r.inputs.cidrIpv4,
      ]),
    ).toEqual([
      [5432, 5432, dbSg, undefined],
      [443, 443, endpointsSg, undefined],
    ]);
  });

  it("is admitted on the database's 5432 by the network's own rule", () => {
    const rule = one(dev, INGRESS, "-dbops-db-from-function");
    expect(rule.inputs).toMatchObject({
      ipProtocol: "tcp",
      fromPort: 5432,
      toPort: 5432,
      referencedSecurityGroupId: sgId(fnSg(dev)),
    });
  });

  it("in an existing VPC sends HTTPS to the VPC's CIDR once its Secrets Manager endpoint is found", async () => {
    const r = await runStack({
      stack: "dev",
      config: {
        vpcId: "vpc-0123456789abcdef0",
        privateSubnetIds: ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"],
      },
    });
    expect(r.error).toBeUndefined();
    const https = ofType(r, EGRESS).find((e) => e.name === "verscienta-dev-dbops-to-endpoints");
    expect(https?.inputs).toMatchObject({ fromPort: 443, toPort: 443, cidrIpv4: "10.0.0.0/16" });
  });

  it("fails when an existing VPC has no Secrets Manager endpoint, naming vpcId and the fix", async () => {
    const r = await runStack({
      stack: "dev",
      config: {
        vpcId: MOCK_VPC_WITHOUT_SECRETS_ENDPOINT,
        privateSubnetIds: ["subnet-0123456789abcdef0", "subnet-0fedcba9876543210"],
      },
    });
    expect(r.error?.message).toContain(
      `vpcId: "${MOCK_VPC_WITHOUT_SECRETS_ENDPOINT}" has no available com.amazonaws.us-east-1.secretsmanager interface endpoint`,
    );
    expect(r.error?.message).toContain("with private DNS enabled");
  });

  it("writes to its own encrypted, retained log group, created before it", () => {
    const g = one(dev, "aws:cloudwatch/logGroup:LogGroup", "-dbops-logs");
    expect(g.inputs).toMatchObject({
      name: `/aws/lambda/${FN}`,
      kmsKeyId: keyArn(dev),
      retentionInDays: 365,
    });
    expect(one(prod, "aws:cloudwatch/logGroup:LogGroup", "-dbops-logs").inputs.retentionInDays).toBe(2192);
    expect(one(dev, FUNCTION, "-dbops-function").dependencies).toContain(g.urn);
  });
});

describe("the function's role", () => {
  const trust = () =>
    JSON.parse(String(one(dev, "aws:iam/role:Role", "-dbops-role").inputs.assumeRolePolicy));
  const policy = () => JSON.parse(String(one(dev, "aws:iam/policy:Policy", "-dbops-policy").inputs.policy));

  it("is assumed by Lambda on behalf of this account only", () => {
    expect(trust().Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: "lambda.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": MOCK_ACCOUNT } },
      },
    ]);
  });

  it("has managed policies only: AWS's ENI policy and its own", () => {
    expect(ofType(dev, "aws:iam/rolePolicy:RolePolicy")).toEqual([]);
    const attached = ofType(dev, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
      .filter((a) => a.name.startsWith("verscienta-dev-dbops"))
      .map((a) => a.inputs.policyArn);
    expect(attached).toEqual([
      "arn:aws:iam::aws:policy/service-role/AWSLambdaENIManagementAccess",
      one(dev, "aws:iam/policy:Policy", "-dbops-policy").state.arn,
    ]);
  });

  it("names every resource: its log group, the master secret (read), the role and column-key secrets, the keys via Secrets Manager", () => {
    const logArn = one(dev, "aws:cloudwatch/logGroup:LogGroup", "-dbops-logs").state.arn;
    expect(policy().Statement).toEqual([
      {
        Sid: "WriteItsOwnLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: [`${logArn}:log-stream:*`],
      },
      {
        Sid: "ReadTheMasterSecret",
        Effect: "Allow",
        Action: ["secretsmanager:GetSecretValue"],
        Resource: [masterSecretArn(dev)],
      },
      {
        Sid: "InitialiseAndRotateTheRoleSecretsAndTheColumnKey",
        Effect: "Allow",
        Action: [
          "secretsmanager:GetSecretValue",
          "secretsmanager:DescribeSecret",
          "secretsmanager:PutSecretValue",
          "secretsmanager:UpdateSecretVersionStage",
        ],
        Resource: [...ROLES.map((r) => secretArn(dev, r)), columnKeyArn(dev)],
      },
      {
        Sid: "UseTheStackKeyThroughSecretsManagerOnly",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: [keyArn(dev)],
        Condition: { StringEquals: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" } },
      },
      {
        // Secrets Manager re-encrypts each new column-key value for the DR replica as the caller.
        Sid: "EncryptTheColumnKeyReplicaThroughSecretsManagerOnly",
        Effect: "Allow",
        Action: ["kms:Encrypt", "kms:GenerateDataKey"],
        Resource: [one(dev, "aws:kms/key:Key", "verscienta-dev-dr-key").state.arn],
        Condition: { StringEquals: { "kms:ViaService": "secretsmanager.us-west-2.amazonaws.com" } },
      },
    ]);
    expect(JSON.stringify(policy())).not.toMatch(/"Resource":\["\*"\]|"Resource":"\*"/);
  });

  it("leaves IAM roles' secrets out of the policy", () => {
    const p = JSON.parse(String(one(iam, "aws:iam/policy:Policy", "-dbops-policy").inputs.policy));
    expect(JSON.stringify(p)).not.toContain(secretArn(iam, "analytics_readonly"));
  });
});

describe("apply: the Invocation", () => {
  it("names every password role's secret, the master secret and the column key, and holds no password", () => {
    const e = applyInput(dev);
    expect(e.masterSecretArn).toBe(masterSecretArn(dev));
    expect(e.roleSecretArns).toEqual(Object.fromEntries(ROLES.map((r) => [r, secretArn(dev, r)])));
    expect(e.columnKeySecretArn).toBe(columnKeyArn(dev));
    expect(JSON.stringify(e)).not.toMatch(/password"\s*:/i);
  });

  it("leaves IAM roles out of the secrets it fills", () => {
    const cfg = parseConfig(
      bareConfig("dev", { iamAuthRoles: '["analytics_readonly"]' }),
      "us-east-1",
      "dev",
    );
    const expected = passwordRoles(stackAccessModel(cfg)).map((r) => r.name);
    expect(Object.keys(applyInput(iam).roleSecretArns)).toEqual(expected);
    expect(expected).not.toContain("analytics_readonly");
  });

  it("runs after the instance, the secrets' first versions, the column key, the database rule, the log group and the endpoints", () => {
    const inv = one(dev, INVOCATION, "-dbops-apply");
    const deps = inv.dependencies.map((u) => byUrn(dev, u)?.name);
    expect(deps).toEqual(
      expect.arrayContaining([
        "verscienta-dev-instance",
        ...ROLES.map((r) => `verscienta-dev-${r}-version`),
        "verscienta-dev-column-key-secret",
        "verscienta-dev-dbops-db-from-function",
        "verscienta-dev-dbops-logs",
        // The function reaches Secrets Manager only through the VPC's endpoint.
        "verscienta-dev-secretsmanager",
      ]),
    );
  });

  it("re-runs when the model changes (its trigger is the model's hash)", async () => {
    const r = await runStack({ stack: "dev", config: { appConnectionLimit: 90 } });
    const a = one(dev, INVOCATION, "-dbops-apply").inputs.triggers as Record<string, string>;
    const b = one(r, INVOCATION, "-dbops-apply").inputs.triggers as Record<string, string>;
    expect(b.model).not.toBe(a.model);
    expect(b.code).toBe(a.code);
  });
});

describe("rotation and the schedule", () => {
  it("rotates every password role's secret with the function every appPasswordRotationDays, after apply", () => {
    const rotations = ofType(dev, ROTATION).filter((r) => r.inputs.rotationLambdaArn !== undefined);
    const fnArn = one(dev, FUNCTION, "-dbops-function").state.arn;
    expect(rotations.map((r) => r.inputs.secretId).sort()).toEqual(
      ROLES.map((r) => secretArn(dev, r)).sort(),
    );
    const applyUrn = one(dev, INVOCATION, "-dbops-apply").urn;
    for (const r of rotations) {
      expect(r.inputs.rotationLambdaArn).toBe(fnArn);
      expect(r.inputs.rotationRules).toEqual({ automaticallyAfterDays: 30 });
      expect(r.dependencies).toContain(applyUrn);
    }
  });

  it("does not rotate IAM roles' secrets", () => {
    expect(ofType(iam, ROTATION).map((r) => r.inputs.secretId)).not.toContain(
      secretArn(iam, "analytics_readonly"),
    );
  });

  it("lets Secrets Manager (this account) and the schedule rule (only) invoke it", () => {
    const perms = ofType(dev, PERMISSION).map((p) => p.inputs);
    const rule = one(dev, "aws:cloudwatch/eventRule:EventRule", "-dbops-metrics");
    expect(perms).toEqual([
      expect.objectContaining({
        action: "lambda:InvokeFunction",
        principal: "secretsmanager.amazonaws.com",
        sourceAccount: MOCK_ACCOUNT,
        function: FN,
      }),
      expect.objectContaining({
        action: "lambda:InvokeFunction",
        principal: "events.amazonaws.com",
        sourceArn: rule.state.arn,
        function: FN,
      }),
    ]);
  });

  it("collects the SQL metrics on DB_METRICS_SCHEDULE with the metrics event", () => {
    const rule = one(dev, "aws:cloudwatch/eventRule:EventRule", "-dbops-metrics");
    expect(rule.inputs.scheduleExpression).toBe(DB_METRICS_SCHEDULE);
    const target = one(dev, "aws:cloudwatch/eventTarget:EventTarget", "-dbops-metrics");
    expect(target.inputs).toMatchObject({ input: '{"action":"metrics"}' });
    // Not before apply has created the monitoring role the metrics action signs in as.
    expect(target.dependencies).toContain(one(dev, INVOCATION, "-dbops-apply").urn);
  });
});

describe("the poolers wait for apply", () => {
  const waits = (r: RunResult, reg: Registration) =>
    reg.dependencies.includes(one(r, INVOCATION, "-dbops-apply").urn);
  it("RDS Proxy's target group and target wait for the Invocation", () => {
    expect(waits(prod, one(prod, "aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup"))).toBe(true);
  });

  it("PgBouncer's task definition waits for the Invocation", async () => {
    const r = await runStack({
      stack: "dev",
      config: {
        pooler: "pgbouncer",
        pgbouncerImage: `${MOCK_ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/pgbouncer@sha256:${"a".repeat(64)}`,
      },
    });
    expect(r.error).toBeUndefined();
    expect(waits(r, one(r, "aws:ecs/taskDefinition:TaskDefinition"))).toBe(true);
  });
});
