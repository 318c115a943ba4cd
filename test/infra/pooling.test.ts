import { beforeAll, describe, expect, it } from "vitest";
import { GUIDE_PGBOUNCER, pgbouncerNofile } from "../../components/pooling/poolSettings";
import { MOCK_ACCOUNT } from "../../testing/mockCloud";
import { ofType, one, type RunResult, runStack } from "../../testing/runProgram";

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

  it("pools with the guide's timings and leaves 25% of max_connections for admins and migrations", () => {
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
    const policy = JSON.parse(one(prod, "aws:iam/policy:Policy", "-proxy-secrets").inputs.policy as string);
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
    expect(prod.outputs.dbReplicaAddresses).toEqual([]);
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
      maxConnections: 1684,
      source: "instanceClass memory",
      adminReserve: 169,
    });
  });

  it("signs in with secrets only for password roles: an IAM role (rds_iam, no password) is left out", async () => {
    const some = await runStack({ stack: "prod", config: { iamAuthRoles: ["analytics_readonly"] } });
    expect(some.error).toBeUndefined();
    const proxy = one(some, "aws:rds/proxy:Proxy", "-proxy");
    expect(proxy.inputs.defaultAuthScheme).toBe("NONE");
    expect(proxy.inputs.auths).toEqual([
      {
        authScheme: "SECRETS",
        description: "login role app_user",
        secretArn: expect.stringMatching(/^arn:aws:secretsmanager:/),
        clientPasswordAuthType: "POSTGRES_SCRAM_SHA_256",
        iamAuth: "DISABLED",
      },
    ]);
  });

  it("with proxyRequireIam uses end-to-end IAM: no secrets, rds-db:connect on exactly the served users", async () => {
    const all = await runStack({
      stack: "prod",
      config: { iamAuthRoles: ["app_user", "analytics_readonly"], proxyRequireIam: true },
    });
    expect(all.error).toBeUndefined();
    const proxy = one(all, "aws:rds/proxy:Proxy", "-proxy");
    expect(proxy.inputs.defaultAuthScheme).toBe("IAM_AUTH");
    expect(proxy.inputs.auths ?? []).toEqual([]);
    const resourceId = one(all, "aws:rds/instance:Instance", "-prod-instance").state.resourceId as string;
    const policy = JSON.parse(one(all, "aws:iam/policy:Policy", "-proxy-secrets").inputs.policy as string);
    expect(policy.Statement).toEqual([
      {
        Sid: "ConnectAsTheServedRoles",
        Effect: "Allow",
        Action: ["rds-db:connect"],
        Resource: [
          `arn:aws:rds-db:us-east-1:123456789012:dbuser:${resourceId}/app_user`,
          `arn:aws:rds-db:us-east-1:123456789012:dbuser:${resourceId}/analytics_readonly`,
        ],
      },
    ]);
  });

  it("fails when proxyRequireIam would leave a served role without a way in", async () => {
    const r = await runStack({
      stack: "prod",
      config: { iamAuthRoles: ["app_user"], proxyRequireIam: true },
    });
    expect(r.error?.message).toMatch(
      /proxyRequireIam: true makes the proxy use end-to-end IAM, but analytics_readonly/,
    );
    expect(ofType(r, "aws:rds/proxy:Proxy")).toEqual([]);
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
    // The task role reads the pooled secrets, issues the server certificate and puts the pool metrics.
    expect(td.inputs.taskRoleArn).toBe(one(devBouncer, "aws:iam/role:Role", "-pgbouncer-task").state.arn);
  });

  it("has no password in the task definition and no ECS secrets: only the secrets' ARNs, the ini in plain variables", () => {
    const c = containerOf(devBouncer);
    const arns = roleSecretArns(devBouncer);
    expect(c.secrets).toBeUndefined();
    expect(c.environment.map((e: { name: string }) => e.name)).toEqual([
      "PGBOUNCER_INI",
      "PGBOUNCER_TLS_CA_ARN",
      "PGBOUNCER_TLS_TEMPLATE_ARN",
      "PGBOUNCER_TLS_HOSTNAME",
      "AWS_REGION",
      "PGBOUNCER_SERVICE_NAME",
      "PGBOUNCER_SECRET_0_ARN",
      "PGBOUNCER_SECRET_1_ARN",
    ]);
    const env = Object.fromEntries(
      (c.environment as { name: string; value: string }[]).map((e) => [e.name, e.value]),
    );
    expect([env.PGBOUNCER_SECRET_0_ARN, env.PGBOUNCER_SECRET_1_ARN]).toEqual([
      arns.app_user,
      arns.analytics_readonly,
    ]);
    expect(env.AWS_REGION).toBe("us-east-1");
    // The container reads both version stages of exactly those secrets, every 5 minutes, itself.
    const script = (c.command as string[])[0];
    expect(script).toContain(
      '  creds app_user "$PGBOUNCER_SECRET_0_ARN" && creds analytics_readonly "$PGBOUNCER_SECRET_1_ARN" || ok=1',
    );
    expect(script).toContain('--version-stage "$2" --query SecretString --output text');
    expect(script).toContain("  while sleep 300; do");
    const values = JSON.stringify(c);
    expect(values).not.toMatch(/password::|valueFrom/);
    const ini = c.environment[0].value as string;
    expect(ini).toContain(
      `verscienta_health = host=${devBouncer.outputs.dbAddress} port=5432 dbname=verscienta_health`,
    );
    expect(ini).toContain("server_tls_sslmode = verify-full");
    expect(ini).toContain("client_tls_sslmode = require");
    expect(ini).toContain("pool_mode = transaction");
    expect(ini).toContain("auth_file = /var/run/pgbouncer/userlist.txt");
  });

  it("publishes its pool saturation under the ECS service's own name, reading the console over the task-local socket", () => {
    const c = containerOf(devBouncer);
    const env = Object.fromEntries(
      (c.environment as { name: string; value: string }[]).map((e) => [e.name, e.value]),
    );
    const svc = one(devBouncer, "aws:ecs/service:Service", "-pgbouncer-service");
    expect(svc.inputs.name).toBe("verscienta-dev-pgbouncer");
    expect(env.PGBOUNCER_SERVICE_NAME).toBe(svc.inputs.name);
    const ini = env.PGBOUNCER_INI;
    // The socket is in the run directory (the task's ephemeral volume), 0600; no console user exists.
    expect(ini).toContain("unix_socket_dir = /var/run/pgbouncer\nunix_socket_mode = 0600\n");
    expect(ini).toMatch(/^admin_users =$/m);
    expect(ini).toMatch(/^stats_users =$/m);
    expect(ini).toContain("listen_port = 6432\n");
    const script = (c.command as string[])[0];
    expect(script).toContain("-h /var/run/pgbouncer -p 6432 -U pgbouncer -d pgbouncer -c 'SHOW POOLS'");
    expect(script).toContain("aws cloudwatch put-metric-data");
    expect(script).toContain("--namespace Verscienta/PgBouncer");
    expect(script).toContain("while sleep 60;");
  });

  it("raises nofile to fit max_client_conn and logs to its encrypted group", () => {
    const c = containerOf(devBouncer);
    const nofile = pgbouncerNofile(GUIDE_PGBOUNCER, 2);
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

  it("lets the execution role write the log group and pull from the ECR repository, and read no secret", () => {
    const policy = JSON.parse(
      one(devBouncer, "aws:iam/policy:Policy", "-pgbouncer-execution").inputs.policy as string,
    );
    const lgArn = one(devBouncer, "aws:cloudwatch/logGroup:LogGroup", "-pgbouncer-logs").state.arn;
    expect(policy.Statement).toEqual([
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

  it("preserves client IPs, so PgBouncer's connection log names the app, not the NLB", () => {
    for (const r of [devBouncer, prodBouncer]) {
      const tg = one(r, "aws:lb/targetGroup:TargetGroup", "-pgbouncer-tg");
      expect(tg.inputs).toMatchObject({ targetType: "ip", protocol: "TCP", preserveClientIp: "true" });
    }
  });

  it("still admits the tasks only from the NLB's security group, never the clients directly", () => {
    // With client IP preservation the packets carry the app's address, and AWS still matches them to a
    // target rule that references the NLB's group; listing the clients here would let them skip the NLB.
    for (const r of [devBouncer, prodBouncer]) {
      const taskSg = taskSgId(r);
      expect(rulesOf(r, IN, taskSg)).toEqual([
        { ipProtocol: "tcp", fromPort: 6432, toPort: 6432, referencedSecurityGroupId: nlbSgId(r) },
      ]);
    }
    const taskIn = ofType(devBouncer, IN).filter((x) => x.inputs.securityGroupId === taskSgId(devBouncer));
    expect(taskIn.map((x) => x.inputs.referencedSecurityGroupId)).not.toContain(APP_SG);
    expect(taskIn.map((x) => x.inputs.cidrIpv4)).not.toContain("10.1.0.0/16");
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
      sslmode: "verify-full",
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

describe("PgBouncer's server certificate (verify-full, no private key in state)", () => {
  const CA = "aws:acmpca/certificateAuthority:CertificateAuthority";
  const CERT = "aws:acmpca/certificate:Certificate";
  const INSTALL = "aws:acmpca/certificateAuthorityCertificate:CertificateAuthorityCertificate";
  const containerOf = (r: RunResult) =>
    JSON.parse(
      one(r, "aws:ecs/taskDefinition:TaskDefinition", "-pgbouncer-task").inputs
        .containerDefinitions as string,
    )[0] as { environment: { name: string; value: string }[]; command: string[] };

  it("is a root AWS Private CA in short-lived mode with an EC P-256 key kept in AWS's FIPS 140-2 level 3 HSMs", () => {
    const ca = one(devBouncer, CA, "-pgbouncer-tls-ca");
    expect(ca.inputs).toEqual({
      type: "ROOT",
      usageMode: "SHORT_LIVED_CERTIFICATE",
      certificateAuthorityConfiguration: {
        keyAlgorithm: "EC_prime256v1",
        signingAlgorithm: "SHA256WITHECDSA",
        subject: { commonName: "verscienta-dev PgBouncer CA", organization: "Verscienta Health" },
      },
      keyStorageSecurityStandard: "FIPS_140_2_LEVEL_3_OR_HIGHER",
      revocationConfiguration: {
        crlConfiguration: { enabled: false },
        ocspConfiguration: { enabled: false },
      },
      permanentDeletionTimeInDays: 7,
      enabled: true,
      tags: expect.objectContaining({ Environment: "dev" }),
    });
    const prodCa = one(prodBouncer, CA, "-pgbouncer-tls-ca");
    expect([prodCa.protect, prodCa.inputs.permanentDeletionTimeInDays]).toEqual([true, 30]);
    expect(ofType(prod, CA)).toEqual([]);
  });

  it("self-signs the root from the CA's own CSR with RootCACertificate/V1 for 10 years, and installs it", () => {
    const ca = one(devBouncer, CA, "-pgbouncer-tls-ca");
    const root = one(devBouncer, CERT, "-pgbouncer-tls-root");
    expect(root.inputs).toEqual({
      certificateAuthorityArn: ca.state.arn,
      certificateSigningRequest: ca.state.certificateSigningRequest,
      signingAlgorithm: "SHA256WITHECDSA",
      templateArn: "arn:aws:acm-pca:::template/RootCACertificate/V1",
      validity: { type: "YEARS", value: "10" },
    });
    expect(String(ca.state.certificateSigningRequest)).toMatch(/^-----BEGIN CERTIFICATE REQUEST-----\n/);
    expect(one(devBouncer, INSTALL, "-pgbouncer-tls-root").inputs).toEqual({
      certificateAuthorityArn: ca.state.arn,
      certificate: root.state.certificate,
      certificateChain: "",
    });
  });

  it("lets the task role issue only from that CA, only with the server template, and read back what it issued", () => {
    const caArn = one(devBouncer, CA, "-pgbouncer-tls-ca").state.arn;
    expect(caArn).toMatch(/^arn:aws:acm-pca:us-east-1:123456789012:certificate-authority\/[0-9a-f-]{36}$/);
    const role = one(devBouncer, "aws:iam/role:Role", "-pgbouncer-task");
    expect(JSON.parse(role.inputs.assumeRolePolicy as string).Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: "ecs-tasks.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": MOCK_ACCOUNT } },
      },
    ]);
    const policy = one(devBouncer, "aws:iam/policy:Policy", "-pgbouncer-task-certificate");
    // A customer-managed policy attached to exactly this role (no inline policies: iam-no-inline-policy-check).
    const attachment = one(
      devBouncer,
      "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
      "-pgbouncer-task-certificate-attach",
    );
    expect(attachment.inputs).toEqual({ role: role.state.name, policyArn: policy.state.arn });
    expect(JSON.parse(policy.inputs.policy as string)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "IssueTheServerCertificate",
          Effect: "Allow",
          Action: ["acm-pca:IssueCertificate"],
          Resource: [caArn],
          Condition: {
            StringEquals: {
              "acm-pca:TemplateArn": "arn:aws:acm-pca:::template/EndEntityServerAuthCertificate/V1",
            },
          },
        },
        {
          Sid: "ReadTheIssuedCertificate",
          Effect: "Allow",
          Action: ["acm-pca:GetCertificate"],
          Resource: [caArn],
        },
      ],
    });
    // Nothing else is attached to the task role but its metrics policy (next test).
    expect(
      devBouncer.registrations
        .filter((r) => r.type.startsWith("aws:iam/") && r.inputs.role === role.state.name)
        .map((r) => r.name)
        .sort(),
    ).toEqual([
      "verscienta-dev-pgbouncer-task-certificate-attach",
      "verscienta-dev-pgbouncer-task-metrics-attach",
      "verscienta-dev-pgbouncer-task-secrets-attach",
    ]);
  });

  it("lets the task role read exactly the pooled roles' secrets and decrypt them only through Secrets Manager", () => {
    const role = one(devBouncer, "aws:iam/role:Role", "-pgbouncer-task");
    const policy = one(devBouncer, "aws:iam/policy:Policy", "-pgbouncer-task-secrets");
    // A customer-managed policy (iamNoInlinePolicy), attached to exactly this role.
    expect(
      one(devBouncer, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "-pgbouncer-task-secrets-attach")
        .inputs,
    ).toEqual({ role: role.state.name, policyArn: policy.state.arn });
    expect(policy.inputs.name).toBe("verscienta-dev-pgbouncer-task-secrets");
    const arns = roleSecretArns(devBouncer);
    expect(JSON.parse(policy.inputs.policy as string)).toEqual({
      Version: "2012-10-17",
      Statement: [
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
      ],
    });
    // Only the pooled (password) roles: not the owner's or the monitor's secret.
    expect(Object.keys(arns).length).toBeGreaterThan(2);
    expect(ofType(devBouncer, "aws:iam/rolePolicy:RolePolicy")).toEqual([]);
  });

  it("lets the task role put metric data only in the Verscienta/PgBouncer namespace", () => {
    const role = one(devBouncer, "aws:iam/role:Role", "-pgbouncer-task");
    const policy = one(devBouncer, "aws:iam/policy:Policy", "-pgbouncer-task-metrics");
    expect(
      one(devBouncer, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "-pgbouncer-task-metrics-attach")
        .inputs,
    ).toEqual({ role: role.state.name, policyArn: policy.state.arn });
    expect(policy.inputs.name).toBe("verscienta-dev-pgbouncer-task-metrics");
    expect(JSON.parse(policy.inputs.policy as string)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "PublishThePoolMetrics",
          Effect: "Allow",
          Action: ["cloudwatch:PutMetricData"],
          Resource: "*",
          Condition: { StringEquals: { "cloudwatch:namespace": "Verscienta/PgBouncer" } },
        },
      ],
    });
  });

  it("has each task request a 6-day certificate for the NLB's DNS name from that CA and template", () => {
    const c = containerOf(devBouncer);
    const env = Object.fromEntries(c.environment.map((e) => [e.name, e.value]));
    expect(env).toMatchObject({
      PGBOUNCER_TLS_CA_ARN: one(devBouncer, CA, "-pgbouncer-tls-ca").state.arn,
      PGBOUNCER_TLS_TEMPLATE_ARN: "arn:aws:acm-pca:::template/EndEntityServerAuthCertificate/V1",
      PGBOUNCER_TLS_HOSTNAME: one(devBouncer, "aws:lb/loadBalancer:LoadBalancer", "-pgbouncer-nlb").state
        .dnsName,
      AWS_REGION: "us-east-1",
    });
    expect(c.command[0]).toContain("--validity Value=6,Type=DAYS");
    expect(c.command[0]).toContain('-addext "subjectAltName=DNS:$PGBOUNCER_TLS_HOSTNAME"');
  });

  it("exports the public root as poolerCaCertificatePem and a verify-full connection template", () => {
    const root = one(devBouncer, CERT, "-pgbouncer-tls-root");
    const pem = devBouncer.outputs.poolerCaCertificatePem as string;
    expect(pem).toBe(root.state.certificate);
    expect(pem).toMatch(/^-----BEGIN CERTIFICATE-----\n[^-]+\n-----END CERTIFICATE-----\n$/);
    expect(devBouncer.secretOutputs).not.toContain("poolerCaCertificatePem");
    expect(devBouncer.outputs.poolerCaArn).toBe(one(devBouncer, CA, "-pgbouncer-tls-ca").state.arn);
    expect(devBouncer.outputs.appPoolSettingsPooled).toMatchObject({
      ssl: { rejectUnauthorized: true, ca: pem },
      sslmode: "verify-full",
    });
    const dns = one(devBouncer, "aws:lb/loadBalancer:LoadBalancer", "-pgbouncer-nlb").state.dnsName;
    expect(devBouncer.outputs.pooledConnectionStringTemplate).toBe(
      `postgresql://<user>:<password>@${dns}:6432/verscienta_health?sslmode=verify-full&sslrootcert=pooler-ca.pem`,
    );
    expect(devBouncer.secretOutputs).toContain("pooledConnectionStringTemplate");
  });

  it("puts no private key in any resource input, state or output", () => {
    for (const r of [devBouncer, prodBouncer]) {
      const keyTypes = r.registrations.filter((x) => /^tls:|privateKey|keyPair/i.test(x.type));
      expect(keyTypes).toEqual([]);
      for (const reg of r.registrations) {
        const text = JSON.stringify([reg.inputs, reg.state]);
        expect(text, `${reg.type} ${reg.name}`).not.toMatch(/PRIVATE KEY|"privateKey"/);
      }
      expect(JSON.stringify(r.outputs)).not.toMatch(/PRIVATE KEY/);
    }
  });

  it("the mock CA refuses end-entity validity above 7 days, as a short-lived-mode CA does", () => {
    const cloud = devBouncer.cloud;
    const caArn = one(devBouncer, CA, "-pgbouncer-tls-ca").state.arn;
    const issue = (value: string) =>
      cloud.newResource({
        type: CERT,
        name: `probe-${value}`,
        inputs: {
          certificateAuthorityArn: caArn,
          templateArn: "arn:aws:acm-pca:::template/EndEntityServerAuthCertificate/V1",
          validity: { type: "DAYS", value },
        },
        provider: undefined,
        id: undefined,
        custom: true,
      } as Parameters<typeof cloud.newResource>[0]);
    expect(() => issue("8")).toThrow(/SHORT_LIVED_CERTIFICATE mode; validity must be 7 days or less/);
    expect(issue("7").state.arn).toMatch(/\/certificate\/[0-9a-f]{32}$/);
  });
});

describe("VPC endpoints of the isolated VPC", () => {
  const endpoints = (r: RunResult) =>
    ofType(r, "aws:ec2/vpcEndpoint:VpcEndpoint").map((e) => [e.inputs.serviceName, e.inputs.vpcEndpointType]);

  it("lets PgBouncer tasks pull from private ECR, log, read secrets, issue their certificate and put metrics", () => {
    expect(endpoints(devBouncer)).toEqual(
      expect.arrayContaining(
        ["ecr.api", "ecr.dkr", "logs", "secretsmanager", "acm-pca", "monitoring"]
          .map((s) => [`com.amazonaws.us-east-1.${s}`, "Interface"])
          .concat([["com.amazonaws.us-east-1.s3", "Gateway"]]),
      ),
    );
    for (const e of ofType(devBouncer, "aws:ec2/vpcEndpoint:VpcEndpoint")) {
      if (e.inputs.vpcEndpointType === "Interface") expect(e.inputs.privateDnsEnabled).toBe(true);
      else expect(e.inputs.routeTableIds).toEqual([expect.stringMatching(/^rtb-/)]);
    }
  });

  it("creates no ECR or Private CA endpoint without PgBouncer", () => {
    const services = endpoints(prod).map(([s]) => String(s));
    expect(services.filter((s) => /\.(ecr\.|acm-pca$)/.test(s))).toEqual([]);
    expect(services).toContain("com.amazonaws.us-east-1.secretsmanager");
  });
});

describe("no secret in plain text", () => {
  // Pulumi generates no password and reads none (the database operations function does both inside the
  // VPC): no input of any resource can hold one, whatever the pooler.
  it("holds for every resource input of the RDS Proxy and PgBouncer stacks", () => {
    for (const r of [prod, devBouncer, prodBouncer]) {
      expect(r.cloud.calls.map((c) => c.token)).not.toContain(
        "aws:secretsmanager/getSecretVersion:getSecretVersion",
      );
      expect(r.registrations.filter((x) => x.type.startsWith("random:index/randomPassword"))).toEqual([]);
      for (const reg of r.registrations) {
        const text = JSON.stringify(reg.inputs) ?? "";
        expect(/\\?"password\\?"\s*:/i.test(text), `${reg.type} ${reg.name} holds a password field`).toBe(
          false,
        );
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
    // db.t4g.micro: 1 GiB → 78 connections (spec/instanceProfile.ts); 1 task × 2 × 25 × 2 roles = 100 > 78 - 15
    const r = await runStack({
      stack: "dev",
      config: { pooler: "pgbouncer", pgbouncerImage: IMAGE, instanceClass: "db.t4g.micro" },
    });
    expect(r.error?.message).toContain("PgBouncer can open 100 server connections");
    expect(r.error?.message).toContain("max_connections 78 is RDS's default for instanceClass db.t4g.micro");
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
