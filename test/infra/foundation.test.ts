import { beforeAll, describe, expect, it } from "vitest";
import { parameterGroupParameters } from "../../components/rds/parameters";
import { MOCK_ACCOUNT } from "../../testing/mockCloud";
import { ofType, one, type RunResult, runStack } from "../../testing/runProgram";

/**
 * The foundation as `pulumi preview` would register it for each stack file: exact security-relevant
 * inputs of the key, network, parameter group, instance, replicas and outputs.
 */
let dev: RunResult;
let prod: RunResult;
beforeAll(async () => {
  dev = await runStack({ stack: "dev" });
  prod = await runStack({ stack: "prod" });
  expect(dev.error).toBeUndefined();
  expect(prod.error).toBeUndefined();
});

const INSTANCE = "aws:rds/instance:Instance";
const primaryOf = (r: RunResult) => one(r, INSTANCE, "-prod-instance".replace("prod", r.stack));
const keyArnOf = (r: RunResult) => one(r, "aws:kms/key:Key", `${r.stack}-key`).state.arn as string;

describe("encryption key", () => {
  it("rotates yearly, waits 30 days before deletion and never bypasses the lockout check", () => {
    for (const r of [dev, prod]) {
      const key = one(r, "aws:kms/key:Key", `${r.stack}-key`);
      expect(key.inputs).toMatchObject({
        enableKeyRotation: true,
        rotationPeriodInDays: 365,
        deletionWindowInDays: 30,
        bypassPolicyLockoutSafetyCheck: false,
        keyUsage: "ENCRYPT_DECRYPT",
      });
      expect(one(r, "aws:kms/alias:Alias", `${r.stack}-alias`).inputs.name).toBe(
        `alias/verscienta-${r.stack}-postgres`,
      );
    }
  });

  it("grants the account root and only the services that use the key, each under a condition", () => {
    const policy = JSON.parse(one(prod, "aws:kms/key:Key", "prod-key").inputs.policy as string);
    const sids = policy.Statement.map((s: { Sid: string }) => s.Sid);
    expect(sids).toEqual([
      "AccountRootAdministersTheKey",
      "AwsServicesForThisAccount",
      "CloudWatchLogsInThisRegion",
      "PublishToEncryptedTopics",
    ]);
    expect(policy.Statement[0].Principal).toEqual({ AWS: `arn:aws:iam::${MOCK_ACCOUNT}:root` });
    const viaService = policy.Statement[1];
    expect(viaService.Principal).toEqual({ AWS: "*" });
    expect(viaService.Condition.StringEquals["kms:CallerAccount"]).toBe(MOCK_ACCOUNT);
    expect(viaService.Condition.StringEquals["kms:ViaService"]).toEqual([
      "rds.us-east-1.amazonaws.com",
      "secretsmanager.us-east-1.amazonaws.com",
      "backup.us-east-1.amazonaws.com",
      "ecs.us-east-1.amazonaws.com",
      "ecr.us-east-1.amazonaws.com",
    ]);
    expect(policy.Statement[2].Principal).toEqual({ Service: "logs.us-east-1.amazonaws.com" });
    expect(policy.Statement[2].Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"]).toBe(
      `arn:aws:logs:us-east-1:${MOCK_ACCOUNT}:*`,
    );
    expect(policy.Statement[3].Principal.Service).toEqual([
      "cloudwatch.amazonaws.com",
      "events.rds.amazonaws.com",
      "backup.amazonaws.com",
    ]);
    expect(policy.Statement[3].Condition).toEqual({ StringEquals: { "aws:SourceAccount": MOCK_ACCOUNT } });
    // No statement admits "*" without a condition.
    for (const s of policy.Statement) {
      if (JSON.stringify(s.Principal).includes('"*"')) expect(s.Condition).toBeDefined();
    }
  });
});

describe("network", () => {
  it("creates private subnets only, in 2 AZs for dev and 3 for prod, with no internet gateway", () => {
    expect(ofType(dev, "aws:ec2/subnet:Subnet")).toHaveLength(2);
    expect(ofType(prod, "aws:ec2/subnet:Subnet")).toHaveLength(3);
    for (const r of [dev, prod]) {
      for (const s of ofType(r, "aws:ec2/subnet:Subnet")) expect(s.inputs.mapPublicIpOnLaunch).toBe(false);
      expect(new Set(ofType(r, "aws:ec2/subnet:Subnet").map((s) => s.inputs.availabilityZone)).size).toBe(
        r === dev ? 2 : 3,
      );
      expect(ofType(r, "aws:ec2/internetGateway:InternetGateway")).toHaveLength(0);
      expect(ofType(r, "aws:ec2/natGateway:NatGateway")).toHaveLength(0);
      expect(ofType(r, "aws:ec2/route:Route")).toHaveLength(0);
    }
    expect(ofType(prod, "aws:ec2/subnet:Subnet").map((s) => s.inputs.cidrBlock)).toEqual([
      "10.40.0.0/20",
      "10.40.16.0/20",
      "10.40.32.0/20",
    ]);
  });

  it("closes the default security group and logs every flow to an encrypted group", () => {
    for (const r of [dev, prod]) {
      const def = one(r, "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup");
      expect(def.inputs.ingress).toEqual([]);
      expect(def.inputs.egress).toEqual([]);
      const flow = one(r, "aws:ec2/flowLog:FlowLog");
      expect(flow.inputs).toMatchObject({ trafficType: "ALL", logDestinationType: "cloud-watch-logs" });
      const group = one(r, "aws:cloudwatch/logGroup:LogGroup", "-flow-logs");
      expect(group.inputs.kmsKeyId).toBe(keyArnOf(r));
      expect(group.inputs.retentionInDays).toBe(r === prod ? 2192 : 365);
    }
  });

  it("gives the database security group no inline rules and no ingress from anywhere by default", () => {
    for (const r of [dev, prod]) {
      const sg = one(r, "aws:ec2/securityGroup:SecurityGroup", "-db-sg");
      expect(sg.inputs.ingress ?? []).toEqual([]);
      expect(sg.inputs.egress ?? []).toEqual([]);
    }
    // By default only the stack's own clients (rotation function, pooler) are admitted, by security group.
    for (const r of [dev, prod]) {
      const dbSgId = one(r, "aws:ec2/securityGroup:SecurityGroup", "-db-sg").state.id;
      const rules = ofType(r, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((x) =>
        x.name.includes("-db-from-"),
      );
      expect(rules.length).toBeGreaterThan(0);
      for (const rule of rules) {
        if (dbSgId !== undefined) expect(rule.inputs.securityGroupId).toBe(dbSgId);
        expect(rule.inputs.cidrIpv4).toBeUndefined();
        expect(rule.inputs.cidrIpv6).toBeUndefined();
        expect(rule.inputs.referencedSecurityGroupId).toMatch(/^sg-/);
        expect([rule.inputs.fromPort, rule.inputs.toPort]).toEqual([5432, 5432]);
      }
    }
  });

  it("admits 5432 only from the listed security groups and private CIDRs", async () => {
    const r = await runStack({
      stack: "dev",
      config: { allowedSecurityGroupIds: ["sg-0123456789abcdef0"], allowedCidrs: ["10.8.0.0/16"] },
    });
    const rules = ofType(r, "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule").filter((x) =>
      /-db-from-(sg|cidr)-/.test(x.name),
    );
    expect(rules.map((x) => x.inputs)).toEqual([
      expect.objectContaining({
        ipProtocol: "tcp",
        fromPort: 5432,
        toPort: 5432,
        referencedSecurityGroupId: "sg-0123456789abcdef0",
      }),
      expect.objectContaining({ ipProtocol: "tcp", fromPort: 5432, toPort: 5432, cidrIpv4: "10.8.0.0/16" }),
    ]);
  });

  it("uses an existing VPC and its subnets without creating one", async () => {
    const r = await runStack({
      stack: "prod",
      config: {
        vpcId: "vpc-0123456789abcdef0",
        privateSubnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
      },
    });
    expect(r.error).toBeUndefined();
    expect(ofType(r, "aws:ec2/vpc:Vpc")).toHaveLength(0);
    expect(one(r, "aws:rds/subnetGroup:SubnetGroup").inputs.subnetIds).toEqual([
      "subnet-0123456789abcdef0",
      "subnet-0123456789abcdef1",
    ]);
    expect(one(r, "aws:ec2/securityGroup:SecurityGroup", "-db-sg").inputs.vpcId).toBe(
      "vpc-0123456789abcdef0",
    );
  });
});

describe("parameter group", () => {
  it("derives the family and the name from the major version, so upgrades create before deleting", async () => {
    const pg = one(prod, "aws:rds/parameterGroup:ParameterGroup");
    expect(pg.inputs.family).toBe("postgres16");
    expect(pg.inputs.namePrefix).toBe("verscienta-prod-postgres16-");
    expect(pg.inputs.name).toBeUndefined();
    const r = await runStack({ stack: "prod", config: { engineVersion: "17" } });
    const pg17 = one(r, "aws:rds/parameterGroup:ParameterGroup");
    expect(pg17.inputs).toMatchObject({ family: "postgres17", namePrefix: "verscienta-prod-postgres17-" });
    expect(pg17.deleteBeforeReplace).toBe(false);
  });

  it("is retained on delete, so a major upgrade pending in the maintenance window never fails on the old group in use", () => {
    // RDS refuses to delete a group an instance still uses (InvalidDBParameterGroupState,
    // terraform-provider-aws#6448); the instance moves only when the upgrade runs.
    for (const r of [dev, prod]) {
      expect(one(r, "aws:rds/parameterGroup:ParameterGroup").retainOnDelete).toBe(true);
    }
  });

  it("sets TLS, SCRAM and the guide's audit logging", () => {
    const params = Object.fromEntries(
      (
        one(prod, "aws:rds/parameterGroup:ParameterGroup").inputs.parameters as {
          name: string;
          value: string;
          applyMethod: string;
        }[]
      ).map((p) => [p.name, [p.value, p.applyMethod]]),
    );
    expect(params).toEqual({
      autovacuum: ["1", "immediate"],
      idle_in_transaction_session_timeout: ["300000", "immediate"],
      log_autovacuum_min_duration: ["10000", "immediate"],
      log_connections: ["1", "immediate"],
      log_disconnections: ["1", "immediate"],
      log_lock_waits: ["1", "immediate"],
      log_min_duration_statement: ["1000", "immediate"],
      log_statement: ["mod", "immediate"],
      password_encryption: ["scram-sha-256", "immediate"],
      "pgaudit.log": ["ddl,role", "immediate"],
      "pgaudit.log_catalog": ["0", "immediate"],
      "pgaudit.log_parameter": ["0", "immediate"],
      "rds.force_ssl": ["1", "immediate"],
      shared_preload_libraries: ["pg_stat_statements,pgaudit", "pending-reboot"],
      ssl_min_protocol_version: ["TLSv1.2", "immediate"],
      track_io_timing: ["1", "immediate"],
    });
  });

  it("sets max_connections only when configured, as a reboot parameter", () => {
    expect(
      parameterGroupParameters({ pgauditEnabled: false, pgauditLog: "ddl", maxConnections: 400 }),
    ).toContainEqual({
      name: "max_connections",
      value: "400",
      applyMethod: "pending-reboot",
    });
    const names = parameterGroupParameters({ pgauditEnabled: false, pgauditLog: "ddl" }).map((p) => p.name);
    expect(names).not.toContain("max_connections");
    expect(names).not.toContain("pgaudit.log");
  });
});

describe("primary instance", () => {
  it("is hardened the same way in dev and prod", () => {
    for (const r of [dev, prod]) {
      const db = primaryOf(r);
      const keyArn = keyArnOf(r);
      expect(db.inputs).toMatchObject({
        identifier: `verscienta-${r.stack}-db`,
        engine: "postgres",
        engineVersion: "16",
        storageType: "gp3",
        storageEncrypted: true,
        kmsKeyId: keyArn,
        manageMasterUserPassword: true,
        masterUserSecretKmsKeyId: keyArn,
        iamDatabaseAuthenticationEnabled: true,
        publiclyAccessible: false,
        caCertIdentifier: "rds-ca-rsa2048-g1",
        enabledCloudwatchLogsExports: ["postgresql", "upgrade"],
        monitoringInterval: 60,
        performanceInsightsEnabled: true,
        performanceInsightsKmsKeyId: keyArn,
        performanceInsightsRetentionPeriod: 7,
        databaseInsightsMode: "standard",
        deleteAutomatedBackups: false,
        copyTagsToSnapshot: true,
        skipFinalSnapshot: false,
        autoMinorVersionUpgrade: true,
        dbName: "verscienta_health",
        username: "verscienta_admin",
        port: 5432,
        backupWindow: "03:00-04:00",
        maintenanceWindow: "sun:05:00-sun:06:00",
      });
      expect(db.inputs.password).toBeUndefined();
      expect(db.inputs.monitoringRoleArn).toBe(one(r, "aws:iam/role:Role", "-monitoring").state.arn);
      expect(db.inputs.parameterGroupName).toBe(one(r, "aws:rds/parameterGroup:ParameterGroup").state.name);
      expect(db.inputs.parameterGroupName).toMatch(
        new RegExp(`^verscienta-${r.stack}-postgres16-[0-9a-z]{26}$`),
      );
      expect(db.inputs.allowMajorVersionUpgrade).toBe(true);
      expect(db.inputs.finalSnapshotIdentifier).toMatch(
        new RegExp(`^verscienta-${r.stack}-db-final-[0-9a-f]{8}$`),
      );
    }
  });

  it("applies the prod profile and the dev relaxations", () => {
    expect(primaryOf(prod).inputs).toMatchObject({
      instanceClass: "db.r6g.large",
      multiAz: true,
      deletionProtection: true,
      backupRetentionPeriod: 35,
      allocatedStorage: 100,
      maxAllocatedStorage: 1000,
      engineLifecycleSupport: "open-source-rds-extended-support",
    });
    expect(primaryOf(dev).inputs).toMatchObject({
      instanceClass: "db.t4g.medium",
      multiAz: false,
      deletionProtection: false,
      backupRetentionPeriod: 7,
      allocatedStorage: 20,
      maxAllocatedStorage: 100,
      engineLifecycleSupport: "open-source-rds-extended-support-disabled",
    });
  });

  it("creates its encrypted log groups before the instance, retained 6 years in prod and 1 in dev", () => {
    for (const r of [dev, prod]) {
      const db = primaryOf(r);
      for (const type of ["postgresql", "upgrade"]) {
        const g = one(r, "aws:cloudwatch/logGroup:LogGroup", `${r.stack}-log-${type}`);
        expect(g.inputs).toMatchObject({
          name: `/aws/rds/instance/verscienta-${r.stack}-db/${type}`,
          kmsKeyId: keyArnOf(r),
          retentionInDays: r === prod ? 2192 : 365,
        });
        expect(db.dependencies).toContain(g.urn);
      }
    }
  });

  it("lets the monitoring role be assumed by RDS enhanced monitoring for this account only", () => {
    const role = one(prod, "aws:iam/role:Role", "-monitoring");
    expect(JSON.parse(role.inputs.assumeRolePolicy as string).Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: "monitoring.rds.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: { StringEquals: { "aws:SourceAccount": MOCK_ACCOUNT } },
      },
    ]);
    expect(role.inputs.managedPolicyArns).toEqual([
      "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole",
    ]);
  });
});

describe("CloudWatch Database Insights mode", () => {
  it("states standard on the primary of both stacks, so RDS's own default never decides it", () => {
    for (const r of [dev, prod]) expect(primaryOf(r).inputs.databaseInsightsMode).toBe("standard");
  });

  it("sets advanced with 15 months of Performance Insights when a stack opts in", async () => {
    const r = await runStack({
      stack: "prod",
      config: { databaseInsightsMode: "advanced", performanceInsightsRetentionDays: 465 },
    });
    expect(r.error).toBeUndefined();
    expect(primaryOf(r).inputs).toMatchObject({
      databaseInsightsMode: "advanced",
      performanceInsightsEnabled: true,
      performanceInsightsRetentionPeriod: 465,
    });
  });

  it("refuses advanced with the 7-day retention, naming both keys and the fix, and registers nothing", async () => {
    const r = await runStack({ stack: "dev", config: { databaseInsightsMode: "advanced" } });
    expect(r.error?.message).toContain(
      'databaseInsightsMode: "advanced" needs Performance Insights kept at least 465 days, but performanceInsightsRetentionDays is 7; RDS refuses the combination (InvalidParameterCombination). Set performanceInsightsRetentionDays to 465',
    );
    expect(ofType(r, INSTANCE)).toHaveLength(0);
  });
});

describe("read replicas", () => {
  it("has none in either stack: RDS cannot replicate an instance whose master password it manages", () => {
    // RDS User Guide, "Limitations for Secrets Manager integration with Amazon RDS".
    expect(ofType(dev, INSTANCE)).toHaveLength(1);
    expect(ofType(prod, INSTANCE)).toHaveLength(1);
    expect(primaryOf(prod).inputs.manageMasterUserPassword).toBe(true);
  });

  it("a ReadReplica inherits the source's key: no kmsKeyId in the same region, same parameter group", async () => {
    const { ReadReplica } = await import("../../components/rds");
    const r = await runStack({
      stack: "prod",
      program: () => {
        new ReadReplica("rr", {
          identifier: "db-replica-1",
          sourceIdentifier: "db",
          instanceClass: "db.r6g.large",
          kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k",
          securityGroupIds: ["sg-1"],
          parameterGroupName: "pg",
          caCertIdentifier: "rds-ca-rsa2048-g1",
          monitoringRoleArn: "arn:aws:iam::123456789012:role/m",
          monitoringIntervalSeconds: 60,
          performanceInsightsRetentionDays: 465,
          databaseInsightsMode: "advanced",
          maintenanceWindow: "sun:05:00-sun:06:00",
          deletionProtection: true,
          logRetentionDays: 2192,
          maxAllocatedStorageGb: 1000,
        });
        return {};
      },
    });
    const replica = one(r, INSTANCE, "rr-instance");
    expect(replica.inputs.kmsKeyId).toBeUndefined();
    expect(replica.inputs).toMatchObject({
      identifier: "db-replica-1",
      replicateSourceDb: "db",
      storageEncrypted: true,
      publiclyAccessible: false,
      parameterGroupName: "pg",
      iamDatabaseAuthenticationEnabled: true,
      performanceInsightsEnabled: true,
      performanceInsightsKmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/k",
      performanceInsightsRetentionPeriod: 465,
      databaseInsightsMode: "advanced",
      caCertIdentifier: "rds-ca-rsa2048-g1",
      enabledCloudwatchLogsExports: ["postgresql", "upgrade"],
      deletionProtection: true,
    });
  });
});

describe("protection of stateful resources", () => {
  it("protects the key, the instances and the log groups in prod, and keeps key and logs on destroy", () => {
    const protectedNames = prod.registrations.filter((r) => r.protect).map((r) => `${r.type} ${r.name}`);
    expect(protectedNames).toEqual(
      expect.arrayContaining([
        "aws:kms/key:Key verscienta-prod-key",
        "aws:rds/instance:Instance verscienta-prod-instance",
        "aws:cloudwatch/logGroup:LogGroup verscienta-prod-log-postgresql",
        "aws:cloudwatch/logGroup:LogGroup verscienta-prod-log-upgrade",
        "aws:cloudwatch/logGroup:LogGroup verscienta-prod-flow-logs",
      ]),
    );
    expect(one(prod, "aws:kms/key:Key", "prod-key").retainOnDelete).toBe(true);
    expect(one(prod, "aws:cloudwatch/logGroup:LogGroup", "prod-log-postgresql").retainOnDelete).toBe(true);
    // Protection is for stateful resources only: alarms, roles and rules stay replaceable.
    expect(prod.registrations.filter((r) => r.protect && r.type === "aws:iam/role:Role")).toHaveLength(0);
  });

  it("protects nothing in dev, so a dev stack can be torn down", () => {
    expect(dev.registrations.filter((r) => r.protect).map((r) => r.name)).toEqual([]);
  });
});

describe("stack outputs", () => {
  it("exports the endpoint, identifiers, key, security group and log groups", () => {
    expect(prod.outputs).toMatchObject({
      dbAddress: primaryOf(prod).state.address,
      dbPort: 5432,
      dbIdentifier: "verscienta-prod-db",
      databaseName: "verscienta_health",
      kmsKeyArn: keyArnOf(prod),
      dbSecurityGroupId:
        one(prod, "aws:ec2/securityGroup:SecurityGroup", "-db-sg").state.id ?? expect.any(String),
      logGroupNames: [
        "/aws/rds/instance/verscienta-prod-db/postgresql",
        "/aws/rds/instance/verscienta-prod-db/upgrade",
      ],
    });
    expect(prod.outputs.masterSecretArn).toMatch(
      /^arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-/,
    );
    expect(prod.outputs.dbResourceId).toMatch(/^db-[0-9A-F]{26}$/);
  });

  it("exports the connection string template as a secret with sslmode=verify-full", () => {
    for (const r of [dev, prod]) {
      expect(r.secretOutputs).toContain("connectionStringTemplate");
      expect(r.outputs.connectionStringTemplate).toBe(
        `postgresql://<user>:<password>@${primaryOf(r).state.address}:5432/verscienta_health?sslmode=verify-full&sslrootcert=global-bundle.pem`,
      );
    }
  });

  it("exports the guide's application pool settings for each environment", () => {
    expect(prod.outputs.appPoolSettings).toEqual({
      max: 20,
      min: 5,
      idleTimeoutMillis: 30000,
      connectionTimeoutMillis: 5000,
      maxUses: 7500,
      ssl: { rejectUnauthorized: true },
      allowExitOnIdle: false,
    });
    expect(dev.outputs.appPoolSettings).toEqual({
      max: 10,
      min: 2,
      idleTimeoutMillis: 30000,
      connectionTimeoutMillis: 5000,
      maxUses: 7500,
      ssl: { rejectUnauthorized: true },
      allowExitOnIdle: true,
    });
  });
});
