import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  PGBOUNCER_DEPLOYMENT_MAX_PERCENT,
  type PgBouncerServiceArgs,
  resolvePgBouncerServiceArgs,
  validatePgBouncerServiceArgs,
} from "./pgbouncer/args";
import { pgbouncerLoadBalancer } from "./pgbouncer/loadBalancer";
import { pgbouncerExecutionRole, pgbouncerTaskRole } from "./pgbouncer/roles";
import { pgbouncerSecurityGroups } from "./pgbouncer/securityGroups";
import { pgbouncerTaskDefinition } from "./pgbouncer/taskDefinition";
import { PGBOUNCER_PORT } from "./pgbouncerConfig";
import { PoolerCertificateAuthority } from "./poolerCertificate";

// The parts live under pgbouncer/; what callers and tests use of them is exported from here too.
export * from "./pgbouncer/args";
export { ecrRepositoryArn, executionRolePolicy, pgbouncerSecretsStatements } from "./pgbouncer/roles";
export {
  type ContainerDefinitionsInput,
  pgbouncerContainerDefinitions,
  pgbouncerSecretArnEnv,
} from "./pgbouncer/taskDefinition";

/**
 * PgBouncer on ECS Fargate behind an internal NLB on 6432. The configuration is rendered by
 * `renderPgbouncerIni` and reaches the container as a plain environment variable (it holds no secret);
 * the container reads the pooled roles' secrets itself (task role, `secretsmanager` endpoint) into an
 * auth_file on an ephemeral volume, at start and every 5 minutes. Read-only root filesystem, non-root
 * user, all capabilities dropped, no public IP, logs to an encrypted group, `nofile` raised to fit
 * max_client_conn.
 *
 * TLS towards clients is verifiable (`sslmode=verify-full`): each task makes its own key and gets a
 * short-lived certificate for the NLB's DNS name from the stack's AWS Private CA
 * (PoolerCertificateAuthority), renewing it in place; apps trust `caCertificatePem`. No private key is in
 * Pulumi state or in the task definition.
 *
 * Rotation needs no redeploy: each refresh writes both logins of an alternating-users secret
 * (AWSCURRENT and AWSPREVIOUS, `<role>` and `<role>_clone`) and reloads PgBouncer when they changed, so
 * clients holding either secret version sign in, as with RDS Proxy (prod's default).
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

  constructor(name: string, input: PgBouncerServiceArgs, opts?: pulumi.ComponentResourceOptions) {
    super("verscienta:pooling:PgBouncerService", name, {}, opts);
    const args = resolvePgBouncerServiceArgs(input);
    validatePgBouncerServiceArgs(args);
    const n = `${name}-pgbouncer`;
    const child = { parent: this };

    const sg = pgbouncerSecurityGroups(n, args, child);

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
    const executionRole = pgbouncerExecutionRole(n, args, logGroup.arn, child);

    // The server certificate: a private CA whose key stays in AWS; the task may only issue from it.
    const tlsCa = new PoolerCertificateAuthority(
      `${n}-tls`,
      {
        commonName: `${name} PgBouncer CA`.slice(0, 64),
        partition: args.partition,
        protect: args.protect,
        tags: args.tags,
      },
      child,
    );
    const taskRole = pgbouncerTaskRole(n, args, tlsCa, child);

    const cluster = new aws.ecs.Cluster(
      `${n}-cluster`,
      {
        name: n,
        settings: [{ name: "containerInsights", value: "enabled" }],
        tags: args.tags,
      },
      child,
    );
    const lb = pgbouncerLoadBalancer(name, n, args, sg.loadBalancer.id, child);
    const taskDefinition = pgbouncerTaskDefinition(
      n,
      args,
      {
        executionRoleArn: executionRole.arn,
        taskRoleArn: taskRole.arn,
        logGroupName: logGroup.name,
        caReadyArn: tlsCa.ready,
        issueTemplateArn: tlsCa.issueTemplateArn,
        hostname: lb.loadBalancer.dnsName,
      },
      child,
    );

    const service = new aws.ecs.Service(
      `${n}-service`,
      {
        name: n,
        cluster: cluster.arn,
        taskDefinition: taskDefinition.arn,
        desiredCount: args.desiredCount,
        launchType: "FARGATE",
        platformVersion: "LATEST",
        networkConfiguration: {
          subnets: args.subnetIds,
          securityGroups: [sg.task.id],
          assignPublicIp: false,
        },
        loadBalancers: [
          {
            targetGroupArn: lb.targetGroup.arn,
            containerName: "pgbouncer",
            containerPort: PGBOUNCER_PORT,
          },
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
      { parent: this, dependsOn: [lb.listener] },
    );

    this.clusterName = cluster.name;
    this.serviceName = service.name;
    this.loadBalancerArnSuffix = lb.loadBalancer.arnSuffix;
    this.targetGroupArnSuffix = lb.targetGroup.arnSuffix;
    this.securityGroupId = sg.task.id;
    this.loadBalancerSecurityGroupId = sg.loadBalancer.id;
    this.endpoint = lb.loadBalancer.dnsName;
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
