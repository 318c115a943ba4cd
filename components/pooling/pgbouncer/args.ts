/**
 * PgBouncerService's arguments, their defaults (resolved once, in `resolvePgBouncerServiceArgs`) and
 * their validation.
 */
import type * as pulumi from "@pulumi/pulumi";
import { FARGATE_CPU_UNITS, fargateMemoryAllowed, fargateMemoryChoicesMiB } from "../../../spec/awsLimits";
import { POSTGRES_PORT } from "../../network/databaseNetwork";
import type { PgBouncerPoolSettings } from "../poolSettings";

/** A login role PgBouncer pools: its Secrets Manager secret (JSON with `username` and `password` keys). */
export interface PgBouncerLoginSecret {
  readonly roleName: string;
  readonly secretArn: pulumi.Input<string>;
}

export interface PgBouncerServiceArgs {
  /**
   * The PgBouncer image, pinned by digest (`<registry>/<repo>@sha256:<64 hex>`): a tag can be moved to
   * different code without a diff. It must provide `/bin/sh`, `sed`, `grep`, `cut`, `tr`, `cmp`, `openssl`, `aws`
   * (AWS CLI, for the secrets, the certificate and the pool metrics), `python3` (the secrets' JSON), `psql`
   * (SHOW POOLS) and `pgbouncer` on PATH, the RDS CA bundle at `serverTlsCaFile`, and
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
  /**
   * Login roles pooled, with their secrets. The container reads them itself (task role limited to exactly
   * these secrets), never through the task definition.
   */
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

/** The arguments with every default applied: what the parts of the service are built from. */
export interface ResolvedPgBouncerServiceArgs extends PgBouncerServiceArgs {
  readonly desiredCount: number;
  readonly cpu: number;
  readonly memoryMiB: number;
  readonly runAsUser: string;
  readonly serverTlsCaFile: string;
  readonly allowedSecurityGroupIds: pulumi.Input<string>[];
  readonly allowedCidrs: string[];
  readonly dbPort: pulumi.Input<number>;
  readonly cpuArchitecture: "X86_64" | "ARM64";
  readonly partition: pulumi.Input<string>;
  readonly poolFitChecked: pulumi.Input<boolean>;
  readonly protect: boolean;
}

/** Applies the documented defaults (the `@default`s above), once. */
export function resolvePgBouncerServiceArgs(args: PgBouncerServiceArgs): ResolvedPgBouncerServiceArgs {
  return {
    ...args,
    desiredCount: args.desiredCount ?? 2,
    cpu: args.cpu ?? 512,
    memoryMiB: args.memoryMiB ?? 1024,
    runAsUser: args.runAsUser ?? DEFAULT_RUN_AS_USER,
    serverTlsCaFile: args.serverTlsCaFile ?? DEFAULT_SERVER_TLS_CA_FILE,
    allowedSecurityGroupIds: args.allowedSecurityGroupIds ?? [],
    allowedCidrs: args.allowedCidrs ?? [],
    dbPort: args.dbPort ?? POSTGRES_PORT,
    cpuArchitecture: args.cpuArchitecture ?? "X86_64",
    partition: args.partition ?? "aws",
    poolFitChecked: args.poolFitChecked ?? true,
    protect: args.protect ?? false,
  };
}

/** Refuses what ECS or Fargate would refuse, and what would weaken the service, all problems at once. */
export function validatePgBouncerServiceArgs(args: ResolvedPgBouncerServiceArgs): void {
  const problems: string[] = [];
  if (!DIGEST_IMAGE.test(args.image)) {
    problems.push(`image: "${args.image}" is not pinned by digest. Use "<registry>/<repo>@sha256:<64 hex>".`);
  }
  const count = args.desiredCount;
  if (!Number.isInteger(count) || count < 1)
    problems.push(`desiredCount: ${count} must be a whole number of at least 1.`);
  const cpu = args.cpu;
  const mem = args.memoryMiB;
  const choices = (FARGATE_CPU_UNITS as readonly number[]).includes(cpu) ? fargateMemoryChoicesMiB(cpu) : [];
  if (choices.length === 0)
    problems.push(
      `cpu: ${cpu} is not a Fargate CPU size. Use ${FARGATE_CPU_UNITS.slice(0, -1).join(", ")} or ${FARGATE_CPU_UNITS.at(-1)}.`,
    );
  else if (!fargateMemoryAllowed(cpu, mem)) {
    problems.push(
      `memoryMiB: ${mem} is not valid with cpu ${cpu}. Use ${choices[0]} to ${choices.at(-1)} MiB.`,
    );
  }
  const user = args.runAsUser;
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
  for (const c of args.allowedCidrs) {
    if (c === "0.0.0.0/0")
      problems.push(
        'allowedCidrs: "0.0.0.0/0" would admit every address. List private ranges or security groups.',
      );
  }
  if (problems.length) throw new Error(`PgBouncerService: ${problems.join(" ")}`);
}
