import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ALL_RULES } from "../../preflight/catalog";
import { renderPreflightDoc } from "../../tools/preflightDocs";

describe("the preflight roster", () => {
  it("lists exactly these rules, in this order", () => {
    expect(ALL_RULES.map((r) => `${r.level} ${r.id}`)).toEqual([
      "config rds.replica.managedMasterPassword.config",
      "config rds.storage.autoscalingThreshold.config",
      "config rds.instanceClass.known.config",
      "config rds.databaseInsights.advancedRetention.config",
      "config rdsProxy.idleConnections.config",
      "config ecs.pgbouncerImage.privateEcr.config",
      "config ecs.fargate.cpuMemory.config",
      "plan rds.replica.managedMasterPassword",
      "plan rds.replica.sameRegionKmsKey",
      "plan rds.parameterGroup.family",
      "plan rds.parameterGroup.replaceOrder",
      "plan rds.performanceInsights.retention",
      "plan rds.databaseInsights.advancedRetention",
      "plan rds.monitoring.interval",
      "plan rds.backup.retention",
      "plan rds.backup.window",
      "plan rds.storage.autoscalingThreshold",
      "plan rds.storage.gp3ProvisionedPerformance",
      "plan rds.identifier",
      "plan rds.logExports",
      "plan rds.iamAuth.enabled",
      "plan rdsProxy.endToEndIam",
      "plan rdsProxy.idleConnections",
      "plan rdsProxy.name",
      "plan backup.vaultLock.settings",
      "plan backup.lifecycle.withinVaultLock",
      "plan backup.continuous.retention",
      "plan backup.coldStorage.lifecycle",
      "plan backup.automatedBackupsReplication.kmsKey",
      "plan kms.deletionWindow",
      "plan kms.encryptedTopic.publishers",
      "plan kms.encryptedLogGroup.logsPrincipal",
      "plan ecs.fargate.cpuMemory",
      "plan ecs.loadBalancer.targetTypeIp",
      "plan network.dbSubnetGroup.azs",
      "plan network.fargate.ecrEndpoints",
      "plan secretsManager.rotation.endpoint",
      "plan secretsManager.rotation.days",
      "plan secretsManager.replica.region",
      "plan lambda.function.limits",
      "plan lambda.function.vpcConfig",
      "plan lambda.invocation.payload",
      "plan events.rule.scheduleExpression",
      "plan cloudwatch.alarm.period",
      "plan cloudwatch.logGroup.retention",
      "plan sns.notificationTopic.subscriber",
    ]);
  });

  it("gives every rule a unique id, a title, a fix and a cited https source", () => {
    expect(new Set(ALL_RULES.map((r) => r.id)).size).toBe(ALL_RULES.length);
    for (const r of ALL_RULES) {
      expect(r.title.length, r.id).toBeGreaterThan(10);
      expect(r.fix.length, r.id).toBeGreaterThan(10);
      expect(r.source.title.length, r.id).toBeGreaterThan(10);
      expect(r.source.url, r.id).toMatch(/^https:\/\/(docs\.aws\.amazon\.com|github\.com)\//);
    }
  });

  it("docs/preflight.md is generated from the catalog and not stale (npm run docs:preflight)", () => {
    const doc = readFileSync(path.join(__dirname, "../../docs/preflight.md"), "utf8");
    expect(doc).toBe(renderPreflightDoc());
  });
});
