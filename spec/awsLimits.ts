/**
 * What AWS accepts: hard limits and allowed values, each with the page that states it. Pure data; the
 * config schemas (spec/keys.ts) are built from these, so a value AWS would refuse is refused before any
 * resource is planned.
 */

const CREATE_DB_INSTANCE =
  "Amazon RDS API Reference, CreateDBInstance: https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html";

/** RDS hard limits and allowed values for a PostgreSQL DB instance. */
export const RDS_LIMITS = {
  /**
   * Automated backups are kept 0 to 35 days; 0 turns them (and point-in-time recovery) off.
   * @see Amazon RDS User Guide, "Backup retention period":
   * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithAutomatedBackups.BackupRetention.html
   */
  maxBackupRetentionDays: 35,
  /**
   * gp3 storage for RDS for PostgreSQL: 20 to 65,536 GiB.
   * @see Amazon RDS User Guide, "Amazon RDS DB instance storage":
   * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Storage.html
   */
  minAllocatedStorageGb: 20,
  maxAllocatedStorageGb: 65_536,
  /** Enhanced Monitoring: `MonitoringInterval` 0 | 1 | 5 | 10 | 15 | 30 | 60 (0 is off). @see CREATE_DB_INSTANCE */
  monitoringIntervals: [1, 5, 10, 15, 30, 60],
  /**
   * `PerformanceInsightsRetentionPeriod`: 7, month × 31 for 1–23 months, or 731; anything else (94) is
   * an error. @see CREATE_DB_INSTANCE
   */
  performanceInsightsRetention: [7, ...Array.from({ length: 23 }, (_, i) => 31 * (i + 1)), 731],
  /** `DatabaseInsightsMode` valid values (CloudWatch Database Insights). @see CREATE_DB_INSTANCE */
  databaseInsightsModes: ["standard", "advanced"],
  /**
   * The Advanced mode of Database Insights needs Performance Insights on and kept at least 465 days (15
   * months); RDS answers otherwise "InvalidParameterCombination: To enable the Advanced mode of Database
   * Insights, modify your instance to enable Performance Insights and set the retention period for
   * Performance Insights to at least 465 days." (quoted in hashicorp/terraform-provider-aws#41952).
   * @see Amazon RDS User Guide, "Considerations for Database Insights for Amazon RDS":
   * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_DatabaseInsights.Considerations.html
   */
  advancedInsightsMinRetentionDays: 465,
  /** The oldest major version the platform supports (not an AWS limit: older ones left standard support). */
  minEngineMajor: 14,
  /**
   * Certificate authorities RDS currently issues; rds-ca-2019 expired in August 2024.
   * @see Amazon RDS User Guide, "Using SSL/TLS to encrypt a connection to a DB instance":
   * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.SSL.html
   */
  currentCas: ["rds-ca-rsa2048-g1", "rds-ca-rsa4096-g1", "rds-ca-ecc384-g1"],
  /** `EngineLifecycleSupport` valid values. @see CREATE_DB_INSTANCE */
  engineLifecycles: ["open-source-rds-extended-support", "open-source-rds-extended-support-disabled"],
} as const;

/** Where RDS_LIMITS' API values come from. */
export const RDS_LIMITS_SOURCE = CREATE_DB_INSTANCE;

/**
 * CloudWatch Logs accepts only these retention values.
 * @see Amazon CloudWatch Logs API Reference, PutRetentionPolicy:
 * https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html
 */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/**
 * Fargate task CPU sizes (units); each allows its own memory range, checked by the preflight.
 * @see Amazon ECS Developer Guide, "Amazon ECS task definition parameters for Fargate" (task size):
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size
 */
export const FARGATE_CPU_UNITS = [256, 512, 1024, 2048, 4096] as const;

/**
 * The memory sizes (MiB) Fargate accepts for a task of `cpu` units; empty for a size it does not offer.
 * @see Amazon ECS Developer Guide, "Troubleshoot Amazon ECS task definition invalid CPU or memory errors"
 * (valid combinations; otherwise "ClientException: No Fargate configuration exists for given values"):
 * https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-cpu-memory-error.html
 */
export function fargateMemoryChoicesMiB(cpu: number): readonly number[] {
  const gib = (from: number, to: number, step = 1) =>
    Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => (from + i * step) * 1024);
  switch (cpu) {
    case 256:
      return [512, 1024, 2048];
    case 512:
      return gib(1, 4);
    case 1024:
      return gib(2, 8);
    case 2048:
      return gib(4, 16);
    case 4096:
      return gib(8, 30);
    case 8192:
      return gib(16, 60, 4);
    case 16384:
      return gib(32, 120, 8);
    default:
      return [];
  }
}

/** Whether Fargate accepts `cpu` units with `memory` MiB. */
export const fargateMemoryAllowed = (cpu: number, memory: number): boolean =>
  fargateMemoryChoicesMiB(cpu).includes(memory);
