/**
 * Rules across keys: each a small named function over the values validated so far. A key that failed
 * validation is absent, so a rule judges only what it can. What prod refuses key by key is data in
 * spec/keys.ts (`prodRefusals`); the rules here need more than one key, or hold in every environment.
 */
import { RDS_LIMITS } from "../../spec/awsLimits";
import { DAILY_BACKUP_MIN_DAYS } from "../../spec/hipaa";
import { BACKUP_WINDOW, isPrivateIpv4Cidr, MAINTENANCE_WINDOW, WEEKDAYS } from "../../spec/identifiers";
import type { ConfigKey, ConfigValues, Environment } from "../../spec/keys";

export interface RuleContext {
  /** The values validated so far. */
  readonly v: Partial<ConfigValues>;
  readonly env: Environment;
  readonly region: string | undefined;
  /** The resolved DR region (config, or the default pair of `region`). */
  readonly drRegion: string | undefined;
  /** A list key's items with their indices: all of them, or the well-formed ones when some are not. */
  itemsOf(key: ConfigKey): [number, string][];
  add(key: string, value: unknown, message: string): void;
}

export type Rule = (c: RuleContext) => void;

export const supportedEngine: Rule = ({ v, add }) => {
  if (v.engineVersion !== undefined && Number(v.engineVersion.split(".")[0]) < RDS_LIMITS.minEngineMajor)
    add(
      "engineVersion",
      v.engineVersion,
      `is older than PostgreSQL ${RDS_LIMITS.minEngineMajor}, the oldest the platform supports. Use "16".`,
    );
};

export const storageCanAutoscale: Rule = ({ v, add }) => {
  if (
    v.allocatedStorageGb !== undefined &&
    v.maxAllocatedStorageGb !== undefined &&
    v.maxAllocatedStorageGb <= v.allocatedStorageGb
  )
    add(
      "maxAllocatedStorageGb",
      v.maxAllocatedStorageGb,
      `must be above allocatedStorageGb (${v.allocatedStorageGb}) for storage autoscaling. Raise it.`,
    );
};

/** The daily AWS Backup rule keeps the HIPAA floor in every environment (dev too: it costs little). */
export const dailyBackupFloor: Rule = ({ v, add }) => {
  if (v.backupDailyRetentionDays !== undefined && v.backupDailyRetentionDays < DAILY_BACKUP_MIN_DAYS)
    add(
      "backupDailyRetentionDays",
      v.backupDailyRetentionDays,
      `is below ${DAILY_BACKUP_MIN_DAYS} days. Set it to ${DAILY_BACKUP_MIN_DAYS} or more.`,
    );
};

const minutesOf = (hh: string, mm: string) => Number(hh) * 60 + Number(mm);

/** RDS: windows of at least 30 minutes that do not overlap (CreateDBInstance PreferredBackupWindow). */
export const backupAndMaintenanceWindows: Rule = ({ v, add }) => {
  if (!v.backupWindow || !v.maintenanceWindow) return;
  const b = BACKUP_WINDOW.exec(v.backupWindow)!;
  const m = MAINTENANCE_WINDOW.exec(v.maintenanceWindow)!;
  const bStart = minutesOf(b[1], b[2]);
  let bEnd = minutesOf(b[3], b[4]);
  if (bEnd <= bStart) bEnd += 1440;
  if (Number(b[1]) > 23 || Number(b[3]) > 23 || Number(b[2]) > 59 || Number(b[4]) > 59) {
    add("backupWindow", v.backupWindow, "has an hour above 23 or a minute above 59. Fix the times.");
    return;
  }
  if (bEnd - bStart < 30) {
    add("backupWindow", v.backupWindow, "is shorter than the 30 minutes RDS requires. Widen it.");
    return;
  }
  // Compare on the weekly timeline: the daily backup window repeats every day of the week.
  const day = (d: string) => WEEKDAYS.indexOf(d as (typeof WEEKDAYS)[number]);
  const mStart = day(m[1]) * 1440 + minutesOf(m[2], m[3]);
  let mEnd = day(m[4]) * 1440 + minutesOf(m[5], m[6]);
  if (mEnd <= mStart) mEnd += 7 * 1440;
  if (mEnd - mStart < 30)
    add("maintenanceWindow", v.maintenanceWindow, "is shorter than the 30 minutes RDS requires. Widen it.");
  const overlaps = Array.from({ length: 8 }, (_, d) => d).some((d) => {
    const s = (d - 1) * 1440 + bStart;
    const e = (d - 1) * 1440 + bEnd;
    return s < mEnd && mStart < e;
  });
  if (overlaps)
    add(
      "maintenanceWindow",
      v.maintenanceWindow,
      `overlaps backupWindow "${v.backupWindow}". Move one of them; RDS rejects overlapping windows.`,
    );
};

export const existingVpcWithSubnets: Rule = ({ v, add }) => {
  if ((v.vpcId === undefined) !== ((v.privateSubnetIds ?? []).length === 0))
    add(
      v.vpcId === undefined ? "vpcId" : "privateSubnetIds",
      v.vpcId === undefined ? undefined : v.privateSubnetIds,
      "must be set together with " +
        (v.vpcId === undefined ? "privateSubnetIds" : "vpcId") +
        " (an existing VPC and its private subnets), or both left unset to create an isolated VPC.",
    );
  if (v.vpcId !== undefined && (v.privateSubnetIds ?? []).length === 1)
    add(
      "privateSubnetIds",
      v.privateSubnetIds,
      "lists one subnet; RDS needs private subnets in at least 2 AZs. Add another.",
    );
};

export const privateVpcCidr: Rule = ({ v, add }) => {
  if (v.vpcCidr === undefined) return;
  if (!isPrivateIpv4Cidr(v.vpcCidr))
    add(
      "vpcCidr",
      v.vpcCidr,
      "is not a private (RFC 1918) range. Use one inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16.",
    );
  else if (Number(v.vpcCidr.split("/")[1]) > 24)
    add("vpcCidr", v.vpcCidr, "is smaller than /24; it cannot hold the private subnets. Use /16 to /24.");
};

export const privateAllowedCidrs: Rule = ({ itemsOf, add }) => {
  for (const [i, cidr] of itemsOf("allowedCidrs"))
    if (!isPrivateIpv4Cidr(cidr))
      add(
        `allowedCidrs[${i}]`,
        cidr,
        "is not a private (RFC 1918) range; the database never admits public addresses (HIPAA 164.312(e)(1)). Use a private CIDR or a security group id.",
      );
};

export const distinctRoleNames: Rule = ({ v, add }) => {
  const roleNames = [v.ownerRoleName, v.appRoleName, v.analyticsRoleName, v.masterUsername].filter(Boolean);
  if (new Set(roleNames).size !== roleNames.length)
    add(
      "appRoleName",
      v.appRoleName,
      `must differ from ownerRoleName, analyticsRoleName and masterUsername (got ${roleNames.join(", ")}). Give each role its own name.`,
    );
};

export const iamRolesAreStackRoles: Rule = ({ v, itemsOf, add }) => {
  const stackRoles = [v.appRoleName, v.analyticsRoleName, v.ownerRoleName];
  for (const [i, r] of itemsOf("iamAuthRoles"))
    if (!stackRoles.includes(r))
      add(
        `iamAuthRoles[${i}]`,
        r,
        `is not one of the roles this stack creates (${[v.ownerRoleName, v.appRoleName, v.analyticsRoleName].join(", ")}). Use one of them.`,
      );
};

export const pgauditExtensionNeedsLibrary: Rule = ({ v, add }) => {
  if (v.pgauditEnabled === false && (v.extensions ?? []).includes("pgaudit"))
    add(
      "extensions",
      v.extensions,
      'lists "pgaudit" but pgauditEnabled is false; the extension needs the library preloaded. Set pgauditEnabled to true or drop "pgaudit".',
    );
};

export const pgbouncerImagePinned: Rule = ({ v, add }) => {
  if (v.pooler === "pgbouncer" && v.pgbouncerImage === undefined)
    add(
      "pgbouncerImage",
      undefined,
      'is required when pooler is "pgbouncer". Set an image pinned by digest: "<registry>/<repo>@sha256:<64 hex>".',
    );
};

export const pgbouncerMinPoolWithinDefault: Rule = ({ v, add }) => {
  if (
    v.pgbouncerMinPoolSize !== undefined &&
    v.pgbouncerDefaultPoolSize !== undefined &&
    v.pgbouncerMinPoolSize > v.pgbouncerDefaultPoolSize
  )
    add(
      "pgbouncerMinPoolSize",
      v.pgbouncerMinPoolSize,
      `is above pgbouncerDefaultPoolSize (${v.pgbouncerDefaultPoolSize}). Lower it.`,
    );
};

/** A password pooler must have at least one password role to sign in as. */
export const pooledRoleWithPassword: Rule = ({ v, add }) => {
  const pooledRoles = [v.appRoleName, v.analyticsRoleName].filter((r): r is string => r !== undefined);
  const passwordPooled = pooledRoles.filter((r) => !(v.iamAuthRoles ?? []).includes(r));
  if (
    (v.pooler === "pgbouncer" || (v.pooler === "rds-proxy" && v.proxyRequireIam !== true)) &&
    pooledRoles.length > 0 &&
    passwordPooled.length === 0
  )
    add(
      "iamAuthRoles",
      v.iamAuthRoles,
      `lists every pooled role (${pooledRoles.join(", ")}); IAM roles have no password, so the ${v.pooler} pooler could sign in as none of them. ` +
        (v.pooler === "pgbouncer"
          ? 'Keep one of them a password role, or use pooler "rds-proxy" with proxyRequireIam: true.'
          : "Set proxyRequireIam to true (end-to-end IAM at the proxy), or keep one of them a password role."),
    );
};

/**
 * End-to-end IAM: the proxy signs in to PostgreSQL with IAM as each client's role, so every role it
 * serves must be an IAM role (member of rds_iam, no password). A password role behind an IAM-only proxy
 * could never log in. RDS User Guide, "End-to-end IAM authentication for RDS Proxy".
 */
export const proxyIamServesIamRoles: Rule = ({ v, add }) => {
  if (v.proxyRequireIam !== true || v.pooler !== "rds-proxy") return;
  const served = [v.appRoleName, v.analyticsRoleName].filter((r): r is string => r !== undefined);
  const missing = served.filter((r) => !(v.iamAuthRoles ?? []).includes(r));
  if (missing.length > 0)
    add(
      "proxyRequireIam",
      true,
      `makes the proxy use end-to-end IAM, but ${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not in iamAuthRoles and could not log in through it. Add ${missing.join(" and ")} to iamAuthRoles, or set proxyRequireIam to false.`,
    );
};

/** Disaster-recovery copies live in another region: one the config names, or the region's default pair. */
export const drRegionApart: Rule = ({ v, region, drRegion, add }) => {
  if (v.drEnabled === false || !region) return;
  if (drRegion === undefined)
    add(
      "drRegion",
      undefined,
      `has no default for ${region}. Set drRegion to another region for cross-region backups.`,
    );
  else if (drRegion === region)
    add(
      "drRegion",
      drRegion,
      "is the primary region; disaster-recovery copies must live apart. Use another region.",
    );
};

/** Rules judged before the prod refusals (the order problems are reported in). */
export const EARLY_RULES: readonly Rule[] = [supportedEngine, storageCanAutoscale];

/** Rules judged after the prod refusals. */
export const RULES: readonly Rule[] = [
  dailyBackupFloor,
  backupAndMaintenanceWindows,
  existingVpcWithSubnets,
  privateVpcCidr,
  privateAllowedCidrs,
  distinctRoleNames,
  iamRolesAreStackRoles,
  pgauditExtensionNeedsLibrary,
  pgbouncerImagePinned,
  pgbouncerMinPoolWithinDefault,
  pooledRoleWithPassword,
  proxyIamServesIamRoles,
  drRegionApart,
];
