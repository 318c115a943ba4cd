import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { assumeRolePolicy, managedRolePolicy } from "../iam";
import { POSTGRES_PORT } from "../network/databaseNetwork";
import { PGBOUNCER_PORT, pgbouncerStartScript, renderPgbouncerIni, TLS_ENV } from "./pgbouncerConfig";
import {
  POOLER_CERT_RENEW_BEFORE_SECONDS,
  POOLER_CERT_VALIDITY_DAYS,
  PoolerCertificateAuthority,
  poolerCertificateIssuerStatements,
} from "./poolerCertificate";
import { type PgBouncerPoolSettings, pgbouncerNofile } from "./poolSettings";

/** A login role PgBouncer pools: its Secrets Manager secret (JSON with a `password` key). */
export interface PgBouncerLoginSecret {
  readonly roleName: string;
  readonly secretArn: pulumi.Input<string>;
}

export interface PgBouncerServiceArgs {
  /**
   * The PgBouncer image, pinned by digest (`<registry>/<repo>@sha256:<64 hex>`): a tag can be moved to
   * different code without a diff. It must provide `/bin/sh`, `sed`, `grep`, `openssl`, `aws` (AWS CLI,
   * for the certificate) and `pgbouncer` on PATH, the RDS CA bundle at `serverTlsCaFile`, and
   * `VOLUME /var/run/pgbouncer` owned by `runAsUser`: Fargate copies a VOLUME path's ownership onto the
   * bind mount, otherwise the mount is root's and the non-root user cannot write its auth_file
   * (aws/containers-roadmap#863). images/pgbouncer/Dockerfile builds exactly that.
   */
  readonly image: string;
  /** Tasks; Fargate spreads them across the subnets' AZs. Prod: at least 2. @default 2 */
  readonly desiredCount?: number;
  /** Fargate CPU units. @default 512 */
  readonly cpu?: number;
  /** Fargate memory (MiB), valid for `cpu`. @default 1024 */
  readonly memoryMiB?: number;
  /** uid:gid the container runs as (never root). @default "70:70" (the user images/pgbouncer/Dockerfile creates) */
  readonly runAsUser?: string;
  /** RDS CA bundle inside the image (server_tls_ca_file). @default "/etc/pgbouncer/rds-ca/global-bundle.pem" */
  readonly serverTlsCaFile?: string;
  readonly vpcId: pulumi.Input<string>;
  /** Private subnets (at least 2 AZs) for the tasks and the internal NLB. */
  readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** The database's security group: tasks reach it on 5432, nothing else on that port. */
  readonly dbSecurityGroupId: pulumi.Input<string>;
  /** Security groups (the app tier) admitted to the NLB on 6432. @default [] */
  readonly allowedSecurityGroupIds?: pulumi.Input<string>[];
  /** Private CIDRs admitted to the NLB on 6432. @default [] */
  readonly allowedCidrs?: string[];
  /**
   * CIDRs of the AWS interface endpoints (ECR, Logs, Secrets Manager, Private CA) the task reaches on 443:
   * the VPC CIDR. Never 0.0.0.0/0.
   */
  readonly endpointCidrs: pulumi.Input<pulumi.Input<string>[]>;
  /** Prefix list of the S3 gateway endpoint (ECR image layers). @default - no S3 egress rule */
  readonly s3PrefixListId?: pulumi.Input<string>;
  /** PostgreSQL host name (the primary's address; checked against its certificate). */
  readonly dbHost: pulumi.Input<string>;
  /** @default 5432 */
  readonly dbPort?: pulumi.Input<number>;
  readonly databaseName: string;
  /** Login roles pooled, with their secrets. Passwords reach the container only through ECS `secrets`. */
  readonly loginSecrets: readonly PgBouncerLoginSecret[];
  /** Pool settings (from poolSettings): the same values the local twin's PgBouncer runs with. */
  readonly pool: PgBouncerPoolSettings;
  /** CPU architecture of the image. @default "X86_64" */
  readonly cpuArchitecture?: "X86_64" | "ARM64";
  /** Key of the secrets and of the log group. */
  readonly kmsKeyArn: pulumi.Input<string>;
  readonly logRetentionDays: number;
  readonly region: pulumi.Input<string>;
  readonly accountId: pulumi.Input<string>;
  /** @default "aws" */
  readonly partition?: pulumi.Input<string>;
  /** Resolves once the pool settings are known to fit `max_connections`; the task definition waits. */
  readonly poolFitChecked?: pulumi.Input<boolean>;
  /** Protect the log group and the NLB (prod). @default false */
  readonly protect?: boolean;
  readonly tags?: Record<string, string>;
}

/** Where the start script writes the ini, auth_file, TLS key and certificate, pid file (ephemeral volume). */
export const PGBOUNCER_RUN_DIR = "/var/run/pgbouncer";
/** The image's user (images/pgbouncer/Dockerfile creates uid/gid 70): never root. */
export const DEFAULT_RUN_AS_USER = "70:70";
/** Where the image carries RDS's CA bundle (images/pgbouncer/Dockerfile). */
export const DEFAULT_SERVER_TLS_CA_FILE = "/etc/pgbouncer/rds-ca/global-bundle.pem";
/** The container's entry point; the start script is its single argument (the command). */
export const PGBOUNCER_ENTRYPOINT: readonly string[] = ["/bin/sh", "-c"];
/** ECS deployments may run twice the desired tasks while old ones drain (validatePoolFit counts them). */
export const PGBOUNCER_DEPLOYMENT_MAX_PERCENT = 200;

const DIGEST_IMAGE = /^[a-z0-9][a-z0-9._/:-]*@sha256:[a-f0-9]{64}$/;
/** Fargate's valid CPU → memory (MiB) ranges. */
const FARGATE_MEMORY: Readonly<Record<number, readonly [number, number]>> = {
  256: [512, 2048],
  512: [1024, 4096],
  1024: [2048, 8192],
  2048: [4096, 16_384],
  4096: [8192, 30_720],
};

/**
 * PgBouncer on ECS Fargate behind an internal NLB on 6432. The configuration is rendered by
 * `renderPgbouncerIni` and reaches the container as a plain environment variable (it holds no secret);
 * passwords come from Secrets Manager through ECS `secrets` and are written to an auth_file on an
 * ephemeral volume at start. Read-only root filesystem, non-root user, all capabilities dropped, no
 * public IP, logs to an encrypted group, `nofile` raised to fit max_client_conn.
 *
 * TLS towards clients is verifiable (`sslmode=verify-full`): each task makes its own key and gets a
 * short-lived certificate for the NLB's DNS name from the stack's AWS Private CA
 * (PoolerCertificateAuthority), renewing it in place; apps trust `caCertificatePem`. No private key is in
 * Pulumi state or in the task definition.
 *
 * Secrets are read when a task starts. After the alternating-users rotation switches a secret to the
 * other user, replace the tasks (`aws ecs update-service --force-new-deployment`); until then clients
 * that re-read the secret fail to log in through PgBouncer. RDS Proxy (prod's default) re-reads secrets
 * itself.
 */
export class PgBouncerService extends pulumi.ComponentResource {
  readonly clusterName: pulumi.Output<string>;
  readonly serviceName: pulumi.Output<string>;
  readonly loadBalancerArnSuffix: pulumi.Output<string>;
  readonly targetGroupArnSuffix: pulumi.Output<string>;
  /** The tasks' security group (what the database admits). */
  readonly securityGroupId: pulumi.Output<string>;
  readonly loadBalancerSecurityGroupId: pulumi.Output<string>;
  /** The pooled endpoint's host (the NLB's DNS name); port 6432. */
  readonly endpoint: pulumi.Output<string>;
  readonly port: number;
  readonly logGroupName: pulumi.Output<string>;
  /** The root CA apps verify PgBouncer against (PEM; public). */
  readonly caCertificatePem: pulumi.Output<string>;
  readonly caArn: pulumi.Output<string>;

  constructor(name: string, args: PgBouncerServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("verscienta:pooling:PgBouncerService", name, {}, opts);
    validatePgBouncerServiceArgs(args);
    const partition = args.partition ?? "aws";
    const cpu = args.cpu ?? 512;
    const memory = args.memoryMiB ?? 1024;
    const n = `${name}-pgbouncer`;

    // ---- Network: clients → NLB (6432) → tasks (6432) → database (5432) --------------------------
    const lbSg = new aws.ec2.SecurityGroup(
      `${n}-nlb-sg`,
      {
        name: `${n}-nlb`,
        description: "PgBouncer NLB: 6432 from the app tier only",
        vpcId: args.vpcId,
        revokeRulesOnDelete: true,
        tags: { ...args.tags, Name: `${n}-nlb` },
      },
      { parent: this },
    );
    const taskSg = new aws.ec2.SecurityGroup(
      `${n}-task-sg`,
      {
        name: `${n}-task`,
        description: "PgBouncer tasks: 6432 from the NLB; out 5432 to the database and 443 to AWS endpoints",
        vpcId: args.vpcId,
        revokeRulesOnDelete: true,
        tags: { ...args.tags, Name: `${n}-task` },
      },
      { parent: this },
    );
    const rule = (
      kind: "in" | "out",
      ruleName: string,
      a: Omit<aws.vpc.SecurityGroupIngressRuleArgs, "ipProtocol">,
    ) =>
      kind === "in"
        ? new aws.vpc.SecurityGroupIngressRule(ruleName, { ipProtocol: "tcp", ...a }, { parent: this })
        : new aws.vpc.SecurityGroupEgressRule(ruleName, { ipProtocol: "tcp", ...a }, { parent: this });
    const p6432 = { fromPort: PGBOUNCER_PORT, toPort: PGBOUNCER_PORT };
    for (const [i, src] of (args.allowedSecurityGroupIds ?? []).entries()) {
      rule("in", `${n}-nlb-from-sg-${i}`, {
        securityGroupId: lbSg.id,
        ...p6432,
        referencedSecurityGroupId: src,
        description: "PgBouncer clients (listed security group)",
      });
    }
    for (const [i, cidr] of (args.allowedCidrs ?? []).entries()) {
      rule("in", `${n}-nlb-from-cidr-${i}`, {
        securityGroupId: lbSg.id,
        ...p6432,
        cidrIpv4: cidr,
        description: `PgBouncer clients from private range ${cidr}`,
      });
    }
    rule("out", `${n}-nlb-to-task`, {
      securityGroupId: lbSg.id,
      ...p6432,
      referencedSecurityGroupId: taskSg.id,
      description: "to the PgBouncer tasks",
    });
    rule("in", `${n}-task-from-nlb`, {
      securityGroupId: taskSg.id,
      ...p6432,
      referencedSecurityGroupId: lbSg.id,
      description: "from the PgBouncer NLB (traffic and health checks)",
    });
    rule("out", `${n}-task-to-db`, {
      securityGroupId: taskSg.id,
      fromPort: POSTGRES_PORT,
      toPort: POSTGRES_PORT,
      referencedSecurityGroupId: args.dbSecurityGroupId,
      description: "PostgreSQL to the database only",
    });
    // One rule per CIDR needs the list at construction time; the VPC CIDR is a single value in practice.
    rule("out", `${n}-task-to-endpoints`, {
      securityGroupId: taskSg.id,
      fromPort: 443,
      toPort: 443,
      cidrIpv4: pulumi.output(args.endpointCidrs).apply((c) => {
        if (c.length === 0 || c.includes("0.0.0.0/0")) {
          throw new Error(`endpointCidrs: ${JSON.stringify(c)} must name the VPC CIDR (never 0.0.0.0/0).`);
        }
        return c[0];
      }),
      description: "HTTPS to AWS interface endpoints (ECR, Logs, Secrets Manager, Private CA) inside the VPC",
    });
    if (args.s3PrefixListId !== undefined) {
      rule("out", `${n}-task-to-s3`, {
        securityGroupId: taskSg.id,
        fromPort: 443,
        toPort: 443,
        prefixListId: args.s3PrefixListId,
        description: "HTTPS to the S3 gateway endpoint (ECR image layers)",
      });
    }

    // ---- Logs and roles --------------------------------------------------------------------------
    const logGroup = new aws.cloudwatch.LogGroup(
      `${n}-logs`,
      {
        name: `/verscienta/${name}/pgbouncer`,
        kmsKeyId: args.kmsKeyArn,
        retentionInDays: args.logRetentionDays,
        tags: args.tags,
      },
      { parent: this, protect: args.protect, retainOnDelete: args.protect },
    );

    // The execution role (the ECS agent): pull the image, write logs, read exactly the pooled roles'
    // secrets. The task role (the container): issue its own server certificate, nothing else.
    const executionRole = new aws.iam.Role(
      `${n}-execution`,
      {
        name: `${n}-execution`,
        description: "ECS agent for PgBouncer: image pull, logs, the pooled roles' secrets",
        assumeRolePolicy: assumeRolePolicy("ecs-tasks.amazonaws.com", args.accountId),
        tags: args.tags,
      },
      { parent: this },
    );
    managedRolePolicy(
      `${n}-execution`,
      {
        role: executionRole.name,
        policyName: `${n}-execution`,
        description:
          "ECS agent for PgBouncer: pull the image, write its logs, read the pooled roles' secrets",
        tags: args.tags,
        policy: pulumi
          .all([
            pulumi.all(args.loginSecrets.map((s) => s.secretArn)),
            args.kmsKeyArn,
            logGroup.arn,
            args.region,
            args.accountId,
            partition,
          ])
          .apply(([arns, keyArn, logArn, region, acct, part]) =>
            executionRolePolicy({
              secretArns: arns,
              keyArn,
              logGroupArn: logArn,
              region,
              accountId: acct,
              partition: part,
              image: args.image,
            }),
          ),
      },
      { parent: this },
    );

    // ---- Server certificate: a private CA whose key stays in AWS; the task may only issue from it ------
    const tlsCa = new PoolerCertificateAuthority(
      `${n}-tls`,
      {
        commonName: `${name} PgBouncer CA`.slice(0, 64),
        partition,
        protect: args.protect,
        tags: args.tags,
      },
      { parent: this },
    );
    const taskRole = new aws.iam.Role(
      `${n}-task`,
      {
        name: `${n}-task`,
        description: "PgBouncer container: issue its own server certificate from the stack's private CA",
        assumeRolePolicy: assumeRolePolicy("ecs-tasks.amazonaws.com", args.accountId),
        tags: args.tags,
      },
      { parent: this },
    );
    managedRolePolicy(
      `${n}-task-certificate`,
      {
        role: taskRole.name,
        policyName: `${n}-task-certificate`,
        description: "PgBouncer container: issue its server certificate from the stack's private CA only",
        tags: args.tags,
        policy: pulumi.all([tlsCa.arn, tlsCa.issueTemplateArn]).apply(([caArn, templateArn]) =>
          JSON.stringify({
            Version: "2012-10-17",
            Statement: poolerCertificateIssuerStatements({ caArn, templateArn }),
          }),
        ),
      },
      { parent: this },
    );

    // ---- Cluster, task definition, service ----------------------------------------------------------
    const cluster = new aws.ecs.Cluster(
      `${n}-cluster`,
      {
        name: n,
        settings: [{ name: "containerInsights", value: "enabled" }],
        tags: args.tags,
      },
      { parent: this },
    );

    const lb = new aws.lb.LoadBalancer(
      `${n}-nlb`,
      {
        name: `${name}-pgb`.slice(0, 32),
        loadBalancerType: "network",
        internal: true,
        subnets: args.subnetIds,
        securityGroups: [lbSg.id],
        enableCrossZoneLoadBalancing: true,
        enableDeletionProtection: args.protect ?? false,
        ipAddressType: "ipv4",
        tags: args.tags,
      },
      { parent: this },
    );
    const roles = args.loginSecrets.map((s, i) => ({
      name: s.roleName,
      usernameEnv: `PGBOUNCER_USERNAME_${i}`,
      passwordEnv: `PGBOUNCER_PASSWORD_${i}`,
    }));
    const containerDefinitions = pulumi
      .all([
        args.dbHost,
        args.dbPort ?? POSTGRES_PORT,
        pulumi.all(args.loginSecrets.map((s) => s.secretArn)),
        logGroup.name,
        args.region,
        args.poolFitChecked ?? true,
        // Tasks can issue only once the root is installed: the task definition waits for it.
        pulumi.all([tlsCa.ready, tlsCa.issueTemplateArn, lb.dnsName]),
      ])
      .apply(([host, port, arns, logGroupName, region, _fit, [caArn, templateArn, dnsName]]) =>
        JSON.stringify(
          pgbouncerContainerDefinitions({
            image: args.image,
            user: args.runAsUser ?? DEFAULT_RUN_AS_USER,
            ini: renderPgbouncerIni(args.pool, {
              listenPort: PGBOUNCER_PORT,
              serverHost: host,
              serverPort: port,
              database: args.databaseName,
              roles: roles.map((r) => r.name),
              authFile: `${PGBOUNCER_RUN_DIR}/userlist.txt`,
              serverTlsCaFile: args.serverTlsCaFile ?? DEFAULT_SERVER_TLS_CA_FILE,
              clientTlsCertFile: `${PGBOUNCER_RUN_DIR}/client-tls.crt`,
              clientTlsKeyFile: `${PGBOUNCER_RUN_DIR}/client-tls.key`,
              pidFile: `${PGBOUNCER_RUN_DIR}/pgbouncer.pid`,
              logFile: "",
            }),
            roles: roles.map((r, i) => ({ ...r, secretArn: arns[i] })),
            nofile: pgbouncerNofile(args.pool, roles.length),
            logGroupName,
            region,
            tls: { caArn, templateArn, hostname: dnsName },
          }),
        ),
      );

    const taskDefinition = new aws.ecs.TaskDefinition(
      `${n}-task`,
      {
        family: n,
        requiresCompatibilities: ["FARGATE"],
        networkMode: "awsvpc",
        cpu: String(cpu),
        memory: String(memory),
        runtimePlatform: {
          operatingSystemFamily: "LINUX",
          cpuArchitecture: args.cpuArchitecture ?? "X86_64",
        },
        executionRoleArn: executionRole.arn,
        taskRoleArn: taskRole.arn,
        // A Fargate volume without a host path is task-local ephemeral storage (encrypted by Fargate):
        // the only writable place, since the root filesystem is read-only.
        volumes: [{ name: "pgbouncer-run" }],
        containerDefinitions,
        tags: args.tags,
      },
      { parent: this },
    );

    const targetGroup = new aws.lb.TargetGroup(
      `${n}-tg`,
      {
        name: `${name}-pgb`.slice(0, 32),
        port: PGBOUNCER_PORT,
        protocol: "TCP",
        targetType: "ip",
        vpcId: args.vpcId,
        // Let running transactions finish before a task is taken out (the script sends SIGINT).
        deregistrationDelay: 60,
        healthCheck: {
          enabled: true,
          protocol: "TCP",
          port: "traffic-port",
          interval: 10,
          healthyThreshold: 2,
          unhealthyThreshold: 2,
        },
        tags: args.tags,
      },
      { parent: this },
    );
    const listener = new aws.lb.Listener(
      `${n}-listener`,
      {
        loadBalancerArn: lb.arn,
        port: PGBOUNCER_PORT,
        // TCP pass-through: PostgreSQL negotiates TLS inside its own protocol (SSLRequest), so PgBouncer
        // terminates TLS, not the NLB.
        protocol: "TCP",
        defaultActions: [{ type: "forward", targetGroupArn: targetGroup.arn }],
        tags: args.tags,
      },
      { parent: this },
    );

    const service = new aws.ecs.Service(
      `${n}-service`,
      {
        name: n,
        cluster: cluster.arn,
        taskDefinition: taskDefinition.arn,
        desiredCount: args.desiredCount ?? 2,
        launchType: "FARGATE",
        platformVersion: "LATEST",
        networkConfiguration: {
          subnets: args.subnetIds,
          securityGroups: [taskSg.id],
          assignPublicIp: false,
        },
        loadBalancers: [
          { targetGroupArn: targetGroup.arn, containerName: "pgbouncer", containerPort: PGBOUNCER_PORT },
        ],
        healthCheckGracePeriodSeconds: 30,
        // Never below the desired count during a deployment; validatePoolFit counts the surge.
        deploymentMinimumHealthyPercent: 100,
        deploymentMaximumPercent: PGBOUNCER_DEPLOYMENT_MAX_PERCENT,
        deploymentCircuitBreaker: { enable: true, rollback: true },
        availabilityZoneRebalancing: "ENABLED",
        enableExecuteCommand: false,
        propagateTags: "SERVICE",
        enableEcsManagedTags: true,
        tags: args.tags,
      },
      { parent: this, dependsOn: [listener] },
    );

    this.clusterName = cluster.name;
    this.serviceName = service.name;
    this.loadBalancerArnSuffix = lb.arnSuffix;
    this.targetGroupArnSuffix = targetGroup.arnSuffix;
    this.securityGroupId = taskSg.id;
    this.loadBalancerSecurityGroupId = lbSg.id;
    this.endpoint = lb.dnsName;
    this.port = PGBOUNCER_PORT;
    this.logGroupName = logGroup.name;
    this.caCertificatePem = tlsCa.certificatePem;
    this.caArn = tlsCa.arn;
    this.registerOutputs({
      endpoint: this.endpoint,
      serviceName: this.serviceName,
      securityGroupId: this.securityGroupId,
    });
  }
}

export interface ContainerDefinitionsInput {
  readonly image: string;
  readonly user: string;
  readonly ini: string;
  readonly roles: readonly { name: string; usernameEnv: string; passwordEnv: string; secretArn: string }[];
  readonly nofile: number;
  readonly logGroupName: string;
  readonly region: string;
  /** The private CA the task issues its certificate from, the only template allowed, the NLB name. */
  readonly tls: { readonly caArn: string; readonly templateArn: string; readonly hostname: string };
}

/** The task's container definitions (pure, so tests read exactly what ECS gets). */
export function pgbouncerContainerDefinitions(c: ContainerDefinitionsInput): Record<string, unknown>[] {
  return [
    {
      name: "pgbouncer",
      image: c.image,
      essential: true,
      user: c.user,
      readonlyRootFilesystem: true,
      privileged: false,
      entryPoint: [...PGBOUNCER_ENTRYPOINT],
      command: [
        pgbouncerStartScript({
          runDir: PGBOUNCER_RUN_DIR,
          iniEnv: "PGBOUNCER_INI",
          roles: c.roles,
          tls: {
            validityDays: POOLER_CERT_VALIDITY_DAYS,
            renewBeforeSeconds: POOLER_CERT_RENEW_BEFORE_SECONDS,
          },
        }),
      ],
      portMappings: [{ containerPort: PGBOUNCER_PORT, protocol: "tcp" }],
      // The ini holds host names and pool sizes only, the TLS variables ARNs and a host name; passwords
      // come through `secrets` below.
      environment: [
        { name: "PGBOUNCER_INI", value: c.ini },
        { name: TLS_ENV.caArn, value: c.tls.caArn },
        { name: TLS_ENV.templateArn, value: c.tls.templateArn },
        { name: TLS_ENV.hostname, value: c.tls.hostname },
        { name: TLS_ENV.region, value: c.region },
      ],
      secrets: c.roles.flatMap((r) => [
        { name: r.usernameEnv, valueFrom: `${r.secretArn}:username::` },
        { name: r.passwordEnv, valueFrom: `${r.secretArn}:password::` },
      ]),
      mountPoints: [{ sourceVolume: "pgbouncer-run", containerPath: PGBOUNCER_RUN_DIR, readOnly: false }],
      ulimits: [{ name: "nofile", softLimit: c.nofile, hardLimit: c.nofile }],
      linuxParameters: { capabilities: { drop: ["ALL"] }, initProcessEnabled: true },
      // ECS: SIGTERM, then SIGKILL after stopTimeout; the NLB drains for 60 s first.
      stopTimeout: 90,
      logConfiguration: {
        logDriver: "awslogs",
        options: {
          "awslogs-group": c.logGroupName,
          "awslogs-region": c.region,
          "awslogs-stream-prefix": "pgbouncer",
        },
      },
    },
  ];
}

/** ECR repository ARN of a private-ECR image reference, or undefined for other registries. */
export function ecrRepositoryArn(image: string, partition: string): string | undefined {
  const m =
    /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?\/([^@:]+)(?::[^@]+)?@sha256:[a-f0-9]{64}$/.exec(
      image,
    );
  return m ? `arn:${partition}:ecr:${m[2]}:${m[1]}:repository/${m[3]}` : undefined;
}

export function executionRolePolicy(p: {
  secretArns: readonly string[];
  keyArn: string;
  logGroupArn: string;
  region: string;
  accountId: string;
  partition: string;
  image: string;
}): string {
  const repo = ecrRepositoryArn(p.image, p.partition);
  const statements: Record<string, unknown>[] = [
    {
      Sid: "ReadThePooledRoleSecrets",
      Effect: "Allow",
      Action: ["secretsmanager:GetSecretValue"],
      Resource: [...p.secretArns],
    },
    {
      Sid: "DecryptThemWithTheStackKey",
      Effect: "Allow",
      Action: ["kms:Decrypt"],
      Resource: [p.keyArn],
      Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${p.region}.amazonaws.com` } },
    },
    {
      Sid: "WriteTheLogGroup",
      Effect: "Allow",
      Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
      Resource: [`${p.logGroupArn}:*`],
    },
  ];
  if (repo) {
    statements.push(
      // GetAuthorizationToken has no resource-level permissions.
      { Sid: "EcrLogin", Effect: "Allow", Action: ["ecr:GetAuthorizationToken"], Resource: "*" },
      {
        Sid: "PullTheImage",
        Effect: "Allow",
        Action: ["ecr:BatchGetImage", "ecr:GetDownloadUrlForLayer", "ecr:BatchCheckLayerAvailability"],
        Resource: [repo],
      },
    );
  }
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

export function validatePgBouncerServiceArgs(args: PgBouncerServiceArgs): void {
  const problems: string[] = [];
  if (!DIGEST_IMAGE.test(args.image)) {
    problems.push(`image: "${args.image}" is not pinned by digest. Use "<registry>/<repo>@sha256:<64 hex>".`);
  }
  const count = args.desiredCount ?? 2;
  if (!Number.isInteger(count) || count < 1)
    problems.push(`desiredCount: ${count} must be a whole number of at least 1.`);
  const cpu = args.cpu ?? 512;
  const mem = args.memoryMiB ?? 1024;
  const range = FARGATE_MEMORY[cpu];
  if (!range) problems.push(`cpu: ${cpu} is not a Fargate CPU size. Use 256, 512, 1024, 2048 or 4096.`);
  else if (mem < range[0] || mem > range[1]) {
    problems.push(`memoryMiB: ${mem} is not valid with cpu ${cpu}. Use ${range[0]} to ${range[1]} MiB.`);
  }
  const user = args.runAsUser ?? DEFAULT_RUN_AS_USER;
  if (!/^\d+(:\d+)?$/.test(user) || user.split(":")[0] === "0") {
    problems.push(
      `runAsUser: "${user}" must be a non-root numeric uid[:gid]. Use the image's pgbouncer user, e.g. "70:70".`,
    );
  }
  if (args.loginSecrets.length === 0) {
    problems.push(
      "loginSecrets: is empty; PgBouncer would admit nobody. Pass the app roles' secrets (password roles only).",
    );
  }
  for (const c of args.allowedCidrs ?? []) {
    if (c === "0.0.0.0/0")
      problems.push(
        'allowedCidrs: "0.0.0.0/0" would admit every address. List private ranges or security groups.',
      );
  }
  if (problems.length) throw new Error(`PgBouncerService: ${problems.join(" ")}`);
}
