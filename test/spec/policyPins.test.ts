import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { MIN_RETENTION_DAYS } from "../../components/backup/defaults";
import { backupDailyRetention } from "../../policies/rules/backup/backupDailyRetention";
import { logGroupRetention } from "../../policies/rules/cloudwatch/logGroupRetention";
import { rdsBackupRetention } from "../../policies/rules/rds/rdsBackupRetention";
import { RDS_LIMITS } from "../../spec/awsLimits";
import { AUDIT_RETENTION_DAYS, DAILY_BACKUP_MIN_DAYS, PROD_PITR_DAYS } from "../../spec/hipaa";
import { DEV_VALUES } from "../../spec/keys";

/**
 * The policy pack imports nothing from outside policies/, so it keeps its own copies of the floors.
 * These pins make a floor moved in spec/ without the pack (or the reverse) a failing test.
 */
type Rule = { configSchema?: { properties?: Record<string, { default?: unknown; maximum?: unknown }> } };
const packDefault = (rule: Rule) => rule.configSchema?.properties?.minimumDays?.default;
const devPolicyConfig = JSON.parse(
  readFileSync(path.resolve(__dirname, "../../policies/dev-policy-config.json"), "utf8"),
) as Record<string, { minimumDays?: number }>;

describe("the policy pack's floors equal spec/", () => {
  it("rdsBackupRetention defaults to the prod PITR floor, capped at the RDS maximum", () => {
    expect(packDefault(rdsBackupRetention as Rule)).toBe(PROD_PITR_DAYS);
    expect((rdsBackupRetention as Rule).configSchema?.properties?.minimumDays?.maximum).toBe(
      RDS_LIMITS.maxBackupRetentionDays,
    );
  });

  it("logGroupRetention defaults to six years of audit logs", () => {
    expect(packDefault(logGroupRetention as Rule)).toBe(AUDIT_RETENTION_DAYS);
  });

  it("backupDailyRetention defaults to the daily recovery-point floor, as the vault lock does", () => {
    expect(packDefault(backupDailyRetention as Rule)).toBe(DAILY_BACKUP_MIN_DAYS);
    expect(MIN_RETENTION_DAYS).toBe(DAILY_BACKUP_MIN_DAYS);
  });

  it("the dev policy config asks for what the dev stack file states", () => {
    expect(devPolicyConfig.rdsBackupRetention.minimumDays).toBe(DEV_VALUES.backupRetentionDays);
    expect(devPolicyConfig.logGroupRetention.minimumDays).toBe(DEV_VALUES.logRetentionDays);
    expect(devPolicyConfig.backupDailyRetention.minimumDays).toBe(DAILY_BACKUP_MIN_DAYS);
  });
});
