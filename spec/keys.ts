/**
 * Every config key, in one place: its value schema, its default (the strict prod profile, as Pulumi.yaml
 * declares it), the value the dev stack file states, its section and doc, what prod refuses and what dev
 * prints as a relaxation. Everything else is derived from these entries: the PlatformConfig type, the
 * defaults parseConfig applies, Pulumi.yaml, Pulumi.dev.yaml and the README table
 * (`npm run docs:config`), the prod refusals and the dev warnings. Pure: no Pulumi, no I/O.
 *
 * Changing a decision is a one-line edit here or in the floors it names (spec/hipaa.ts,
 * spec/awsLimits.ts, spec/guide.ts); then run `npm run docs:config`.
 */
import { z } from "zod";
import { FARGATE_CPU_UNITS, LOG_RETENTION_DAYS, RDS_LIMITS } from "./awsLimits";
import {
  ALLOWED_EXTENSIONS,
  type APP_POOL,
  GUIDE_DATABASE,
  GUIDE_EXTENSIONS,
  GUIDE_PGBOUNCER,
  GUIDE_PROXY,
  GUIDE_ROLES,
  GUIDE_THRESHOLDS,
} from "./guide";
import {
  AUDIT_RETENTION_DAYS,
  DAILY_BACKUP_MIN_DAYS,
  HIPAA_CONTROLS as H,
  PROD_MIN_PGBOUNCER_TASKS,
  PROD_PITR_DAYS,
} from "./hipaa";
import {
  AWS_REGION,
  BACKUP_WINDOW,
  DIGEST_IMAGE,
  EMAIL,
  ENGINE_VERSION,
  HTTPS_URL,
  INSTANCE_CLASS,
  IPV4_CIDR,
  MAINTENANCE_WINDOW,
  PG_IDENTIFIER,
  PGAUDIT_LOG,
  SECURITY_GROUP_ID,
  SUBNET_ID,
  VPC_ID,
} from "./identifiers";
import { bool, fromString, int, list, oneOf, oneOfNumbers, str } from "./schemas";

export const ENVIRONMENTS = ["dev", "prod"] as const;
export type Environment = (typeof ENVIRONMENTS)[number];
export const POOLERS = ["rds-proxy", "pgbouncer", "none"] as const;
export type Pooler = (typeof POOLERS)[number];
export const VAULT_LOCK_MODES = ["compliance", "governance", "none"] as const;
export type VaultLockMode = (typeof VAULT_LOCK_MODES)[number];

/** The region the dev stack file names. */
export const DEV_REGION = "us-east-1";

export type Section =
  | "Foundation"
  | "Network"
  | "Database access"
  | "Pooling"
  | "Monitoring"
  | "Backups and DR";
/** The type Pulumi.yaml declares for the key. */
export type DocType = "string" | "integer" | "boolean" | "array";

/** The values validated so far, by key (a key that failed validation is absent). */
export type Values = Readonly<Record<string, unknown>>;

/** What prod refuses for one key. `kind` and `value` say it as data; `refuses` applies it. */
export interface ProdRule<T> {
  readonly kind: "equals" | "atLeast" | "notValue" | "refuse";
  /** The required value (equals), the floor (atLeast) or the refused value (notValue). */
  readonly value?: unknown;
  /** The HIPAA Security Rule section the rule protects. */
  readonly control?: string;
  /** Complete problem text after "<key>: <value> ": what is wrong, why it matters, the fix. */
  readonly message: string;
  refuses(value: T, all: Values): boolean;
}

/** How dev prints a value prod would refuse: `<what>: <note> (weakens HIPAA <weakens>)`. */
export interface Relaxation {
  /** Replaces `<key>=<value>` when the relaxation spans keys. */
  readonly what?: string;
  readonly note?: string;
  /** The control weakened, with what it is called. */
  readonly weakens: string;
}

export interface KeySpec<S extends z.ZodType> {
  readonly schema: S;
  readonly type: DocType;
  readonly section: Section;
  /** The description in Pulumi.yaml and the README table. */
  readonly doc: string;
  /** Pulumi.yaml's default: the strict (prod) value. Absent: every stack must choose (see `required`). */
  readonly default?: z.output<S>;
  /** The value Pulumi.dev.yaml states; absent: dev inherits the default. */
  readonly dev?: z.output<S>;
  /** What prod refuses (dev accepts it, printed as a relaxation when `relaxation` is set). */
  readonly prod?: ProdRule<z.output<S>>;
  readonly relaxation?: Relaxation;
  /** The problem text when a key without a default is unset. */
  readonly required?: string;
  /** Optional key: its Pulumi.yaml default ("" or 0) means unset. */
  readonly optional?: boolean;
}

const key = <S extends z.ZodType>(spec: KeySpec<S>): KeySpec<S> => spec;
/** An optional key: the type says so, so PlatformConfig marks it `?`. */
const optionalKey = <S extends z.ZodType>(
  spec: KeySpec<S> & { readonly default: "" | 0 },
): KeySpec<S> & { readonly optional: true } => ({ ...spec, optional: true });

// ---- Prod rules, as data ------------------------------------------------------------------------

/** prod requires exactly `value`; the message names the control and why. */
const mustBe = (value: boolean, control: string, why: string): ProdRule<boolean> => ({
  kind: "equals",
  value,
  control,
  message: `is refused in prod: ${why} (HIPAA ${control}). Set it to ${value}.`,
  refuses: (v) => v !== value,
});
/** prod requires at least `min`, optionally only when `onlyIf` holds for the other keys. */
const atLeast = (
  min: number,
  message: string,
  control?: string,
  onlyIf?: (all: Values) => boolean,
): ProdRule<number> => ({
  kind: "atLeast",
  value: min,
  control,
  message,
  refuses: (v, all) => v < min && (onlyIf?.(all) ?? true),
});
const notValue = <T>(value: T, message: string): ProdRule<T> => ({
  kind: "notValue",
  value,
  message,
  refuses: (v) => v === value,
});
const refuse = <T>(test: (v: T, all: Values) => boolean, message: string, control?: string): ProdRule<T> => ({
  kind: "refuse",
  control,
  message,
  refuses: test,
});

const identFix = "Use a lowercase PostgreSQL identifier: letters, digits and _, starting with a letter or _.";
const storageFix = `Use ${RDS_LIMITS.minAllocatedStorageGb} to ${RDS_LIMITS.maxAllocatedStorageGb} GiB.`;
const maxPitr = RDS_LIMITS.maxBackupRetentionDays;

/**
 * Keys the platform no longer reads, and what replaced each: the config loader refuses them with this
 * sentence instead of "not a known config key", so a stack file written for an older version says
 * what to do.
 */
export const REMOVED_KEYS: Readonly<Record<string, string>> = Object.freeze({
  manageDatabaseObjects:
    "was removed: roles, grants and extensions are always created, by the database operations function inside the VPC (docs/database-operations.md); Pulumi needs no network path to the database. Delete the line.",
  databaseTunnelHost:
    "was removed: Pulumi no longer connects to the database (no tunnel); the database operations function applies the access model from inside the VPC (docs/database-operations.md). Delete the line.",
  databaseTunnelPort:
    "was removed: Pulumi no longer connects to the database (no tunnel); the database operations function applies the access model from inside the VPC (docs/database-operations.md). Delete the line.",
});

/** Every config key. Keys not listed here are rejected (typos are caught). */
export const KEYS = {
  // ---- Foundation ------------------------------------------------------------------------------
  environment: key({
    schema: oneOf(ENVIRONMENTS),
    type: "string",
    section: "Foundation",
    doc: "Profile: `dev` (may relax cost) or `prod` (strict; refuses every relaxation). Required.",
    dev: "dev",
    required: 'is required. Set "environment: dev" or "environment: prod" in the stack file.',
  }),
  engineVersion: key({
    schema: str(ENGINE_VERSION, 'Use a PostgreSQL major version such as "16" (or "16.4").'),
    type: "string",
    section: "Foundation",
    doc: `PostgreSQL version, major (\`16\`) or major.minor; ${RDS_LIMITS.minEngineMajor} or later. Drives the parameter-group family.`,
    default: "16",
  }),
  instanceClass: key({
    schema: str(INSTANCE_CLASS, 'Use an RDS instance class such as "db.r6g.large".'),
    type: "string",
    section: "Foundation",
    doc: "RDS instance class. prod refuses burstable `db.t*` classes.",
    default: "db.r6g.large",
    dev: "db.t4g.medium",
    prod: refuse<string>(
      (v) => v.startsWith("db.t"),
      "is a burstable class; prod needs steady CPU. Use a db.m or db.r class.",
    ),
  }),
  allocatedStorageGb: key({
    schema: int(RDS_LIMITS.minAllocatedStorageGb, RDS_LIMITS.maxAllocatedStorageGb, storageFix),
    type: "integer",
    section: "Foundation",
    doc: `Initial gp3 storage in GiB (${RDS_LIMITS.minAllocatedStorageGb}–${RDS_LIMITS.maxAllocatedStorageGb}).`,
    default: 100,
    dev: 20,
  }),
  maxAllocatedStorageGb: key({
    schema: int(RDS_LIMITS.minAllocatedStorageGb, RDS_LIMITS.maxAllocatedStorageGb, storageFix),
    type: "integer",
    section: "Foundation",
    doc: "Storage autoscaling ceiling in GiB; above allocatedStorageGb.",
    default: 1000,
    dev: 100,
  }),
  multiAz: key({
    schema: bool(),
    type: "boolean",
    section: "Foundation",
    doc: `Standby in a second AZ (contingency plan, ${H.contingencyPlan}). prod: must be true.`,
    default: true,
    dev: false,
    prod: mustBe(true, H.contingencyPlan, "a single AZ weakens the contingency plan"),
    relaxation: { note: "single AZ", weakens: `${H.contingencyPlan} contingency plan` },
  }),
  deletionProtection: key({
    schema: bool(),
    type: "boolean",
    section: "Foundation",
    doc: `RDS deletion protection (integrity, ${H.integrity}). prod: must be true.`,
    default: true,
    dev: false,
    prod: mustBe(true, H.integrity, "deleting the database would destroy PHI and its audit trail"),
    relaxation: { weakens: `${H.integrity} integrity` },
  }),
  backupRetentionDays: key({
    // Its own messages: the generic ones would not say what 0 means or whose maximum 35 is.
    schema: z.preprocess(
      fromString,
      z
        .number({ error: `is not a number. Use 1 to ${maxPitr} days.` })
        .int({ error: `is not a whole number of days. Use 1 to ${maxPitr}.` })
        .min(1, { error: `disables automated backups and point-in-time recovery. Use 1 to ${maxPitr} days.` })
        .max(maxPitr, { error: `is above the RDS maximum of ${maxPitr}. Use 1 to ${maxPitr} days.` }),
    ),
    type: "integer",
    section: "Foundation",
    doc: `Automated backups / point-in-time recovery window, 1–${maxPitr} days (0 is refused). prod: ${PROD_PITR_DAYS}.`,
    default: PROD_PITR_DAYS,
    dev: 7,
    prod: atLeast(
      PROD_PITR_DAYS,
      `is below the ${PROD_PITR_DAYS} days prod keeps for point-in-time recovery (HIPAA ${H.dataBackupPlan}). Set it to ${PROD_PITR_DAYS}.`,
      H.dataBackupPlan,
    ),
    relaxation: { weakens: `${H.dataBackupPlan} data backup plan` },
  }),
  backupWindow: key({
    schema: str(BACKUP_WINDOW, 'Use "hh24:mi-hh24:mi" in UTC, at least 30 minutes, e.g. "03:00-04:00".'),
    type: "string",
    section: "Foundation",
    doc: "Daily backup window, UTC `hh:mm-hh:mm`, at least 30 minutes, not overlapping maintenance.",
    default: "03:00-04:00",
  }),
  maintenanceWindow: key({
    schema: str(MAINTENANCE_WINDOW, 'Use "ddd:hh24:mi-ddd:hh24:mi" in UTC, e.g. "sun:05:00-sun:06:00".'),
    type: "string",
    section: "Foundation",
    doc: "Weekly maintenance window, UTC `ddd:hh:mm-ddd:hh:mm`.",
    default: "sun:05:00-sun:06:00",
  }),
  caCertIdentifier: key({
    schema: oneOf(RDS_LIMITS.currentCas),
    type: "string",
    section: "Foundation",
    doc: "Server certificate authority; only current RDS CAs are accepted (`rds-ca-2019` expired).",
    default: "rds-ca-rsa2048-g1",
  }),
  engineLifecycleSupport: key({
    schema: oneOf(RDS_LIMITS.engineLifecycles),
    type: "string",
    section: "Foundation",
    doc: "Explicit choice, no default: `open-source-rds-extended-support` (paid support after end of standard support) or `open-source-rds-extended-support-disabled`.",
    dev: "open-source-rds-extended-support-disabled",
    required: `is required: choose "open-source-rds-extended-support" (paid support past end of standard support, no forced major upgrade) or "open-source-rds-extended-support-disabled" (RDS upgrades the engine when standard support ends).`,
  }),
  databaseName: key({
    schema: str(PG_IDENTIFIER, identFix),
    type: "string",
    section: "Foundation",
    doc: "Database created on the instance.",
    default: GUIDE_DATABASE.name,
  }),
  masterUsername: key({
    schema: str(PG_IDENTIFIER, identFix),
    type: "string",
    section: "Foundation",
    doc: "Master user; its password is generated and rotated by RDS in Secrets Manager, never in config or state.",
    default: GUIDE_DATABASE.masterUsername,
  }),
  logRetentionDays: key({
    schema: oneOfNumbers(LOG_RETENTION_DAYS, "a CloudWatch Logs retention value"),
    type: "integer",
    section: "Foundation",
    doc: `Retention of the postgresql/upgrade log groups and VPC flow logs (audit controls, ${H.auditControls}). prod: at least ${AUDIT_RETENTION_DAYS} (six years, ${H.documentationRetention}).`,
    default: AUDIT_RETENTION_DAYS,
    dev: 365,
    prod: atLeast(
      AUDIT_RETENTION_DAYS,
      `is below six years (${AUDIT_RETENTION_DAYS} days) of audit logs (HIPAA ${H.documentationRetention}). Set it to ${AUDIT_RETENTION_DAYS} or more.`,
      H.documentationRetention,
    ),
  }),
  monitoringIntervalSeconds: key({
    schema: oneOfNumbers(RDS_LIMITS.monitoringIntervals, "an enhanced-monitoring interval"),
    type: "integer",
    section: "Foundation",
    doc: "Enhanced monitoring interval: 1, 5, 10, 15, 30 or 60 (0, off, is refused).",
    default: 60,
  }),
  performanceInsightsRetentionDays: key({
    schema: oneOfNumbers(
      RDS_LIMITS.performanceInsightsRetention,
      "a Performance Insights retention (7, a multiple of 31 up to 713, or 731)",
    ),
    type: "integer",
    section: "Foundation",
    doc: "Performance Insights retention: 7, a multiple of 31 up to 713, or 731. Always encrypted with the stack key.",
    default: 7,
  }),
  databaseInsightsMode: key({
    schema: oneOf(RDS_LIMITS.databaseInsightsModes),
    type: "string",
    section: "Foundation",
    doc: `CloudWatch Database Insights mode, stated rather than left to RDS (the Performance Insights console ended 2026-07-31): \`standard\` (Performance Insights pricing: 7 days included, longer retention billed as before) or \`advanced\` (adds execution plans, lock analysis and fleet views; billed per vCPU-hour at CloudWatch prices, so it costs more, and needs performanceInsightsRetentionDays of at least ${RDS_LIMITS.advancedInsightsMinRetentionDays}). prod accepts either.`,
    // standard in every stack: Database Insights is performance tooling, not a HIPAA audit control (the
    // audit trail is pgaudit into the six-year log groups, and CloudTrail); advanced adds a per-vCPU charge
    // and 15 months of encrypted query samples. A stack that wants execution plans opts in and raises
    // performanceInsightsRetentionDays (the preflight refuses advanced below 465 days).
    // RDS User Guide, "Turning Performance Insights on and off": with no action, instances move to Standard.
    default: "standard",
  }),
  readReplicaCount: key({
    schema: int(0, 5, "Use 0 to 5 read replicas."),
    type: "integer",
    section: "Foundation",
    doc: "Read replicas (0–5). Refused while RDS manages the master password (RDS cannot create a replica of such an instance); see README topology decision.",
    // No read replica: RDS cannot create one while the source's master password is managed by Secrets
    // Manager (RDS User Guide, "Limitations for Secrets Manager integration with Amazon RDS";
    // terraform-aws-modules/terraform-aws-rds#512). Availability rests on the Multi-AZ standby, DR on the
    // cross-region copies: see README "Decision: the prod topology".
    default: 0,
    dev: 0,
  }),
  pgauditEnabled: key({
    schema: bool(),
    type: "boolean",
    section: "Foundation",
    doc: `Preload pgaudit and set \`pgaudit.log\` (audit controls, ${H.auditControls}).`,
    default: true,
    prod: mustBe(
      true,
      H.auditControls,
      "without pgaudit, GRANTs, role changes and DDL inside functions or DO blocks escape the audit log",
    ),
    relaxation: { note: "no pgaudit", weakens: `${H.auditControls} audit controls` },
  }),
  pgauditLog: key({
    schema: str(PGAUDIT_LOG, 'Use a comma-separated pgaudit.log class list such as "ddl,role".'),
    type: "string",
    section: "Foundation",
    doc: "pgaudit statement classes; data changes are already logged by `log_statement=mod`.",
    // DDL and role changes; data-modifying statements are already logged by log_statement=mod.
    default: "ddl,role",
  }),
  maxConnections: optionalKey({
    schema: int(20, 5000, "Use 20 to 5000, or leave it unset for RDS's memory-based default."),
    type: "integer",
    section: "Foundation",
    doc: "Explicit `max_connections` (20–5000). Unset: RDS's `LEAST(DBInstanceClassMemory/9531392, 5000)`.",
    default: 0,
  }),

  // ---- Network ---------------------------------------------------------------------------------
  vpcId: optionalKey({
    schema: str(
      VPC_ID,
      'Use a VPC id such as "vpc-0123456789abcdef0", or leave it unset to create an isolated VPC.',
    ),
    type: "string",
    section: "Network",
    doc: "Existing VPC; set with privateSubnetIds. Unset: an isolated VPC with no internet gateway is created.",
    default: "",
  }),
  privateSubnetIds: key({
    schema: list(
      str(SUBNET_ID, 'Use subnet ids such as "subnet-0123456789abcdef0".'),
      "Use a list of private subnet ids.",
    ),
    type: "array",
    section: "Network",
    doc: "Existing private subnets in at least 2 AZs; set with vpcId.",
    default: [],
  }),
  vpcCidr: key({
    schema: str(IPV4_CIDR, 'Use a private IPv4 CIDR such as "10.40.0.0/16".'),
    type: "string",
    section: "Network",
    doc: "Private CIDR of the created VPC (/16–/24).",
    default: "10.40.0.0/16",
  }),
  allowedSecurityGroupIds: key({
    schema: list(
      str(SECURITY_GROUP_ID, 'Use security group ids such as "sg-0123456789abcdef0".'),
      "Use a list of security group ids.",
    ),
    type: "array",
    section: "Network",
    doc: "Security groups admitted on 5432 (apps). The pooler's group is added by the stack.",
    default: [],
  }),
  allowedCidrs: key({
    schema: list(
      str(IPV4_CIDR, 'Use IPv4 CIDRs such as "10.0.0.0/16".'),
      "Use a list of private IPv4 CIDRs.",
    ),
    type: "array",
    section: "Network",
    doc: `Private (RFC 1918) CIDRs admitted on 5432; public ranges are refused (${H.transmissionSecurity}).`,
    default: [],
  }),

  // ---- Database access -------------------------------------------------------------------------
  extensions: key({
    schema: list(oneOf(ALLOWED_EXTENSIONS), `Use a list drawn from ${ALLOWED_EXTENSIONS.join(", ")}.`),
    type: "array",
    section: "Database access",
    doc: "Extensions to create (the guide's five by default; postgis, pgaudit and a few more allowed).",
    default: [...GUIDE_EXTENSIONS],
  }),
  ownerRoleName: key({
    schema: str(PG_IDENTIFIER, identFix),
    type: "string",
    section: "Database access",
    doc: "Owner/migrator role: owns the schema, runs migrations.",
    default: GUIDE_ROLES.owner.name,
  }),
  appRoleName: key({
    schema: str(PG_IDENTIFIER, identFix),
    type: "string",
    section: "Database access",
    doc: "Application role: CRUD on tables, sequences; no DDL, owns nothing.",
    default: GUIDE_ROLES.app.name,
  }),
  analyticsRoleName: key({
    schema: str(PG_IDENTIFIER, identFix),
    type: "string",
    section: "Database access",
    doc: "Read-only role (`default_transaction_read_only`).",
    default: GUIDE_ROLES.analytics.name,
  }),
  ownerConnectionLimit: key({
    schema: int(1, 1000, "Use 1 to 1000."),
    type: "integer",
    section: "Database access",
    doc: "Connection limit of the owner role.",
    default: GUIDE_ROLES.owner.connectionLimit,
  }),
  appConnectionLimit: key({
    schema: int(1, 5000, "Use 1 to 5000."),
    type: "integer",
    section: "Database access",
    doc: "Connection limit of the app role.",
    default: GUIDE_ROLES.app.connectionLimit,
  }),
  analyticsConnectionLimit: key({
    schema: int(1, 1000, "Use 1 to 1000."),
    type: "integer",
    section: "Database access",
    doc: "Connection limit of the analytics role.",
    default: GUIDE_ROLES.analytics.connectionLimit,
  }),
  iamAuthRoles: key({
    schema: list(str(PG_IDENTIFIER, identFix), "Use a list of role names."),
    type: "array",
    section: "Database access",
    doc: "Roles that log in with IAM tokens (`rds_iam`) instead of a password.",
    default: [],
  }),
  masterPasswordRotationDays: key({
    schema: int(1, 365, "Use 1 to 365 days."),
    type: "integer",
    section: "Database access",
    doc: `Rotation schedule of the RDS-managed master secret (access control, ${H.passwordManagement}).`,
    default: 30,
  }),
  appPasswordRotationDays: key({
    schema: int(1, 365, "Use 1 to 365 days."),
    type: "integer",
    section: "Database access",
    doc: "Rotation schedule of every role secret, by the database operations function: owner and monitor single-user, app and analytics alternating users (`<role>_clone`).",
    default: 30,
  }),

  // ---- Pooling ---------------------------------------------------------------------------------
  pooler: key({
    schema: oneOf(POOLERS),
    type: "string",
    section: "Pooling",
    doc: "`rds-proxy`, `pgbouncer` or `none`.",
    default: "rds-proxy",
    dev: "none",
  }),
  proxyDebugLogging: key({
    schema: bool(),
    type: "boolean",
    section: "Pooling",
    doc: "RDS Proxy debug logging writes SQL text (possible PHI) to logs. prod refuses true.",
    default: false,
    prod: mustBe(
      false,
      `${H.auditControls}, ${H.minimumNecessary}`,
      "RDS Proxy debug logging writes SQL text, which can hold PHI, to logs",
    ),
    relaxation: { note: "SQL text in logs", weakens: `${H.auditControls} and minimum necessary` },
  }),
  proxyRequireIam: key({
    schema: bool(),
    type: "boolean",
    section: "Pooling",
    doc: "End-to-end IAM at the proxy (`IAM_AUTH`): clients and the proxy sign in with IAM; every proxy-served role must be in iamAuthRoles.",
    default: false,
  }),
  proxyMaxConnectionsPercent: key({
    schema: int(1, 99, "Use 1 to 99 percent; leave headroom for admin sessions and migrations."),
    type: "integer",
    section: "Pooling",
    doc: "Share of max_connections the proxy may use; the rest is headroom for admin and migrations.",
    // Leaves 25% of max_connections for admin sessions, migrations and the replication slot.
    default: 75,
  }),
  proxyMaxIdleConnectionsPercent: key({
    schema: int(0, 99, "Use 0 to 99 percent."),
    type: "integer",
    section: "Pooling",
    doc: "Idle connections the proxy keeps, as a share of max_connections.",
    default: 50,
  }),
  proxyIdleClientTimeoutSeconds: key({
    schema: int(1, 28_800, "Use 1 to 28800 seconds."),
    type: "integer",
    section: "Pooling",
    doc: "Proxy closes idle client connections after this.",
    default: GUIDE_PROXY.idleClientTimeoutSeconds,
  }),
  proxyConnectionBorrowTimeoutSeconds: key({
    schema: int(1, 3600, "Use 1 to 3600 seconds."),
    type: "integer",
    section: "Pooling",
    doc: `How long a client waits for a pooled connection (guide: ${GUIDE_PROXY.connectionBorrowTimeoutSeconds} s).`,
    default: GUIDE_PROXY.connectionBorrowTimeoutSeconds,
  }),
  pgbouncerImage: optionalKey({
    schema: str(DIGEST_IMAGE, 'Pin the image by digest: "<registry>/<repo>@sha256:<64 hex>".'),
    type: "string",
    section: "Pooling",
    doc: "PgBouncer container image pinned by digest (`repo@sha256:...`); required with pooler=pgbouncer.",
    default: "",
  }),
  pgbouncerDesiredCount: key({
    schema: int(1, 50, `Use 1 to 50 tasks (prod needs at least ${PROD_MIN_PGBOUNCER_TASKS}).`),
    type: "integer",
    section: "Pooling",
    doc: `PgBouncer tasks; prod at least ${PROD_MIN_PGBOUNCER_TASKS} across AZs.`,
    default: PROD_MIN_PGBOUNCER_TASKS,
    dev: 1,
    prod: atLeast(
      PROD_MIN_PGBOUNCER_TASKS,
      `is below ${PROD_MIN_PGBOUNCER_TASKS}: prod runs PgBouncer in at least two AZs. Set it to ${PROD_MIN_PGBOUNCER_TASKS} or more.`,
      H.contingencyPlan,
      (all) => all.pooler === "pgbouncer",
    ),
  }),
  pgbouncerCpu: key({
    schema: oneOfNumbers(FARGATE_CPU_UNITS, "a Fargate CPU size"),
    type: "integer",
    section: "Pooling",
    doc: "Fargate CPU units per task.",
    default: 512,
  }),
  pgbouncerMemoryMiB: key({
    schema: int(512, 30_720, "Use 512 to 30720 MiB, valid for the chosen Fargate CPU."),
    type: "integer",
    section: "Pooling",
    doc: "Fargate memory per task (MiB).",
    default: 1024,
  }),
  pgbouncerMaxClientConn: key({
    schema: int(100, 100_000, "Use 100 to 100000."),
    type: "integer",
    section: "Pooling",
    doc: "Client connections per task (the guide's 100 is too few for thousands of clients).",
    default: GUIDE_PGBOUNCER.maxClientConn,
  }),
  pgbouncerDefaultPoolSize: key({
    schema: int(1, 1000, "Use 1 to 1000."),
    type: "integer",
    section: "Pooling",
    doc: `Server connections per database/user pair (guide: ${GUIDE_PGBOUNCER.defaultPoolSize}).`,
    default: GUIDE_PGBOUNCER.defaultPoolSize,
  }),
  pgbouncerMinPoolSize: key({
    schema: int(0, 1000, "Use 0 to 1000."),
    type: "integer",
    section: "Pooling",
    doc: `Warm server connections (guide: ${GUIDE_PGBOUNCER.minPoolSize}).`,
    default: GUIDE_PGBOUNCER.minPoolSize,
  }),
  pgbouncerReservePoolSize: key({
    schema: int(0, 1000, "Use 0 to 1000."),
    type: "integer",
    section: "Pooling",
    doc: `Extra connections under load (guide: ${GUIDE_PGBOUNCER.reservePoolSize}).`,
    default: GUIDE_PGBOUNCER.reservePoolSize,
  }),
  pgbouncerReservePoolTimeoutSeconds: key({
    schema: int(0, 600, "Use 0 to 600 seconds."),
    type: "integer",
    section: "Pooling",
    doc: `Wait before using the reserve pool (guide: ${GUIDE_PGBOUNCER.reservePoolTimeoutSeconds}).`,
    default: GUIDE_PGBOUNCER.reservePoolTimeoutSeconds,
  }),

  // ---- Monitoring (the guide's "Alerting Thresholds", then what a DBA adds) ---------------------
  alarmEmails: key({
    schema: list(str(EMAIL, "Use e-mail addresses."), "Use a list of e-mail addresses."),
    type: "array",
    section: "Monitoring",
    doc: "E-mail subscribers of the alarm and DR topics. prod: at least one subscriber here or in alarmHttpsEndpoints.",
    default: [],
    prod: refuse<string[]>(
      (v, all) => v.length === 0 && ((all.alarmHttpsEndpoints as unknown[] | undefined) ?? []).length === 0,
      `is empty and so is alarmHttpsEndpoints: prod alarms and DR backup notifications would reach nobody (HIPAA ${H.responseAndReporting} response and reporting). Add the on-call address to alarmEmails or a pager webhook to alarmHttpsEndpoints.`,
      H.responseAndReporting,
    ),
    relaxation: {
      what: "alarmEmails and alarmHttpsEndpoints are empty",
      note: "alarms reach nobody",
      weakens: `${H.responseAndReporting} response and reporting`,
    },
  }),
  alarmHttpsEndpoints: key({
    schema: list(
      str(HTTPS_URL, "Use https:// URLs; plain http would send alarm contents unencrypted."),
      "Use a list of https:// URLs.",
    ),
    type: "array",
    section: "Monitoring",
    doc: "HTTPS subscribers of the alarm topic (http is refused).",
    default: [],
  }),
  alarmCpuPercent: key({
    schema: int(1, 99, "Use 1 to 99 percent."),
    type: "integer",
    section: "Monitoring",
    doc: `CPUUtilization alarm threshold (guide: ${GUIDE_THRESHOLDS.cpuPercent}%).`,
    default: GUIDE_THRESHOLDS.cpuPercent,
  }),
  alarmCpuMinutes: key({
    schema: int(1, 1440, "Use a positive number of minutes."),
    type: "integer",
    section: "Monitoring",
    doc: `How long CPU must stay high (guide: ${GUIDE_THRESHOLDS.cpuMinutes} minutes).`,
    default: GUIDE_THRESHOLDS.cpuMinutes,
  }),
  alarmFreeableMemoryPercent: key({
    schema: int(1, 99, "Use 1 to 99 percent."),
    type: "integer",
    section: "Monitoring",
    doc: `FreeableMemory alarm, percent of the class's memory (guide: ${GUIDE_THRESHOLDS.freeableMemoryPercent}%).`,
    default: GUIDE_THRESHOLDS.freeableMemoryPercent,
  }),
  alarmFreeStoragePercent: key({
    schema: int(1, 99, "Use 1 to 99 percent."),
    type: "integer",
    section: "Monitoring",
    doc: `FreeStorageSpace alarm, percent of allocated storage (guide: ${GUIDE_THRESHOLDS.freeStoragePercent}%).`,
    default: GUIDE_THRESHOLDS.freeStoragePercent,
  }),
  alarmConnectionsPercent: key({
    schema: int(1, 99, "Use 1 to 99 percent."),
    type: "integer",
    section: "Monitoring",
    doc: `DatabaseConnections alarm, percent of max_connections (guide: ${GUIDE_THRESHOLDS.connectionsPercent}%).`,
    default: GUIDE_THRESHOLDS.connectionsPercent,
  }),
  alarmReplicaLagSeconds: key({
    schema: int(1, 86_400, "Use a positive number of seconds."),
    type: "integer",
    section: "Monitoring",
    doc: `ReplicaLag alarm on replicas (guide: ${GUIDE_THRESHOLDS.replicaLagSeconds} s).`,
    default: GUIDE_THRESHOLDS.replicaLagSeconds,
  }),
  alarmSlowQuerySeconds: key({
    schema: int(1, 3600, "Use a positive number of seconds (queries over 1 s are logged)."),
    type: "integer",
    section: "Monitoring",
    doc: `Slow-query alarm from the postgresql log (guide: ${GUIDE_THRESHOLDS.slowQuerySeconds} s).`,
    default: GUIDE_THRESHOLDS.slowQuerySeconds,
  }),
  alarmMaxUsedTransactionIds: key({
    schema: int(100_000_000, 2_000_000_000, "Use 100000000 to 2000000000."),
    type: "integer",
    section: "Monitoring",
    doc: "Transaction-ID wraparound alarm.",
    default: GUIDE_THRESHOLDS.maxUsedTransactionIds,
  }),
  alarmDiskQueueDepth: key({
    schema: int(1, 10_000, "Use a positive number."),
    type: "integer",
    section: "Monitoring",
    doc: "DiskQueueDepth alarm.",
    default: GUIDE_THRESHOLDS.diskQueueDepth,
  }),
  alarmCpuCreditBalance: key({
    schema: int(1, 10_000, "Use a positive number of credits."),
    type: "integer",
    section: "Monitoring",
    doc: "CPUCreditBalance alarm (burstable classes only).",
    default: GUIDE_THRESHOLDS.cpuCreditBalance,
  }),
  alarmAuthFailures: key({
    schema: int(1, 10_000, "Use a positive count per 5 minutes."),
    type: "integer",
    section: "Monitoring",
    doc: `Failed logins per 5 minutes (log-in monitoring, ${H.logInMonitoring}).`,
    default: GUIDE_THRESHOLDS.authFailures,
  }),

  // ---- Backups and disaster recovery -----------------------------------------------------------
  drEnabled: key({
    schema: bool(),
    type: "boolean",
    section: "Backups and DR",
    doc: "Copy backups to the DR region. prod refuses false.",
    default: true,
    prod: mustBe(
      true,
      `${H.dataBackupPlan}, the guide's DR checklist`,
      "backups must be kept in a separate region",
    ),
    relaxation: {
      note: "no cross-region copies",
      weakens: `${H.disasterRecoveryPlan} disaster recovery plan`,
    },
  }),
  drRegion: optionalKey({
    schema: str(AWS_REGION, 'Use an AWS region such as "us-west-2".'),
    type: "string",
    section: "Backups and DR",
    doc: "DR region; default us-west-2 for us-east-1 (see DEFAULT_DR_REGIONS).",
    default: "",
  }),
  backupDailyRetentionDays: key({
    schema: int(1, 36_500, `Use at least ${DAILY_BACKUP_MIN_DAYS} days.`),
    type: "integer",
    section: "Backups and DR",
    doc: `AWS Backup daily rule retention (at least ${DAILY_BACKUP_MIN_DAYS}).`,
    default: DAILY_BACKUP_MIN_DAYS,
  }),
  backupMonthlyRetentionDays: key({
    schema: int(1, 36_500, `Use a number of days (prod: at least ${AUDIT_RETENTION_DAYS}, six years).`),
    type: "integer",
    section: "Backups and DR",
    doc: `AWS Backup monthly rule retention, copied to the DR region. prod: at least ${AUDIT_RETENTION_DAYS}.`,
    default: AUDIT_RETENTION_DAYS,
    dev: 365,
    prod: atLeast(
      AUDIT_RETENTION_DAYS,
      `is below six years (${AUDIT_RETENTION_DAYS} days). Set it to ${AUDIT_RETENTION_DAYS} or more.`,
      H.documentationRetention,
    ),
  }),
  backupVaultLockMode: key({
    schema: oneOf(VAULT_LOCK_MODES),
    type: "string",
    section: "Backups and DR",
    doc: "`compliance` (immutable), `governance`, or `none` (deny-delete vault policy only). prod refuses none.",
    default: "compliance",
    dev: "governance",
    prod: notValue<VaultLockMode>(
      "none",
      'is refused in prod: recovery points must be immutable. Use "compliance" (or "governance").',
    ),
    relaxation: { note: "deletable recovery points", weakens: H.dataBackupPlan },
  }),
  restoreTestingEnabled: key({
    schema: bool(),
    type: "boolean",
    section: "Backups and DR",
    doc: "Monthly AWS Backup restore testing. prod refuses false.",
    default: true,
    prod: mustBe(true, H.testingAndRevision, "the guide requires backups tested monthly"),
    relaxation: { weakens: `${H.testingAndRevision} testing` },
  }),
} as const;

// ---- Derived ------------------------------------------------------------------------------------

type Keys = typeof KEYS;
export type ConfigKey = keyof Keys;
type Out<K extends ConfigKey> = z.output<Keys[K]["schema"]>;
/** Lists are handed out read-only: nothing downstream may change the validated config. */
type Frozen<T> = T extends readonly (infer U)[] ? readonly U[] : T;
type OptionalKey = { [K in ConfigKey]: Keys[K] extends { readonly optional: true } ? K : never }[ConfigKey];

/** The validated value of every key, typed from its schema; optional keys may be absent (unset). */
export type ConfigValues = { readonly [K in Exclude<ConfigKey, OptionalKey>]: Frozen<Out<K>> } & {
  readonly [K in OptionalKey]?: Frozen<Out<K>>;
};

/** The validated config the program builds from: every key, plus what parseConfig resolves. */
export interface PlatformConfig extends Omit<ConfigValues, "drRegion"> {
  readonly region: string;
  /** Major version number, e.g. 16. */
  readonly engineMajor: number;
  /** Resolved DR region (config, or the default pair of `region`); "" when DR has none. */
  readonly drRegion: string;
  /** The guide's application-side pool settings for this environment. */
  readonly appPool: (typeof APP_POOL)[Environment];
  /** Cost relaxations in effect (dev only), each naming the HIPAA control it weakens. */
  readonly relaxations: readonly string[];
}

/** Every key with its entry, in declaration order (the order of Pulumi.yaml and the README). */
export const KEY_ENTRIES = Object.entries(KEYS) as [ConfigKey, KeySpec<z.ZodType>][];
export const CONFIG_KEYS: readonly ConfigKey[] = KEY_ENTRIES.map(([k]) => k);

/**
 * Every key's default as Pulumi.yaml declares it: the strict (prod) profile; "" / 0 for optional keys.
 * `environment` and `engineLifecycleSupport` have none: each stack must choose.
 */
export const CONFIG_DEFAULTS: Readonly<Record<string, unknown>> = Object.fromEntries(
  KEY_ENTRIES.filter(([, e]) => e.default !== undefined).map(([k, e]) => [k, e.default]),
);

/** Keys every stack must set itself: they have no default. */
type ChosenKey = "environment" | "engineLifecycleSupport";
export type Defaults = { readonly [K in Exclude<ConfigKey, ChosenKey>]: Frozen<Out<K>> };

/** CONFIG_DEFAULTS, typed: the strict (prod) profile, key by key. */
export const DEFAULTS = CONFIG_DEFAULTS as Defaults;

/** What Pulumi.dev.yaml states, key by key (everything else it inherits from Pulumi.yaml). */
export const DEV_VALUES = Object.fromEntries(
  KEY_ENTRIES.filter(([, e]) => e.dev !== undefined).map(([k, e]) => [k, e.dev]),
) as Partial<ConfigValues>;

/**
 * Optional keys. Pulumi.yaml must give every declared key a default (a key without one is required by
 * the CLI), so these default to "" (strings) or 0 (numbers), both meaning "unset".
 */
export const OPTIONAL_KEYS: readonly ConfigKey[] = KEY_ENTRIES.filter(([, e]) => e.optional).map(([k]) => k);

export interface RuleFinding {
  readonly key: ConfigKey;
  readonly value: unknown;
  readonly message: string;
}

/** What prod refuses among `values`, in key order. */
export function prodRefusals(values: Values): RuleFinding[] {
  const out: RuleFinding[] = [];
  for (const [k, e] of KEY_ENTRIES) {
    const v = values[k];
    if (e.prod && v !== undefined && e.prod.refuses(v, values))
      out.push({ key: k, value: v, message: e.prod.message });
  }
  return out;
}

/** The dev warnings for `values`: each relaxation prod would refuse, naming the control it weakens. */
export function relaxationsOf(values: Values): string[] {
  const out: string[] = [];
  for (const [k, e] of KEY_ENTRIES) {
    const v = values[k];
    if (!e.prod || !e.relaxation || v === undefined || !e.prod.refuses(v, values)) continue;
    const r = e.relaxation;
    out.push(`${r.what ?? `${k}=${String(v)}`}${r.note ? `: ${r.note}` : ""} (weakens HIPAA ${r.weakens})`);
  }
  return out;
}
