/**
 * The composition root: reads the validated config once, runs the build steps in order (core.ts, then
 * disaster recovery, access, pooling, monitoring, backup; what each hands to the next is in contracts.ts) and returns the
 * stack outputs. It creates no resource itself. `infra/index.ts` exports the outputs; the tests and the
 * offline plan call `main`.
 */
import * as pulumi from "@pulumi/pulumi";
import { buildAccess } from "./access";
import { buildBackup, buildDisasterRecovery } from "./backup";
import { loadConfig, type PlatformConfig } from "./config";
import type { StackOutputs } from "./contracts";
import { buildCore } from "./core";
import { buildMonitoring } from "./monitoring";
import { buildPooling } from "./pooling";

export type PlatformOutputs = StackOutputs;

/** Builds the whole platform for one database and returns its stack outputs. */
export function buildPlatform(cfg: PlatformConfig, name: string): PlatformOutputs {
  const core = buildCore(cfg, name);
  const { primary } = core;
  // Each part composes with the ones before it (see infra/contracts.ts): the column-encryption key is
  // replicated to the DR region, the proxy authenticates with the login secrets once the database
  // operations function has filled them, monitoring alarms on the pooler and the function, backup
  // notifications go to the alarm topic.
  const dr = buildDisasterRecovery(core);
  const access = buildAccess(core, dr);
  const pooling = buildPooling(core, access);
  const monitoring = buildMonitoring(core, pooling.target, access.opsFunctionName);
  const backup = buildBackup(core, monitoring.topicArn, dr);

  const coreOutputs: StackOutputs = {
    dbEndpoint: primary.endpoint,
    dbAddress: primary.address,
    dbPort: primary.port,
    dbResourceId: primary.resourceId,
    dbIdentifier: primary.identifier,
    dbReplicaAddresses: pulumi.all(core.replicas.map((r) => r.address)),
    databaseName: cfg.databaseName,
    masterSecretArn: primary.masterSecretArn,
    kmsKeyArn: core.key.keyArn,
    dbSecurityGroupId: core.network.securityGroupId,
    vpcId: core.network.vpcId,
    logGroupNames: pulumi
      .all([primary.logGroupNames, ...core.replicas.map((r) => r.logGroupNames)])
      .apply((groups) => groups.flat()),
    // A template, not a credential: the app fills user and password from its secret. Secret anyway,
    // because it names the host of a PHI database.
    connectionStringTemplate: pulumi.secret(
      pulumi.interpolate`postgresql://<user>:<password>@${primary.address}:${primary.port}/${cfg.databaseName}?sslmode=verify-full&sslrootcert=global-bundle.pem`,
    ),
    appPoolSettings: {
      ...cfg.appPool,
      ssl: { rejectUnauthorized: true },
      allowExitOnIdle: cfg.environment !== "prod",
    },
  };
  return {
    ...coreOutputs,
    ...access.outputs,
    ...pooling.outputs,
    ...monitoring.outputs,
    ...backup.outputs,
  };
}

/** The program: validate config (nothing is registered from an invalid config), then build. */
export function main(): PlatformOutputs {
  const cfg = loadConfig();
  for (const r of cfg.relaxations) {
    pulumi.log.warn(`dev relaxation in effect: ${r}. prod refuses it.`);
  }
  return buildPlatform(cfg, `verscienta-${pulumi.getStack()}`);
}
