/**
 * A compliant miniature of the platform: one resource of every type the pack inspects, wired the way
 * the program wires them. Tests change one property per case.
 */
import type { ResourceUnderTest } from "../../policies/lib/evaluate";

const KEY = "arn:aws:kms:us-east-1:123456789012:key/mrk-1234";
const urn = (type: string, name: string) => `urn:pulumi:prod::verscienta-postgres::${type}::${name}`;
const tags = { Project: "verscienta-health", DataClassification: "phi", Environment: "prod" };

function res(
  type: string,
  name: string,
  props: Record<string, unknown>,
  deps: string[] = [],
  protect = false,
): ResourceUnderTest {
  return { urn: urn(type, name), type, name, props, opts: { protect, dependencies: deps } };
}

export const U = {
  key: urn("aws:kms/key:Key", "key"),
  vpc: urn("aws:ec2/vpc:Vpc", "vpc"),
  dbSg: urn("aws:ec2/securityGroup:SecurityGroup", "db-sg"),
  vault: urn("aws:backup/vault:Vault", "vault"),
  secret: urn("aws:secretsmanager/secret:Secret", "app-secret"),
};

const containers = [
  {
    name: "pgbouncer",
    image: "public.ecr.aws/bitnami/pgbouncer:1.23.1",
    user: "1001:1001",
    readonlyRootFilesystem: true,
    privileged: false,
    environment: [
      { name: "PGBOUNCER_PORT", value: "6432" },
      { name: "DB_SECRET_ARN", value: "arn:aws:secretsmanager:us-east-1:123456789012:secret:app-Ab12" },
    ],
    secrets: [
      {
        name: "PGBOUNCER_AUTH_PASSWORD",
        valueFrom: "arn:aws:secretsmanager:us-east-1:123456789012:secret:app-Ab12",
      },
    ],
    logConfiguration: {
      logDriver: "awslogs",
      options: { "awslogs-group": "/verscienta/pgbouncer", "awslogs-region": "us-east-1" },
    },
  },
];

export function compliantStack(): ResourceUnderTest[] {
  return [
    res(
      "aws:kms/key:Key",
      "key",
      {
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        bypassPolicyLockoutSafetyCheck: false,
        policy: JSON.stringify({
          Version: "2012-10-17",
          Statement: [
            {
              Sid: "Root",
              Effect: "Allow",
              Principal: { AWS: "arn:aws:iam::123456789012:root" },
              Action: "kms:*",
              Resource: "*",
            },
            {
              Sid: "ViaService",
              Effect: "Allow",
              Principal: { AWS: "*" },
              Action: ["kms:Decrypt"],
              Resource: "*",
              Condition: { StringEquals: { "kms:CallerAccount": "123456789012" } },
            },
          ],
        }),
        tags,
      },
      [],
      true,
    ),
    res(
      "aws:cloudwatch/logGroup:LogGroup",
      "log-postgresql",
      { name: "/aws/rds/instance/db/postgresql", kmsKeyId: KEY, retentionInDays: 2192 },
      [U.key],
      true,
    ),
    res(
      "aws:cloudwatch/logGroup:LogGroup",
      "pgbouncer-logs",
      { name: "/verscienta/pgbouncer", kmsKeyId: KEY, retentionInDays: 2192 },
      [U.key],
      true,
    ),
    res("aws:rds/parameterGroup:ParameterGroup", "params", {
      name: "db-postgres16",
      family: "postgres16",
      parameters: [
        { name: "rds.force_ssl", value: "1" },
        { name: "ssl_min_protocol_version", value: "TLSv1.2" },
        { name: "password_encryption", value: "scram-sha-256" },
        { name: "log_statement", value: "mod" },
        { name: "log_min_duration_statement", value: "1000" },
        { name: "log_connections", value: "1" },
        { name: "log_disconnections", value: "1" },
        { name: "shared_preload_libraries", value: "pg_stat_statements,pgaudit" },
        { name: "pgaudit.log", value: "ddl,role" },
      ],
    }),
    res("aws:ec2/vpc:Vpc", "vpc", { cidrBlock: "10.40.0.0/16", tags }),
    res(
      "aws:ec2/defaultSecurityGroup:DefaultSecurityGroup",
      "default-sg",
      { vpcId: "vpc-1", ingress: [], egress: [] },
      [U.vpc],
    ),
    res("aws:ec2/securityGroup:SecurityGroup", "db-sg", { vpcId: "vpc-1", description: "db" }, [U.vpc]),
    res(
      "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
      "db-from-proxy",
      {
        securityGroupId: "sg-db",
        ipProtocol: "tcp",
        fromPort: 5432,
        toPort: 5432,
        referencedSecurityGroupId: "sg-proxy",
      },
      [U.dbSg],
    ),
    res(
      "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
      "db-from-cidr",
      { securityGroupId: "sg-db", ipProtocol: "tcp", fromPort: 5432, toPort: 5432, cidrIpv4: "10.1.0.0/16" },
      [U.dbSg],
    ),
    res(
      "aws:rds/instance:Instance",
      "db",
      {
        identifier: "db",
        arn: "arn:aws:rds:us-east-1:123456789012:db:db",
        engine: "postgres",
        storageEncrypted: true,
        kmsKeyId: KEY,
        publiclyAccessible: false,
        iamDatabaseAuthenticationEnabled: true,
        enabledCloudwatchLogsExports: ["postgresql", "upgrade"],
        monitoringInterval: 60,
        monitoringRoleArn: "arn:aws:iam::123456789012:role/db-monitoring",
        multiAz: true,
        backupRetentionPeriod: 35,
        deletionProtection: true,
        autoMinorVersionUpgrade: true,
        performanceInsightsEnabled: true,
        performanceInsightsKmsKeyId: KEY,
        caCertIdentifier: "rds-ca-rsa2048-g1",
        parameterGroupName: "db-postgres16",
        manageMasterUserPassword: true,
        masterUserSecretKmsKeyId: KEY,
        copyTagsToSnapshot: true,
        skipFinalSnapshot: false,
        finalSnapshotIdentifier: "db-final-1a2b",
        deleteAutomatedBackups: false,
        vpcSecurityGroupIds: ["sg-db"],
        tags,
      },
      [U.key, U.dbSg],
      true,
    ),
    res(
      "aws:rds/instance:Instance",
      "replica",
      {
        identifier: "db-replica-1",
        replicateSourceDb: "db",
        storageEncrypted: true,
        kmsKeyId: KEY,
        publiclyAccessible: false,
        iamDatabaseAuthenticationEnabled: true,
        enabledCloudwatchLogsExports: ["postgresql", "upgrade"],
        monitoringInterval: 60,
        monitoringRoleArn: "arn:aws:iam::123456789012:role/db-monitoring",
        multiAz: false,
        backupRetentionPeriod: 0,
        skipFinalSnapshot: true,
        deletionProtection: true,
        performanceInsightsEnabled: true,
        performanceInsightsKmsKeyId: KEY,
        caCertIdentifier: "rds-ca-rsa2048-g1",
        parameterGroupName: "db-postgres16",
        copyTagsToSnapshot: true,
        vpcSecurityGroupIds: ["sg-db"],
        tags,
      },
      [U.key, U.dbSg],
      true,
    ),
    res(
      "aws:rds/proxy:Proxy",
      "proxy",
      {
        engineFamily: "POSTGRESQL",
        requireTls: true,
        debugLogging: false,
        auths: [
          {
            authScheme: "SECRETS",
            clientPasswordAuthType: "POSTGRES_SCRAM_SHA_256",
            iamAuth: "DISABLED",
            secretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:app-secret-Ab12Cd",
          },
        ],
      },
      [U.secret],
    ),
    res(
      "aws:secretsmanager/secret:Secret",
      "app-secret",
      { name: "app-secret", kmsKeyId: KEY, recoveryWindowInDays: 30 },
      [U.key],
    ),
    res(
      "aws:secretsmanager/secretVersion:SecretVersion",
      "app-secret-version",
      {
        secretId: "arn:aws:secretsmanager:us-east-1:123456789012:secret:app-secret-Ab12Cd",
        secretString: JSON.stringify({
          username: "app_user",
          engine: "postgres",
          host: "db.example.internal",
          port: 5432,
          dbname: "app",
        }),
      },
      [U.secret],
    ),
    res(
      "aws:cloudwatch/logGroup:LogGroup",
      "dbops-logs",
      { name: "/aws/lambda/dbops", kmsKeyId: KEY, retentionInDays: 2192 },
      [U.key],
      true,
    ),
    res(
      "aws:lambda/function:Function",
      "dbops",
      {
        name: "dbops",
        runtime: "nodejs22.x",
        vpcConfig: { subnetIds: ["subnet-0123456789abcdef0"], securityGroupIds: ["sg-0123456789abcdef0"] },
        loggingConfig: { logFormat: "Text", logGroup: "/aws/lambda/dbops" },
      },
      [urn("aws:cloudwatch/logGroup:LogGroup", "dbops-logs")],
    ),
    res(
      "aws:secretsmanager/secretRotation:SecretRotation",
      "app-secret-rotation",
      {
        secretId: "arn:aws:secretsmanager:us-east-1:123456789012:secret:app-secret-Ab12Cd",
        rotationRules: { automaticallyAfterDays: 30 },
      },
      [U.secret],
    ),
    res("aws:sns/topic:Topic", "alarms", { kmsMasterKeyId: KEY }, [U.key]),
    res("aws:iam/role:Role", "proxy-role", {
      name: "proxy-role",
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Effect: "Allow", Principal: { Service: "rds.amazonaws.com" }, Action: "sts:AssumeRole" },
        ],
      }),
    }),
    res(
      "aws:sns/topicSubscription:TopicSubscription",
      "alarms-oncall",
      {
        topic: "arn:aws:sns:us-east-1:123456789012:alarms",
        protocol: "email",
        endpoint: "oncall@example.org",
      },
      [urn("aws:sns/topic:Topic", "alarms")],
    ),
    ...["db", "db-replica-1"].flatMap((id) =>
      ["CPUUtilization", "FreeableMemory", "FreeStorageSpace", "DatabaseConnections"].map((metricName) =>
        res("aws:cloudwatch/metricAlarm:MetricAlarm", `${id}-${metricName}`, {
          metricName,
          namespace: "AWS/RDS",
          dimensions: { DBInstanceIdentifier: id },
          alarmActions: ["arn:aws:sns:us-east-1:123456789012:alarms"],
          okActions: ["arn:aws:sns:us-east-1:123456789012:alarms"],
          actionsEnabled: true,
        }),
      ),
    ),
    res("aws:ecs/taskDefinition:TaskDefinition", "pgbouncer-task", {
      family: "pgbouncer",
      containerDefinitions: JSON.stringify(containers),
    }),
    res("aws:ecs/service:Service", "pgbouncer", {
      networkConfiguration: { assignPublicIp: false, subnets: ["subnet-1"] },
    }),
    res("aws:backup/vault:Vault", "vault", { name: "db-vault", kmsKeyArn: KEY }, [U.key], true),
    res(
      "aws:backup/vaultLockConfiguration:VaultLockConfiguration",
      "vault-lock",
      { backupVaultName: "db-vault", minRetentionDays: 35, changeableForDays: 3 },
      [U.vault],
    ),
    res("aws:backup/plan:Plan", "plan", {
      rules: [
        {
          ruleName: "daily",
          targetVaultName: "db-vault",
          schedule: "cron(0 5 * * ? *)",
          lifecycle: { deleteAfter: 35 },
        },
        {
          ruleName: "monthly",
          targetVaultName: "db-vault",
          schedule: "cron(0 5 1 * ? *)",
          lifecycle: { deleteAfter: 2192 },
          copyActions: [
            {
              destinationVaultArn: "arn:aws:backup:us-west-2:123456789012:backup-vault:dr-vault",
              lifecycle: { deleteAfter: 2192 },
            },
          ],
        },
      ],
    }),
    res("aws:backup/restoreTestingPlan:RestoreTestingPlan", "restore-test-plan", {
      name: "db_restore_test",
      scheduleExpression: "cron(0 10 15 * ? *)",
      recoveryPointSelection: {
        algorithm: "LATEST_WITHIN_WINDOW",
        includeVaults: ["*"],
        recoveryPointTypes: ["SNAPSHOT"],
      },
    }),
    res("aws:backup/restoreTestingSelection:RestoreTestingSelection", "restore-test-selection", {
      name: "db_restore_test_selection",
      restoreTestingPlanName: "db_restore_test",
      protectedResourceType: "RDS",
      protectedResourceArns: ["arn:aws:rds:us-east-1:123456789012:db:db"],
      iamRoleArn: "arn:aws:iam::123456789012:role/backup",
    }),
    res(
      "aws:rds/instanceAutomatedBackupsReplication:InstanceAutomatedBackupsReplication",
      "db-dr-replication",
      {
        sourceDbInstanceArn: "arn:aws:rds:us-east-1:123456789012:db:db",
        kmsKeyId: "arn:aws:kms:us-west-2:123456789012:key/mrk-dr",
        retentionPeriod: 35,
      },
      [urn("aws:rds/instance:Instance", "db")],
    ),
    res("aws:backup/selection:Selection", "selection", {
      planId: "plan-1",
      iamRoleArn: "arn:aws:iam::123456789012:role/backup",
      resources: ["arn:aws:rds:us-east-1:123456789012:db:db"],
    }),
  ];
}

/** The stack with one resource changed (by name). */
export function mutate(
  stack: ResourceUnderTest[],
  name: string,
  change: (r: ResourceUnderTest) => ResourceUnderTest,
): ResourceUnderTest[] {
  let found = false;
  const out = stack.map((r) => {
    if (r.name !== name) return r;
    found = true;
    return change(structuredClone(r));
  });
  if (!found) throw new Error(`fixture has no resource named ${name}`);
  return out;
}

export const setProp =
  (key: string, value: unknown) =>
  (r: ResourceUnderTest): ResourceUnderTest => {
    const props = { ...r.props };
    if (value === undefined) delete props[key];
    else props[key] = value;
    return { ...r, props };
  };

export const setParam = (name: string, value: string | undefined) => (r: ResourceUnderTest) => {
  const params = (r.props.parameters as { name: string; value: string }[]).filter((p) => p.name !== name);
  return setProp("parameters", value === undefined ? params : [...params, { name, value }])(r);
};

export const setContainer = (key: string, value: unknown) => (r: ResourceUnderTest) => {
  const cs = JSON.parse(String(r.props.containerDefinitions)) as Record<string, unknown>[];
  cs[0] = { ...cs[0], [key]: value };
  if (value === undefined) delete cs[0][key];
  return setProp("containerDefinitions", JSON.stringify(cs))(r);
};
