import { describe, expect, it } from "vitest";
import { evaluateResources, type PolicyResult, type ResourceUnderTest } from "../../policies/lib/evaluate";
import { UNKNOWN } from "../../policies/lib/values";
import { RULES } from "../../policies/roster";
import { compliantStack, mutate, setContainer, setParam, setProp } from "./fixtures";

const failing = (results: PolicyResult[]) =>
  [
    ...new Set(
      results.filter((r) => r.status === "fail" && r.enforcementLevel !== "disabled").map((r) => r.policy),
    ),
  ].sort();
const run = (stack: ResourceUnderTest[], environment: "dev" | "prod" = "prod") =>
  evaluateResources(stack, { environment });

type Change = (r: ResourceUnderTest) => ResourceUnderTest;
const withProtect =
  (protect: boolean): Change =>
  (r) => ({ ...r, opts: { ...r.opts, protect } });
const setDeps =
  (deps: string[]): Change =>
  (r) => ({ ...r, opts: { ...r.opts, dependencies: deps } });

/** [expected failing rules, resource, change, what]: each is one insecure change to the compliant stack. */
const CASES: [string[], string, Change, string][] = [
  [["rdsStorageEncrypted"], "db", setProp("storageEncrypted", false), "storageEncrypted is false"],
  [
    ["rdsStorageEncrypted"],
    "db",
    setProp("storageEncrypted", undefined),
    "storageEncrypted is unset (provider default false)",
  ],
  [["rdsCustomerManagedKey"], "db", setProp("kmsKeyId", "alias/aws/rds"), "kmsKeyId is alias/aws/rds"],
  [["rdsCustomerManagedKey"], "db", setProp("kmsKeyId", undefined), "kmsKeyId is unset"],
  [["rdsNotPubliclyAccessible"], "db", setProp("publiclyAccessible", true), "publiclyAccessible is true"],
  [
    ["rdsIamAuthentication"],
    "db",
    setProp("iamDatabaseAuthenticationEnabled", false),
    "IAM authentication is off",
  ],
  [
    ["rdsLogExports"],
    "db",
    setProp("enabledCloudwatchLogsExports", ["postgresql"]),
    "the upgrade log is not exported",
  ],
  [["rdsLogExports"], "replica", setProp("enabledCloudwatchLogsExports", undefined), "no logs are exported"],
  [["rdsEnhancedMonitoring"], "db", setProp("monitoringInterval", 0), "monitoringInterval is 0"],
  [["rdsEnhancedMonitoring"], "db", setProp("monitoringRoleArn", undefined), "there is no monitoring role"],
  [["rdsMultiAz"], "db", setProp("multiAz", false), "the primary is single-AZ"],
  [["rdsBackupRetention"], "db", setProp("backupRetentionPeriod", 7), "backups are kept 7 days"],
  [["rdsDeletionProtection"], "db", setProp("deletionProtection", false), "deletion protection is off"],
  [
    ["rdsDeletionProtection"],
    "replica",
    setProp("deletionProtection", undefined),
    "a replica has no deletion protection",
  ],
  [
    ["rdsAutoMinorVersionUpgrade"],
    "db",
    setProp("autoMinorVersionUpgrade", false),
    "minor upgrades are disabled",
  ],
  [
    ["rdsPerformanceInsightsEncrypted"],
    "db",
    setProp("performanceInsightsKmsKeyId", undefined),
    "Performance Insights uses the AWS key",
  ],
  [["rdsCurrentCa"], "db", setProp("caCertIdentifier", "rds-ca-2019"), "the CA is rds-ca-2019"],
  [["rdsCurrentCa"], "replica", setProp("caCertIdentifier", undefined), "the CA is unset"],
  [
    ["rdsCustomParameterGroup"],
    "db",
    setProp("parameterGroupName", "default.postgres16"),
    "the default parameter group is used",
  ],
  [
    ["rdsManagedMasterPassword", "noPlaintextSecrets"],
    "db",
    setProp("password", "hunter2hunter2"),
    "a plain password is set",
  ],
  [
    ["rdsManagedMasterPassword"],
    "db",
    setProp("masterUserSecretKmsKeyId", undefined),
    "the master secret uses the AWS key",
  ],
  [["rdsCopyTagsToSnapshot"], "db", setProp("copyTagsToSnapshot", false), "tags are not copied to snapshots"],
  [["rdsFinalSnapshot"], "db", setProp("skipFinalSnapshot", true), "the final snapshot is skipped"],
  [
    ["rdsKeepAutomatedBackups"],
    "db",
    setProp("deleteAutomatedBackups", undefined),
    "automated backups go with the instance",
  ],
  [["rdsParamForceSsl"], "params", setParam("rds.force_ssl", "0"), "rds.force_ssl is 0"],
  [["rdsParamForceSsl"], "params", setParam("rds.force_ssl", undefined), "rds.force_ssl is unset"],
  [["rdsParamMinTls"], "params", setParam("ssl_min_protocol_version", "TLSv1.1"), "TLS 1.1 is accepted"],
  [["rdsParamScram"], "params", setParam("password_encryption", "md5"), "passwords are md5-hashed"],
  [["rdsParamStatementLogging"], "params", setParam("log_statement", "none"), "log_statement is none"],
  [
    ["rdsParamStatementLogging"],
    "params",
    setParam("log_min_duration_statement", "-1"),
    "slow statements are not logged",
  ],
  [
    ["rdsParamConnectionLogging"],
    "params",
    setParam("log_disconnections", "0"),
    "disconnections are not logged",
  ],
  [["rdsProxyRequireTls"], "proxy", setProp("requireTls", false), "the proxy accepts plaintext"],
  [["rdsProxyDebugLoggingOff"], "proxy", setProp("debugLogging", true), "proxy debug logging is on"],
  [
    ["rdsProxyScramAuth"],
    "proxy",
    setProp("auths", [
      {
        authScheme: "SECRETS",
        secretArn: "arn:aws:secretsmanager:us-east-1:123456789012:secret:app-secret-Ab12Cd",
      },
    ]),
    "client auth falls back to md5",
  ],
  [
    ["secretCustomerManagedKey", "rdsProxySecretsAuth"],
    "app-secret",
    setProp("kmsKeyId", undefined),
    "the proxy's secret uses the AWS key",
  ],
  [
    ["rdsProxySecretsAuth"],
    "proxy",
    setProp("auths", [
      {
        authScheme: "SECRETS",
        clientPasswordAuthType: "POSTGRES_SCRAM_SHA_256",
        secretArn: "arn:aws:secretsmanager:us-east-1:1:secret:other-x",
      },
    ]),
    "the proxy's secret is not managed by the stack",
  ],
  [
    ["rdsProxyScramAuth", "rdsProxySecretsAuth"],
    "proxy",
    (r) => setProp("defaultAuthScheme", "NONE")(setProp("auths", [])(r)),
    "the proxy has no auth entries and no end-to-end IAM (only IAM_AUTH may go without)",
  ],
  [["kmsKeyRotation"], "key", setProp("enableKeyRotation", false), "key rotation is off"],
  [["kmsDeletionWindow"], "key", setProp("deletionWindowInDays", 7), "the deletion window is 7 days"],
  [
    ["kmsNoWildcardPrincipal"],
    "key",
    setProp(
      "policy",
      JSON.stringify({
        Statement: [{ Sid: "Open", Effect: "Allow", Principal: "*", Action: "kms:*", Resource: "*" }],
      }),
    ),
    "the key policy admits * with no condition",
  ],
  [
    ["kmsNoPolicyLockoutBypass"],
    "key",
    setProp("bypassPolicyLockoutSafetyCheck", true),
    "the lockout check is bypassed",
  ],
  [["secretRecoveryWindow"], "app-secret", setProp("recoveryWindowInDays", 0), "the recovery window is 0"],
  [
    ["secretRotation"],
    "app-secret-rotation",
    (r) => setDeps([])(setProp("secretId", "arn:aws:secretsmanager:us-east-1:1:secret:other-x")(r)),
    "the secret has no rotation",
  ],
  [
    ["secretRotation"],
    "app-secret-rotation",
    setProp("rotationRules", undefined),
    "the rotation has no rules",
  ],
  [
    ["secretRotation"],
    "app-secret",
    setProp("tags", { RotationExempt: "rotation is inconvenient" }),
    "a credential claims an exemption the rule does not accept",
  ],
  [["logGroupEncrypted"], "log-postgresql", setProp("kmsKeyId", undefined), "a log group is unencrypted"],
  [["logGroupRetention"], "log-postgresql", setProp("retentionInDays", 30), "a log group keeps 30 days"],
  [["alarmActions"], "db-CPUUtilization", setProp("okActions", []), "an alarm has no OK action"],
  [
    ["alarmActions"],
    "db-FreeableMemory",
    setProp("actionsEnabled", false),
    "an alarm's actions are disabled",
  ],
  [["alarmActions"], "db-FreeStorageSpace", setProp("alarmActions", undefined), "an alarm notifies nobody"],
  [
    ["snsTopicEncrypted"],
    "alarms",
    setProp("kmsMasterKeyId", "alias/aws/sns"),
    "the topic uses alias/aws/sns",
  ],
  [
    ["rdsParamPgaudit"],
    "params",
    setParam("shared_preload_libraries", "pg_stat_statements"),
    "pgaudit is not preloaded",
  ],
  [["rdsParamPgaudit"], "params", setParam("pgaudit.log", "ddl"), "pgaudit does not log role changes"],
  [
    ["backupVaultLockCompliance"],
    "vault-lock",
    setProp("changeableForDays", undefined),
    "the vault lock is in governance mode",
  ],
  [
    ["backupCrossRegionCopy"],
    "plan",
    setProp("rules", [
      {
        ruleName: "daily",
        targetVaultName: "db-vault",
        schedule: "cron(0 5 * * ? *)",
        lifecycle: { deleteAfter: 35 },
      },
      {
        ruleName: "monthly",
        targetVaultName: "db-vault",
        lifecycle: { deleteAfter: 2192 },
        copyActions: [{ destinationVaultArn: "arn:aws:backup:us-east-1:123456789012:backup-vault:other" }],
      },
    ]),
    "the only copy goes to a vault in the same region",
  ],
  [
    ["backupRestoreTesting"],
    "restore-test-selection",
    setProp("protectedResourceType", "EBS"),
    "no restore test covers the database",
  ],
  [
    ["rdsCrossRegionBackupReplication"],
    "db-dr-replication",
    (r) => setDeps([])(setProp("sourceDbInstanceArn", "arn:aws:rds:us-east-1:123456789012:db:other")(r)),
    "the database's automated backups are not replicated to another region",
  ],
  [
    ["iamNoInlinePolicy"],
    "proxy-role",
    setProp("inlinePolicies", [
      { name: "secrets", policy: JSON.stringify({ Version: "2012-10-17", Statement: [] }) },
    ]),
    "a role carries an inline policy",
  ],
  [
    ["secretVersionNoPassword"],
    "app-secret-version",
    setProp("secretString", JSON.stringify({ username: "app_user", password: "p4ssw0rd-in-state" })),
    "Pulumi writes a password into a secret version",
  ],
  [
    ["secretVersionNoPassword"],
    "app-secret-version",
    setProp("secretString", JSON.stringify({ username: "app_user", db: { PGPASSWORD: "in-state" } })),
    "Pulumi writes a password under another name, nested",
  ],
  [
    ["secretVersionNoPassword"],
    "app-secret-version",
    setProp("secretString", "postgresql://app_user:in-state@db.internal:5432/verscienta_health"),
    "Pulumi writes a connection URL with a password",
  ],
  [
    ["secretVersionNoPassword"],
    "app-secret-version",
    setProp("secretBinary", "cGFzc3dvcmQ="),
    "Pulumi writes a binary secret value nobody can inspect",
  ],
  [
    ["lambdaInVpcWithLogGroup"],
    "dbops",
    setProp("vpcConfig", undefined),
    "the database operations function runs outside the VPC",
  ],
  [
    ["lambdaInVpcWithLogGroup"],
    "dbops",
    setProp("loggingConfig", { logFormat: "Text", logGroup: "/aws/lambda/elsewhere" }),
    "the function logs to a group the stack does not declare",
  ],
  [
    ["noDatabaseProviderFromDeployer"],
    "dbops",
    (r) => ({
      ...r,
      type: "pulumi:providers:postgresql",
      name: "postgres",
      urn: "urn:pulumi:prod::p::pulumi:providers:postgresql::postgres",
    }),
    "a PostgreSQL provider connects from the deploying machine",
  ],
  [
    ["snsTopicSubscribed"],
    "alarms-oncall",
    (r) => setDeps([])(setProp("topic", "arn:aws:sns:us-east-1:123456789012:elsewhere")(r)),
    "the alarm topic's only subscription goes to another topic",
  ],
  [
    ["sgNoPublicIngress", "dbSecurityGroupIngress"],
    "db-from-cidr",
    setProp("cidrIpv4", "0.0.0.0/0"),
    "the database admits 0.0.0.0/0",
  ],
  [
    ["sgNoPublicIngress", "dbSecurityGroupIngress"],
    "db-sg",
    setProp("ingress", [
      { protocol: "tcp", fromPort: 443, toPort: 443, cidrBlocks: [], ipv6CidrBlocks: ["::/0"] },
    ]),
    "the database group admits ::/0 on 443",
  ],
  [
    ["dbSecurityGroupIngress"],
    "db-from-cidr",
    setProp("cidrIpv4", "100.64.0.0/10"),
    "the database admits a non-RFC 1918 range",
  ],
  [["dbSecurityGroupIngress"], "db-from-proxy", setProp("toPort", 65535), "the database admits a port range"],
  [
    ["vpcDefaultSecurityGroupClosed"],
    "default-sg",
    setProp("ingress", [{ protocol: "-1", fromPort: 0, toPort: 0, self: true }]),
    "the default group admits its members",
  ],
  [["vpcDefaultSecurityGroupClosed"], "default-sg", setDeps([]), "the VPC's default group is not adopted"],
  [
    ["ecsReadOnlyRootFilesystem"],
    "pgbouncer-task",
    setContainer("readonlyRootFilesystem", false),
    "the root filesystem is writable",
  ],
  [["ecsNotPrivileged"], "pgbouncer-task", setContainer("privileged", true), "the container is privileged"],
  [["ecsNonRootUser"], "pgbouncer-task", setContainer("user", "0"), "the container runs as root"],
  [["ecsNonRootUser"], "pgbouncer-task", setContainer("user", undefined), "the container user is unset"],
  [
    ["ecsNoPublicIp"],
    "pgbouncer",
    setProp("networkConfiguration", { assignPublicIp: true }),
    "tasks get public IPs",
  ],
  [
    ["ecsNoSecretEnvironment"],
    "pgbouncer-task",
    setContainer("environment", [{ name: "DB_PASSWORD", value: "s3cret-value" }]),
    "a password is in the environment",
  ],
  [
    ["ecsNoSecretEnvironment", "noPlaintextSecrets"],
    "pgbouncer-task",
    setContainer("environment", [{ name: "DATABASE_URL", value: "postgresql://app:s3cret@db:5432/app" }]),
    "a connection string carries a password",
  ],
  [
    ["ecsLogsEncrypted"],
    "pgbouncer-task",
    setContainer("logConfiguration", undefined),
    "the container does not log",
  ],
  [
    ["ecsLogsEncrypted", "logGroupEncrypted"],
    "pgbouncer-logs",
    setProp("kmsKeyId", undefined),
    "the pooler's log group is unencrypted",
  ],
  [
    ["backupRdsSelected"],
    "selection",
    setProp("resources", ["arn:aws:rds:us-east-1:123456789012:db:other"]),
    "the database is in no backup plan",
  ],
  [
    ["backupRdsSelected"],
    "selection",
    setProp("conditions", [{ stringEquals: [{ key: "aws:ResourceTag/Environment", value: "staging" }] }]),
    "the selection names the database but its conditions exclude it (a tag it does not carry)",
  ],
  [
    ["backupRdsSelected"],
    "selection",
    setProp("conditions", [
      { stringNotLikes: [{ key: "aws:ResourceTag/DataClassification", value: "ph*" }] },
    ]),
    "the selection's stringNotLikes condition excludes the PHI database",
  ],
  [
    ["backupDailyRetention"],
    "plan",
    setProp("rules", [
      { ruleName: "daily", schedule: "cron(0 5 * * ? *)", lifecycle: { deleteAfter: 14 } },
      {
        ruleName: "monthly",
        targetVaultName: "db-vault",
        lifecycle: { deleteAfter: 2192 },
        copyActions: [{ destinationVaultArn: "arn:aws:backup:us-west-2:123456789012:backup-vault:dr-vault" }],
      },
    ]),
    "daily points are kept 14 days",
  ],
  [
    ["backupDailyRetention"],
    "plan",
    setProp("rules", [
      { ruleName: "weekly", schedule: "cron(0 5 ? * SUN *)", lifecycle: { deleteAfter: 365 } },
      {
        ruleName: "monthly",
        targetVaultName: "db-vault",
        lifecycle: { deleteAfter: 2192 },
        copyActions: [{ destinationVaultArn: "arn:aws:backup:us-west-2:123456789012:backup-vault:dr-vault" }],
      },
    ]),
    "there is no daily rule",
  ],
  [["backupVaultEncrypted"], "vault", setProp("kmsKeyArn", undefined), "the vault uses the AWS Backup key"],
  [
    ["backupVaultLocked", "backupVaultLockCompliance"],
    "vault-lock",
    (r) => setDeps([])(setProp("backupVaultName", "other")(r)),
    "the vault has no lock",
  ],
  [
    ["rdsAlarmCoverage"],
    "db-FreeStorageSpace",
    setProp("dimensions", { DBInstanceIdentifier: "other" }),
    "the storage alarm watches another database",
  ],
  [
    ["rdsAlarmCoverage"],
    "db-replica-1-DatabaseConnections",
    setProp("metricName", "ReadIOPS"),
    "a replica has no connections alarm",
  ],
  [["prodStatefulProtected"], "db", withProtect(false), "the prod database is not protected"],
  [["prodStatefulProtected"], "log-postgresql", withProtect(false), "a prod log group is not protected"],
  [
    ["noPlaintextSecrets"],
    "proxy",
    setProp("description", "key AKIAABCDEFGHIJKLMNOP"),
    "an access key is in a description",
  ],
];

describe("the compliant fixture", () => {
  it("passes every rule", () => {
    expect(failing(run(compliantStack()))).toEqual([]);
  });

  it("is evaluated by every rule at least once", () => {
    const evaluated = new Set(
      run(compliantStack())
        .filter((r) => r.status === "pass")
        .map((r) => r.policy),
    );
    expect(RULES.map((r) => r.name).filter((n) => !evaluated.has(n))).toEqual([]);
  });
});

describe("each insecure change fails exactly the rules that guard it", () => {
  it.each(CASES)("fails %j when %s is changed: %s", (expected, name, change) => {
    expect(failing(run(mutate(compliantStack(), name, change)))).toEqual([...expected].sort());
  });

  it("has a non-compliant case for every rule", () => {
    const covered = new Set(CASES.flatMap(([rules]) => rules));
    expect(RULES.map((r) => r.name).filter((n) => !covered.has(n))).toEqual([]);
  });
});

describe("read replicas", () => {
  const replicaResults = (stack: ResourceUnderTest[]) =>
    run(stack).filter((r) => r.resourceName === "replica");

  it("are exempt from backup retention, final snapshot, automated backups, Multi-AZ and master password rules", () => {
    const na = replicaResults(compliantStack())
      .filter((r) => r.status === "not-applicable")
      .map((r) => r.policy)
      .sort();
    expect(na).toEqual([
      "rdsBackupRetention",
      "rdsFinalSnapshot",
      "rdsKeepAutomatedBackups",
      "rdsManagedMasterPassword",
      "rdsMultiAz",
    ]);
  });

  it("are not selected by AWS Backup and still pass", () => {
    expect(
      failing(
        run(
          mutate(
            compliantStack(),
            "selection",
            setProp("resources", ["arn:aws:rds:us-east-1:123456789012:db:db"]),
          ),
        ),
      ),
    ).toEqual([]);
  });

  it("fails when a primary (no replicateSourceDb) has the replica's settings", () => {
    const stack = mutate(compliantStack(), "replica", setProp("replicateSourceDb", undefined));
    expect(failing(run(stack))).toEqual(
      [
        "backupRdsSelected",
        "backupRestoreTesting",
        "rdsBackupRetention",
        "rdsCrossRegionBackupReplication",
        "rdsKeepAutomatedBackups",
        "rdsManagedMasterPassword",
        "rdsMultiAz",
        "rdsFinalSnapshot",
      ].sort(),
    );
  });
});

describe("values unknown during preview", () => {
  it("turn into advisory notes, never mandatory failures, for every property of every resource", () => {
    for (const r of compliantStack()) {
      for (const key of Object.keys(r.props)) {
        const results = run(mutate(compliantStack(), r.name, setProp(key, UNKNOWN)));
        const mandatory = results
          .filter((x) => x.status === "fail" && x.enforcementLevel === "mandatory")
          .map((x) => `${x.policy}:${r.name}.${key}`);
        expect(mandatory).toEqual([]);
      }
    }
  });

  it("report which value was unknown", () => {
    const results = run(mutate(compliantStack(), "db", setProp("kmsKeyId", UNKNOWN)));
    const note = results.find((r) => r.policy === "rdsCustomerManagedKey" && r.resourceName === "db");
    expect(note?.status).toBe("fail");
    expect(note?.enforcementLevel).toBe("advisory");
    expect(note?.message).toBe(
      "can't run policy 'rdsCustomerManagedKey' from policy pack 'verscienta-hipaa@v0.1.0' during preview: string value at .kmsKeyId can't be known during preview",
    );
  });

  it("do not hide a real violation found alongside", () => {
    const stack = mutate(compliantStack(), "db", (r) =>
      setProp("monitoringInterval", 0)(setProp("monitoringRoleArn", UNKNOWN)(r)),
    );
    const result = run(stack).find((r) => r.policy === "rdsEnhancedMonitoring" && r.resourceName === "db");
    expect(result?.enforcementLevel).toBe("mandatory");
    expect(result?.message).toBe(
      "monitoringInterval is 0; must be 1 to 60 seconds (0 or unset disables Enhanced Monitoring).",
    );
  });
});

describe("config", () => {
  it("fails when backups are kept below a configured minimum and passes at it", () => {
    const stack = mutate(compliantStack(), "db", setProp("backupRetentionPeriod", 14));
    const at = (minimumDays: number) =>
      evaluateResources(stack, { environment: "prod", config: { rdsBackupRetention: { minimumDays } } }).find(
        (r) => r.policy === "rdsBackupRetention" && r.resourceName === "db",
      )?.status;
    expect(at(14)).toBe("pass");
    expect(at(15)).toBe("fail");
  });

  it("reports a rule made advisory by config as advisory", () => {
    const stack = mutate(compliantStack(), "db", setProp("multiAz", false));
    const r = evaluateResources(stack, {
      environment: "prod",
      config: { rdsMultiAz: { enforcementLevel: "advisory" } },
    }).find((x) => x.policy === "rdsMultiAz" && x.resourceName === "db");
    expect([r?.status, r?.enforcementLevel]).toEqual(["fail", "advisory"]);
  });

  it("fails when a policy config names an unknown enforcement level", () => {
    expect(() => evaluateResources(compliantStack(), { config: { rdsMultiAz: "optional" } })).toThrow(
      'policy config rdsMultiAz: enforcementLevel "optional" is not one of mandatory, advisory, disabled, remediate.',
    );
  });

  it("reports a disabled rule as not applicable, disabled", () => {
    const stack = mutate(compliantStack(), "db", setProp("multiAz", false));
    const r = evaluateResources(stack, { environment: "prod", config: { rdsMultiAz: "disabled" } }).find(
      (x) => x.policy === "rdsMultiAz" && x.resourceName === "db",
    );
    expect([r?.status, r?.enforcementLevel, r?.message]).toEqual([
      "not-applicable",
      "disabled",
      "disabled by policy config",
    ]);
  });

  it("skips prodStatefulProtected outside production", () => {
    const stack = mutate(compliantStack(), "db", withProtect(false));
    expect(failing(run(stack, "dev"))).toEqual([]);
  });
});

describe("evidence", () => {
  it("shows the properties a rule read", () => {
    const r = run(compliantStack()).find(
      (x) => x.policy === "rdsEnhancedMonitoring" && x.resourceName === "db",
    );
    expect(r?.evidence).toEqual({
      monitoringInterval: 60,
      monitoringRoleArn: "arn:aws:iam::123456789012:role/db-monitoring",
    });
    expect(r?.hipaa).toEqual(["164.312(b)", "164.308(a)(1)(ii)(D)"]);
    expect(r?.awsConfigRule).toBe("rds-enhanced-monitoring-enabled");
  });

  it("redacts secrets", () => {
    const stack = mutate(compliantStack(), "db", setProp("password", "hunter2hunter2"));
    const r = run(stack).find((x) => x.policy === "rdsManagedMasterPassword" && x.resourceName === "db");
    expect(r?.evidence).toEqual({
      manageMasterUserPassword: true,
      masterUserSecretKmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/mrk-1234",
      password: "[redacted]",
    });
    expect(JSON.stringify(run(stack))).not.toContain("hunter2hunter2");
  });
});

describe("noPlaintextSecrets", () => {
  const extra = (type: string, props: Record<string, unknown>): ResourceUnderTest[] => [
    ...compliantStack(),
    {
      urn: `urn:pulumi:prod::p::${type}::x`,
      type,
      name: "x",
      props,
      opts: { protect: false, dependencies: [] },
    },
  ];
  const verifier =
    "SCRAM-SHA-256$4096:jGxnrJmKj+Y+p4FKwWxcBQ==$Mc67qB4DiHBC/I3exRGcx2MoFPA0sMCIbxIC54eubtg=:Dma97Q/Ii4+VW8Jm+4DSEDVDq13OApc/JSDvHPXFpSo=";

  it("accepts a SCRAM verifier as a PostgreSQL role password", () => {
    expect(
      failing(run(extra("postgresql:index/role:Role", { name: "app", password: verifier }))),
    ).not.toContain("noPlaintextSecrets");
  });

  it("fails when a PostgreSQL role is given the password itself", () => {
    expect(
      failing(run(extra("postgresql:index/role:Role", { name: "app", password: "app-password-1" }))),
    ).toContain("noPlaintextSecrets");
  });

  it("accepts the credential a provider or dynamic resource connects with (marked secret by the program)", () => {
    // (noDatabaseProviderFromDeployer refuses a PostgreSQL provider for another reason: where it connects from.)
    expect(failing(run(extra("pulumi:providers:postgresql", { password: "x1y2z3", host: "db" })))).toEqual([
      "noDatabaseProviderFromDeployer",
    ]);
    expect(
      failing(run(extra("pulumi-nodejs:dynamic:Resource", { password: "x1y2z3", role: "app" }))),
    ).toEqual([]);
  });

  it("fails when a provider carries an access key", () => {
    expect(
      failing(run(extra("pulumi:providers:aws", { secretKey: "x", accessKey: "AKIAABCDEFGHIJKLMNOP" }))),
    ).toEqual(["noPlaintextSecrets"]);
  });

  it("accepts a connection-string template with placeholders", () => {
    const url = "postgresql://<user>:<password>@db:5432/app?sslmode=verify-full";
    expect(failing(run(extra("aws:ssm/parameter:Parameter", { type: "String", value: url })))).toEqual([]);
    expect(
      failing(run(extra("aws:lambda/function:Function", { environment: { variables: { URL: url } } }))),
    ).not.toContain("noPlaintextSecrets");
  });
});
