/**
 * What each config key means and what it protects. Generates the `config:` block of Pulumi.yaml and the
 * README's configuration table (`npm run docs:config`); a test fails when either is stale.
 */
import type { ConfigKey } from "./config";

export interface KeyDoc {
  readonly type: "string" | "integer" | "boolean" | "array";
  readonly section:
    | "Foundation"
    | "Network"
    | "Database access"
    | "Pooling"
    | "Monitoring"
    | "Backups and DR";
  readonly description: string;
}

export const CONFIG_DOCS: Record<ConfigKey, KeyDoc> = {
  environment: {
    type: "string",
    section: "Foundation",
    description: "Profile: `dev` (may relax cost) or `prod` (strict; refuses every relaxation). Required.",
  },
  engineVersion: {
    type: "string",
    section: "Foundation",
    description:
      "PostgreSQL version, major (`16`) or major.minor; 14 or later. Drives the parameter-group family.",
  },
  instanceClass: {
    type: "string",
    section: "Foundation",
    description: "RDS instance class. prod refuses burstable `db.t*` classes.",
  },
  allocatedStorageGb: {
    type: "integer",
    section: "Foundation",
    description: "Initial gp3 storage in GiB (20–65536).",
  },
  maxAllocatedStorageGb: {
    type: "integer",
    section: "Foundation",
    description: "Storage autoscaling ceiling in GiB; above allocatedStorageGb.",
  },
  multiAz: {
    type: "boolean",
    section: "Foundation",
    description: "Standby in a second AZ (contingency plan, 164.308(a)(7)). prod: must be true.",
  },
  deletionProtection: {
    type: "boolean",
    section: "Foundation",
    description: "RDS deletion protection (integrity, 164.312(c)(1)). prod: must be true.",
  },
  backupRetentionDays: {
    type: "integer",
    section: "Foundation",
    description: "Automated backups / point-in-time recovery window, 1–35 days (0 is refused). prod: 35.",
  },
  backupWindow: {
    type: "string",
    section: "Foundation",
    description: "Daily backup window, UTC `hh:mm-hh:mm`, at least 30 minutes, not overlapping maintenance.",
  },
  maintenanceWindow: {
    type: "string",
    section: "Foundation",
    description: "Weekly maintenance window, UTC `ddd:hh:mm-ddd:hh:mm`.",
  },
  caCertIdentifier: {
    type: "string",
    section: "Foundation",
    description: "Server certificate authority; only current RDS CAs are accepted (`rds-ca-2019` expired).",
  },
  engineLifecycleSupport: {
    type: "string",
    section: "Foundation",
    description:
      "Explicit choice, no default: `open-source-rds-extended-support` (paid support after end of standard support) or `open-source-rds-extended-support-disabled`.",
  },
  databaseName: { type: "string", section: "Foundation", description: "Database created on the instance." },
  masterUsername: {
    type: "string",
    section: "Foundation",
    description:
      "Master user; its password is generated and rotated by RDS in Secrets Manager, never in config or state.",
  },
  logRetentionDays: {
    type: "integer",
    section: "Foundation",
    description:
      "Retention of the postgresql/upgrade log groups and VPC flow logs (audit controls, 164.312(b)). prod: at least 2192 (six years, 164.316(b)(2)(i)).",
  },
  monitoringIntervalSeconds: {
    type: "integer",
    section: "Foundation",
    description: "Enhanced monitoring interval: 1, 5, 10, 15, 30 or 60 (0, off, is refused).",
  },
  performanceInsightsRetentionDays: {
    type: "integer",
    section: "Foundation",
    description:
      "Performance Insights retention: 7, a multiple of 31 up to 713, or 731. Always encrypted with the stack key.",
  },
  readReplicaCount: {
    type: "integer",
    section: "Foundation",
    description:
      "Read replicas (0–5). Refused while RDS manages the master password (RDS cannot create a replica of such an instance); see README topology decision.",
  },
  pgauditEnabled: {
    type: "boolean",
    section: "Foundation",
    description: "Preload pgaudit and set `pgaudit.log` (audit controls, 164.312(b)).",
  },
  pgauditLog: {
    type: "string",
    section: "Foundation",
    description: "pgaudit statement classes; data changes are already logged by `log_statement=mod`.",
  },
  maxConnections: {
    type: "integer",
    section: "Foundation",
    description:
      "Explicit `max_connections` (20–5000). Unset: RDS's `LEAST(DBInstanceClassMemory/9531392, 5000)`.",
  },
  vpcId: {
    type: "string",
    section: "Network",
    description:
      "Existing VPC; set with privateSubnetIds. Unset: an isolated VPC with no internet gateway is created.",
  },
  privateSubnetIds: {
    type: "array",
    section: "Network",
    description: "Existing private subnets in at least 2 AZs; set with vpcId.",
  },
  vpcCidr: { type: "string", section: "Network", description: "Private CIDR of the created VPC (/16–/24)." },
  allowedSecurityGroupIds: {
    type: "array",
    section: "Network",
    description: "Security groups admitted on 5432 (apps). The pooler's group is added by the stack.",
  },
  allowedCidrs: {
    type: "array",
    section: "Network",
    description: "Private (RFC 1918) CIDRs admitted on 5432; public ranges are refused (164.312(e)(1)).",
  },
  manageDatabaseObjects: {
    type: "boolean",
    section: "Database access",
    description:
      "Create roles, extensions and grants inside the database (needs a network path: tunnel or in-VPC runner). false leaves them out, with a warning.",
  },
  databaseTunnelHost: {
    type: "string",
    section: "Database access",
    description:
      "Local end of an SSM/bastion tunnel used by the PostgreSQL provider; set with databaseTunnelPort.",
  },
  databaseTunnelPort: {
    type: "integer",
    section: "Database access",
    description: "Local port of the tunnel; set with databaseTunnelHost.",
  },
  extensions: {
    type: "array",
    section: "Database access",
    description:
      "Extensions to create (the guide's five by default; postgis, pgaudit and a few more allowed).",
  },
  ownerRoleName: {
    type: "string",
    section: "Database access",
    description: "Owner/migrator role: owns the schema, runs migrations.",
  },
  appRoleName: {
    type: "string",
    section: "Database access",
    description: "Application role: CRUD on tables, sequences; no DDL, owns nothing.",
  },
  analyticsRoleName: {
    type: "string",
    section: "Database access",
    description: "Read-only role (`default_transaction_read_only`).",
  },
  ownerConnectionLimit: {
    type: "integer",
    section: "Database access",
    description: "Connection limit of the owner role.",
  },
  appConnectionLimit: {
    type: "integer",
    section: "Database access",
    description: "Connection limit of the app role.",
  },
  analyticsConnectionLimit: {
    type: "integer",
    section: "Database access",
    description: "Connection limit of the analytics role.",
  },
  iamAuthRoles: {
    type: "array",
    section: "Database access",
    description: "Roles that log in with IAM tokens (`rds_iam`) instead of a password.",
  },
  masterPasswordRotationDays: {
    type: "integer",
    section: "Database access",
    description: "Rotation schedule of the RDS-managed master secret (access control, 164.308(a)(5)(ii)(D)).",
  },
  appPasswordRotationDays: {
    type: "integer",
    section: "Database access",
    description: "Rotation schedule of the app roles' secrets (alternating users).",
  },
  pooler: { type: "string", section: "Pooling", description: "`rds-proxy`, `pgbouncer` or `none`." },
  proxyDebugLogging: {
    type: "boolean",
    section: "Pooling",
    description: "RDS Proxy debug logging writes SQL text (possible PHI) to logs. prod refuses true.",
  },
  proxyRequireIam: {
    type: "boolean",
    section: "Pooling",
    description:
      "End-to-end IAM at the proxy (`IAM_AUTH`): clients and the proxy sign in with IAM; every proxy-served role must be in iamAuthRoles.",
  },
  proxyMaxConnectionsPercent: {
    type: "integer",
    section: "Pooling",
    description: "Share of max_connections the proxy may use; the rest is headroom for admin and migrations.",
  },
  proxyMaxIdleConnectionsPercent: {
    type: "integer",
    section: "Pooling",
    description: "Idle connections the proxy keeps, as a share of max_connections.",
  },
  proxyIdleClientTimeoutSeconds: {
    type: "integer",
    section: "Pooling",
    description: "Proxy closes idle client connections after this.",
  },
  proxyConnectionBorrowTimeoutSeconds: {
    type: "integer",
    section: "Pooling",
    description: "How long a client waits for a pooled connection (guide: 5 s).",
  },
  pgbouncerImage: {
    type: "string",
    section: "Pooling",
    description:
      "PgBouncer container image pinned by digest (`repo@sha256:...`); required with pooler=pgbouncer.",
  },
  pgbouncerDesiredCount: {
    type: "integer",
    section: "Pooling",
    description: "PgBouncer tasks; prod at least 2 across AZs.",
  },
  pgbouncerCpu: { type: "integer", section: "Pooling", description: "Fargate CPU units per task." },
  pgbouncerMemoryMiB: { type: "integer", section: "Pooling", description: "Fargate memory per task (MiB)." },
  pgbouncerMaxClientConn: {
    type: "integer",
    section: "Pooling",
    description: "Client connections per task (the guide's 100 is too few for thousands of clients).",
  },
  pgbouncerDefaultPoolSize: {
    type: "integer",
    section: "Pooling",
    description: "Server connections per database/user pair (guide: 20).",
  },
  pgbouncerMinPoolSize: {
    type: "integer",
    section: "Pooling",
    description: "Warm server connections (guide: 5).",
  },
  pgbouncerReservePoolSize: {
    type: "integer",
    section: "Pooling",
    description: "Extra connections under load (guide: 5).",
  },
  pgbouncerReservePoolTimeoutSeconds: {
    type: "integer",
    section: "Pooling",
    description: "Wait before using the reserve pool (guide: 3).",
  },
  alarmEmails: {
    type: "array",
    section: "Monitoring",
    description:
      "E-mail subscribers of the alarm and DR topics. prod: at least one subscriber here or in alarmHttpsEndpoints.",
  },
  alarmHttpsEndpoints: {
    type: "array",
    section: "Monitoring",
    description: "HTTPS subscribers of the alarm topic (http is refused).",
  },
  alarmCpuPercent: {
    type: "integer",
    section: "Monitoring",
    description: "CPUUtilization alarm threshold (guide: 80%).",
  },
  alarmCpuMinutes: {
    type: "integer",
    section: "Monitoring",
    description: "How long CPU must stay high (guide: 5 minutes).",
  },
  alarmFreeableMemoryPercent: {
    type: "integer",
    section: "Monitoring",
    description: "FreeableMemory alarm, percent of the class's memory (guide: 10%).",
  },
  alarmFreeStoragePercent: {
    type: "integer",
    section: "Monitoring",
    description: "FreeStorageSpace alarm, percent of allocated storage (guide: 20%).",
  },
  alarmConnectionsPercent: {
    type: "integer",
    section: "Monitoring",
    description: "DatabaseConnections alarm, percent of max_connections (guide: 90%).",
  },
  alarmReplicaLagSeconds: {
    type: "integer",
    section: "Monitoring",
    description: "ReplicaLag alarm on replicas (guide: 10 s).",
  },
  alarmSlowQuerySeconds: {
    type: "integer",
    section: "Monitoring",
    description: "Slow-query alarm from the postgresql log (guide: 5 s).",
  },
  alarmMaxUsedTransactionIds: {
    type: "integer",
    section: "Monitoring",
    description: "Transaction-ID wraparound alarm.",
  },
  alarmDiskQueueDepth: { type: "integer", section: "Monitoring", description: "DiskQueueDepth alarm." },
  alarmCpuCreditBalance: {
    type: "integer",
    section: "Monitoring",
    description: "CPUCreditBalance alarm (burstable classes only).",
  },
  alarmAuthFailures: {
    type: "integer",
    section: "Monitoring",
    description: "Failed logins per 5 minutes (log-in monitoring, 164.308(a)(5)(ii)(C)).",
  },
  drEnabled: {
    type: "boolean",
    section: "Backups and DR",
    description: "Copy backups to the DR region. prod refuses false.",
  },
  drRegion: {
    type: "string",
    section: "Backups and DR",
    description: "DR region; default us-west-2 for us-east-1 (see DEFAULT_DR_REGIONS).",
  },
  backupDailyRetentionDays: {
    type: "integer",
    section: "Backups and DR",
    description: "AWS Backup daily rule retention (at least 35).",
  },
  backupMonthlyRetentionDays: {
    type: "integer",
    section: "Backups and DR",
    description: "AWS Backup monthly rule retention, copied to the DR region. prod: at least 2192.",
  },
  backupVaultLockMode: {
    type: "string",
    section: "Backups and DR",
    description:
      "`compliance` (immutable), `governance`, or `none` (deny-delete vault policy only). prod refuses none.",
  },
  restoreTestingEnabled: {
    type: "boolean",
    section: "Backups and DR",
    description: "Monthly AWS Backup restore testing. prod refuses false.",
  },
};
