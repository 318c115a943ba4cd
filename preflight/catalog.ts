/**
 * The roster: every preflight rule, config-level first, in a fixed order (test/preflight/roster.test.ts
 * asserts it, so adding or removing a rule is a visible diff), and the two runners.
 */
import * as backup from "./rules/backup";
import * as cloudwatch from "./rules/cloudwatch";
import * as ecs from "./rules/ecs";
import * as kms from "./rules/kms";
import * as lambda from "./rules/lambda";
import * as network from "./rules/network";
import * as rds from "./rules/rds";
import * as rdsProxy from "./rules/rdsProxy";
import * as secretsManager from "./rules/secretsManager";
import * as sns from "./rules/sns";
import type {
  ConfigFinding,
  ConfigRule,
  ConfigView,
  PlanContext,
  PlannedResource,
  PlanRule,
  Rule,
  Violation,
} from "./types";

export const CONFIG_RULES: readonly ConfigRule[] = [
  rds.replicaManagedPasswordConfig,
  rds.storageThresholdConfig,
  rds.instanceClassKnownConfig,
  rds.advancedInsightsRetentionConfig,
  rdsProxy.idleConnectionsConfig,
  ecs.pgbouncerImagePrivateEcr,
  ecs.fargateSizeConfig,
];

export const PLAN_RULES: readonly PlanRule[] = [
  rds.replicaManagedPassword,
  rds.replicaSameRegionKmsKey,
  rds.parameterGroupFamily,
  rds.parameterGroupReplaceOrder,
  rds.performanceInsightsRetention,
  rds.advancedInsightsRetention,
  rds.monitoringInterval,
  rds.backupRetention,
  rds.backupWindow,
  rds.storageThreshold,
  rds.gp3ProvisionedPerformance,
  rds.identifiers,
  rds.logExports,
  rds.iamAuthEnabled,
  rdsProxy.endToEndIam,
  rdsProxy.idleConnections,
  rdsProxy.proxyName,
  backup.vaultLockSettings,
  backup.lifecycleWithinVaultLock,
  backup.continuousBackupRetention,
  backup.coldStorageLifecycle,
  backup.automatedBackupsReplicationKey,
  kms.deletionWindow,
  kms.encryptedTopicPublishers,
  kms.encryptedLogGroupLogsPrincipal,
  ecs.fargateSize,
  ecs.nlbTargetTypeIp,
  network.dbSubnetGroupAzs,
  network.fargateEcrEndpoints,
  secretsManager.rotationLambdaEndpoint,
  secretsManager.rotationDays,
  secretsManager.replicaRegion,
  lambda.functionLimits,
  lambda.functionVpcConfig,
  lambda.invocationPayload,
  lambda.scheduleExpression,
  cloudwatch.alarmPeriod,
  cloudwatch.logRetention,
  sns.topicHasSubscriber,
];

export const ALL_RULES: readonly Rule[] = [...CONFIG_RULES, ...PLAN_RULES];

/**
 * Config-level preflight, called by `parseConfig` after its own cross-key checks. Each problem names the
 * key and value, says what AWS does, the fix, and where that is documented.
 */
export function configPreflight(cfg: ConfigView): ConfigFinding[] {
  return CONFIG_RULES.flatMap((rule) =>
    rule.check(cfg).map((f) => ({
      ...f,
      message: `${f.message} ${rule.fix} (preflight ${rule.id}; ${rule.source.title}: ${rule.source.url})`,
    })),
  );
}

/** Plan-level preflight over every planned resource. */
export function planPreflight(resources: readonly PlannedResource[], ctx: PlanContext): Violation[] {
  return PLAN_RULES.flatMap((rule) =>
    rule.check(resources, ctx).map((f) => ({
      rule: rule.id,
      severity: f.severity ?? "error",
      resourceType: f.resource.type,
      resourceName: f.resource.name,
      message: f.message,
      fix: rule.fix,
      source: rule.source,
    })),
  );
}
