/**
 * Backups you can restore: AWS Backup vault, plan and monthly restore tests in the primary
 * region; replicated automated backups, a separate key and a vault for monthly copies in the DR region.
 * RDS's own automated backups (point-in-time recovery, 35 days in prod) are set on the instance by core.
 */
import type * as pulumi from "@pulumi/pulumi";
import {
  BackupPlan,
  BackupVault,
  CrossRegionBackups,
  MIN_RETENTION_DAYS,
  RestoreTesting,
} from "../components/backup";
import type { BackupResult, Core, StackOutputs } from "./contracts";

/** The locks accept exactly what the rules produce: 35 days at least (HIPAA floor, also dev, whose
 * daily rule keeps 35 days too) and the monthly retention at most. */
function retentionBounds(core: Core): { minRetentionDays: number; maxRetentionDays: number } {
  const { cfg } = core;
  return {
    minRetentionDays: MIN_RETENTION_DAYS,
    maxRetentionDays: Math.max(cfg.backupMonthlyRetentionDays, cfg.backupDailyRetentionDays),
  };
}

/**
 * The disaster-recovery region's part (its provider, key, vault, topic and replicated automated
 * backups), built right after core so access can replicate the column-encryption key's secret there
 * with the DR key. Same component, same name and arguments as when backup built it: registration order
 * does not enter a URN, so existing stacks see no replacement.
 */
export function buildDisasterRecovery(core: Core): CrossRegionBackups | undefined {
  const { name, cfg, tags, primary, protect } = core;
  const { minRetentionDays, maxRetentionDays } = retentionBounds(core);
  return cfg.drEnabled
    ? new CrossRegionBackups(`${name}-dr`, {
        region: cfg.drRegion,
        sourceRegion: cfg.region,
        accountId: core.accountId,
        partition: core.partition,
        sourceDbInstanceArn: primary.arn,
        automatedBackupRetentionDays: cfg.backupRetentionDays,
        keyAliasName: `${name}-postgres-dr`,
        vaultName: `${name}-dr-vault`,
        lockMode: cfg.backupVaultLockMode,
        minRetentionDays,
        maxRetentionDays,
        alarmEmails: cfg.alarmEmails,
        alarmHttpsEndpoints: cfg.alarmHttpsEndpoints,
        protect,
        tags,
      })
    : undefined;
}

export function buildBackup(
  core: Core,
  topicArn: pulumi.Output<string>,
  dr: CrossRegionBackups | undefined,
): BackupResult {
  const { name, cfg, tags, primary, protect } = core;
  const { minRetentionDays, maxRetentionDays } = retentionBounds(core);

  const vault = new BackupVault(`${name}-vault`, {
    vaultName: `${name}-vault`,
    kmsKeyArn: core.key.keyArn,
    lockMode: cfg.backupVaultLockMode,
    minRetentionDays,
    maxRetentionDays,
    notificationTopicArn: topicArn,
    protect,
    tags,
  });

  const plan = new BackupPlan(`${name}-backup`, {
    vaultName: vault.vaultName,
    // The primary only: PostgreSQL read replicas have no snapshots to take (see BackupPlanArgs).
    resourceArns: [primary.arn],
    dailyRetentionDays: cfg.backupDailyRetentionDays,
    monthlyRetentionDays: cfg.backupMonthlyRetentionDays,
    rdsBackupWindow: cfg.backupWindow,
    rdsMaintenanceWindow: cfg.maintenanceWindow,
    drVaultArn: dr?.vaultArn,
    minRetentionDays,
    maxRetentionDays,
    accountId: core.accountId,
    partition: core.partition,
    tags,
  });

  const restoreTesting = cfg.restoreTestingEnabled
    ? new RestoreTesting(`${name}-restore-test`, {
        vaultArn: vault.vaultArn,
        dbInstanceArn: primary.arn,
        iamRoleArn: plan.roleArn,
        dbSubnetGroupName: core.network.subnetGroupName,
        vpcSecurityGroupIds: [core.network.securityGroupId],
        tags,
      })
    : undefined;

  const outputs: StackOutputs = {
    backupVaultName: vault.vaultName,
    backupVaultArn: vault.vaultArn,
    backupPlanId: plan.planId,
    backupRoleArn: plan.roleArn,
    backupScheduleHourUtc: plan.hourUtc,
    // What the restore runbooks need to place a restored copy like the primary.
    dbSubnetGroupName: core.network.subnetGroupName,
    dbParameterGroupName: core.parameterGroup.name,
    drEnabled: cfg.drEnabled,
    ...(dr
      ? {
          drRegion: dr.region,
          drKmsKeyArn: dr.keyArn,
          drBackupVaultName: dr.vaultName,
          drBackupVaultArn: dr.vaultArn,
          drAlarmTopicArn: dr.topicArn,
          drAutomatedBackupsReplicationArn: dr.replicationArn,
        }
      : {}),
    ...(restoreTesting ? { restoreTestingPlanName: restoreTesting.planName } : {}),
  };
  return { outputs };
}
