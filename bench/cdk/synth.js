/**
 * The cdk-nag baseline of `npm run bench:plan`: our prod stack's equivalent in AWS CDK (KMS keys, a VPC
 * with isolated subnets, interface endpoints and flow logs, an encrypted Multi-AZ RDS PostgreSQL 16
 * instance with its parameter group, log groups, role secrets with rotation, an in-VPC Lambda, an RDS
 * Proxy, an SNS topic, CloudWatch alarms, metric filters, event subscriptions and a dashboard, AWS
 * Backup vaults, a plan and restore testing), checked by cdk-nag's HIPAA Security pack and synthesized
 * in this process: `Aspects.of(app).add(new HIPAASecurityChecks())` then `app.synth()`. No CDK CLI, no
 * AWS, no network. The cloud assembly goes to a temporary directory, removed at the end.
 *
 * Prints one JSON line: {"resources": <CloudFormation resources synthesized>, "nagChecks": <rule ×
 * resource evaluations in cdk-nag's report>, "nagNonCompliant": <findings>, "maxRssMiB": <this process's peak RSS>}; exit 0 (findings are
 * annotations, as with `cdk synth`, not a failure). Install with `npm ci --prefix bench/cdk`; run with `node bench/cdk/synth.js`.
 */

const { mkdtempSync, readdirSync, readFileSync, rmSync } = require("node:fs");
const { tmpdir } = require("node:os");
const path = require("node:path");
const cdk = require("aws-cdk-lib");
const backup = require("aws-cdk-lib/aws-backup");
const cloudwatch = require("aws-cdk-lib/aws-cloudwatch");
const cwActions = require("aws-cdk-lib/aws-cloudwatch-actions");
const ec2 = require("aws-cdk-lib/aws-ec2");
const events = require("aws-cdk-lib/aws-events");
const targets = require("aws-cdk-lib/aws-events-targets");
const iam = require("aws-cdk-lib/aws-iam");
const kms = require("aws-cdk-lib/aws-kms");
const lambda = require("aws-cdk-lib/aws-lambda");
const logs = require("aws-cdk-lib/aws-logs");
const rds = require("aws-cdk-lib/aws-rds");
const secretsmanager = require("aws-cdk-lib/aws-secretsmanager");
const sns = require("aws-cdk-lib/aws-sns");
const subs = require("aws-cdk-lib/aws-sns-subscriptions");
const { HIPAASecurityChecks } = require("cdk-nag");

const ACCOUNT = "123456789012";
const REGION = "us-east-1";
const AZS = ["us-east-1a", "us-east-1b", "us-east-1c"];
const ID = "verscienta-prod";

class PostgresStack extends cdk.Stack {
  constructor(scope, id, props) {
    super(scope, id, props);
    const retain = cdk.RemovalPolicy.RETAIN;

    // Keys: one for the database, secrets, logs and the topic; one for backups.
    const key = new kms.Key(this, "DataKey", {
      alias: `alias/${ID}-data`,
      enableKeyRotation: true,
      removalPolicy: retain,
    });
    key.grantEncryptDecrypt(new iam.ServicePrincipal(`logs.${REGION}.amazonaws.com`));
    const backupKey = new kms.Key(this, "BackupKey", {
      alias: `alias/${ID}-backup`,
      enableKeyRotation: true,
      removalPolicy: retain,
    });

    // Network: isolated subnets in three AZs, no internet route, flow logs, interface endpoints.
    const vpc = new ec2.Vpc(this, "Vpc", {
      ipAddresses: ec2.IpAddresses.cidr("10.40.0.0/16"),
      availabilityZones: AZS,
      natGateways: 0,
      subnetConfiguration: [{ name: "db", subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
      restrictDefaultSecurityGroup: true,
    });
    const flowLogs = new logs.LogGroup(this, "FlowLogs", {
      retention: logs.RetentionDays.ONE_YEAR,
      encryptionKey: key,
      removalPolicy: retain,
    });
    vpc.addFlowLog("FlowLog", {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });
    for (const [name, service] of Object.entries({
      SecretsManager: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
      Kms: ec2.InterfaceVpcEndpointAwsService.KMS,
      Logs: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
      Monitoring: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_MONITORING,
      Sts: ec2.InterfaceVpcEndpointAwsService.STS,
      Rds: ec2.InterfaceVpcEndpointAwsService.RDS,
    })) {
      vpc.addInterfaceEndpoint(`${name}Endpoint`, { service, privateDnsEnabled: true });
    }
    const dbSg = new ec2.SecurityGroup(this, "DbSecurityGroup", {
      vpc,
      description: "PostgreSQL: admits the proxy and the ops function only",
      allowAllOutbound: false,
    });
    const proxySg = new ec2.SecurityGroup(this, "ProxySecurityGroup", {
      vpc,
      description: "RDS Proxy",
      allowAllOutbound: false,
    });
    const opsSg = new ec2.SecurityGroup(this, "OpsSecurityGroup", {
      vpc,
      description: "Database operations function",
      allowAllOutbound: false,
    });
    dbSg.addIngressRule(proxySg, ec2.Port.tcp(5432), "from the proxy");
    dbSg.addIngressRule(opsSg, ec2.Port.tcp(5432), "from the ops function");
    proxySg.addEgressRule(dbSg, ec2.Port.tcp(5432), "to the database");
    opsSg.addEgressRule(dbSg, ec2.Port.tcp(5432), "to the database");
    opsSg.addEgressRule(ec2.Peer.ipv4(vpc.vpcCidrBlock), ec2.Port.tcp(443), "to the endpoints");

    // Database: PostgreSQL 16, Multi-AZ, encrypted, TLS only, IAM auth, logs exported.
    const engine = rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 });
    const parameterGroup = new rds.ParameterGroup(this, "Parameters", {
      engine,
      description: "HIPAA: TLS only, connection and statement logging",
      parameters: {
        "rds.force_ssl": "1",
        ssl_min_protocol_version: "TLSv1.2",
        password_encryption: "scram-sha-256",
        log_connections: "1",
        log_disconnections: "1",
        log_statement: "ddl",
        log_min_duration_statement: "1000",
        log_lock_waits: "1",
        log_temp_files: "0",
        log_autovacuum_min_duration: "10000",
        shared_preload_libraries: "pg_stat_statements,pgaudit",
        "pgaudit.log": "ddl,role",
        "pgaudit.role": "rds_pgaudit",
        idle_in_transaction_session_timeout: "300000",
        statement_timeout: "60000",
      },
    });
    const monitoringRole = new iam.Role(this, "MonitoringRole", {
      assumedBy: new iam.ServicePrincipal("monitoring.rds.amazonaws.com"),
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName("service-role/AmazonRDSEnhancedMonitoringRole"),
      ],
    });
    const db = new rds.DatabaseInstance(this, "Postgres", {
      engine,
      instanceIdentifier: ID,
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.R6G, ec2.InstanceSize.LARGE),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      securityGroups: [dbSg],
      multiAz: true,
      storageEncrypted: true,
      storageEncryptionKey: key,
      storageType: rds.StorageType.GP3,
      allocatedStorage: 100,
      maxAllocatedStorage: 1000,
      parameterGroup,
      credentials: rds.Credentials.fromGeneratedSecret("postgres_admin", { encryptionKey: key }),
      iamAuthentication: true,
      backupRetention: cdk.Duration.days(35),
      preferredBackupWindow: "07:00-08:00",
      preferredMaintenanceWindow: "sun:08:30-sun:09:30",
      deletionProtection: true,
      removalPolicy: cdk.RemovalPolicy.SNAPSHOT,
      copyTagsToSnapshot: true,
      autoMinorVersionUpgrade: true,
      enablePerformanceInsights: true,
      performanceInsightEncryptionKey: key,
      performanceInsightRetention: rds.PerformanceInsightRetention.MONTHS_12,
      monitoringInterval: cdk.Duration.seconds(30),
      monitoringRole,
      cloudwatchLogsExports: ["postgresql", "upgrade"],
      cloudwatchLogsRetention: logs.RetentionDays.ONE_YEAR,
      publiclyAccessible: false,
    });
    db.addRotationSingleUser({ automaticallyAfter: cdk.Duration.days(30) });

    // Role secrets (app, migrator, read-only, reporting) and the column key, each rotated.
    const roleSecrets = ["app", "migrator", "readonly", "reporting"].map((role) => {
      const secret = new rds.DatabaseSecret(this, `RoleSecret-${role}`, {
        username: `verscienta_${role}`,
        secretName: `${ID}/roles/${role}`,
        encryptionKey: key,
        masterSecret: db.secret,
      });
      secret.attach(db);
      db.addRotationMultiUser(`Rotation-${role}`, { secret, automaticallyAfter: cdk.Duration.days(30) });
      return secret;
    });
    new secretsmanager.Secret(this, "ColumnKey", {
      secretName: `${ID}/column-key`,
      encryptionKey: key,
      generateSecretString: { passwordLength: 64, excludePunctuation: true },
    });

    // The in-VPC database operations function: roles, grants, extensions, SQL metrics.
    const opsLogs = new logs.LogGroup(this, "OpsLogs", {
      retention: logs.RetentionDays.ONE_YEAR,
      encryptionKey: key,
      removalPolicy: retain,
    });
    const ops = new lambda.Function(this, "DatabaseOps", {
      runtime: lambda.Runtime.NODEJS_22_X,
      handler: "index.handler",
      code: lambda.Code.fromInline("exports.handler = async () => ({ ok: true });"),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      securityGroups: [opsSg],
      timeout: cdk.Duration.minutes(5),
      memorySize: 256,
      reservedConcurrentExecutions: 2,
      environmentEncryption: key,
      environment: { DB_HOST: db.dbInstanceEndpointAddress, SECRET_ARN: db.secret.secretArn },
      logGroup: opsLogs,
      tracing: lambda.Tracing.ACTIVE,
    });
    db.secret.grantRead(ops);
    for (const s of roleSecrets) s.grantRead(ops);
    new events.Rule(this, "SqlMetricsSchedule", {
      schedule: events.Schedule.rate(cdk.Duration.minutes(5)),
      targets: [new targets.LambdaFunction(ops)],
    });

    // Pooling: RDS Proxy, TLS and IAM auth required.
    const proxy = db.addProxy("Proxy", {
      dbProxyName: `${ID}-proxy`,
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      securityGroups: [proxySg],
      secrets: [db.secret, ...roleSecrets],
      requireTLS: true,
      iamAuth: true,
      maxConnectionsPercent: 80,
      maxIdleConnectionsPercent: 20,
      borrowTimeout: cdk.Duration.seconds(30),
      debugLogging: false,
    });

    // Monitoring: an encrypted topic for on-call, alarms, metric filters, events, a dashboard.
    const topic = new sns.Topic(this, "Alarms", {
      topicName: `${ID}-alarms`,
      masterKey: key,
      enforceSSL: true,
    });
    topic.addSubscription(new subs.EmailSubscription("dba-oncall@verscienta.health"));
    const action = new cwActions.SnsAction(topic);
    const dims = { DBInstanceIdentifier: ID };
    const m = (metricName, statistic = "Average", namespace = "AWS/RDS", dimensionsMap = dims) =>
      new cloudwatch.Metric({
        namespace,
        metricName,
        dimensionsMap,
        statistic,
        period: cdk.Duration.minutes(5),
      });
    const alarms = [
      ["Cpu", m("CPUUtilization"), 80, cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD],
      ["FreeMemory", m("FreeableMemory"), 1.6e9, cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD],
      ["FreeStorage", m("FreeStorageSpace"), 10e9, cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD],
      [
        "Connections",
        m("DatabaseConnections", "Maximum"),
        1200,
        cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      ],
      ["ReadLatency", m("ReadLatency"), 0.02, cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD],
      ["WriteLatency", m("WriteLatency"), 0.02, cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD],
      ["DiskQueue", m("DiskQueueDepth"), 10, cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD],
      ["Swap", m("SwapUsage"), 256e6, cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD],
      [
        "TxIdAge",
        m("MaximumUsedTransactionIDs", "Maximum"),
        1e9,
        cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      ],
      [
        "ReplicationSlotLag",
        m("OldestReplicationSlotLag", "Maximum"),
        5e9,
        cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      ],
      ["EbsIoBalance", m("EBSIOBalance%", "Minimum"), 20, cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD],
      [
        "ProxyClientConnections",
        m("ClientConnections", "Maximum", "AWS/RDS", { ProxyName: `${ID}-proxy` }),
        4000,
        cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      ],
      [
        "ProxyDbConnections",
        m("DatabaseConnections", "Maximum", "AWS/RDS", { ProxyName: `${ID}-proxy` }),
        1100,
        cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      ],
      [
        "ProxyBorrowLatency",
        m("DatabaseConnectionsBorrowLatency", "Average", "AWS/RDS", { ProxyName: `${ID}-proxy` }),
        500000,
        cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      ],
      ["OpsErrors", ops.metricErrors(), 1, cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD],
      [
        "SqlDeadlocks",
        m("Deadlocks", "Sum", "Verscienta/Postgres", { DB: ID }),
        1,
        cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      ],
    ];
    for (const [name, metric, threshold, comparisonOperator] of alarms) {
      const alarm = new cloudwatch.Alarm(this, `Alarm-${name}`, {
        alarmName: `${ID}-${name}`,
        metric,
        threshold,
        comparisonOperator,
        evaluationPeriods: 3,
        datapointsToAlarm: 2,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      });
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
    const pgLogs = logs.LogGroup.fromLogGroupName(this, "PgLogs", `/aws/rds/instance/${ID}/postgresql`);
    for (const [name, pattern] of Object.entries({
      AuthFailures: "password authentication failed",
      NoPgHba: "no pg_hba.conf entry",
      Deadlocks: "deadlock detected",
      Panics: "PANIC",
      Fatal: "FATAL",
      LockWaits: "still waiting for",
      TempFiles: "temporary file",
      RoleChanges: "AUDIT: SESSION,ROLE",
    })) {
      pgLogs.addMetricFilter(`Filter-${name}`, {
        filterPattern: logs.FilterPattern.anyTerm(pattern),
        metricNamespace: "Verscienta/Postgres",
        metricName: name,
        metricValue: "1",
        defaultValue: 0,
      });
    }
    new rds.CfnEventSubscription(this, "InstanceEvents", {
      snsTopicArn: topic.topicArn,
      sourceType: "db-instance",
      sourceIds: [ID],
      eventCategories: ["availability", "failover", "failure", "maintenance", "recovery", "low storage"],
    });
    new rds.CfnEventSubscription(this, "ParameterEvents", {
      snsTopicArn: topic.topicArn,
      sourceType: "db-parameter-group",
      eventCategories: ["configuration change"],
    });
    new events.Rule(this, "ProxyEvents", {
      eventPattern: { source: ["aws.rds"], detailType: ["RDS DB Proxy Event"] },
      targets: [new targets.SnsTopic(topic)],
    });
    const dashboard = new cloudwatch.Dashboard(this, "Dashboard", { dashboardName: ID });
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: "CPU", left: [m("CPUUtilization")] }),
      new cloudwatch.GraphWidget({ title: "Memory", left: [m("FreeableMemory")] }),
      new cloudwatch.GraphWidget({ title: "Connections", left: [m("DatabaseConnections")] }),
      new cloudwatch.GraphWidget({ title: "Storage", left: [m("FreeStorageSpace")] }),
    );

    // Backups: a locked vault per key, a daily plan with a copy, notifications, restore testing.
    const vault = new backup.BackupVault(this, "Vault", {
      backupVaultName: `${ID}-vault`,
      encryptionKey: backupKey,
      notificationTopic: topic,
      lockConfiguration: { minRetention: cdk.Duration.days(35) },
      removalPolicy: retain,
    });
    const drVault = new backup.BackupVault(this, "DrVault", {
      backupVaultName: `${ID}-dr-vault`,
      encryptionKey: backupKey,
      notificationTopic: topic,
      lockConfiguration: { minRetention: cdk.Duration.days(35) },
      removalPolicy: retain,
    });
    const plan = new backup.BackupPlan(this, "BackupPlan", {
      backupPlanName: `${ID}-plan`,
      backupVault: vault,
    });
    plan.addRule(
      new backup.BackupPlanRule({
        ruleName: "daily",
        scheduleExpression: events.Schedule.cron({ hour: "5", minute: "0" }),
        deleteAfter: cdk.Duration.days(35),
        copyActions: [{ destinationBackupVault: drVault, deleteAfter: cdk.Duration.days(35) }],
      }),
    );
    plan.addSelection("Database", { resources: [backup.BackupResource.fromRdsDatabaseInstance(db)] });
    const restoreTesting = new backup.CfnRestoreTestingPlan(this, "RestoreTesting", {
      restoreTestingPlanName: "verscienta_prod_restore_testing",
      scheduleExpression: "cron(0 6 ? * SAT *)",
      recoveryPointSelection: {
        algorithm: "LATEST_WITHIN_WINDOW",
        includeVaults: [vault.backupVaultArn],
        recoveryPointTypes: ["SNAPSHOT"],
        selectionWindowDays: 7,
      },
    });
    const restoreRole = new iam.Role(this, "RestoreTestingRole", {
      assumedBy: new iam.ServicePrincipal("backup.amazonaws.com"),
      managedPolicies: [
        iam.ManagedPolicy.fromAwsManagedPolicyName("service-role/AWSBackupServiceRolePolicyForRestores"),
      ],
    });
    new backup.CfnRestoreTestingSelection(this, "RestoreTestingSelection", {
      restoreTestingPlanName: restoreTesting.restoreTestingPlanName,
      restoreTestingSelectionName: "database",
      protectedResourceType: "RDS",
      iamRoleArn: restoreRole.roleArn,
      protectedResourceArns: [db.instanceArn],
      validationWindowHours: 4,
    });

    new cdk.CfnOutput(this, "ProxyEndpoint", { value: proxy.endpoint });
    new cdk.CfnOutput(this, "AlarmTopicArn", { value: topic.topicArn });
  }
}

const outdir = mkdtempSync(path.join(tmpdir(), "bench-cdk-"));
try {
  const app = new cdk.App({
    outdir,
    context: {
      [`availability-zones:account=${ACCOUNT}:region=${REGION}`]: AZS,
      // What `cdk synth` passes unless given --debug: no construct creation stack traces.
      "aws:cdk:disable-stack-trace": true,
    },
  });
  new PostgresStack(app, "VerscientaPostgresProd", { env: { account: ACCOUNT, region: REGION } });
  cdk.Aspects.of(app).add(new HIPAASecurityChecks());
  const assembly = app.synth();
  let resources = 0;
  for (const stack of assembly.stacks) resources += Object.keys(stack.template.Resources ?? {}).length;
  // cdk-nag writes one CSV report per stack and pack: a row per (rule, resource) it evaluated.
  let nagChecks = 0;
  let nagNonCompliant = 0;
  for (const f of readdirSync(outdir).filter((n) => /^HIPAA\.Security-.*NagReport\.csv$/.test(n))) {
    const rows = readFileSync(path.join(outdir, f), "utf8").trim().split("\n").slice(1);
    nagChecks += rows.length;
    nagNonCompliant += rows.filter((r) => r.split(",")[2] === '"Non-Compliant"').length;
  }
  const maxRssMiB = Math.round(process.resourceUsage().maxRSS / 1024);
  process.stdout.write(`${JSON.stringify({ resources, nagChecks, nagNonCompliant, maxRssMiB })}\n`);
} finally {
  rmSync(outdir, { recursive: true, force: true });
}
