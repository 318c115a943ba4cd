/**
 * PgBouncer's Fargate task definition. The ini is rendered by `renderPgbouncerIni` and reaches the
 * container as a plain environment variable (it holds no secret), and so do the pooled roles' secret ARNs:
 * the container reads the secrets itself with its task role (AWSCURRENT and AWSPREVIOUS, at start and every
 * few minutes, `pgbouncerStartScript`) into an auth_file on an ephemeral volume, so it follows the
 * alternating-users rotation without a redeploy. No ECS `secrets`: they are read once, at start. Read-only root
 * filesystem, non-root user, all capabilities dropped, `nofile` raised to fit max_client_conn. The
 * container also publishes its pool saturation (ClientsWaiting, MaxWaitSeconds) once a minute under the
 * ECS service's name.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  METRICS_ENV,
  PGBOUNCER_CREDENTIAL_REFRESH_SECONDS,
  PGBOUNCER_PORT,
  pgbouncerStartScript,
  renderPgbouncerIni,
  TLS_ENV,
} from "../pgbouncerConfig";
import { POOLER_CERT_RENEW_BEFORE_SECONDS, POOLER_CERT_VALIDITY_DAYS } from "../poolerCertificate";
import { pgbouncerNofile } from "../poolSettings";
import { PGBOUNCER_ENTRYPOINT, PGBOUNCER_RUN_DIR, type ResolvedPgBouncerServiceArgs } from "./args";

/** What the task definition is wired to: its roles, its log group, and the certificate it issues. */
export interface PgBouncerTaskWiring {
  readonly executionRoleArn: pulumi.Input<string>;
  readonly taskRoleArn: pulumi.Input<string>;
  readonly logGroupName: pulumi.Input<string>;
  /** The private CA, once its root is installed (tasks can issue only then), and the only template allowed. */
  readonly caReadyArn: pulumi.Input<string>;
  readonly issueTemplateArn: pulumi.Input<string>;
  /** The name clients verify: the NLB's DNS name. */
  readonly hostname: pulumi.Input<string>;
}

/** The task definition; `n` is the service's resource prefix (also the family). */
export function pgbouncerTaskDefinition(
  n: string,
  args: ResolvedPgBouncerServiceArgs,
  wiring: PgBouncerTaskWiring,
  opts: pulumi.CustomResourceOptions,
): aws.ecs.TaskDefinition {
  const roles = args.loginSecrets.map((s, i) => ({
    name: s.roleName,
    secretArnEnv: pgbouncerSecretArnEnv(i),
  }));
  const containerDefinitions = pulumi
    .all([
      args.dbHost,
      args.dbPort,
      pulumi.all(args.loginSecrets.map((s) => s.secretArn)),
      wiring.logGroupName,
      args.region,
      args.poolFitChecked,
      // Tasks can issue only once the root is installed: the task definition waits for it.
      pulumi.all([wiring.caReadyArn, wiring.issueTemplateArn, wiring.hostname]),
    ])
    .apply(([host, port, arns, logGroupName, region, _fit, [caArn, templateArn, dnsName]]) =>
      JSON.stringify(
        pgbouncerContainerDefinitions({
          image: args.image,
          user: args.runAsUser,
          ini: renderPgbouncerIni(args.pool, {
            listenPort: PGBOUNCER_PORT,
            serverHost: host,
            serverPort: port,
            database: args.databaseName,
            roles: roles.map((r) => r.name),
            authFile: `${PGBOUNCER_RUN_DIR}/userlist.txt`,
            serverTlsCaFile: args.serverTlsCaFile,
            clientTlsCertFile: `${PGBOUNCER_RUN_DIR}/client-tls.crt`,
            clientTlsKeyFile: `${PGBOUNCER_RUN_DIR}/client-tls.key`,
            pidFile: `${PGBOUNCER_RUN_DIR}/pgbouncer.pid`,
            logFile: "",
            // The admin console's socket, for the in-task metrics publisher only.
            adminSocketDir: PGBOUNCER_RUN_DIR,
          }),
          roles: roles.map((r, i) => ({ ...r, secretArn: arns[i] })),
          nofile: pgbouncerNofile(args.pool, roles.length),
          logGroupName,
          region,
          tls: { caArn, templateArn, hostname: dnsName },
          // PgBouncerService names its ECS service `n` as well; test/infra/pooling.test.ts pins the two equal.
          serviceName: n,
        }),
      ),
    );

  return new aws.ecs.TaskDefinition(
    `${n}-task`,
    {
      family: n,
      requiresCompatibilities: ["FARGATE"],
      networkMode: "awsvpc",
      cpu: String(args.cpu),
      memory: String(args.memoryMiB),
      runtimePlatform: {
        operatingSystemFamily: "LINUX",
        cpuArchitecture: args.cpuArchitecture,
      },
      executionRoleArn: wiring.executionRoleArn,
      taskRoleArn: wiring.taskRoleArn,
      // A Fargate volume without a host path is task-local ephemeral storage (encrypted by Fargate):
      // the only writable place, since the root filesystem is read-only.
      volumes: [{ name: "pgbouncer-run" }],
      containerDefinitions,
      tags: args.tags,
    },
    opts,
  );
}

/**
 * The plain environment variable with the i-th pooled role's secret ARN. It ends in `_ARN`: a reference,
 * which the policy rule ecsNoSecretEnvironment tells apart from a credential.
 */
export const pgbouncerSecretArnEnv = (i: number): string => `PGBOUNCER_SECRET_${i}_ARN`;

export interface ContainerDefinitionsInput {
  readonly image: string;
  readonly user: string;
  readonly ini: string;
  /** Pooled roles, the variable each one's secret ARN is passed in, and that ARN. */
  readonly roles: readonly { name: string; secretArnEnv: string; secretArn: string }[];
  readonly nofile: number;
  readonly logGroupName: string;
  readonly region: string;
  /** The private CA the task issues its certificate from, the only template allowed, the NLB name. */
  readonly tls: { readonly caArn: string; readonly templateArn: string; readonly hostname: string };
  /** The ECS service's name: the `ServiceName` dimension of the pool-saturation metrics. */
  readonly serviceName: string;
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
          roles: c.roles.map((r) => ({ name: r.name, secretArnEnv: r.secretArnEnv })),
          refreshSeconds: PGBOUNCER_CREDENTIAL_REFRESH_SECONDS,
          tls: {
            validityDays: POOLER_CERT_VALIDITY_DAYS,
            renewBeforeSeconds: POOLER_CERT_RENEW_BEFORE_SECONDS,
          },
          metrics: { port: PGBOUNCER_PORT },
        }),
      ],
      portMappings: [{ containerPort: PGBOUNCER_PORT, protocol: "tcp" }],
      // The ini holds host names and pool sizes only, the TLS variables ARNs and a host name, then the
      // service's name and the pooled roles' secret ARNs. No password is in the task definition, and
      // there are no ECS `secrets`: the container reads the secrets itself and keeps reading them.
      environment: [
        { name: "PGBOUNCER_INI", value: c.ini },
        { name: TLS_ENV.caArn, value: c.tls.caArn },
        { name: TLS_ENV.templateArn, value: c.tls.templateArn },
        { name: TLS_ENV.hostname, value: c.tls.hostname },
        { name: TLS_ENV.region, value: c.region },
        { name: METRICS_ENV.serviceName, value: c.serviceName },
        ...c.roles.map((r) => ({ name: r.secretArnEnv, value: r.secretArn })),
      ],
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
