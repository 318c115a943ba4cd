import { beforeAll, describe, expect, it } from "vitest";
import { pgbouncerNofile, SEED_PGBOUNCER } from "../../components/pooling/poolSettings";
import { MOCK_ACCOUNT } from "../../tools/lib/mockCloud";
import { ofType, one, type RunResult, runStack } from "../../tools/lib/runProgram";

/**
 * Pooling as `pulumi preview` registers it: RDS Proxy (prod's default) and PgBouncer on ECS, with the
 * exact security-relevant inputs, the fit check against max_connections, and no secret in plain text.
 */
const IMAGE = `${MOCK_ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/pgbouncer@sha256:${"ab".repeat(32)}`;
const APP_SG = "sg-0123456789abcdef0";

let prod: RunResult;
let devBouncer: RunResult;
let prodBouncer: RunResult;
beforeAll(async () => {
  prod = await runStack({ stack: "prod" });
  devBouncer = await runStack({
    stack: "dev",
    config: {
      pooler: "pgbouncer",
      pgbouncerImage: IMAGE,
      allowedSecurityGroupIds: [APP_SG],
      allowedCidrs: ["10.1.0.0/16"],
    },
  });
  prodBouncer = await runStack({ stack: "prod", config: { pooler: "pgbouncer", pgbouncerImage: IMAGE } });
  for (const r of [prod, devBouncer, prodBouncer]) expect(r.error).toBeUndefined();
});

const SG = "aws:ec2/securityGroup:SecurityGroup";
const IN = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";
const OUT = "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule";
/** Security group ids as the resources that use them reference them (the mock keeps ids out of state). */
const proxySgId = (r: RunResult) =>
  (one(r, "aws:rds/proxy:Proxy", "-proxy").inputs.vpcSecurityGroupIds as string[])[0];
const nlbSgId = (r: RunResult) =>
  (one(r, "aws:lb/loadBalancer:LoadBalancer", "-pgbouncer-nlb").inputs.securityGroups as string[])[0];
const taskSgId = (r: RunResult) =>
  (
    one(r, "aws:ecs/service:Service", "-pgbouncer-service").inputs.networkConfiguration as {
      securityGroups: string[];
    }
  ).securityGroups[0];
const dbSgId = (r: RunResult) => r.outputs.dbSecurityGroupId as string;
const roleSecretArns = (r: RunResult) => r.outputs.roleSecretArns as Record<string, string>;
const rulesOf = (r: RunResult, type: string, securityGroupId: string) =>
  ofType(r, type)
    .filter((x) => x.inputs.securityGroupId === securityGroupId)
    .map((x) => {
      const { securityGroupId: _s, description: _d, ...rest } = x.inputs;
      return rest;
    });

describe("RDS Proxy (prod default)", () => {
  it("requires TLS, keeps debug logging off and authenticates each app role's secret with SCRAM", () => {
    const proxy = one(prod, "aws:rds/proxy:Proxy", "-proxy");
    const arns = roleSecretArns(prod);
    expect(proxy.inputs).toMatchObject({
      name: "verscienta-prod-proxy",
      engineFamily: "POSTGRESQL",
      requireTls: true,
      debugLogging: false,
      idleClientTimeout: 1800,
    });
    expect(proxy.inputs.auths).toEqual([
      {
        authScheme: "SECRETS",
        description: "login role app_user",
        secretArn: arns.app_user,
        clientPasswordAuthType: "POSTGRES_SCRAM_SHA_256",
        iamAuth: "DISABLED",
      },
      {
        authScheme: "SECRETS",
        description: "login role analytics_readonly",
        secretArn: arns.analytics_readonly,
        clientPasswordAuthType: "POSTGRES_SCRAM_SHA_256",
        iamAuth: "DISABLED",
      },
    ]);
    expect(proxy.inputs.vpcSecurityGroupIds).toEqual([expect.stringMatching(/^sg-/)]);
    expect(proxySgId(prod)).not.toBe(dbSgId(prod));
    expect(one(prod, SG, "-proxy-sg").inputs).toMatchObject({
      name: "verscienta-prod-proxy",
      revokeRulesOnDelete: true,
    });
  });

  it("pools with the seed's timings and leaves 25% of max_connections for admins and migrations", () => {
    const tg = one(prod, "aws:rds/proxyDefaultTargetGroup:ProxyDefaultTargetGroup", "-proxy-default");
    expect(tg.inputs.connectionPoolConfig).toEqual({
      connectionBorrowTimeout: 5,
      maxConnectionsPercent: 75,
      maxIdleConnectionsPercent: 50,
    });
    expect(one(prod, "aws:rds/proxyTarget:ProxyTarget", "-proxy-target").inputs).toMatchObject({
      targetGroupName: "default",
      dbInstanceIdentifier: "verscienta-prod-db",
    });
  });

  it("has a role that reads exactly the app roles' secrets and decrypts with exactly the stack key", () => {
    const role = one(prod, "aws:iam/role:Role", "-proxy");
    expect(JSON.parse(role.inputs.assumeRolePolicy as string).Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: "rds.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": MOCK_ACCOUNT } },
      },
    ]);
    const policy = JSON.parse(
      one(prod, "aws:iam/rolePolicy:RolePolicy", "-proxy-secrets").inputs.policy as string,
    );
    const arns = roleSecretArns(prod);
    expect(policy.Statement).toEqual([
      {
        Sid: "ReadTheAppRoleSecrets",
        Effect: "Allow",
        Action: ["secretsmanager:GetSecretValue"],
        Resource: [arns.app_user, arns.analytics_readonly],
      },
      {
        Sid: "DecryptThemWithTheStackKey",
        Effect: "Allow",
        Action: ["kms:Decrypt"],
        Resource: [prod.outputs.kmsKeyArn],
        Condition: { StringEquals: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" } },
      },
    ]);
  });

  it("has its own security group: out only to the database on 5432, which admits it on 5432", () => {
    const proxySg = proxySgId(prod);
    expect(rulesOf(prod, OUT, proxySg)).toEqual([
      { ipProtocol: "tcp", fromPort: 5432, toPort: 5432, referencedSecurityGroupId: dbSgId(prod) },
    ]);
    expect(rulesOf(prod, IN, proxySg)).toEqual([]);
    expect(one(prod, IN, "-db-from-proxy").inputs).toMatchObject({
      securityGroupId: dbSgId(prod),
      ipProtocol: "tcp",
      fromPort: 5432,
      toPort: 5432,
      referencedSecurityGroupId: proxySg,
    });
  });

  it("creates no read-only proxy endpoint: for an RDS instance (not Aurora) every request on it fails", () => {
    expect(prod.outputs.dbReplicaAddresses).toHaveLength(1);
    expect(ofType(prod, "aws:rds/proxyEndpoint:ProxyEndpoint")).toEqual([]);
  });

  it("exports the pooled endpoint and the app-side settings for it", () => {
    expect(prod.outputs.poolerKind).toBe("rds-proxy");
    const host = one(prod, "aws:rds/proxy:Proxy", "-proxy").state.endpoint;
    expect(prod.outputs.pooledEndpoint).toBe(`${host}:5432`);
    expect(prod.outputs.appPoolSettingsPooled).toEqual({
      host,
      port: 5432,
      database: "verscienta_health",
      pooler: "rds-proxy",
      max: 20,
      min: 5,
      idleTimeoutMillis: 30_000,
      connectionTimeoutMillis: 5000,
      maxUses: 7500,
      ssl: { rejectUnauthorized: true },
      sslmode: "verify-full",
      namedPreparedStatements: false,
      prepare: false,
      allowExitOnIdle: false,
    });
    expect(prod.outputs.poolFit).toEqual({
      maxConnections: 1622,
      source: "instanceClass memory",
      adminReserve: 163,
    });
  });

  it("requires IAM for the roles in iamAuthRoles, and for all with proxyRequireIam", async () => {
    const some = await runStack({ stack: "prod", config: { iamAuthRoles: ["analytics_readonly"] } });
    expect(some.error).toBeUndefined();
    const iam = (r: RunResult) =>
      (one(r, "aws:rds/proxy:Proxy", "-proxy").inputs.auths as { iamAuth: string }[]).map((a) => a.iamAuth);
    expect(iam(some)).toEqual(["DISABLED", "REQUIRED"]);
    const all = await runStack({
      stack: "prod",
      config: { iamAuthRoles: ["analytics_readonly"], proxyRequireIam: true },
    });
    expect(all.error).toBeUndefined();
    expect(iam(all)).toEqual(["REQUIRED", "REQUIRED"]);
  });

  it("fails when proxyDebugLogging is true in prod (SQL text can hold PHI)", async () => {
    const r = await runStack({ stack: "prod", config: { proxyDebugLogging: true } });
    expect(r.error?.message).toMatch(/proxyDebugLogging/);
    expect(ofType(r, "aws:rds/proxy:Proxy")).toEqual([]);
  });
});

describe("PgBouncer on ECS Fargate", () => {
  const containerOf = (r: RunResult) =>
    JSON.parse(
      one(r, "aws:ecs/taskDefinition:TaskDefinition", "-pgbouncer-task").inputs
        .containerDefinitions as string,
    )[0];

  it("runs the digest-pinned image read-only, as a non-root user, without privileges", () => {
    const c = containerOf(devBouncer);
    expect(c).toMatchObject({
      name: "pgbouncer",
      image: IMAGE,
      essential: true,
      user: "70:70",
      readonlyRootFilesystem: true,
      privileged: false,
      linuxParameters: { capabilities: { drop: ["ALL"] }, initProcessEnabled: true },
      portMappings: [{ containerPort: 6432, protocol: "tcp" }],
      mountPoints: [{ sourceVolume: "pgbouncer-run", containerPath: "/var/run/pgbouncer", readOnly: false }],
    });
    const td = one(devBouncer, "aws:ecs/taskDefinition:TaskDefinition", "-pgbouncer-task");
    expect(td.inputs).toMatchObject({
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: "512",
      memory: "1024",
      volumes: [{ name: "pgbouncer-run" }],
    });
    expect(td.inputs.taskRoleArn).toBeUndefined();
  });

  it("gets passwords only through ECS secrets (Secrets Manager ARNs), the ini through a plain variable", () => {
    const c = containerOf(devBouncer);
    const arns = roleSecretArns(devBouncer);
    expect(c.secrets).toEqual([
      { name: "PGBOUNCER_USERNAME_0", valueFrom: `${arns.app_user}:username::` },
      { name: "PGBOUNCER_PASSWORD_0", valueFrom: `${arns.app_user}:password::` },
      { name: "PGBOUNCER_USERNAME_1", valueFrom: `${arns.analytics_readonly}:username::` },
      { name: "PGBOUNCER_PASSWORD_1", valueFrom: `${arns.analytics_readonly}:password::` },
    ]);
    expect(c.environment.map((e: { name: string }) => e.name)).toEqual(["PGBOUNCER_INI"]);
    const ini = c.environment[0].value as string;
    expect(ini).toContain(
      `verscienta_health = host=${devBouncer.outputs.dbAddress} port=5432 dbname=verscienta_health`,
    );
    expect(ini).toContain("server_tls_sslmode = verify-full");
    expect(ini).toContain("client_tls_sslmode = require");
    expect(ini).toContain("pool_mode = transaction");
    expect(ini).toContain("auth_file = /var/run/pgbouncer/userlist.txt");
  });

  it("raises nofile to fit max_client_conn and logs to its encrypted group", () => {
    const c = containerOf(devBouncer);
    const nofile = pgbouncerNofile(SEED_PGBOUNCER, 2);
    expect(c.ulimits).toEqual([{ name: "nofile", softLimit: nofile, hardLimit: nofile }]);
    expect(nofile).toBeGreaterThan(10_000);
    const lg = one(devBouncer, "aws:cloudwatch/logGroup:LogGroup", "-pgbouncer-logs");
    expect(lg.inputs).toMatchObject({
      name: "/verscienta/verscienta-dev/pgbouncer",
      kmsKeyId: devBouncer.outputs.kmsKeyArn,
      retentionInDays: 365,
    });
    expect(c.logConfiguration).toEqual({
      logDriver: "awslogs",
      options: {
        "awslogs-group": lg.inputs.name,
        "awslogs-region": "us-east-1",
        "awslogs-stream-prefix": "pgbouncer",
      },
    });
    const lgProd = one(prodBouncer, "aws:cloudwatch/logGroup:LogGroup", "-pgbouncer-logs");
    expect([lgProd.protect, lgProd.retainOnDelete, lgProd.inputs.retentionInDays]).toEqual([
      true,
      true,
      2192,
    ]);
  });

  it("lets the execution role read exactly the pooled secrets, the log group and the ECR repository", () => {
    const policy = JSON.parse(
      one(devBouncer, "aws:iam/rolePolicy:RolePolicy", "-pgbouncer-execution").inputs.policy as string,
    );
    const arns = roleSecretArns(devBouncer);
    const lgArn = one(devBouncer, "aws:cloudwatch/logGroup:LogGroup", "-pgbouncer-logs").state.arn;
    expect(policy.Statement).toEqual([
      {
        Sid: "ReadThePooledRoleSecrets",
        Effect: "Allow",
        Action: ["secretsmanager:GetSecretValue"],
        Resource: [arns.app_user, arns.analytics_readonly],
      },
      {
        Sid: "DecryptThemWithTheStackKey",
        Effect: "Allow",
        Action: ["kms:Decrypt"],
        Resource: [devBouncer.outputs.kmsKeyArn],
        Condition: { StringEquals: { "kms:ViaService": "secretsmanager.us-east-1.amazonaws.com" } },
      },
      {
        Sid: "WriteTheLogGroup",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        Resource: [`${lgArn}:*`],
      },
      { Sid: "EcrLogin", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: "*" },
      {
        Sid: "PullTheImage",
        Effect: "Allow",
        Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
        Resource: [`arn:aws:ecr:us-east-1:${MOCK_ACCOUNT}:repository/pgbouncer`],
      },
    ]);
  });

  it("runs without a public IP, at least 2 tasks in prod, never below the desired count while deploying", () => {
    const svc = one(prodBouncer, "aws:ecs/service:Service", "-pgbouncer-service");
    expect(svc.inputs).toMatchObject({
      launchType: "FARGATE",
      desiredCount: 2,
      deploymentMinimumHealthyPercent: 100,
      deploymentMaximumPercent: 200,
      deploymentCircuitBreaker: { enable: true, rollback: true },
      enableExecuteCommand: false,
      loadBalancers: [{ containerName: "pgbouncer", containerPort: 6432 }],
    });
    expect(svc.inputs.networkConfiguration).toEqual({
      subnets: ofType(prodBouncer, "aws:rds/subnetGroup:SubnetGroup")[0].inputs.subnetIds,
      securityGroups: [taskSgId(prodBouncer)],
      assignPublicIp: false,
    });
    expect([taskSgId(prodBouncer), nlbSgId(prodBouncer)]).not.toContain(dbSgId(prodBouncer));
    expect((svc.inputs.networkConfiguration as { subnets: string[] }).subnets).toHaveLength(3);
    expect(one(devBouncer, "aws:ecs/service:Service", "-pgbouncer-service").inputs.desiredCount).toBe(1);
  });

  it("sits behind an internal NLB on TCP 6432 with a TCP health check", () => {
    const lb = one(devBouncer, "aws:lb/loadBalancer:LoadBalancer", "-pgbouncer-nlb");
    expect(lb.inputs).toMatchObject({
      loadBalancerType: "network",
      internal: true,
      enableCrossZoneLoadBalancing: true,
      securityGroups: [expect.stringMatching(/^sg-/)],
    });
    expect(
      one(prodBouncer, "aws:lb/loadBalancer:LoadBalancer", "-pgbouncer-nlb").inputs.enableDeletionProtection,
    ).toBe(true);
    expect(one(devBouncer, "aws:lb/targetGroup:TargetGroup", "-pgbouncer-tg").inputs).toMatchObject({
      port: 6432,
      protocol: "TCP",
      targetType: "ip",
      healthCheck: { enabled: true, protocol: "TCP", port: "traffic-port" },
    });
    expect(one(devBouncer, "aws:lb/listener:Listener", "-pgbouncer-listener").inputs).toMatchObject({
      port: 6432,
      protocol: "TCP",
    });
  });

  it("admits 6432 only from the listed sources, and the tasks reach only the database and the endpoints", () => {
    const nlbSg = nlbSgId(devBouncer);
    const taskSg = taskSgId(devBouncer);
    expect(nlbSg).not.toBe(taskSg);
    expect(rulesOf(devBouncer, IN, nlbSg)).toEqual([
      { ipProtocol: "tcp", fromPort: 6432, toPort: 6432, referencedSecurityGroupId: APP_SG },
      { ipProtocol: "tcp", fromPort: 6432, toPort: 6432, cidrIpv4: "10.1.0.0/16" },
    ]);
    expect(rulesOf(devBouncer, OUT, nlbSg)).toEqual([
      { ipProtocol: "tcp", fromPort: 6432, toPort: 6432, referencedSecurityGroupId: taskSg },
    ]);
    expect(rulesOf(devBouncer, IN, taskSg)).toEqual([
      { ipProtocol: "tcp", fromPort: 6432, toPort: 6432, referencedSecurityGroupId: nlbSg },
    ]);
    expect(rulesOf(devBouncer, OUT, taskSg)).toEqual(
      expect.arrayContaining([
        { ipProtocol: "tcp", fromPort: 5432, toPort: 5432, referencedSecurityGroupId: dbSgId(devBouncer) },
        { ipProtocol: "tcp", fromPort: 443, toPort: 443, cidrIpv4: "10.40.0.0/16" },
        { ipProtocol: "tcp", fromPort: 443, toPort: 443, prefixListId: "pl-63a5400a" },
      ]),
    );
    expect(rulesOf(devBouncer, OUT, taskSg)).toHaveLength(3);
    expect(one(devBouncer, IN, "-db-from-pgbouncer").inputs).toMatchObject({
      securityGroupId: dbSgId(devBouncer),
      fromPort: 5432,
      referencedSecurityGroupId: taskSg,
    });
    for (const r of [...ofType(devBouncer, IN), ...ofType(prodBouncer, IN), ...ofType(prod, IN)]) {
      expect(r.inputs.cidrIpv4).not.toBe("0.0.0.0/0");
    }
  });

  it("exports the NLB endpoint and app-side settings without named prepared statements", () => {
    const dns = one(devBouncer, "aws:lb/loadBalancer:LoadBalancer", "-pgbouncer-nlb").state.dnsName;
    expect(devBouncer.outputs.poolerKind).toBe("pgbouncer");
    expect(devBouncer.outputs.pooledEndpoint).toBe(`${dns}:6432`);
    expect(devBouncer.outputs.appPoolSettingsPooled).toMatchObject({
      host: dns,
      port: 6432,
      max: 10,
      min: 2,
      sslmode: "require",
      namedPreparedStatements: false,
      prepare: false,
    });
  });

  it("fails when the image is not pinned by digest", async () => {
    const r = await runStack({
      stack: "dev",
      config: { pooler: "pgbouncer", pgbouncerImage: "pgbouncer/pgbouncer:1.23" },
    });
    expect(r.error?.message).toMatch(/pgbouncerImage/);
    expect(ofType(r, "aws:ecs/taskDefinition:TaskDefinition")).toEqual([]);
  });
});

describe("no secret in plain text", () => {
  /** Every secret value the run knows: generated passwords, the master secret, inputs marked secret. */
  function secretValues(r: RunResult): string[] {
    const values = new Set<string>(["mock-master-password"]);
    for (const reg of r.registrations) {
      if (reg.type === "random:index/randomPassword:RandomPassword") values.add(String(reg.state.result));
    }
    return [...values].filter((v) => v.length >= 8);
  }

  it("holds for every resource input of the RDS Proxy and PgBouncer stacks", () => {
    for (const r of [prod, devBouncer, prodBouncer]) {
      const secrets = secretValues(r);
      expect(secrets.length).toBeGreaterThan(1);
      for (const reg of r.registrations) {
        for (const [k, v] of Object.entries(reg.inputs)) {
          if (reg.secretInputs.includes(k)) continue;
          const text = JSON.stringify(v) ?? "";
          for (const s of secrets)
            expect(text.includes(s), `${reg.type} ${reg.name}.${k} holds a secret`).toBe(false);
        }
      }
    }
  });
});

describe("pool fit against max_connections", () => {
  it("fails before registering anything when maxConnections cannot hold the PgBouncer pools", async () => {
    // 2 tasks × 200% during deployments × 25 × 2 roles = 200 > 120 - 15
    const r = await runStack({
      stack: "dev",
      config: { pooler: "pgbouncer", pgbouncerImage: IMAGE, pgbouncerDesiredCount: 2, maxConnections: 120 },
    });
    expect(r.error?.message).toContain(
      "[pgbouncerDefaultPoolSize, pgbouncerReservePoolSize, pgbouncerDesiredCount, maxConnections]",
    );
    expect(r.error?.message).toContain("PgBouncer can open 200 server connections");
    expect(r.error?.message).toContain("max_connections 120 leaves 105 after 15 reserved");
    expect(ofType(r, "aws:ecs/taskDefinition:TaskDefinition")).toEqual([]);
  });

  it("fails inside the apply when the instance class's memory-based max_connections cannot hold them", async () => {
    // db.t4g.micro: 1 GiB → 101 connections; 1 task × 2 × 25 × 2 roles = 100 > 101 - 15
    const r = await runStack({
      stack: "dev",
      config: { pooler: "pgbouncer", pgbouncerImage: IMAGE, instanceClass: "db.t4g.micro" },
    });
    expect(r.error?.message).toContain("PgBouncer can open 100 server connections");
    expect(r.error?.message).toContain("max_connections 101 is RDS's default for instanceClass db.t4g.micro");
  });

  it("fails when the proxy's percent leaves no room for admin sessions", async () => {
    const r = await runStack({ stack: "prod", config: { proxyMaxConnectionsPercent: 95 } });
    expect(r.error?.message).toContain("[proxyMaxConnectionsPercent, maxConnections]");
    expect(r.error?.message).toContain("Set proxyMaxConnectionsPercent to 89 or less");
  });
});

describe("pooler none", () => {
  it("creates no pooler and points the pooled outputs at the instance", async () => {
    const r = await runStack({ stack: "dev" });
    expect(r.error).toBeUndefined();
    expect(ofType(r, "aws:rds/proxy:Proxy")).toEqual([]);
    expect(ofType(r, "aws:ecs/service:Service")).toEqual([]);
    expect(r.outputs.poolerKind).toBe("none");
    expect(r.outputs.pooledEndpoint).toBe(r.outputs.dbEndpoint);
    expect(r.outputs.appPoolSettingsPooled).toMatchObject({
      namedPreparedStatements: true,
      sslmode: "verify-full",
    });
  });
});
