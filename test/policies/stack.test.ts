/**
 * The real program under mocks (dev and prod), through the pack: every mandatory rule passes, and
 * single-property insecure changes to the prod stack are each caught.
 */
import { beforeAll, describe, expect, it } from "vitest";
import devPolicyConfig from "../../policies/dev-policy-config.json";
import {
  evaluateResources,
  fromRegistrations,
  type PolicyResult,
  type ResourceUnderTest,
} from "../../policies/lib/evaluate";
import { RULES } from "../../policies/roster";
import { MOCK_ACCOUNT } from "../../testing/mockCloud";
import { runStack } from "../../testing/runProgram";

const mandatoryFailures = (results: PolicyResult[]) =>
  results
    .filter((r) => r.status === "fail" && r.enforcementLevel === "mandatory")
    .map((r) => `${r.policy} ${r.resourceName ?? ""}: ${r.message}`);

let prod: ResourceUnderTest[];
let dev: ResourceUnderTest[];

beforeAll(async () => {
  const p = await runStack({ stack: "prod" });
  if (p.error) throw p.error;
  prod = fromRegistrations(p.registrations);
  const d = await runStack({ stack: "dev" });
  if (d.error) throw d.error;
  dev = fromRegistrations(d.registrations);
});

const evalProd = (stack: ResourceUnderTest[]) =>
  evaluateResources(stack, { environment: "prod", stackName: "prod" });

describe("whole stack", () => {
  it("prod passes every mandatory rule", () => {
    expect(mandatoryFailures(evalProd(prod))).toEqual([]);
  });

  it("prod with IAM-authenticated roles (end-to-end IAM at the proxy) passes every mandatory rule", async () => {
    // Their secrets hold no password, so nothing rotates them; the tag says why, in words the rule accepts.
    const r = await runStack({
      stack: "prod",
      config: { iamAuthRoles: ["app_user", "analytics_readonly"], proxyRequireIam: true },
    });
    if (r.error) throw r.error;
    expect(mandatoryFailures(evalProd(fromRegistrations(r.registrations)))).toEqual([]);
  });

  it("prod is evaluated by every rule (each passes on some resource, or once as a stack rule)", () => {
    const passed = new Set(
      evalProd(prod)
        .filter((r) => r.status === "pass")
        .map((r) => r.policy),
    );
    // No RDS Proxy/PgBouncer-only gaps: prod runs RDS Proxy, so only the ECS rules have nothing to check.
    expect(RULES.map((r) => r.name).filter((n) => !passed.has(n))).toEqual([
      "ecsLogsEncrypted",
      "ecsNoPublicIp",
      "ecsNoSecretEnvironment",
      "ecsNonRootUser",
      "ecsNotPrivileged",
      "ecsReadOnlyRootFilesystem",
    ]);
  });

  it("a PgBouncer prod stack passes every mandatory rule, the ECS rules included", async () => {
    const p = await runStack({
      stack: "prod",
      config: {
        pooler: "pgbouncer",
        pgbouncerImage: `${MOCK_ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/pgbouncer@sha256:${"a".repeat(64)}`,
      },
    });
    if (p.error) throw p.error;
    const results = evalProd(fromRegistrations(p.registrations));
    expect(mandatoryFailures(results)).toEqual([]);
    const passedEcs = new Set(
      results.filter((r) => r.status === "pass" && r.policy.startsWith("ecs")).map((r) => r.policy),
    );
    expect([...passedEcs].sort()).toEqual([
      "ecsLogsEncrypted",
      "ecsNoPublicIp",
      "ecsNoSecretEnvironment",
      "ecsNonRootUser",
      "ecsNotPrivileged",
      "ecsReadOnlyRootFilesystem",
    ]);
  });

  it("dev passes every mandatory rule under the dev policy config", () => {
    expect(
      mandatoryFailures(evaluateResources(dev, { environment: "dev", config: devPolicyConfig })),
    ).toEqual([]);
  });

  it("dev reports its cost relaxations as advisory failures", () => {
    const advisory = evaluateResources(dev, { environment: "dev", config: devPolicyConfig })
      .filter((r) => r.status === "fail")
      .map((r) => `${r.policy}:${r.enforcementLevel}`);
    expect([...new Set(advisory)].sort()).toEqual([
      "backupVaultLockCompliance:advisory",
      "rdsDeletionProtection:advisory",
      "rdsMultiAz:advisory",
      "snsTopicSubscribed:advisory",
    ]);
  });

  it("fails dev without the dev policy config (the relaxations are real findings)", () => {
    const failed = new Set(
      evaluateResources(dev, { environment: "dev" })
        .filter((r) => r.status === "fail")
        .map((r) => r.policy),
    );
    expect([...failed].sort()).toEqual([
      "backupVaultLockCompliance",
      "logGroupRetention",
      "rdsBackupRetention",
      "rdsDeletionProtection",
      "rdsMultiAz",
      "snsTopicSubscribed",
    ]);
  });

  it("a preview (unknown outputs) of prod raises no mandatory failure", async () => {
    const p = await runStack({ stack: "prod", preview: true });
    if (p.error) throw p.error;
    expect(mandatoryFailures(evalProd(fromRegistrations(p.registrations)))).toEqual([]);
  });
});

type Pick = (r: ResourceUnderTest) => boolean;
const ofType =
  (type: string, extra: Pick = () => true): Pick =>
  (r) =>
    r.type === type && extra(r);
const named =
  (suffix: string): Pick =>
  (r) =>
    r.name.endsWith(suffix);
const PRIMARY = ofType("aws:rds/instance:Instance", (r) => !r.props.replicateSourceDb);
const PARAMS = ofType("aws:rds/parameterGroup:ParameterGroup");
const KEY = ofType("aws:kms/key:Key");
const LOG_GROUP = ofType("aws:cloudwatch/logGroup:LogGroup", named("log-postgresql"));
const PROXY = ofType("aws:rds/proxy:Proxy");
const SECRET = ofType("aws:secretsmanager/secret:Secret");
const ALARM = ofType("aws:cloudwatch/metricAlarm:MetricAlarm");
const TOPIC = ofType("aws:sns/topic:Topic");
const DB_SG = ofType("aws:ec2/securityGroup:SecurityGroup", named("-db-sg"));
const DEFAULT_SG = ofType("aws:ec2/defaultSecurityGroup:DefaultSecurityGroup");
const VAULT = ofType("aws:backup/vault:Vault", (r) => !String(r.props.name ?? "").includes("dr"));
const PLAN = ofType("aws:backup/plan:Plan");
const SELECTION = ofType("aws:backup/selection:Selection");
const ROTATION = ofType("aws:secretsmanager/secretRotation:SecretRotation", named("app_user-rotation"));

type Change = (r: ResourceUnderTest, all: ResourceUnderTest[]) => ResourceUnderTest;
const set =
  (key: string, value: unknown): Change =>
  (r) => {
    const props = { ...r.props };
    if (value === undefined) delete props[key];
    else props[key] = value;
    return { ...r, props, outputs: { ...(r.outputs ?? r.props), [key]: value } };
  };
const param =
  (name: string, value: string): Change =>
  (r) =>
    set("parameters", [
      ...(r.props.parameters as { name: string }[]).filter((p) => p.name !== name),
      { name, value },
    ])(r, []);
const unprotect: Change = (r) => ({ ...r, opts: { ...r.opts, protect: false } });
const noDeps: Change = (r) => ({ ...r, opts: { ...r.opts, dependencies: [] } });

/** Each row: the rule expected to fire, the resource (first match), the single insecure change. */
const MUTATIONS: [string, Pick, Change][] = [
  ["rdsStorageEncrypted", PRIMARY, set("storageEncrypted", false)],
  ["rdsStorageEncrypted", PRIMARY, set("storageEncrypted", undefined)],
  ["rdsCustomerManagedKey", PRIMARY, set("kmsKeyId", "alias/aws/rds")],
  ["rdsNotPubliclyAccessible", PRIMARY, set("publiclyAccessible", true)],
  ["rdsIamAuthentication", PRIMARY, set("iamDatabaseAuthenticationEnabled", false)],
  ["rdsLogExports", PRIMARY, set("enabledCloudwatchLogsExports", ["postgresql"])],
  ["rdsEnhancedMonitoring", PRIMARY, set("monitoringInterval", 0)],
  ["rdsMultiAz", PRIMARY, set("multiAz", false)],
  ["rdsBackupRetention", PRIMARY, set("backupRetentionPeriod", 7)],
  ["rdsDeletionProtection", PRIMARY, set("deletionProtection", false)],
  ["rdsAutoMinorVersionUpgrade", PRIMARY, set("autoMinorVersionUpgrade", false)],
  ["rdsPerformanceInsightsEncrypted", PRIMARY, set("performanceInsightsKmsKeyId", "alias/aws/rds")],
  ["rdsCurrentCa", PRIMARY, set("caCertIdentifier", "rds-ca-2019")],
  ["rdsCustomParameterGroup", PRIMARY, set("parameterGroupName", "default.postgres16")],
  ["rdsManagedMasterPassword", PRIMARY, set("manageMasterUserPassword", false)],
  ["noPlaintextSecrets", PRIMARY, set("password", "correct-horse-battery")],
  ["rdsCopyTagsToSnapshot", PRIMARY, set("copyTagsToSnapshot", false)],
  ["rdsFinalSnapshot", PRIMARY, set("skipFinalSnapshot", true)],
  ["rdsKeepAutomatedBackups", PRIMARY, set("deleteAutomatedBackups", true)],
  ["prodStatefulProtected", PRIMARY, unprotect],
  ["prodStatefulProtected", KEY, unprotect],
  ["rdsParamForceSsl", PARAMS, param("rds.force_ssl", "0")],
  ["rdsParamMinTls", PARAMS, param("ssl_min_protocol_version", "TLSv1")],
  ["rdsParamScram", PARAMS, param("password_encryption", "md5")],
  ["rdsParamStatementLogging", PARAMS, param("log_statement", "none")],
  ["rdsParamConnectionLogging", PARAMS, param("log_connections", "0")],
  ["rdsProxyRequireTls", PROXY, set("requireTls", false)],
  ["rdsProxyDebugLoggingOff", PROXY, set("debugLogging", true)],
  [
    "rdsProxyScramAuth",
    PROXY,
    (r) =>
      set(
        "auths",
        (r.props.auths as object[]).map((a) => ({ ...a, clientPasswordAuthType: "POSTGRES_MD5" })),
      )(r, []),
  ],
  ["kmsKeyRotation", KEY, set("enableKeyRotation", false)],
  ["kmsDeletionWindow", KEY, set("deletionWindowInDays", 7)],
  [
    "kmsNoWildcardPrincipal",
    KEY,
    set(
      "policy",
      JSON.stringify({
        Statement: [{ Effect: "Allow", Principal: { AWS: "*" }, Action: "kms:*", Resource: "*" }],
      }),
    ),
  ],
  ["kmsNoPolicyLockoutBypass", KEY, set("bypassPolicyLockoutSafetyCheck", true)],
  ["secretCustomerManagedKey", SECRET, set("kmsKeyId", undefined)],
  ["secretRecoveryWindow", SECRET, set("recoveryWindowInDays", 0)],
  [
    "secretRotation",
    ROTATION,
    (r) =>
      noDeps(set("secretId", "arn:aws:secretsmanager:us-east-1:123456789012:secret:nope-AbCdEf")(r, []), []),
  ],
  ["logGroupEncrypted", LOG_GROUP, set("kmsKeyId", undefined)],
  ["logGroupRetention", LOG_GROUP, set("retentionInDays", 30)],
  ["alarmActions", ALARM, set("okActions", [])],
  ["alarmActions", ALARM, set("actionsEnabled", false)],
  [
    "rdsAlarmCoverage",
    ofType("aws:cloudwatch/metricAlarm:MetricAlarm", (r) => r.props.metricName === "FreeStorageSpace"),
    set("dimensions", {}),
  ],
  ["snsTopicEncrypted", TOPIC, set("kmsMasterKeyId", "alias/aws/sns")],
  [
    "iamNoInlinePolicy",
    ofType("aws:iam/role:Role"),
    set("inlinePolicies", [{ name: "inline", policy: '{"Version":"2012-10-17","Statement":[]}' }]),
  ],
  [
    "snsTopicSubscribed",
    ofType("aws:sns/topicSubscription:TopicSubscription"),
    (r) => ({
      ...set("topic", "arn:aws:sns:us-east-1:123456789012:elsewhere")(r, []),
      opts: { ...r.opts, dependencies: [] },
    }),
  ],
  [
    "sgNoPublicIngress",
    DB_SG,
    set("ingress", [{ protocol: "tcp", fromPort: 5432, toPort: 5432, cidrBlocks: ["0.0.0.0/0"] }]),
  ],
  [
    "dbSecurityGroupIngress",
    DB_SG,
    set("ingress", [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["10.0.0.0/8"] }]),
  ],
  [
    "vpcDefaultSecurityGroupClosed",
    DEFAULT_SG,
    set("egress", [{ protocol: "-1", fromPort: 0, toPort: 0, cidrBlocks: ["10.0.0.0/8"] }]),
  ],
  ["backupVaultEncrypted", VAULT, set("kmsKeyArn", undefined)],
  [
    "backupDailyRetention",
    PLAN,
    (r) =>
      set(
        "rules",
        (r.props.rules as { lifecycle?: object }[]).map((x) => ({ ...x, lifecycle: { deleteAfter: 7 } })),
      )(r, []),
  ],
  [
    "backupRdsSelected",
    SELECTION,
    (r) =>
      set("selectionTags", [])(set("resources", ["arn:aws:rds:us-east-1:123456789012:db:other"])(r, []), []),
  ],
];

describe("mutation: single insecure changes to the prod stack", () => {
  it("has at least 40 mutations", () => {
    expect(MUTATIONS.length).toBeGreaterThanOrEqual(40);
  });

  it.each(MUTATIONS.map((m, i) => [i, ...m] as const))("#%i is caught by %s", (_i, rule, pick, change) => {
    const target = prod.find(pick);
    expect(target, `no resource for the ${rule} mutation`).toBeDefined();
    const before = evalProd(prod)
      .filter((r) => r.status === "fail" && r.enforcementLevel === "mandatory")
      .map((r) => r.policy);
    expect(before).not.toContain(rule);
    const mutated = prod.map((r) => (r === target ? change(structuredClone(r), prod) : r));
    const fired = evalProd(mutated)
      .filter((r) => r.status === "fail" && r.enforcementLevel === "mandatory")
      .map((r) => r.policy);
    expect(fired).toContain(rule);
  });
});
