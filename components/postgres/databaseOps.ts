import { createHash } from "node:crypto";
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type ApplyEvent, DBOPS_ENV, LAMBDA_CA_BUNDLE } from "../../functions/dbops/contract";
import { DB_METRICS_SCHEDULE, MONITOR_ROLE } from "../../spec/databaseOps";
import { POSTGRES_PORT } from "../../spec/identifiers";
import { assumeRolePolicy, keyThroughSecretsManager, managedRolePolicy, secretsStatement } from "../iam";
import { type AccessModel, passwordRoles, roleKinds } from "./accessModel";
import { type DbopsBundle, dbopsBundle } from "./dbopsBundle";

/**
 * The Lambda runtime. nodejs22.x: Node.js 22 is supported by Lambda until its deprecation date of
 * 2027-04-30 (Lambda Developer Guide, "Lambda runtimes", https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html);
 * nodejs24.x exists in @pulumi/aws 7.48 too, but the bundle is built and the twin tested on Node 22's
 * feature set (esbuild target `node22`, dbopsBundle.ts). Change both together.
 */
export const DBOPS_RUNTIME = aws.lambda.Runtime.NodeJS22dX;
/** Graviton: the same code, cheaper per GB-second; nothing in the bundle is native (pg-native is left out). */
export const DBOPS_ARCHITECTURE = "arm64";
/** Seconds; `apply` on a first deployment creates extensions and roles (well under a minute in practice). */
export const DBOPS_TIMEOUT_SECONDS = 300;
export const DBOPS_MEMORY_MIB = 256;
/** Input of the EventBridge schedule's target. */
export const METRICS_EVENT = JSON.stringify({ action: "metrics" });

/**
 * ENI management for a function in a VPC: ec2:CreateNetworkInterface, DescribeNetworkInterfaces,
 * DeleteNetworkInterface, AssignPrivateIpAddresses, UnassignPrivateIpAddresses (Lambda Developer Guide,
 * "Giving Lambda functions access to resources in an Amazon VPC", Required IAM permissions,
 * https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html). The AWS managed
 * `AWSLambdaENIManagementAccess` grants exactly those (and, unlike `AWSLambdaVPCAccessExecutionRole`, no
 * `logs:*` on every log group); DescribeNetworkInterfaces works only on `"Resource": "*"`, which is why
 * it is AWS's policy and not one of ours (ours name every resource).
 */
export const LAMBDA_ENI_POLICY = "AWSLambdaENIManagementAccess";

export interface DatabaseOpsNetwork {
  readonly vpcId: pulumi.Input<string>;
  /** The database's private subnets: the function's ENIs live next to the database. */
  readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  readonly databaseSecurityGroupId: pulumi.Input<string>;
  /**
   * The security group of the VPC's interface endpoints (a VPC the stack created). Set: HTTPS egress goes
   * to that group only. Unset (an existing VPC): to `vpcCidr`.
   */
  readonly endpointSecurityGroupId?: pulumi.Input<string>;
  /**
   * The VPC's interface endpoints, when the stack creates them: apply waits for them, since the function
   * reaches Secrets Manager only through its endpoint. @default [] (an existing VPC's are already there)
   */
  readonly endpoints?: readonly pulumi.Resource[];
  /** The VPC's CIDR; required when `endpointSecurityGroupId` is unset. */
  readonly vpcCidr?: pulumi.Input<string>;
  /**
   * Admits the function's security group on the database's 5432 and returns the rule (the network owns the
   * database's rules, e.g. `DatabaseNetwork.allowFromSecurityGroup`).
   */
  readonly admitOnDatabase: (
    ruleName: string,
    sourceSecurityGroupId: pulumi.Input<string>,
    description: string,
  ) => pulumi.Resource;
}

export interface DatabaseOpsDatabase {
  readonly host: pulumi.Input<string>;
  readonly port: pulumi.Input<number>;
  /** DBInstanceIdentifier (the metrics' dimension). */
  readonly instanceIdentifier: pulumi.Input<string>;
  /** The instance: `apply` runs once it exists. */
  readonly instance: pulumi.Resource;
  /** The RDS-managed master secret ({username, password}); only the function reads it. */
  readonly masterSecretArn: pulumi.Input<string>;
}

/** A password role's secret, created by `RoleSecret` without a password. */
export interface OpsRoleSecret {
  readonly secretArn: pulumi.Input<string>;
  /** The secret's first version: `apply` fills the password in, so it runs after this exists. */
  readonly ready: pulumi.Resource;
}

export interface DatabaseOpsFunctionArgs {
  /** Lambda function name: 64 letters, digits, - or _. Also names its log group `/aws/lambda/<name>`. */
  readonly functionName: string;
  readonly accountId: pulumi.Input<string>;
  readonly partition: pulumi.Input<string>;
  readonly region: string;
  /** The access model `apply` brings the database to (the Invocation re-runs when it changes). */
  readonly model: AccessModel;
  readonly database: DatabaseOpsDatabase;
  readonly network: DatabaseOpsNetwork;
  /** Secret per password role (`passwordRoles(model)`), by role name. The monitoring role is one. */
  readonly roleSecrets: Readonly<Record<string, OpsRoleSecret>>;
  /** The column-encryption key's secret: `apply` gives it a value when it has none. */
  readonly columnKeySecret: OpsRoleSecret;
  /**
   * Where the column-key secret is replicated (DR on). Secrets Manager re-encrypts each new value for the
   * replica with the replica's key as the caller who put it, so the function needs that key too
   * ("Troubleshoot AWS Secrets Manager replication", No permissions available on the KMS key,
   * https://docs.aws.amazon.com/secretsmanager/latest/userguide/replicate-secrets_troubleshoot.html).
   */
  readonly columnKeyReplica?: { readonly region: string; readonly kmsKeyArn: pulumi.Input<string> };
  /** The stack key: encrypts the secrets and the log group. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Days between rotations of every role secret (1–1000, Secrets Manager's range). */
  readonly rotationDays: number;
  /** Retention of the function's log group (a CloudWatch Logs value). */
  readonly logRetentionDays: number;
  /** Protect and retain the log group (prod). @default false */
  readonly protect?: boolean;
  readonly tags?: Record<string, string>;
  /** The bundle to deploy. @default dbopsBundle() */
  readonly bundle?: DbopsBundle;
}

/** Problems with the args, each naming the arg, the value and the fix. */
export function validateDatabaseOpsArgs(a: DatabaseOpsFunctionArgs): string[] {
  const problems: string[] = [];
  // Lambda CreateFunction, FunctionName: 1–64 characters, letters, digits, hyphens, underscores.
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(a.functionName))
    problems.push(
      `functionName: "${a.functionName}" is not a Lambda function name. Use up to 64 letters, digits, - or _.`,
    );
  // Secrets Manager RotateSecret, RotationRules.AutomaticallyAfterDays: 1 to 1000.
  if (!Number.isInteger(a.rotationDays) || a.rotationDays < 1 || a.rotationDays > 1000)
    problems.push(
      `rotationDays: ${a.rotationDays} is outside what Secrets Manager allows. Use 1 to 1000 (appPasswordRotationDays).`,
    );
  for (const r of passwordRoles(a.model))
    if (a.roleSecrets[r.name] === undefined)
      problems.push(
        `roleSecrets: no secret for password role "${r.name}". Pass its RoleSecret, or list it in iamAuthRoles.`,
      );
  if (!passwordRoles(a.model).some((r) => r.name === MONITOR_ROLE.name))
    problems.push(
      `model: has no password role "${MONITOR_ROLE.name}" (spec/databaseOps.ts MONITOR_ROLE); the metrics action signs in as it. Build the model with accessModel().`,
    );
  if (a.network.endpointSecurityGroupId === undefined && a.network.vpcCidr === undefined)
    problems.push(
      "network: neither endpointSecurityGroupId nor vpcCidr is set; the function's HTTPS egress needs one. Pass the VPC's CIDR.",
    );
  return problems;
}

/** sha256 of the model as JSON: the Invocation's trigger (the event carries the model itself). */
export const modelHash = (m: AccessModel): string =>
  createHash("sha256").update(JSON.stringify(m)).digest("hex");

/** The `apply` event: ARNs, names and the model; never a password. */
export function applyEvent(
  model: AccessModel,
  masterSecretArn: string,
  roleSecretArns: Readonly<Record<string, string>>,
  columnKeySecretArn: string,
): ApplyEvent {
  return { action: "apply", model, masterSecretArn, roleSecretArns, columnKeySecretArn };
}

/** The function's managed policy: each action on the exact resources it needs. */
export function databaseOpsPolicy(p: {
  logGroupArn: string;
  masterSecretArn: string;
  roleSecretArns: readonly string[];
  columnKeySecretArn: string;
  kmsKeyArn: string;
  region: string;
  /** The DR region's key, for the column-key secret's replica. */
  replicaKey?: { arn: string; region: string };
}): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "WriteItsOwnLogs",
        Effect: "Allow",
        Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
        // Log streams are named by Lambda per execution environment: the streams of this one group.
        Resource: [`${p.logGroupArn}:log-stream:*`],
      },
      secretsStatement("ReadTheMasterSecret", [p.masterSecretArn]),
      secretsStatement(
        "InitialiseAndRotateTheRoleSecretsAndTheColumnKey",
        [...p.roleSecretArns, p.columnKeySecretArn],
        [
          "secretsmanager:GetSecretValue",
          "secretsmanager:DescribeSecret",
          "secretsmanager:PutSecretValue",
          "secretsmanager:UpdateSecretVersionStage",
        ],
      ),
      keyThroughSecretsManager(
        "UseTheStackKeyThroughSecretsManagerOnly",
        ["kms:Decrypt", "kms:GenerateDataKey"],
        p.kmsKeyArn,
        p.region,
      ),
      ...(p.replicaKey
        ? [
            keyThroughSecretsManager(
              "EncryptTheColumnKeyReplicaThroughSecretsManagerOnly",
              ["kms:Encrypt", "kms:GenerateDataKey"],
              p.replicaKey.arn,
              p.replicaKey.region,
            ),
          ]
        : []),
    ],
  });
}

/**
 * The database operations function (functions/dbops): one Lambda inside the VPC that applies the access
 * model (roles, grants, default privileges, extensions, role settings), gives every role secret and the
 * column-encryption key a value generated inside the VPC, rotates the role secrets, and publishes the SQL
 * metrics every minute. Pulumi never connects to the database and never holds a database password.
 *
 * Registers: its security group (egress 5432 to the database and 443 to the VPC's endpoints only) and the
 * database's rule admitting it; its log group (stack key, retained) before the function; its role (AWS's
 * ENI policy + one managed policy naming every resource); the function; the `apply` Invocation (re-run
 * when the model or the code changes; a failure fails `pulumi up` with the function's error); the
 * permissions for Secrets Manager and the schedule; the schedule; one rotation per password role.
 */
export class DatabaseOpsFunction extends pulumi.ComponentResource {
  readonly functionName: pulumi.Output<string>;
  readonly functionArn: pulumi.Output<string>;
  readonly securityGroupId: pulumi.Output<string>;
  readonly logGroupName: pulumi.Output<string>;
  /** The `apply` Invocation: resources that need the roles or passwords (poolers) wait for it. */
  readonly applied: aws.lambda.Invocation;
  /** ApplyResult JSON (names and counts only). */
  readonly applyResult: pulumi.Output<string>;
  readonly rotations: Readonly<Record<string, aws.secretsmanager.SecretRotation>>;

  constructor(name: string, args: DatabaseOpsFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("verscienta:postgres:DatabaseOpsFunction", name, {}, opts);
    const problems = validateDatabaseOpsArgs(args);
    if (problems.length > 0) throw new Error(`DatabaseOpsFunction ${name}:\n  - ${problems.join("\n  - ")}`);

    const bundle = args.bundle ?? dbopsBundle();
    const fnName = args.functionName;
    const tags = { ...args.tags, Name: fnName };
    const pwRoles = passwordRoles(args.model).map((r) => r.name);
    const roleSecretArns = pulumi.all(
      Object.fromEntries(pwRoles.map((r) => [r, pulumi.output(args.roleSecrets[r].secretArn)])),
    ) as pulumi.Output<Record<string, string>>;

    // ---- Network: its own group, two egress rules, admitted on the database's 5432 ----------------
    const sg = new aws.ec2.SecurityGroup(
      `${name}-sg`,
      {
        name: `${fnName}-sg`,
        description: "Database operations function: PostgreSQL on the database, HTTPS to VPC endpoints",
        vpcId: args.network.vpcId,
        // No inline rules and so no default allow-all egress: the two rules below are all it may reach.
        tags,
      },
      { parent: this },
    );
    const toDb = new aws.vpc.SecurityGroupEgressRule(
      `${name}-to-db`,
      {
        securityGroupId: sg.id,
        ipProtocol: "tcp",
        fromPort: POSTGRES_PORT,
        toPort: POSTGRES_PORT,
        referencedSecurityGroupId: args.network.databaseSecurityGroupId,
        description: "PostgreSQL on the database only",
      },
      { parent: this },
    );
    const toEndpoints = new aws.vpc.SecurityGroupEgressRule(
      `${name}-to-endpoints`,
      {
        securityGroupId: sg.id,
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        ...(args.network.endpointSecurityGroupId !== undefined
          ? { referencedSecurityGroupId: args.network.endpointSecurityGroupId }
          : { cidrIpv4: args.network.vpcCidr }),
        description: "HTTPS to the Secrets Manager interface endpoint inside the VPC",
      },
      { parent: this },
    );
    const admitted = args.network.admitOnDatabase(
      `${name}-db-from-function`,
      sg.id,
      "the database operations function",
    );

    // ---- Logs: created before the function, so Lambda never creates an unencrypted, unretained one ---
    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-logs`,
      {
        name: `/aws/lambda/${fnName}`,
        kmsKeyId: args.kmsKeyArn,
        retentionInDays: args.logRetentionDays,
        tags: args.tags,
      },
      { parent: this, protect: args.protect, retainOnDelete: args.protect },
    );

    // ---- Role: managed policies only (iamNoInlinePolicy) ---------------------------------------
    const role = new aws.iam.Role(
      `${name}-role`,
      {
        name: `${fnName}-role`,
        description: "Database operations function (functions/dbops)",
        assumeRolePolicy: assumeRolePolicy("lambda.amazonaws.com", args.accountId),
        tags: args.tags,
      },
      { parent: this },
    );
    const eni = new aws.iam.RolePolicyAttachment(
      `${name}-eni`,
      {
        role: role.name,
        policyArn: pulumi.interpolate`arn:${args.partition}:iam::aws:policy/service-role/${LAMBDA_ENI_POLICY}`,
      },
      { parent: this },
    );
    const own = managedRolePolicy(
      `${name}-policy`,
      {
        role: role.name,
        policyName: `${fnName}-policy`,
        description:
          "Database operations function: its log group, the master secret (read), the role and column-key secrets, the stack key via Secrets Manager",
        tags: args.tags,
        policy: pulumi
          .all([
            logGroup.arn,
            args.database.masterSecretArn,
            roleSecretArns,
            args.columnKeySecret.secretArn,
            args.kmsKeyArn,
            args.columnKeyReplica?.kmsKeyArn,
          ])
          .apply(([logGroupArn, masterSecretArn, roles, columnKeySecretArn, kmsKeyArn, replicaKeyArn]) =>
            databaseOpsPolicy({
              logGroupArn,
              masterSecretArn,
              roleSecretArns: pwRoles.map((r) => roles[r]),
              columnKeySecretArn,
              kmsKeyArn,
              region: args.region,
              ...(args.columnKeyReplica && replicaKeyArn
                ? { replicaKey: { arn: replicaKeyArn, region: args.columnKeyReplica.region } }
                : {}),
            }),
          ),
      },
      { parent: this },
    );

    // ---- The function -------------------------------------------------------------------------
    const environment = pulumi
      .all([
        args.database.host,
        args.database.port,
        args.database.instanceIdentifier,
        args.database.masterSecretArn,
        roleSecretArns,
      ])
      .apply(
        ([host, port, id, master, roles]): Record<string, string> => ({
          [DBOPS_ENV.host]: host,
          [DBOPS_ENV.port]: String(port),
          [DBOPS_ENV.database]: args.model.database,
          [DBOPS_ENV.instanceIdentifier]: id,
          [DBOPS_ENV.masterSecretArn]: master,
          [DBOPS_ENV.monitorSecretArn]: roles[MONITOR_ROLE.name],
          [DBOPS_ENV.caBundle]: LAMBDA_CA_BUNDLE,
          // Which secrets rotation manages, and the scheme of each (spec/databaseOps.ts ROTATION_STRATEGY).
          [DBOPS_ENV.roleKinds]: JSON.stringify(roleKinds(args.model.roles)),
        }),
      );
    const fn = new aws.lambda.Function(
      `${name}-function`,
      {
        name: fnName,
        description:
          "Database operations: access model, role secrets, rotation, SQL metrics (functions/dbops)",
        role: role.arn,
        runtime: DBOPS_RUNTIME,
        architectures: [DBOPS_ARCHITECTURE],
        handler: "index.handler",
        code: new pulumi.asset.AssetArchive({ "index.js": new pulumi.asset.StringAsset(bundle.code) }),
        timeout: DBOPS_TIMEOUT_SECONDS,
        memorySize: DBOPS_MEMORY_MIB,
        // No reservedConcurrentExecutions: a new account's quota can be 10, and any reservation then fails
        // CreateFunction with "Specified ReservedConcurrentExecutions for function decreases account's
        // UnreservedConcurrentExecution below its minimum value of [10]" (quoted in
        // awslabs/fhir-works-on-aws-deployment#691 and aws-samples/alarm-context-tool#2).
        vpcConfig: { subnetIds: args.network.subnetIds, securityGroupIds: [sg.id] },
        environment: { variables: environment },
        loggingConfig: { logFormat: "Text", logGroup: logGroup.name },
        tags: args.tags,
      },
      // Lambda checks the role's ENI permissions when it creates a VPC function: attach them first.
      { parent: this, dependsOn: [logGroup, eni, own.attachment] },
    );

    // ---- Who may invoke it: Secrets Manager (rotation) and the schedule ------------------------
    const rotationPermission = new aws.lambda.Permission(
      `${name}-secretsmanager`,
      {
        function: fn.name,
        action: "lambda:InvokeFunction",
        principal: "secretsmanager.amazonaws.com",
        sourceAccount: args.accountId,
      },
      { parent: this },
    );
    const schedule = new aws.cloudwatch.EventRule(
      `${name}-metrics`,
      {
        name: `${fnName}-metrics`,
        description: "Collects the SQL metrics (functions/dbops metrics action)",
        scheduleExpression: DB_METRICS_SCHEDULE,
        state: "ENABLED",
        tags: args.tags,
      },
      { parent: this },
    );
    const schedulePermission = new aws.lambda.Permission(
      `${name}-schedule`,
      {
        function: fn.name,
        action: "lambda:InvokeFunction",
        principal: "events.amazonaws.com",
        sourceArn: schedule.arn,
      },
      { parent: this },
    );

    // ---- apply: whenever the model or the code changes ----------------------------------------
    const input = pulumi
      .all([args.database.masterSecretArn, roleSecretArns, args.columnKeySecret.secretArn])
      .apply(([master, roles, columnKey]) =>
        JSON.stringify(applyEvent(args.model, master, roles, columnKey)),
      );
    this.applied = new aws.lambda.Invocation(
      `${name}-apply`,
      {
        functionName: fn.name,
        input,
        triggers: { model: modelHash(args.model), code: bundle.sha256 },
      },
      {
        parent: this,
        dependsOn: [
          args.database.instance,
          ...pwRoles.map((r) => args.roleSecrets[r].ready),
          args.columnKeySecret.ready,
          admitted,
          toDb,
          toEndpoints,
          logGroup,
          ...(args.network.endpoints ?? []),
        ],
      },
    );

    // ---- Rotation of every password role's secret, by the same function ------------------------
    // The schedule's target only once apply has run: the metrics action signs in as the monitoring role,
    // which apply creates, so earlier runs would only fail (and be retried) every minute.
    new aws.cloudwatch.EventTarget(
      `${name}-metrics`,
      { rule: schedule.name, arn: fn.arn, input: METRICS_EVENT },
      { parent: this, dependsOn: [schedulePermission, this.applied] },
    );

    const rotations: Record<string, aws.secretsmanager.SecretRotation> = {};
    for (const r of pwRoles) {
      rotations[r] = new aws.secretsmanager.SecretRotation(
        `${name}-${r}-rotation`,
        {
          secretId: args.roleSecrets[r].secretArn,
          rotationLambdaArn: fn.arn,
          rotationRules: { automaticallyAfterDays: args.rotationDays },
        },
        // Secrets Manager rotates once right away: the role and its first password must exist by then.
        { parent: this, dependsOn: [this.applied, rotationPermission] },
      );
    }

    this.functionName = fn.name;
    this.functionArn = fn.arn;
    this.securityGroupId = sg.id;
    this.logGroupName = logGroup.name;
    this.applyResult = this.applied.result;
    this.rotations = rotations;
    this.registerOutputs({
      functionName: this.functionName,
      functionArn: this.functionArn,
      securityGroupId: this.securityGroupId,
    });
  }
}
