/**
 * PgBouncer's two IAM roles. The execution role (the ECS agent) pulls the image and writes the logs; the
 * task role (the container) may only read exactly the pooled roles' secrets (it re-reads them to follow
 * rotations), issue its own server certificate from the stack's private CA and publish metrics in the
 * PgBouncer namespace.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { assumeRolePolicy, keyThroughSecretsManager, managedRolePolicy, secretsStatement } from "../../iam";
import { PGBOUNCER_METRICS } from "../pgbouncerConfig";
import { poolerCertificateIssuerStatements } from "../poolerCertificate";
import type { ResolvedPgBouncerServiceArgs } from "./args";

/** The ECS agent's role and its one managed policy. `n` is the service's resource prefix. */
export function pgbouncerExecutionRole(
  n: string,
  args: Pick<ResolvedPgBouncerServiceArgs, "accountId" | "region" | "partition" | "image" | "tags">,
  logGroupArn: pulumi.Input<string>,
  opts: pulumi.CustomResourceOptions,
): aws.iam.Role {
  const role = new aws.iam.Role(
    `${n}-execution`,
    {
      name: `${n}-execution`,
      description: "ECS agent for PgBouncer: image pull, logs",
      assumeRolePolicy: assumeRolePolicy("ecs-tasks.amazonaws.com", args.accountId),
      tags: args.tags,
    },
    opts,
  );
  managedRolePolicy(
    `${n}-execution`,
    {
      role: role.name,
      policyName: `${n}-execution`,
      description: "ECS agent for PgBouncer: pull the image, write its logs",
      tags: args.tags,
      policy: pulumi
        .all([logGroupArn, args.partition])
        .apply(([logArn, part]) =>
          executionRolePolicy({ logGroupArn: logArn, partition: part, image: args.image }),
        ),
    },
    opts,
  );
  return role;
}

/**
 * The container's role: read the pooled roles' secrets (`pgbouncerSecretsStatements`), issue its server
 * certificate from `ca`, and publish the pool-saturation metrics (`pgbouncerMetricsStatements`); nothing
 * else.
 */
export function pgbouncerTaskRole(
  n: string,
  args: Pick<ResolvedPgBouncerServiceArgs, "accountId" | "loginSecrets" | "kmsKeyArn" | "region" | "tags">,
  ca: { readonly arn: pulumi.Input<string>; readonly issueTemplateArn: pulumi.Input<string> },
  opts: pulumi.CustomResourceOptions,
): aws.iam.Role {
  const role = new aws.iam.Role(
    `${n}-task`,
    {
      name: `${n}-task`,
      description:
        "PgBouncer container: the pooled roles' secrets, its server certificate from the stack's private CA, its pool metrics",
      assumeRolePolicy: assumeRolePolicy("ecs-tasks.amazonaws.com", args.accountId),
      tags: args.tags,
    },
    opts,
  );
  managedRolePolicy(
    `${n}-task-secrets`,
    {
      role: role.name,
      policyName: `${n}-task-secrets`,
      description:
        "PgBouncer container: read the pooled roles' secrets (every version stage) and nothing else",
      tags: args.tags,
      policy: pulumi
        .all([pulumi.all(args.loginSecrets.map((s) => s.secretArn)), args.kmsKeyArn, args.region])
        .apply(([secretArns, keyArn, region]) =>
          JSON.stringify({
            Version: "2012-10-17",
            Statement: pgbouncerSecretsStatements({ secretArns, keyArn, region }),
          }),
        ),
    },
    opts,
  );
  managedRolePolicy(
    `${n}-task-certificate`,
    {
      role: role.name,
      policyName: `${n}-task-certificate`,
      description: "PgBouncer container: issue its server certificate from the stack's private CA only",
      tags: args.tags,
      policy: pulumi.all([ca.arn, ca.issueTemplateArn]).apply(([caArn, templateArn]) =>
        JSON.stringify({
          Version: "2012-10-17",
          Statement: poolerCertificateIssuerStatements({ caArn, templateArn }),
        }),
      ),
    },
    opts,
  );
  managedRolePolicy(
    `${n}-task-metrics`,
    {
      role: role.name,
      policyName: `${n}-task-metrics`,
      description: `PgBouncer container: publish its pool metrics in ${PGBOUNCER_METRICS.namespace} only`,
      tags: args.tags,
      policy: JSON.stringify({ Version: "2012-10-17", Statement: pgbouncerMetricsStatements() }),
    },
    opts,
  );
  return role;
}

/**
 * `cloudwatch:PutMetricData` in the PgBouncer namespace only. The action has no resource type, so the
 * resource is "*" and the namespace condition is what limits it: "Use IAM condition keys to limit users
 * to publishing metrics only in the CloudWatch namespaces that you specify", with exactly this statement
 * shape (Amazon CloudWatch User Guide, "Using condition keys to limit access to CloudWatch namespaces",
 * https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/iam-cw-condition-keys-namespace.html;
 * `cloudwatch:namespace` in the Service Authorization Reference, "Actions, resources, and condition keys
 * for Amazon CloudWatch").
 */
export function pgbouncerMetricsStatements(): Record<string, unknown>[] {
  return [
    {
      Sid: "PublishThePoolMetrics",
      Effect: "Allow",
      Action: ["cloudwatch:PutMetricData"],
      Resource: "*",
      Condition: { StringEquals: { "cloudwatch:namespace": PGBOUNCER_METRICS.namespace } },
    },
  ];
}

/**
 * `secretsmanager:GetSecretValue` on exactly the pooled roles' secrets (the start script reads their
 * AWSCURRENT and AWSPREVIOUS versions; one action covers every version stage), and `kms:Decrypt` with the
 * stack key only when Secrets Manager asks for it in this region (`kms:ViaService`): the statements RDS
 * Proxy's role gets for the same secrets.
 */
export function pgbouncerSecretsStatements(p: {
  secretArns: readonly string[];
  keyArn: string;
  region: string;
}): Record<string, unknown>[] {
  return [
    secretsStatement("ReadThePooledRoleSecrets", p.secretArns),
    keyThroughSecretsManager("DecryptThemWithTheStackKey", ["kms:Decrypt"], p.keyArn, p.region),
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

/** The ECS agent's policy: write the log group, pull the image (private ECR). No secret: ECS injects none. */
export function executionRolePolicy(p: { logGroupArn: string; partition: string; image: string }): string {
  const repo = ecrRepositoryArn(p.image, p.partition);
  const statements: Record<string, unknown>[] = [
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
