import { GUIDE_THRESHOLDS } from "../components/monitoring/thresholds";
import { GUIDE_PGBOUNCER } from "../components/pooling/poolSettings";

/**
 * Every secure default and every environment profile in one place, so a reviewer sees each policy
 * decision in one diff. The guide's pool and alarm numbers are the named constants of the components
 * that use them (`GUIDE_PGBOUNCER`, `GUIDE_THRESHOLDS`) and are not restated here. `infra/config.ts`
 * applies these (Pulumi.yaml declares the same defaults for the CLI; a test keeps the two in step).
 */

export const ENVIRONMENTS = ["dev", "prod"] as const;

/**
 * Stacks that hold production data, by name: `prod`, `production`, and names starting or ending with
 * them (`prod-eu`, `eu-prod`). Such a stack always runs the prod profile: its stack file cannot choose dev.
 */
export const PRODUCTION_STACK = /^(prod|production)([-_.].*)?$|[-_.](prod|production)$/i;
export const isProductionStack = (stack: string): boolean => PRODUCTION_STACK.test(stack);
export type Environment = (typeof ENVIRONMENTS)[number];

/** RDS hard limits and AWS-allowed values. */
export const RDS_LIMITS = {
  maxBackupRetentionDays: 35,
  minAllocatedStorageGb: 20,
  maxAllocatedStorageGb: 65_536,
  monitoringIntervals: [1, 5, 10, 15, 30, 60],
  /** Performance Insights: 7 days (free tier), any multiple of 31 up to 713, or 731. */
  performanceInsightsRetention: [7, ...Array.from({ length: 23 }, (_, i) => 31 * (i + 1)), 731],
  minEngineMajor: 14,
  /** Certificate authorities RDS currently issues; rds-ca-2019 expired in August 2024. */
  currentCas: ["rds-ca-rsa2048-g1", "rds-ca-rsa4096-g1", "rds-ca-ecc384-g1"],
  engineLifecycles: ["open-source-rds-extended-support", "open-source-rds-extended-support-disabled"],
} as const;

/** CloudWatch Logs accepts only these retention values. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/**
 * HIPAA asks covered entities to keep documentation of security activity for six years
 * (45 CFR 164.316(b)(2)(i)); 2192 days is the CloudWatch retention value that covers it.
 */
export const HIPAA_RETENTION_DAYS = 2192;

/** Extensions the platform database guide creates, plus pg_stat_statements from its monitoring section. */
export const GUIDE_EXTENSIONS = [
  "uuid-ossp",
  "pgcrypto",
  "cube",
  "earthdistance",
  "pg_stat_statements",
] as const;
/** Extensions that may be added through config. */
export const ALLOWED_EXTENSIONS = [
  ...GUIDE_EXTENSIONS,
  "postgis",
  "pgaudit",
  "pg_trgm",
  "btree_gin",
  "btree_gist",
  "citext",
  "hstore",
  "fuzzystrmatch",
] as const;

export const POOLERS = ["rds-proxy", "pgbouncer", "none"] as const;
export type Pooler = (typeof POOLERS)[number];

export const VAULT_LOCK_MODES = ["compliance", "governance", "none"] as const;
export type VaultLockMode = (typeof VAULT_LOCK_MODES)[number];

/** Default disaster-recovery region for a primary region (the guide: "a separate geographic location"). */
export const DEFAULT_DR_REGIONS: Readonly<Record<string, string>> = {
  "us-east-1": "us-west-2",
  "us-east-2": "us-west-2",
  "us-west-1": "us-east-1",
  "us-west-2": "us-east-1",
  "eu-west-1": "eu-central-1",
  "eu-central-1": "eu-west-1",
  "ca-central-1": "ca-west-1",
};

/**
 * Defaults that do not depend on the environment. Key names are the config keys.
 */
export const COMMON_DEFAULTS = {
  engineVersion: "16",
  databaseName: "verscienta_health",
  masterUsername: "verscienta_admin",
  caCertIdentifier: "rds-ca-rsa2048-g1",
  backupWindow: "03:00-04:00",
  maintenanceWindow: "sun:05:00-sun:06:00",
  monitoringIntervalSeconds: 60,
  performanceInsightsRetentionDays: 7,
  pgauditEnabled: true,
  /** DDL and role changes; data-modifying statements are already logged by log_statement=mod. */
  pgauditLog: "ddl,role",
  vpcCidr: "10.40.0.0/16",
  privateSubnetIds: [] as string[],
  allowedSecurityGroupIds: [] as string[],
  allowedCidrs: [] as string[],

  // Database access (roles, extensions)
  manageDatabaseObjects: true,
  extensions: [...GUIDE_EXTENSIONS] as string[],
  ownerRoleName: "verscienta_owner",
  appRoleName: "app_user",
  analyticsRoleName: "analytics_readonly",
  ownerConnectionLimit: 5,
  appConnectionLimit: 100,
  analyticsConnectionLimit: 10,
  iamAuthRoles: [] as string[],
  masterPasswordRotationDays: 30,
  appPasswordRotationDays: 30,

  // Pooling
  proxyDebugLogging: false,
  proxyRequireIam: false,
  /** Leaves 25% of max_connections for admin sessions, migrations and the replication slot. */
  proxyMaxConnectionsPercent: 75,
  proxyMaxIdleConnectionsPercent: 50,
  /** Guide: the app closes idle connections itself; the proxy drops forgotten clients after 30 min. */
  proxyIdleClientTimeoutSeconds: 1800,
  /** Guide: connectionTimeoutMillis 5000. */
  proxyConnectionBorrowTimeoutSeconds: 5,
  pgbouncerCpu: 512,
  pgbouncerMemoryMiB: 1024,
  /** The guide's 100 cannot "handle 1000s of client connections"; sized for thousands. */
  pgbouncerMaxClientConn: GUIDE_PGBOUNCER.maxClientConn,
  pgbouncerDefaultPoolSize: GUIDE_PGBOUNCER.defaultPoolSize,
  pgbouncerMinPoolSize: GUIDE_PGBOUNCER.minPoolSize,
  pgbouncerReservePoolSize: GUIDE_PGBOUNCER.reservePoolSize,
  pgbouncerReservePoolTimeoutSeconds: GUIDE_PGBOUNCER.reservePoolTimeoutSeconds,

  // Monitoring (the guide's "Alerting Thresholds", then what a DBA adds)
  alarmEmails: [] as string[],
  alarmHttpsEndpoints: [] as string[],
  alarmCpuPercent: GUIDE_THRESHOLDS.cpuPercent,
  alarmCpuMinutes: GUIDE_THRESHOLDS.cpuMinutes,
  alarmFreeableMemoryPercent: GUIDE_THRESHOLDS.freeableMemoryPercent,
  alarmFreeStoragePercent: GUIDE_THRESHOLDS.freeStoragePercent,
  alarmConnectionsPercent: GUIDE_THRESHOLDS.connectionsPercent,
  alarmReplicaLagSeconds: GUIDE_THRESHOLDS.replicaLagSeconds,
  alarmSlowQuerySeconds: GUIDE_THRESHOLDS.slowQuerySeconds,
  /** Wraparound protection: PostgreSQL stops accepting writes near 2^31; act at ~1 billion. */
  alarmMaxUsedTransactionIds: GUIDE_THRESHOLDS.maxUsedTransactionIds,
  alarmDiskQueueDepth: GUIDE_THRESHOLDS.diskQueueDepth,
  alarmCpuCreditBalance: GUIDE_THRESHOLDS.cpuCreditBalance,
  alarmAuthFailures: GUIDE_THRESHOLDS.authFailures,

  // Backups and disaster recovery
  drEnabled: true,
  backupDailyRetentionDays: 35,
  restoreTestingEnabled: true,
} as const;

/**
 * Environment profiles. `dev` may relax cost (single AZ, smaller class, shorter backups, no deletion
 * protection), never encryption, TLS or privacy. `prod` refuses the relaxations (see config.ts).
 */
export const PROFILE_DEFAULTS = {
  dev: {
    instanceClass: "db.t4g.medium",
    allocatedStorageGb: 20,
    maxAllocatedStorageGb: 100,
    multiAz: false,
    deletionProtection: false,
    backupRetentionDays: 7,
    logRetentionDays: 365,
    readReplicaCount: 0,
    pooler: "none" as Pooler,
    pgbouncerDesiredCount: 1,
    backupMonthlyRetentionDays: 365,
    backupVaultLockMode: "governance" as VaultLockMode,
  },
  prod: {
    instanceClass: "db.r6g.large",
    allocatedStorageGb: 100,
    maxAllocatedStorageGb: 1000,
    multiAz: true,
    deletionProtection: true,
    backupRetentionDays: 35,
    logRetentionDays: HIPAA_RETENTION_DAYS,
    // No read replica: RDS cannot create one while the source's master password is managed by Secrets
    // Manager (RDS User Guide, "Limitations for Secrets Manager integration with Amazon RDS";
    // terraform-aws-modules/terraform-aws-rds#512). Availability rests on the Multi-AZ standby, DR on the
    // cross-region copies: see README "Decision: the prod topology".
    readReplicaCount: 0,
    pooler: "rds-proxy" as Pooler,
    pgbouncerDesiredCount: 2,
    backupMonthlyRetentionDays: HIPAA_RETENTION_DAYS,
    backupVaultLockMode: "compliance" as VaultLockMode,
  },
} as const;

/**
 * The guide's application-side pool (`postgresAdapter({ pool })`), exported for the app's adapter.
 */
export const APP_POOL = {
  dev: { max: 10, min: 2, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 5_000, maxUses: 7_500 },
  prod: { max: 20, min: 5, idleTimeoutMillis: 30_000, connectionTimeoutMillis: 5_000, maxUses: 7_500 },
} as const;

/** Tags on every resource. DataClassification drives AWS Backup selection and audits. */
export const BASE_TAGS = {
  Project: "verscienta-health",
  ManagedBy: "pulumi",
  DataClassification: "phi",
  Compliance: "hipaa",
} as const;
