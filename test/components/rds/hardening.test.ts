import { describe, expect, it } from "vitest";
import { instanceHardening, LOG_EXPORTS } from "../../../components/rds";

const args = {
  kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:key/k",
  securityGroupIds: ["sg-1"],
  parameterGroupName: "pg",
  caCertIdentifier: "rds-ca-rsa2048-g1",
  monitoringRoleArn: "arn:aws:iam::123456789012:role/m",
  monitoringIntervalSeconds: 60,
  performanceInsightsRetentionDays: 7,
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
