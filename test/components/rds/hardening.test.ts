import { describe, expect, it } from "vitest";
import { instanceHardening, LOG_EXPORTS } from "../../../components/rds";
import { databaseInsightsProblem } from "../../../components/rds/hardening";
import { validateInstanceArgs } from "../../../components/rds/instance";

const args = {
  kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k",
  securityGroupIds: ["sg-1"],
  parameterGroupName: "pg",
  caCertIdentifier: "rds-ca-rsa2048-g1",
  monitoringRoleArn: "arn:aws:iam::123456789012:role/m",
  monitoringIntervalSeconds: 60,
  performanceInsightsRetentionDays: 7,
  databaseInsightsMode: "standard" as const,
  maintenanceWindow: "sun:05:00-sun:06:00",
  deletionProtection: true,
  maxAllocatedStorageGb: 1000,
};

describe("instanceHardening (shared by the primary and every read replica)", () => {
  it("encrypts, keeps the instance private, requires IAM auth, exports logs and monitors, with exactly these values", () => {
    expect(instanceHardening(args)).toEqual({
      storageType: "gp3",
      maxAllocatedStorage: 1000,
      storageEncrypted: true,
      publiclyAccessible: false,
      vpcSecurityGroupIds: ["sg-1"],
      parameterGroupName: "pg",
      caCertIdentifier: "rds-ca-rsa2048-g1",
      iamDatabaseAuthenticationEnabled: true,
      autoMinorVersionUpgrade: true,
      deletionProtection: true,
      copyTagsToSnapshot: true,
      enabledCloudwatchLogsExports: ["postgresql", "upgrade"],
      monitoringInterval: 60,
      monitoringRoleArn: "arn:aws:iam::123456789012:role/m",
      performanceInsightsEnabled: true,
      performanceInsightsKmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/k",
      performanceInsightsRetentionPeriod: 7,
      databaseInsightsMode: "standard",
      maintenanceWindow: "sun:05:00-sun:06:00",
      applyImmediately: false,
    });
  });

  it("names no storage key: a same-region replica must not (CreateDBInstanceReadReplica, KmsKeyId)", () => {
    const h: Record<string, unknown> = instanceHardening(args);
    expect(h.kmsKeyId).toBeUndefined();
  });

  it("hands out a fresh log-exports list each time, so one instance cannot change another's", () => {
    const a = instanceHardening(args).enabledCloudwatchLogsExports;
    expect(a).not.toBe(instanceHardening(args).enabledCloudwatchLogsExports);
    expect(a).toEqual([...LOG_EXPORTS]);
  });
});

describe("databaseInsightsProblem (RDS: Advanced mode needs 465+ days of Performance Insights)", () => {
  it("accepts standard at any retention and advanced at 465 or more", () => {
    expect(databaseInsightsProblem("standard", 7)).toBeUndefined();
    expect(databaseInsightsProblem("advanced", 465)).toBeUndefined();
    expect(databaseInsightsProblem("advanced", 731)).toBeUndefined();
  });

  it("refuses advanced below 465 days, naming both keys, the value and the fix", () => {
    expect(databaseInsightsProblem("advanced", 434)).toBe(
      'databaseInsightsMode "advanced" needs performanceInsightsRetentionDays of at least 465 (15 months); got 434. Set performanceInsightsRetentionDays to 465, or use "standard".',
    );
  });

  it("refuses a PostgresInstance in advanced mode with the default 7-day retention", () => {
    const base = {
      accountId: "123456789012",
      identifier: "app-db",
      engineVersion: "16",
      instanceClass: "db.r6g.large",
      allocatedStorageGb: 100,
      maxAllocatedStorageGb: 1000,
      databaseName: "app",
      masterUsername: "admin_user",
      kmsKeyArn: args.kmsKeyArn,
      subnetGroupName: "sn",
      securityGroupIds: ["sg-1"],
      parameterGroupName: "pg",
      multiAz: true,
      deletionProtection: true,
      backupRetentionDays: 35,
      backupWindow: "03:00-04:00",
      maintenanceWindow: "sun:05:00-sun:06:00",
      engineLifecycleSupport: "open-source-rds-extended-support-disabled",
      logRetentionDays: 2192,
    };
    expect(() => validateInstanceArgs({ ...base, databaseInsightsMode: "advanced" })).toThrow(
      'PostgresInstance: databaseInsightsMode "advanced" needs performanceInsightsRetentionDays of at least 465 (15 months); got 7.',
    );
    expect(() =>
      validateInstanceArgs({
        ...base,
        databaseInsightsMode: "advanced",
        performanceInsightsRetentionDays: 465,
      }),
    ).not.toThrow();
  });
});
