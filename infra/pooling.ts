/**
 * Pooling: RDS Proxy or PgBouncer in front of the primary, chosen by `pooler`, with one set of
 * pool settings (components/pooling/poolSettings.ts) feeding the pooler, the fit check against
 * `max_connections` and the app-facing outputs.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { ec2InstanceType } from "../components/monitoring/thresholds";
import {
  appPoolSettingsPooled,
  assertPoolFit,
  defaultAdminReserve,
  PGBOUNCER_DEPLOYMENT_MAX_PERCENT,
  PgBouncerService,
  type PoolFitInput,
  poolSettings,
  RdsProxy,
} from "../components/pooling";
import { maxConnectionsForMemoryMiB } from "../spec/instanceProfile";
import type { AccessResult, Core, PoolingResult, StackOutputs } from "./contracts";

/** max_connections as the fit check sees it, and the numbers it compared (an output for auditors). */
interface PoolFit {
  readonly maxConnections: number;
  readonly source: "maxConnections" | "instanceClass memory";
  readonly adminReserve: number;
}

export function buildPooling(core: Core, access: AccessResult): PoolingResult {
  const { cfg, name } = core;
  const settings = poolSettings(cfg);
  const env = cfg.environment;

  if (cfg.pooler === "none") {
    return {
      target: { kind: "none" },
      outputs: {
        poolerKind: "none",
        // No pooler: the "pooled" endpoint is the instance itself, so apps read one output either way.
        pooledEndpoint: core.primary.endpoint,
        appPoolSettingsPooled: {
          host: core.primary.address,
          port: core.primary.port,
          database: cfg.databaseName,
          ...appPoolSettingsPooled("none", settings.app, env),
        },
      },
    };
  }

  // A pooler signs in to PostgreSQL with the roles' passwords (PgBouncer's auth_file, the proxy's
  // SECRETS auth). IAM roles (members of rds_iam) have none, and PostgreSQL refuses password sign-in for
  // them, so they connect directly with IAM tokens, or through a proxy in end-to-end IAM mode, which then
  // serves only IAM roles (config validation guarantees every served role is one).
  const endToEndIam = cfg.pooler === "rds-proxy" && cfg.proxyRequireIam;
  const pooledSecrets = endToEndIam ? access.loginSecrets : access.loginSecrets.filter((s) => !s.iamAuth);
  if (pooledSecrets.length === 0) {
    throw new Error(
      `pooler: "${cfg.pooler}" has no login role to pool (access produced ${access.loginSecrets.length} secret(s), ` +
        `${access.loginSecrets.filter((s) => s.iamAuth).length} IAM-only). ` +
        (cfg.pooler === "pgbouncer"
          ? "PgBouncer needs password roles: remove them from iamAuthRoles, or use pooler rds-proxy."
          : "Set proxyRequireIam to true for end-to-end IAM at the proxy."),
    );
  }

  const fitInput = (maxConnections: number): PoolFitInput => ({
    maxConnections,
    pooler: cfg.pooler,
    pgbouncerTasks: Math.ceil((cfg.pgbouncerDesiredCount * PGBOUNCER_DEPLOYMENT_MAX_PERCENT) / 100),
    pooledRoles: pooledSecrets.length,
    settings,
  });
  // With an explicit maxConnections the check runs now, before anything is registered. Otherwise
  // max_connections follows the class's memory, which AWS reports (the same lookup, and the same formula
  // in spec/instanceProfile.ts, that size the connection alarm and the dashboard): the check runs inside
  // an apply that the pool resources wait for, so a config that cannot fit fails before they exist.
  let fit: pulumi.Output<PoolFit>;
  if (cfg.maxConnections !== undefined) {
    assertPoolFit(fitInput(cfg.maxConnections));
    fit = pulumi.output({
      maxConnections: cfg.maxConnections,
      source: "maxConnections" as const,
      adminReserve: defaultAdminReserve(cfg.maxConnections),
    });
  } else {
    const instanceType = ec2InstanceType(cfg.instanceClass);
    fit = aws.ec2.getInstanceTypeOutput({ instanceType }).memorySize.apply((mib) => {
      const m = maxConnectionsForMemoryMiB(mib);
      return {
        maxConnections: m,
        source: "instanceClass memory" as const,
        adminReserve: defaultAdminReserve(m),
      };
    });
  }
  const fitChecked = fit.apply((f) => {
    if (f.source === "instanceClass memory") {
      try {
        assertPoolFit(fitInput(f.maxConnections));
      } catch (e) {
        throw new Error(
          `${(e as Error).message} (max_connections ${f.maxConnections} is RDS's default for instanceClass ${cfg.instanceClass}.)`,
        );
      }
    }
    return true;
  });

  const common = {
    vpcId: core.network.vpcId,
    subnetIds: core.network.subnetIds,
    dbSecurityGroupId: core.network.securityGroupId,
    allowedSecurityGroupIds: [...cfg.allowedSecurityGroupIds],
    allowedCidrs: [...cfg.allowedCidrs],
    kmsKeyArn: core.key.keyArn,
    region: cfg.region,
    accountId: core.accountId,
    partition: core.partition,
    // The pool resources wait for the fit check AND for the database operations function's first `apply`
    // (access.databaseReady): only then do the roles exist and each secret hold a password. A resource's
    // URN resolves once the engine has created it, so depending on it orders the proxy's target group
    // and target, and PgBouncer's task definition and service, after the Invocation. (A component's
    // `dependsOn` would not: its children do not inherit it.) ECS injects `<secret>:password::` at task
    // start and fails the task when the key is missing.
    poolFitChecked: pulumi.all([fitChecked, access.databaseReady.urn]).apply(([ok]) => ok),
    tags: core.tags,
  };

  if (cfg.pooler === "rds-proxy") {
    const proxy = new RdsProxy(name, {
      ...common,
      dbInstanceIdentifier: core.primary.identifier,
      loginSecrets: endToEndIam
        ? []
        : pooledSecrets.map((s) => ({ roleName: s.roleName, secretArn: s.secretArn })),
      ...(endToEndIam
        ? {
            endToEndIam: {
              dbResourceId: core.primary.resourceId,
              roleNames: pooledSecrets.map((s) => s.roleName),
            },
          }
        : {}),
      debugLogging: cfg.proxyDebugLogging,
      pool: settings.proxy,
    });
    core.network.allowFromSecurityGroup(`${name}-db-from-proxy`, proxy.securityGroupId, "RDS Proxy");
    const outputs: StackOutputs = {
      poolerKind: "rds-proxy",
      pooledEndpoint: pulumi.interpolate`${proxy.endpoint}:5432`,
      proxyName: proxy.proxyName,
      poolFit: fit,
      appPoolSettingsPooled: {
        host: proxy.endpoint,
        port: 5432,
        database: cfg.databaseName,
        ...appPoolSettingsPooled("rds-proxy", settings.app, env),
      },
    };
    return {
      target: { kind: "rds-proxy", proxyName: proxy.proxyName, securityGroupId: proxy.securityGroupId },
      outputs,
    };
  }

  if (cfg.pgbouncerImage === undefined) {
    throw new Error('pgbouncerImage: is required when pooler is "pgbouncer". Set an image pinned by digest.');
  }
  const endpointCidrs =
    cfg.vpcId !== undefined
      ? [aws.ec2.getVpcOutput({ id: cfg.vpcId }).cidrBlock]
      : [pulumi.output(cfg.vpcCidr)];
  const bouncer = new PgBouncerService(name, {
    ...common,
    image: cfg.pgbouncerImage,
    desiredCount: cfg.pgbouncerDesiredCount,
    cpu: cfg.pgbouncerCpu,
    memoryMiB: cfg.pgbouncerMemoryMiB,
    endpointCidrs,
    s3PrefixListId: aws.ec2.getPrefixListOutput({ name: `com.amazonaws.${cfg.region}.s3` }).id,
    dbHost: core.primary.address,
    dbPort: core.primary.port,
    databaseName: cfg.databaseName,
    loginSecrets: pooledSecrets.map((s) => ({ roleName: s.roleName, secretArn: s.secretArn })),
    pool: settings.pgbouncer,
    logRetentionDays: cfg.logRetentionDays,
    protect: core.protect,
  });
  core.network.allowFromSecurityGroup(
    `${name}-db-from-pgbouncer`,
    bouncer.securityGroupId,
    "PgBouncer tasks",
  );
  // PgBouncer's certificate comes from the stack's private CA: apps verify it against this root.
  const caPem = bouncer.caCertificatePem;
  return {
    target: {
      kind: "pgbouncer",
      clusterName: bouncer.clusterName,
      serviceName: bouncer.serviceName,
      loadBalancerArnSuffix: bouncer.loadBalancerArnSuffix,
      targetGroupArnSuffix: bouncer.targetGroupArnSuffix,
      securityGroupId: bouncer.securityGroupId,
    },
    outputs: {
      poolerKind: "pgbouncer",
      pooledEndpoint: pulumi.interpolate`${bouncer.endpoint}:${bouncer.port}`,
      pgbouncerLogGroupName: bouncer.logGroupName,
      poolFit: fit,
      // Public: a CA certificate, what apps trust for the pooled endpoint (its key never leaves AWS).
      poolerCaCertificatePem: caPem,
      poolerCaArn: bouncer.caArn,
      // A template, not a credential; secret like connectionStringTemplate because it names the host.
      pooledConnectionStringTemplate: pulumi.secret(
        pulumi.interpolate`postgresql://<user>:<password>@${bouncer.endpoint}:${bouncer.port}/${cfg.databaseName}?sslmode=verify-full&sslrootcert=pooler-ca.pem`,
      ),
      appPoolSettingsPooled: {
        host: bouncer.endpoint,
        port: bouncer.port,
        database: cfg.databaseName,
        ...appPoolSettingsPooled("pgbouncer", settings.app, env),
        // node-postgres: verify against the pooler's root, not Node's default trust store.
        ssl: { rejectUnauthorized: true, ca: caPem },
      },
    },
  };
}
