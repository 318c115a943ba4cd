import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { assumeRolePolicy, keyThroughSecretsManager, managedRolePolicy, secretsStatement } from "../iam";
import { POSTGRES_PORT } from "../network/databaseNetwork";
import { type ProxyPoolSettings, proxyConnectionPoolConfig } from "./poolSettings";

/** A login role the proxy authenticates with: its Secrets Manager secret (username/password JSON). */
export interface ProxyLoginSecret {
  readonly roleName: string;
  readonly secretArn: pulumi.Input<string>;
}

export interface RdsProxyArgs {
  /** Identifier of the primary instance the proxy fronts. */
  readonly dbInstanceIdentifier: pulumi.Input<string>;
  readonly vpcId: pulumi.Input<string>;
  /** Private subnets (at least 2 AZs) for the proxy's endpoints. */
  readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** The database's security group: the proxy may reach it on 5432, nothing else. */
  readonly dbSecurityGroupId: pulumi.Input<string>;
  /** Security groups (the app tier) admitted to the proxy on 5432. @default [] */
  readonly allowedSecurityGroupIds?: pulumi.Input<string>[];
  /** Private CIDRs admitted to the proxy on 5432. @default [] */
  readonly allowedCidrs?: string[];
  /**
   * The password roles' secrets: the proxy signs in to PostgreSQL with them (`authScheme: SECRETS`). Roles
   * that log in with IAM tokens (members of `rds_iam`) have no password and must not be listed: PostgreSQL
   * refuses password authentication for members of `rds_iam` (RDS User Guide, "IAM database authentication
   * for MariaDB, MySQL, and PostgreSQL"), so the proxy could never sign in as them. At least one, unless
   * {@link endToEndIam} is set.
   */
  readonly loginSecrets: readonly ProxyLoginSecret[];
  /**
   * End-to-end IAM (`defaultAuthScheme: IAM_AUTH`): clients present IAM tokens to the proxy and the proxy
   * signs in to PostgreSQL with IAM as the same role, so no secret is involved and the proxy's role gets
   * `rds-db:connect` on exactly these database users (RDS User Guide, "End-to-end IAM authentication for
   * RDS Proxy"; `DefaultAuthScheme` in the CreateDBProxy API reference). When set, `loginSecrets` must be
   * empty. @default undefined (secrets)
   */
  readonly endToEndIam?: {
    /** The instance's `DbiResourceId` (`db-...`), the resource part of `rds-db:connect` ARNs. */
    readonly dbResourceId: pulumi.Input<string>;
    /** Database users the proxy may sign in as: the IAM roles it serves. */
    readonly roleNames: readonly string[];
  };
  /** Key the secrets are encrypted with: the proxy's role may decrypt with exactly this key. */
  readonly kmsKeyArn: pulumi.Input<string>;
  readonly region: pulumi.Input<string>;
  readonly accountId: pulumi.Input<string>;
  /** @default "aws" */
  readonly partition?: pulumi.Input<string>;
  /**
   * Log the proxy's SQL traffic. It writes SQL text, which can hold PHI, to CloudWatch Logs: weakens
   * HIPAA 164.312(b) and minimum necessary (164.502(b)); prod's config refuses it. @default false
   */
  readonly debugLogging?: boolean;
  /** Target-group pool settings and idle client timeout (from poolSettings). */
  readonly pool: ProxyPoolSettings;
  /**
   * Resolves once the pool settings are known to fit `max_connections` (validatePoolFit inside an
   * apply): the target group waits for it, so a config that cannot fit fails before the pool exists.
   */
  readonly poolFitChecked?: pulumi.Input<boolean>;
  readonly tags?: Record<string, string>;
}

/**
 * RDS Proxy in front of the primary: TLS required, SCRAM towards PostgreSQL with the password roles'
 * secrets, or end-to-end IAM (no secrets at all), its own security group (the database admits the proxy's group, see
 * `DatabaseNetwork.allowFromSecurityGroup`), a role that reads exactly those secrets and decrypts with
 * exactly the stack's key, and the guide's pool timings.
 *
 * No read-only endpoint: a READ_ONLY proxy endpoint works only for Aurora clusters; for an RDS instance
 * every request on it fails, and a proxy can target only the writer, not a read replica (RDS Proxy
 * quotas and limitations). Readers go to the replicas' own endpoints.
 */
export class RdsProxy extends pulumi.ComponentResource {
  readonly proxyName: pulumi.Output<string>;
  readonly proxyArn: pulumi.Output<string>;
  readonly endpoint: pulumi.Output<string>;
  readonly securityGroupId: pulumi.Output<string>;
  readonly roleArn: pulumi.Output<string>;

  constructor(name: string, args: RdsProxyArgs, opts?: pulumi.ComponentResourceOptions) {
    super("verscienta:pooling:RdsProxy", name, {}, opts);
    validateRdsProxyArgs(args);
    const partition = args.partition ?? "aws";

    const sg = new aws.ec2.SecurityGroup(
      `${name}-proxy-sg`,
      {
        name: `${name}-proxy`,
        description: "RDS Proxy: 5432 from the app tier only; 5432 out to the database only",
        vpcId: args.vpcId,
        revokeRulesOnDelete: true,
        tags: { ...args.tags, Name: `${name}-proxy` },
      },
      { parent: this },
    );
    for (const [i, src] of (args.allowedSecurityGroupIds ?? []).entries()) {
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-proxy-from-sg-${i}`,
        {
          securityGroupId: sg.id,
          ipProtocol: "tcp",
          fromPort: POSTGRES_PORT,
          toPort: POSTGRES_PORT,
          referencedSecurityGroupId: src,
          description: "PostgreSQL clients (listed security group)",
        },
        { parent: this },
      );
    }
    for (const [i, cidr] of (args.allowedCidrs ?? []).entries()) {
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-proxy-from-cidr-${i}`,
        {
          securityGroupId: sg.id,
          ipProtocol: "tcp",
          fromPort: POSTGRES_PORT,
          toPort: POSTGRES_PORT,
          cidrIpv4: cidr,
          description: `PostgreSQL clients from private range ${cidr}`,
        },
        { parent: this },
      );
    }
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-proxy-to-db`,
      {
        securityGroupId: sg.id,
        ipProtocol: "tcp",
        fromPort: POSTGRES_PORT,
        toPort: POSTGRES_PORT,
        referencedSecurityGroupId: args.dbSecurityGroupId,
        description: "PostgreSQL to the database only",
      },
      { parent: this },
    );

    const role = new aws.iam.Role(
      `${name}-proxy`,
      {
        name: `${name}-proxy`,
        description: "RDS Proxy: reads the app roles' secrets, decrypts them with the stack key",
        assumeRolePolicy: assumeRolePolicy("rds.amazonaws.com", args.accountId),
        tags: args.tags,
      },
      { parent: this },
    );
    const e2e = args.endToEndIam;
    managedRolePolicy(
      `${name}-proxy-secrets`,
      {
        role: role.name,
        policyName: `${name}-proxy`,
        description: e2e
          ? "RDS Proxy: connect to PostgreSQL with IAM as the roles it serves"
          : "RDS Proxy: read the app roles' secrets, decrypt them with the stack key",
        tags: args.tags,
        policy: e2e
          ? pulumi
              .all([partition, args.region, args.accountId, e2e.dbResourceId])
              .apply(([part, region, account, resourceId]) =>
                proxyIamRolePolicy(
                  e2e.roleNames.map(
                    (r) => `arn:${part}:rds-db:${region}:${account}:dbuser:${resourceId}/${r}`,
                  ),
                ),
              )
          : pulumi
              .all([pulumi.all(args.loginSecrets.map((s) => s.secretArn)), args.kmsKeyArn, args.region])
              .apply(([arns, keyArn, region]) => proxyRolePolicy(arns, keyArn, region)),
      },
      { parent: this },
    );

    const proxy = new aws.rds.Proxy(
      `${name}-proxy`,
      {
        name: `${name}-proxy`,
        engineFamily: "POSTGRESQL",
        requireTls: true,
        debugLogging: args.debugLogging ?? false,
        idleClientTimeout: args.pool.idleClientTimeoutSeconds,
        roleArn: role.arn,
        vpcSubnetIds: args.subnetIds,
        vpcSecurityGroupIds: [sg.id],
        ...(e2e
          ? { defaultAuthScheme: "IAM_AUTH" }
          : {
              defaultAuthScheme: "NONE",
              auths: args.loginSecrets.map((s) => ({
                authScheme: "SECRETS",
                description: `login role ${s.roleName}`,
                secretArn: s.secretArn,
                clientPasswordAuthType: "POSTGRES_SCRAM_SHA_256",
                iamAuth: "DISABLED",
              })),
            }),
        tags: args.tags,
      },
      { parent: this },
    );

    const pool = proxyConnectionPoolConfig(args.pool);
    const gate = pulumi.output(args.poolFitChecked ?? true);
    const targetGroup = new aws.rds.ProxyDefaultTargetGroup(
      `${name}-proxy-default`,
      {
        dbProxyName: proxy.name,
        connectionPoolConfig: {
          // Borrow timeout from the guide's connectionTimeoutMillis (5 s): fail fast, don't hang.
          connectionBorrowTimeout: pool.connectionBorrowTimeout,
          // Waits for the fit check: a pool that cannot fit never gets created.
          maxConnectionsPercent: gate.apply(() => pool.maxConnectionsPercent),
          maxIdleConnectionsPercent: pool.maxIdleConnectionsPercent,
        },
      },
      { parent: this },
    );
    new aws.rds.ProxyTarget(
      `${name}-proxy-target`,
      {
        dbProxyName: proxy.name,
        targetGroupName: targetGroup.name,
        dbInstanceIdentifier: args.dbInstanceIdentifier,
      },
      { parent: this },
    );

    this.proxyName = proxy.name;
    this.proxyArn = proxy.arn;
    this.endpoint = proxy.endpoint;
    this.securityGroupId = sg.id;
    this.roleArn = role.arn;
    this.registerOutputs({
      proxyName: this.proxyName,
      endpoint: this.endpoint,
      securityGroupId: this.securityGroupId,
    });
  }
}

/** The proxy role's policy: GetSecretValue on exactly `secretArns`, Decrypt with exactly `keyArn`. */
export function proxyRolePolicy(secretArns: readonly string[], keyArn: string, region: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      secretsStatement("ReadTheAppRoleSecrets", secretArns),
      keyThroughSecretsManager("DecryptThemWithTheStackKey", ["kms:Decrypt"], keyArn, region),
    ],
  });
}

/**
 * The proxy role's policy under end-to-end IAM: `rds-db:connect` on exactly the database users it serves
 * (the shape AWS documents in "Migrating from standard IAM authentication to end-to-end IAM
 * authentication for RDS Proxy").
 */
export function proxyIamRolePolicy(dbUserArns: readonly string[]): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "ConnectAsTheServedRoles",
        Effect: "Allow",
        Action: ["rds-db:connect"],
        Resource: [...dbUserArns],
      },
    ],
  });
}

export function validateRdsProxyArgs(args: RdsProxyArgs): void {
  const problems: string[] = [];
  if (args.endToEndIam) {
    if (args.endToEndIam.roleNames.length === 0)
      problems.push("endToEndIam.roleNames: is empty; the proxy would admit nobody. Pass the IAM roles.");
    if (args.loginSecrets.length > 0)
      problems.push(
        `loginSecrets: ${args.loginSecrets.map((s) => s.roleName).join(", ")} given with endToEndIam; an IAM_AUTH proxy signs in with IAM only. Pass no secrets.`,
      );
  } else if (args.loginSecrets.length === 0) {
    problems.push("loginSecrets: is empty; the proxy would admit nobody. Pass the app roles' secrets.");
  }
  const p = args.pool;
  if (!(p.maxConnectionsPercent >= 1 && p.maxConnectionsPercent <= 100)) {
    problems.push(`pool.maxConnectionsPercent: ${p.maxConnectionsPercent} must be 1 to 100.`);
  }
  if (p.maxIdleConnectionsPercent > p.maxConnectionsPercent) {
    problems.push(
      `pool.maxIdleConnectionsPercent: ${p.maxIdleConnectionsPercent} must not exceed maxConnectionsPercent ${p.maxConnectionsPercent}.`,
    );
  }
  if (!(p.connectionBorrowTimeoutSeconds >= 1 && p.connectionBorrowTimeoutSeconds <= 3600)) {
    problems.push(
      `pool.connectionBorrowTimeoutSeconds: ${p.connectionBorrowTimeoutSeconds} must be 1 to 3600.`,
    );
  }
  if (!(p.idleClientTimeoutSeconds >= 1 && p.idleClientTimeoutSeconds <= 28_800)) {
    problems.push(`pool.idleClientTimeoutSeconds: ${p.idleClientTimeoutSeconds} must be 1 to 28800.`);
  }
  if (problems.length) throw new Error(`RdsProxy: ${problems.join(" ")}`);
}
