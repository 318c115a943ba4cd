/** Amazon RDS for PostgreSQL: instances, read replicas, parameter groups, storage, windows, logs. */

import { RDS_LIMITS } from "../../spec/awsLimits";
import {
  CLASS_SUPPORT,
  INSTANCE_CLASS_FIX,
  instanceClassProblem,
  lookupInstanceClass,
} from "../../spec/instanceProfile";
import type { ConfigRule, PlanFinding, PlannedResource, PlanRule, Source } from "../types";
import { arnRegion, list, num, ofType, regionOf, str, T } from "./util";

const SECRETS_MANAGER_LIMITS: Source = {
  title:
    'Amazon RDS User Guide, "Limitations for Secrets Manager integration with Amazon RDS" (no read replica when the source\'s credentials are managed by Secrets Manager); terraform-aws-modules/terraform-aws-rds#532 and #512 quote the API error "InvalidParameterValue: Creating read replicas for source instance ... where ManageMasterUserPassword is enabled is not supported"',
  url: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/rds-secrets-manager.html#rds-secrets-manager-limitations",
};
const CREATE_DB_INSTANCE: Source = {
  title: "Amazon RDS API Reference, CreateDBInstance",
  url: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstance.html",
};

const instances = (rs: readonly PlannedResource[]) => ofType(rs, T.instance);
const isReplica = (i: PlannedResource) => str(i.inputs.replicateSourceDb) !== undefined;

/** The planned source of a replica: by identifier or ARN. */
function sourceOf(rs: readonly PlannedResource[], replica: PlannedResource): PlannedResource | undefined {
  const ref = str(replica.inputs.replicateSourceDb);
  return instances(rs).find((i) => i !== replica && (i.inputs.identifier === ref || i.state?.arn === ref));
}

/** Engine major version of an instance (a replica runs its source's version). */
function engineMajor(rs: readonly PlannedResource[], i: PlannedResource): number | undefined {
  const v =
    str(i.inputs.engineVersion) ?? (isReplica(i) ? str(sourceOf(rs, i)?.inputs.engineVersion) : undefined);
  return v === undefined ? undefined : Number(v.split(".")[0]);
}

/** The planned parameter group an instance names (fixed name, or name generated from a prefix). */
function parameterGroupOf(rs: readonly PlannedResource[], i: PlannedResource): PlannedResource | undefined {
  const name = str(i.inputs.parameterGroupName);
  if (name === undefined) return undefined;
  return ofType(rs, T.parameterGroup).find(
    (g) =>
      g.inputs.name === name ||
      g.state?.name === name ||
      (str(g.inputs.namePrefix) !== undefined && name.startsWith(String(g.inputs.namePrefix))),
  );
}

// ---- config level ------------------------------------------------------------------------------

export const replicaManagedPasswordConfig: ConfigRule = {
  id: "rds.replica.managedMasterPassword.config",
  level: "config",
  title: "No read replica while RDS manages the source's master password in Secrets Manager",
  source: SECRETS_MANAGER_LIMITS,
  fix: "Set readReplicaCount to 0: availability rests on the Multi-AZ standby and DR on the cross-region backups (README, the prod topology decision).",
  check: (c) =>
    (c.readReplicaCount ?? 0) > 0
      ? [
          {
            key: "readReplicaCount",
            value: c.readReplicaCount,
            message:
              "asks for read replicas, but this stack always has RDS manage the master password in Secrets Manager, and RDS refuses to create a read replica of such an instance.",
          },
        ]
      : [],
};

export const storageThresholdConfig: ConfigRule = {
  id: "rds.storage.autoscalingThreshold.config",
  level: "config",
  title: "The storage autoscaling ceiling is at least 10% above the allocated storage",
  source: {
    title:
      'Amazon RDS User Guide, "Managing capacity automatically with Amazon RDS storage autoscaling" (the maximum storage threshold must be at least 10% more than the allocated storage, else "Invalid max storage size")',
    url: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_PIOPS.Autoscaling.html",
  },
  fix: "Raise maxAllocatedStorageGb to at least 110% of allocatedStorageGb (AWS recommends 126% or more).",
  check: (c) => {
    const a = c.allocatedStorageGb;
    const m = c.maxAllocatedStorageGb;
    // At or below the allocation is already refused by config.ts's own check; this adds the 10% margin.
    // Integer arithmetic: 100 * 1.1 is 110.00000000000001 in floating point.
    const least = Math.ceil(((a ?? 0) * 11) / 10);
    if (a === undefined || m === undefined || m <= a || m >= least) return [];
    return [
      {
        key: "maxAllocatedStorageGb",
        value: m,
        message: `is less than 10% above allocatedStorageGb (${a}); RDS needs at least ${least}.`,
      },
    ];
  },
};

export const instanceClassKnownConfig: ConfigRule = {
  id: "rds.instanceClass.known.config",
  level: "config",
  title: "The instance class is one RDS offers for PostgreSQL 14+ and whose memory the platform can size",
  source: CLASS_SUPPORT,
  fix: INSTANCE_CLASS_FIX,
  // Without a profile the class's memory (hence max_connections, the pool fit and the connection alarm)
  // is unknown until AWS answers mid-deployment, or never: refuse it here, naming the value and the fix.
  check: (c) => {
    if (c.instanceClass === undefined) return [];
    const found = lookupInstanceClass(c.instanceClass);
    return found.kind === "profile"
      ? []
      : [{ key: "instanceClass", value: c.instanceClass, message: instanceClassProblem(found) }];
  },
};

const ADVANCED_INSIGHTS: Source = {
  title:
    'Amazon RDS User Guide, "Considerations for Database Insights for Amazon RDS" (Advanced mode needs Performance Insights on and a retention of at least 465 days, 15 months, at no extra retention charge); hashicorp/terraform-provider-aws#41952 and pulumi/pulumi-aws#5286 quote the API error "InvalidParameterCombination: To enable the Advanced mode of Database Insights, modify your instance to enable Performance Insights and set the retention period for Performance Insights to at least 465 days."',
  url: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_DatabaseInsights.Considerations.html",
};
const ADVANCED_MIN_DAYS = RDS_LIMITS.advancedInsightsMinRetentionDays;

export const advancedInsightsRetentionConfig: ConfigRule = {
  id: "rds.databaseInsights.advancedRetention.config",
  level: "config",
  title: `Database Insights Advanced mode keeps Performance Insights at least ${ADVANCED_MIN_DAYS} days`,
  source: ADVANCED_INSIGHTS,
  fix: `Set performanceInsightsRetentionDays to ${ADVANCED_MIN_DAYS} (15 months; no extra charge beyond Advanced mode itself), or set databaseInsightsMode to "standard".`,
  check: (c) => {
    const days = c.performanceInsightsRetentionDays;
    if (c.databaseInsightsMode !== "advanced" || days === undefined || days >= ADVANCED_MIN_DAYS) return [];
    return [
      {
        key: "databaseInsightsMode",
        value: c.databaseInsightsMode,
        message: `needs Performance Insights kept at least ${ADVANCED_MIN_DAYS} days, but performanceInsightsRetentionDays is ${days}; RDS refuses the combination (InvalidParameterCombination).`,
      },
    ];
  },
};

// ---- plan level --------------------------------------------------------------------------------

export const replicaManagedPassword: PlanRule = {
  id: "rds.replica.managedMasterPassword",
  level: "plan",
  title: "No read replica of an instance whose master password RDS manages in Secrets Manager",
  source: SECRETS_MANAGER_LIMITS,
  fix: "Drop the replica (readReplicaCount: 0), or stop managing the source's master password in Secrets Manager.",
  check: (rs) =>
    instances(rs)
      .filter(isReplica)
      .filter((r) => sourceOf(rs, r)?.inputs.manageMasterUserPassword === true)
      .map((r) => ({
        resource: r,
        message: `read replica of ${String(r.inputs.replicateSourceDb)}, whose master password is managed by Secrets Manager (manageMasterUserPassword: true); RDS refuses to create it.`,
      })),
};

export const replicaSameRegionKmsKey: PlanRule = {
  id: "rds.replica.sameRegionKmsKey",
  level: "plan",
  title: "A same-region read replica sets no kmsKeyId; a cross-region one sets a key of its own region",
  source: {
    title:
      'Amazon RDS API Reference, CreateDBInstanceReadReplica, KmsKeyId ("If you create an encrypted read replica in the same AWS Region as the source DB instance, don\'t specify a value for this parameter"); cloudposse/terraform-aws-rds-replica#5 quotes "InvalidParameterCombination: Your request does not require the KMS key parameter"',
    url: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBInstanceReadReplica.html",
  },
  fix: "Remove kmsKeyId from a same-region replica (it always uses the source's key); give a cross-region replica a key from its own region.",
  check: (rs, ctx) => {
    const out: PlanFinding[] = [];
    for (const r of instances(rs).filter(isReplica)) {
      const src = sourceOf(rs, r);
      const srcRegion =
        arnRegion(r.inputs.replicateSourceDb) ?? (src ? regionOf(src, ctx) : regionOf(r, ctx));
      const here = regionOf(r, ctx);
      const key = str(r.inputs.kmsKeyId);
      if (srcRegion === here && key !== undefined)
        out.push({
          resource: r,
          message: `same-region read replica sets kmsKeyId ${key}; in the same region the replica always uses the source's key and RDS rejects the parameter.`,
        });
      else if (srcRegion !== here && r.inputs.storageEncrypted === true && arnRegion(key) !== here)
        out.push({
          resource: r,
          message: `cross-region read replica in ${here} needs a KMS key of ${here} (kmsKeyId: ${key ?? "unset"}); KMS keys do not cross regions.`,
        });
    }
    return out;
  },
};

const MAJOR_UPGRADE: Source = {
  title:
    'Amazon RDS User Guide, "How to perform a major version upgrade for RDS for PostgreSQL" (a custom parameter group of the new major version\'s family; read replicas are upgraded with the source)',
  url: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_UpgradeDBInstance.PostgreSQL.MajorVersion.Process.html",
};

export const parameterGroupFamily: PlanRule = {
  id: "rds.parameterGroup.family",
  level: "plan",
  title: "An instance's parameter group family matches its engine major version",
  source: MAJOR_UPGRADE,
  fix: "Use a parameter group of family postgres<major> for the engine version the instance (and, for a replica, its source) runs.",
  check: (rs) =>
    instances(rs).flatMap((i) => {
      const g = parameterGroupOf(rs, i);
      const major = engineMajor(rs, i);
      if (!g || major === undefined || g.inputs.family === `postgres${major}`) return [];
      return [
        {
          resource: i,
          message: `runs PostgreSQL ${major} but its parameter group ${g.name} is family ${String(g.inputs.family)}; RDS rejects a group of another family.`,
        },
      ];
    }),
};

export const parameterGroupReplaceOrder: PlanRule = {
  id: "rds.parameterGroup.replaceOrder",
  level: "plan",
  title: "A parameter group in use is replaced create-before-delete, under a new name",
  source: {
    title:
      'terraform-provider-aws#6448 quotes "InvalidDBParameterGroupState: One or more database instances are still members of this parameter group ... so the group cannot be deleted"; Amazon RDS User Guide, "How to perform a major version upgrade for RDS for PostgreSQL"',
    url: "https://github.com/hashicorp/terraform-provider-aws/issues/6448",
  },
  fix: "Name the group by prefix or with its family (a new family gets a new name) and never set deleteBeforeReplace on it.",
  check: (rs) => {
    const used = new Set(
      instances(rs)
        .map((i) => parameterGroupOf(rs, i))
        .filter((g) => g !== undefined),
    );
    const out: PlanFinding[] = [];
    for (const g of used) {
      if (g.deleteBeforeReplace === true)
        out.push({
          resource: g,
          message:
            "is replaced delete-before-create while instances use it; RDS refuses to delete a group that has members.",
        });
      const fixed = str(g.inputs.name);
      if (fixed !== undefined && !fixed.includes(String(g.inputs.family)))
        out.push({
          resource: g,
          message: `has the fixed name ${fixed} without its family; a major upgrade would have to replace it under the same name, deleting it first while instances still use it.`,
        });
    }
    return out;
  },
};

const PI_RETENTION = [7, ...Array.from({ length: 23 }, (_, k) => 31 * (k + 1)), 731];

export const performanceInsightsRetention: PlanRule = {
  id: "rds.performanceInsights.retention",
  level: "plan",
  title: "Performance Insights retention is 7, a multiple of 31 up to 713, or 731 days",
  source: {
    title: "Amazon RDS API Reference, CreateDBInstance, PerformanceInsightsRetentionPeriod",
    url: CREATE_DB_INSTANCE.url,
  },
  fix: "Use 7, 31 × n (n = 1..23) or 731.",
  check: (rs) =>
    instances(rs)
      .filter((i) => i.inputs.performanceInsightsEnabled === true)
      .filter((i) => {
        const d = num(i.inputs.performanceInsightsRetentionPeriod);
        return d !== undefined && !PI_RETENTION.includes(d);
      })
      .map((i) => ({
        resource: i,
        message: `performanceInsightsRetentionPeriod ${String(i.inputs.performanceInsightsRetentionPeriod)} is not a value RDS accepts.`,
      })),
};

export const advancedInsightsRetention: PlanRule = {
  id: "rds.databaseInsights.advancedRetention",
  level: "plan",
  title: `Database Insights Advanced mode has Performance Insights on, kept at least ${ADVANCED_MIN_DAYS} days`,
  source: ADVANCED_INSIGHTS,
  fix: `Enable Performance Insights with performanceInsightsRetentionPeriod ${ADVANCED_MIN_DAYS}, or use databaseInsightsMode "standard".`,
  check: (rs) =>
    instances(rs)
      .filter((i) => i.inputs.databaseInsightsMode === "advanced")
      .flatMap((i) => {
        // RDS keeps 7 days when the period is not given (CreateDBInstance, PerformanceInsightsRetentionPeriod).
        const days = num(i.inputs.performanceInsightsRetentionPeriod) ?? 7;
        if (i.inputs.performanceInsightsEnabled !== true)
          return [
            { resource: i, message: "databaseInsightsMode advanced without Performance Insights enabled." },
          ];
        return days < ADVANCED_MIN_DAYS
          ? [
              {
                resource: i,
                message: `databaseInsightsMode advanced with performanceInsightsRetentionPeriod ${days}; RDS needs at least ${ADVANCED_MIN_DAYS}.`,
              },
            ]
          : [];
      }),
};

const MONITORING_INTERVALS = [0, 1, 5, 10, 15, 30, 60];

export const monitoringInterval: PlanRule = {
  id: "rds.monitoring.interval",
  level: "plan",
  title:
    "Enhanced monitoring: interval 0, 1, 5, 10, 15, 30 or 60, and a monitoring role exactly when above 0",
  source: {
    title: "Amazon RDS API Reference, CreateDBInstance, MonitoringInterval and MonitoringRoleArn",
    url: CREATE_DB_INSTANCE.url,
  },
  fix: "Use an allowed interval and pass monitoringRoleArn whenever the interval is above 0.",
  check: (rs) =>
    instances(rs).flatMap((i) => {
      const n = num(i.inputs.monitoringInterval) ?? 0;
      const role = str(i.inputs.monitoringRoleArn);
      if (!MONITORING_INTERVALS.includes(n))
        return [{ resource: i, message: `monitoringInterval ${n} is not one of 0, 1, 5, 10, 15, 30, 60.` }];
      if (n > 0 && role === undefined)
        return [
          {
            resource: i,
            message: `monitoringInterval ${n} without a monitoringRoleArn; RDS requires the role.`,
          },
        ];
      if (n === 0 && role !== undefined)
        return [
          {
            resource: i,
            message: "monitoringRoleArn is set with monitoringInterval 0; RDS requires an interval above 0.",
          },
        ];
      return [];
    }),
};

export const backupRetention: PlanRule = {
  id: "rds.backup.retention",
  level: "plan",
  title: "Automated backup retention is 0 to 35 days",
  source: {
    title: 'Amazon RDS User Guide, "Backup retention period" (0 to 35 days)',
    url: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_WorkingWithAutomatedBackups.BackupRetention.html",
  },
  fix: "Use 1 to 35 days (0 disables point-in-time recovery).",
  check: (rs) =>
    instances(rs)
      .filter((i) => !isReplica(i))
      .filter((i) => {
        const d = num(i.inputs.backupRetentionPeriod);
        return d !== undefined && (d < 0 || d > 35 || !Number.isInteger(d));
      })
      .map((i) => ({
        resource: i,
        message: `backupRetentionPeriod ${String(i.inputs.backupRetentionPeriod)} is outside 0 to 35 days.`,
      })),
};

const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];
const hm = (s: string) => {
  const [h, m] = s.split(":").map(Number);
  return h * 60 + m;
};

export const backupWindow: PlanRule = {
  id: "rds.backup.window",
  level: "plan",
  title: "The backup window is at least 30 minutes and does not overlap the maintenance window",
  source: {
    title: "Amazon RDS API Reference, CreateDBInstance, PreferredBackupWindow",
    url: CREATE_DB_INSTANCE.url,
  },
  fix: "Widen the backup window to 30 minutes or more and move it clear of the weekly maintenance window.",
  check: (rs) =>
    instances(rs).flatMap((i) => {
      const b = /^(\d{2}:\d{2})-(\d{2}:\d{2})$/.exec(str(i.inputs.backupWindow) ?? "");
      if (!b) return [];
      const bs = hm(b[1]);
      let be = hm(b[2]);
      if (be <= bs) be += 1440;
      if (be - bs < 30)
        return [
          {
            resource: i,
            message: `backupWindow ${String(i.inputs.backupWindow)} is shorter than 30 minutes.`,
          },
        ];
      const m = /^(\w{3}):(\d{2}:\d{2})-(\w{3}):(\d{2}:\d{2})$/.exec(str(i.inputs.maintenanceWindow) ?? "");
      if (!m) return [];
      const ms = DAYS.indexOf(m[1]) * 1440 + hm(m[2]);
      let me = DAYS.indexOf(m[3]) * 1440 + hm(m[4]);
      if (me <= ms) me += 7 * 1440;
      // The daily backup window repeats each day; check every day of the week, and the day after Sunday.
      const overlap = Array.from({ length: 8 }, (_, d) => d).some(
        (d) => (d - 1) * 1440 + bs < me && ms < (d - 1) * 1440 + be,
      );
      return overlap
        ? [
            {
              resource: i,
              message: `backupWindow ${String(i.inputs.backupWindow)} overlaps maintenanceWindow ${String(i.inputs.maintenanceWindow)}.`,
            },
          ]
        : [];
    }),
};

export const storageThreshold: PlanRule = {
  id: "rds.storage.autoscalingThreshold",
  level: "plan",
  title: "maxAllocatedStorage is at least 10% above allocatedStorage",
  source: storageThresholdConfig.source,
  fix: storageThresholdConfig.fix,
  check: (rs) =>
    instances(rs).flatMap((i) => {
      const a = num(i.inputs.allocatedStorage);
      const m = num(i.inputs.maxAllocatedStorage);
      if (a === undefined || m === undefined || m === 0 || m * 10 >= a * 11) return [];
      return [
        { resource: i, message: `maxAllocatedStorage ${m} is less than 10% above allocatedStorage ${a}.` },
      ];
    }),
};

export const gp3ProvisionedPerformance: PlanRule = {
  id: "rds.storage.gp3ProvisionedPerformance",
  level: "plan",
  title: "gp3 IOPS and throughput are set only from 400 GiB (PostgreSQL)",
  source: {
    title:
      'Amazon RDS User Guide, "Amazon RDS DB instance storage", General Purpose SSD (gp3): below 400 GiB PostgreSQL gets the 3,000 IOPS / 125 MiBps baseline and provisioned values are not accepted; terraform-provider-aws#28382',
    url: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Storage.html",
  },
  fix: "Leave iops and storageThroughput unset below 400 GiB, or allocate 400 GiB or more.",
  check: (rs) =>
    instances(rs)
      .filter((i) => i.inputs.storageType === "gp3" && (num(i.inputs.allocatedStorage) ?? 400) < 400)
      .filter((i) => i.inputs.iops !== undefined || i.inputs.storageThroughput !== undefined)
      .map((i) => ({
        resource: i,
        message: `gp3 with ${String(i.inputs.allocatedStorage)} GiB sets ${["iops", "storageThroughput"].filter((k) => i.inputs[k] !== undefined).join(" and ")}; below 400 GiB PostgreSQL has the fixed baseline.`,
      })),
};

const IDENT = /^[a-zA-Z](?:-?[a-zA-Z0-9])*$/;

export const identifiers: PlanRule = {
  id: "rds.identifier",
  level: "plan",
  title:
    "Instance and final snapshot identifiers: a letter first, letters/digits/hyphens, no '--', no trailing '-'",
  source: {
    title:
      "Amazon RDS API Reference, CreateDBInstance DBInstanceIdentifier (1 to 63) and CreateDBSnapshot DBSnapshotIdentifier (1 to 255)",
    url: CREATE_DB_INSTANCE.url,
  },
  fix: "Rename to match the identifier rules (the stack name feeds the identifier).",
  check: (rs) =>
    instances(rs).flatMap((i) => {
      const out: PlanFinding[] = [];
      const id = str(i.inputs.identifier);
      if (id !== undefined && (!IDENT.test(id) || id.length > 63))
        out.push({ resource: i, message: `identifier "${id}" breaks the DB instance identifier rules.` });
      const snap = str(i.inputs.finalSnapshotIdentifier);
      if (snap !== undefined && (!IDENT.test(snap) || snap.length > 255))
        out.push({
          resource: i,
          message: `finalSnapshotIdentifier "${snap}" breaks the snapshot identifier rules.`,
        });
      return out;
    }),
};

const PG_LOG_EXPORTS = ["postgresql", "upgrade", "iam-db-auth-error"];

export const logExports: PlanRule = {
  id: "rds.logExports",
  level: "plan",
  title: "RDS for PostgreSQL exports only postgresql, upgrade and iam-db-auth-error logs",
  source: {
    title: "Amazon RDS API Reference, CreateDBInstance, EnableCloudwatchLogsExports (RDS for PostgreSQL)",
    url: CREATE_DB_INSTANCE.url,
  },
  fix: "Export only postgresql, upgrade or iam-db-auth-error.",
  check: (rs) =>
    instances(rs).flatMap((i) => {
      const bad = list(i.inputs.enabledCloudwatchLogsExports).filter(
        (l) => !PG_LOG_EXPORTS.includes(String(l)),
      );
      return bad.length
        ? [{ resource: i, message: `exports ${bad.join(", ")}, which RDS for PostgreSQL does not produce.` }]
        : [];
    }),
};

export const iamAuthEnabled: PlanRule = {
  id: "rds.iamAuth.enabled",
  level: "plan",
  title: "IAM database authentication is on when roles log in with IAM tokens",
  source: {
    title: 'Amazon RDS User Guide, "Enabling and disabling IAM database authentication"',
    url: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.IAMDBAuth.Enabling.html",
  },
  fix: "Set iamDatabaseAuthenticationEnabled: true on every instance.",
  check: (rs) => {
    const iamRoles = ofType(rs, T.pgRole).filter((r) => list(r.inputs.roles).includes("rds_iam"));
    const e2e = ofType(rs, T.proxy).filter((p) => p.inputs.defaultAuthScheme === "IAM_AUTH");
    if (iamRoles.length === 0 && e2e.length === 0) return [];
    const why = [
      ...iamRoles.map((r) => `role ${String(r.inputs.name)} is a member of rds_iam`),
      ...e2e.map((p) => `proxy ${p.name} signs in with IAM`),
    ].join("; ");
    return instances(rs)
      .filter((i) => i.inputs.iamDatabaseAuthenticationEnabled !== true)
      .map((i) => ({
        resource: i,
        message: `has IAM database authentication off, but ${why}: those logins cannot succeed.`,
      }));
  },
};
