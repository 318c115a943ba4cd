import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import devPolicyConfig from "../../policies/dev-policy-config.json";
import { HIPAA_CONTROLS } from "../../policies/lib/hipaaControls";
import type { PolicyRule } from "../../policies/lib/types";
import { UNKNOWN_SENTINELS } from "../../policies/lib/values";
import { RULES } from "../../policies/roster";
import { renderRulesDoc } from "../../policies/tools/rulesDoc";

const POLICIES = path.resolve(__dirname, "../../policies");

describe("roster", () => {
  it("lists exactly these rules, in this order, with these enforcement levels", () => {
    expect(RULES.map((r) => `${r.name}:${r.kind}:${r.enforcementLevel}`)).toEqual([
      "rdsStorageEncrypted:resource:mandatory",
      "rdsCustomerManagedKey:resource:mandatory",
      "rdsNotPubliclyAccessible:resource:mandatory",
      "rdsIamAuthentication:resource:mandatory",
      "rdsLogExports:resource:mandatory",
      "rdsEnhancedMonitoring:resource:mandatory",
      "rdsMultiAz:resource:mandatory",
      "rdsBackupRetention:resource:mandatory",
      "rdsDeletionProtection:resource:mandatory",
      "rdsAutoMinorVersionUpgrade:resource:mandatory",
      "rdsPerformanceInsightsEncrypted:resource:mandatory",
      "rdsCurrentCa:resource:mandatory",
      "rdsCustomParameterGroup:resource:mandatory",
      "rdsManagedMasterPassword:resource:mandatory",
      "rdsCopyTagsToSnapshot:resource:mandatory",
      "rdsFinalSnapshot:resource:mandatory",
      "rdsKeepAutomatedBackups:resource:mandatory",
      "rdsCrossRegionBackupReplication:stack:mandatory",
      "rdsParamForceSsl:resource:mandatory",
      "rdsParamMinTls:resource:mandatory",
      "rdsParamScram:resource:mandatory",
      "rdsParamStatementLogging:resource:mandatory",
      "rdsParamConnectionLogging:resource:mandatory",
      "rdsParamPgaudit:resource:mandatory",
      "rdsProxyRequireTls:resource:mandatory",
      "rdsProxyDebugLoggingOff:resource:mandatory",
      "rdsProxyScramAuth:resource:mandatory",
      "rdsProxySecretsAuth:stack:mandatory",
      "kmsDeletionWindow:resource:mandatory",
      "kmsKeyRotation:resource:mandatory",
      "kmsNoPolicyLockoutBypass:resource:mandatory",
      "kmsNoWildcardPrincipal:resource:mandatory",
      "iamNoInlinePolicy:stack:mandatory",
      "secretCustomerManagedKey:resource:mandatory",
      "secretRecoveryWindow:resource:mandatory",
      "secretRotation:stack:mandatory",
      "alarmActions:resource:mandatory",
      "logGroupEncrypted:resource:mandatory",
      "logGroupRetention:resource:mandatory",
      "lambdaInVpcWithLogGroup:stack:mandatory",
      "snsTopicEncrypted:resource:mandatory",
      "snsTopicSubscribed:stack:mandatory",
      "dbSecurityGroupIngress:stack:mandatory",
      "sgNoPublicIngress:resource:mandatory",
      "vpcDefaultSecurityGroupClosed:stack:mandatory",
      "ecsLogsEncrypted:stack:mandatory",
      "ecsNoPublicIp:resource:mandatory",
      "ecsNoSecretEnvironment:resource:mandatory",
      "ecsNonRootUser:resource:mandatory",
      "ecsNotPrivileged:resource:mandatory",
      "ecsReadOnlyRootFilesystem:resource:mandatory",
      "backupDailyRetention:resource:mandatory",
      "backupRdsSelected:stack:mandatory",
      "backupVaultEncrypted:resource:mandatory",
      "backupVaultLocked:stack:mandatory",
      "backupVaultLockCompliance:stack:mandatory",
      "backupCrossRegionCopy:stack:mandatory",
      "backupRestoreTesting:stack:mandatory",
      "noPlaintextSecrets:stack:mandatory",
      "secretVersionNoPassword:resource:mandatory",
      "noDatabaseProviderFromDeployer:stack:mandatory",
      "prodStatefulProtected:stack:mandatory",
      "rdsAlarmCoverage:stack:mandatory",
    ]);
  });

  it("marks exactly these rules cost-only", () => {
    expect(RULES.filter((r) => r.costOnly).map((r) => r.name)).toEqual([
      "rdsMultiAz",
      "rdsBackupRetention",
      "rdsDeletionProtection",
      "rdsCrossRegionBackupReplication",
      "rdsParamPgaudit",
      "logGroupRetention",
      "snsTopicSubscribed",
      "backupDailyRetention",
      "backupVaultLockCompliance",
      "backupCrossRegionCopy",
      "backupRestoreTesting",
      "prodStatefulProtected",
    ]);
  });
});

/** Every rule file: policies/rules/<service>/<name>.ts */
const ruleFiles = readdirSync(path.join(POLICIES, "rules")).flatMap((svc) =>
  readdirSync(path.join(POLICIES, "rules", svc)).map((f) => ({ svc, file: f, name: f.replace(/\.ts$/, "") })),
);

/** The AWS service folder a resource type belongs in ("aws:rds/instance:Instance" → "rds"). */
const SERVICE_OF: Record<string, string> = { vpc: "ec2", cloudwatch: "cloudwatch" };
const serviceOf = (type: string) => {
  const m = /^aws:([a-z0-9]+)\//.exec(type);
  return m ? (SERVICE_OF[m[1]] ?? m[1]) : undefined;
};

describe("conventions", () => {
  it("has one rule file per rule, and every file is in the roster", () => {
    expect(ruleFiles.map((f) => f.name).sort()).toEqual(RULES.map((r) => r.name).sort());
  });

  it.each(ruleFiles)(
    "$svc/$file exports one rule whose export name and rule name equal the file name",
    async ({ svc, file, name }) => {
      const mod = (await import(path.join(POLICIES, "rules", svc, file))) as Record<string, unknown>;
      const rules = Object.entries(mod).filter(
        ([, v]) => typeof v === "object" && v !== null && "check" in v,
      );
      expect(rules.map(([k]) => k)).toEqual([name]);
      const rule = rules[0][1] as PolicyRule;
      expect(rule.name).toBe(name);
      expect(RULES).toContain(rule);
      // Grouped by AWS service: resource rules live in their resource type's service folder.
      if (rule.kind === "resource")
        expect(rule.resourceTypes.map(serviceOf)).toEqual(rule.resourceTypes.map(() => svc));
      else if (svc !== "stack") expect(rule.resourceTypes.map(serviceOf)).toContain(svc);
    },
  );

  it.each(RULES.map((r) => [r.name, r] as const))("%s carries complete, well-formed metadata", (_n, rule) => {
    expect(rule.name).toMatch(/^[a-z][A-Za-z0-9]+$/);
    expect(rule.description).toMatch(/^[A-Z].*\.$/);
    expect(rule.remediation).toMatch(/^[A-Z].*\.$/);
    expect(["critical", "high", "medium", "low"]).toContain(rule.severity);
    expect(rule.hipaa.length).toBeGreaterThan(0);
    for (const c of rule.hipaa) {
      expect(c).toMatch(/^164\.(308|312|316)\([a-z]\)(\(\d+\))?(\((i|ii|iii|iv|v)\))?(\([A-Z]\))?$/);
      expect(Object.keys(HIPAA_CONTROLS)).toContain(c);
    }
    expect(new Set(rule.hipaa).size).toBe(rule.hipaa.length);
    if (rule.awsConfigRule !== undefined) expect(rule.awsConfigRule).toMatch(/^[a-z0-9]+(-[a-z0-9]+)+$/);
    expect(rule.properties.length).toBeGreaterThan(0);
    expect(rule.resourceTypes.length).toBeGreaterThan(0);
    for (const [k, s] of Object.entries(rule.configSchema?.properties ?? {})) {
      expect(k).not.toBe("enforcementLevel");
      expect(s.default, `${rule.name}.${k} needs a default`).toBeDefined();
    }
  });

  it("names every cited control and cites every named control", () => {
    const cited = new Set(RULES.flatMap((r) => r.hipaa));
    expect(Object.keys(HIPAA_CONTROLS).sort()).toEqual([...cited].sort());
  });

  it("cites each of 164.308, 164.312 and 164.316", () => {
    const sections = new Set(RULES.flatMap((r) => r.hipaa.map((c) => c.slice(0, 7))));
    expect([...sections].sort()).toEqual(["164.308", "164.312", "164.316"]);
  });

  it("uses the engine's unknown-value sentinels", () => {
    // require: internal module without type declarations
    const proxy = require("@pulumi/policy/proxy") as Record<string, unknown>;
    const lib = Object.entries(proxy)
      .filter(([k]) => /^unknown[A-Z]\w*Value$/.test(k))
      .map(([, v]) => v);
    expect([...UNKNOWN_SENTINELS].sort()).toEqual((lib as string[]).sort());
  });
});

describe("dev policy config", () => {
  it("makes exactly the cost-only rules advisory, and nothing else", () => {
    const levels = Object.entries(devPolicyConfig).map(([k, v]) => [
      k,
      typeof v === "string" ? v : v.enforcementLevel,
    ]);
    expect(levels).toEqual(RULES.filter((r) => r.costOnly).map((r) => [r.name, "advisory"]));
  });

  it("sets only parameters the rules declare", () => {
    for (const [name, v] of Object.entries(devPolicyConfig)) {
      const rule = RULES.find((r) => r.name === name);
      const keys = typeof v === "string" ? [] : Object.keys(v).filter((k) => k !== "enforcementLevel");
      expect(keys.filter((k) => !(k in (rule?.configSchema?.properties ?? {})))).toEqual([]);
    }
  });
});

describe("the pack", () => {
  it("has a PulumiPolicy.yaml for the nodejs runtime", () => {
    expect(readFileSync(path.join(POLICIES, "PulumiPolicy.yaml"), "utf8")).toMatch(/^runtime: nodejs$/m);
  });

  it("pins its dependencies to the stack's versions", () => {
    const pkg = JSON.parse(readFileSync(path.join(POLICIES, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
      main: string;
    };
    expect(pkg.dependencies).toEqual({ "@pulumi/policy": "1.21.0", "@pulumi/pulumi": "3.248.0" });
    expect(pkg.main).toBe("index.ts");
  });

  it("index.ts only builds the pack", () => {
    const src = readFileSync(path.join(POLICIES, "index.ts"), "utf8");
    expect(src.match(/new PolicyPack\(/g)?.length).toBe(1);
    expect(src).not.toMatch(/export /);
  });
});

describe("RULES.md", () => {
  it("is up to date with the rule metadata (regenerate: npx tsx policies/tools/genRules.ts)", () => {
    expect(readFileSync(path.join(POLICIES, "RULES.md"), "utf8")).toBe(renderRulesDoc());
  });

  it("has a row per rule with its citations and AWS Config rule", () => {
    const doc = renderRulesDoc();
    for (const r of RULES) {
      const row = doc.split("\n").find((l) => l.startsWith(`| \`${r.name}\``));
      expect(row).toContain(r.hipaa.join(", "));
      expect(row).toContain(r.awsConfigRule ?? "none");
    }
  });
});

describe("README", () => {
  it("states the number of rules in the pack and in the preflight as they are", async () => {
    const { ALL_RULES } = await import("../../preflight/catalog");
    const readme = readFileSync(path.join(__dirname, "../../README.md"), "utf8");
    expect(readme).toContain(`a Pulumi policy pack (${RULES.length} rules)`);
    expect(readme).toContain(`or accepts but cannot make work: ${ALL_RULES.length} rules`);
  });
});
