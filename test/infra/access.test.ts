import * as pulumi from "@pulumi/pulumi";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { accessStatements } from "../../components/postgres/accessSql";
import { setStatements } from "../../components/postgres/roleSettings";
import { MULTI_USER_ROTATION_APP } from "../../components/postgres/rotationFunction";
import { isScramVerifier } from "../../components/postgres/scram";
import { parseMasterSecret } from "../../infra/access";
import { stackAccessModel } from "../../infra/accessModel";
import { parseConfig } from "../../infra/config";
import type { Registration } from "../../testing/mockCloud";
import { ofType, one, type RunResult, runStack } from "../../testing/runProgram";

const SECRET = "aws:secretsmanager/secret:Secret";
const VERSION = "aws:secretsmanager/secretVersion:SecretVersion";
const ROTATION = "aws:secretsmanager/secretRotation:SecretRotation";
const ROLE = "postgresql:index/role:Role";
const GRANT = "postgresql:index/grant:Grant";
const DEFAULTS = "postgresql:index/defaultPrivileges:DefaultPrivileges";
const EXTENSION = "postgresql:index/extension:Extension";
const PROVIDER = "pulumi:providers:postgresql";
const DYNAMIC = "pulumi-nodejs:dynamic:Resource";
const ROLES = ["verscienta_owner", "app_user", "analytics_readonly"];

let dev: RunResult;
let tunnel: RunResult;
let unmanaged: RunResult;
let iam: RunResult;
const warnings: string[] = [];
beforeAll(async () => {
  dev = await runStack({ stack: "dev" });
  tunnel = await runStack({
    stack: "dev",
    config: { databaseTunnelHost: "localhost", databaseTunnelPort: 15432 },
  });
  const warn = vi.spyOn(pulumi.log, "warn").mockImplementation(async (m: string) => {
    warnings.push(m);
  });
  unmanaged = await runStack({ stack: "dev", config: { manageDatabaseObjects: false } });
  warn.mockRestore();
  iam = await runStack({ stack: "dev", config: { iamAuthRoles: ["analytics_readonly"] } });
  for (const r of [dev, tunnel, unmanaged, iam]) expect(r.error).toBeUndefined();
});

const rotationSgId = () =>
  (
    one(dev, "aws:serverlessrepository/cloudFormationStack:CloudFormationStack", "-rotation-app").inputs
      .parameters as Record<string, string>
  ).vpcSecurityGroupIds;
const keyArn = (r: RunResult) => one(r, "aws:kms/key:Key", "verscienta-dev-key").state.arn as string;
const dbAddress = (r: RunResult) => one(r, "aws:rds/instance:Instance", "-instance").state.address as string;
const masterSecretArn = (r: RunResult) =>
  (one(r, "aws:rds/instance:Instance", "-instance").state.masterUserSecrets as { secretArn: string }[])[0]
    .secretArn;

describe("role secrets", () => {
  it("keeps one secret per role, named <stack>/postgres/<role>, encrypted with the stack's key, recoverable 30 days", () => {
    const secrets = ofType(dev, SECRET).filter((s) => String(s.inputs.name).includes("/postgres/"));
    expect(secrets.map((s) => s.inputs.name).sort()).toEqual(
      ROLES.map((r) => `verscienta-dev/postgres/${r}`).sort(),
    );
    for (const s of secrets) {
      expect(s.inputs.kmsKeyId).toBe(keyArn(dev));
      expect(s.inputs.recoveryWindowInDays).toBe(30);
    }
  });

  it("stores the JSON RDS Proxy and the rotation function read, as a secret, and lets rotation own it", () => {
    const v = one(dev, VERSION, "app_user-version");
    expect(v.secretInputs).toContain("secretString");
    expect(v.ignoreChanges).toEqual(["secretString"]);
    const json = JSON.parse(String(v.inputs.secretString));
    expect(Object.keys(json).sort()).toEqual([
      "dbname",
      "engine",
      "host",
      "masterarn",
      "password",
      "port",
      "username",
    ]);
    expect(json).toMatchObject({
      username: "app_user",
      engine: "postgres",
      host: dbAddress(dev),
      port: 5432,
      dbname: "verscienta_health",
      masterarn: masterSecretArn(dev),
    });
    expect(json.password).toBe(
      one(dev, "random:index/randomPassword:RandomPassword", "app_user-password").state.result,
    );
  });

  it("generates 40-character alphanumeric passwords kept secret", () => {
    const pw = ofType(dev, "random:index/randomPassword:RandomPassword");
    expect(pw).toHaveLength(3);
    for (const p of pw) {
      expect(p.inputs).toMatchObject({ length: 40, special: false });
      expect(p.additionalSecretOutputs).toContain("result");
    }
  });

  it("exports the secret ARNs per role, not the values, and no password reaches any output", () => {
    const arns = dev.outputs.roleSecretArns as Record<string, string>;
    expect(Object.keys(arns).sort()).toEqual([...ROLES].sort());
    expect(arns.app_user).toBe(one(dev, SECRET, "app_user-secret").state.arn);
    const text = JSON.stringify(dev.outputs);
    expect(text).not.toContain("mock-master-password");
    for (const v of ofType(dev, VERSION)) {
      expect(text).not.toContain(JSON.parse(String(v.inputs.secretString)).password);
    }
  });
});

describe("postgresql provider", () => {
  it("connects to the RDS address with TLS, as a non-superuser, pinned to the engine major version", () => {
    const p = one(dev, PROVIDER, "-postgres");
    expect(p.inputs).toMatchObject({
      host: dbAddress(dev),
      port: "5432",
      database: "verscienta_health",
      username: "verscienta_admin",
      sslmode: "require",
      superuser: "false",
      expectedVersion: "16",
    });
    expect(p.secretInputs).toContain("password");
  });

  it("goes through the tunnel when databaseTunnelHost/Port are set", () => {
    expect(one(tunnel, PROVIDER, "-postgres").inputs).toMatchObject({ host: "localhost", port: "15432" });
  });

  it("reads the master credentials from the RDS-managed secret", () => {
    const call = dev.cloud.calls.find(
      (c) => c.token === "aws:secretsmanager/getSecretVersion:getSecretVersion",
    );
    expect(call?.inputs.secretId).toBe(masterSecretArn(dev));
    expect(parseMasterSecret('{"username":"u","password":"p"}')).toEqual({ username: "u", password: "p" });
  });

  it("fails when the master secret is not the RDS-managed JSON", () => {
    expect(() => parseMasterSecret("nope")).toThrow(/masterSecretArn: the master secret is not JSON/);
    expect(() => parseMasterSecret('{"user":"x"}')).toThrow(/no username\/password/);
  });
});

describe("roles in the database", () => {
  it("creates every role as a non-superuser login with its connection limit and no CREATEDB/CREATEROLE", () => {
    const limits: Record<string, number> = { verscienta_owner: 5, app_user: 100, analytics_readonly: 10 };
    for (const [role, limit] of Object.entries(limits)) {
      const r = one(dev, ROLE, `-role-${role}`);
      expect(r.inputs).toMatchObject({
        name: role,
        login: true,
        connectionLimit: limit,
        superuser: false,
        createDatabase: false,
        createRole: false,
        replication: false,
        bypassRowLevelSecurity: false,
      });
    }
  });

  it("sends a SCRAM verifier, never the password, marks it secret, and does not fight rotation", () => {
    const r = one(dev, ROLE, "-role-app_user");
    expect(isScramVerifier(String(r.inputs.password))).toBe(true);
    const plain = JSON.parse(String(one(dev, VERSION, "app_user-version").inputs.secretString)).password;
    expect(String(r.inputs.password)).not.toContain(plain);
    expect(r.secretInputs).toContain("password");
    expect(r.ignoreChanges).toEqual(["password"]);
  });

  it("gives IAM roles no password, no generated secret value and rds_iam membership", () => {
    const r = one(iam, ROLE, "-role-analytics_readonly");
    expect(r.inputs.password).toBeUndefined();
    expect(r.inputs.roles).toEqual(["rds_iam"]);
    const json = JSON.parse(String(one(iam, VERSION, "analytics_readonly-version").inputs.secretString));
    expect(Object.keys(json).sort()).toEqual(["dbname", "engine", "host", "port", "username"]);
    expect(ofType(iam, "random:index/randomPassword:RandomPassword")).toHaveLength(2);
    expect(ofType(iam, ROTATION).map((x) => x.name)).not.toContain(
      "verscienta-dev-analytics_readonly-rotation",
    );
  });
});

/** Normalises a grant-like record so Pulumi resources and SQL statements compare as sets. */
const key = (...parts: (string | undefined)[]) => parts.map((p) => p ?? "").join("|");
const privs = (p: unknown) => [...(p as string[])].sort().join(",");

function fromPulumi(r: RunResult) {
  const roles = ofType(r, ROLE)
    .map((x: Registration) =>
      key(String(x.inputs.name), String(x.inputs.connectionLimit), x.inputs.roles ? "iam" : "password"),
    )
    .sort();
  const grants = ofType(r, GRANT)
    .map((x) =>
      key(
        String(x.inputs.role).toUpperCase() === "PUBLIC" ? "PUBLIC" : String(x.inputs.role),
        String(x.inputs.objectType),
        privs(x.inputs.privileges),
      ),
    )
    .sort();
  const defaults = ofType(r, DEFAULTS)
    .map((x) =>
      key(
        String(x.inputs.owner),
        String(x.inputs.role),
        String(x.inputs.schema),
        String(x.inputs.objectType),
        privs(x.inputs.privileges),
      ),
    )
    .sort();
  const extensions = ofType(r, EXTENSION).map((x) => String(x.inputs.name));
  const schemaOwner = String(one(r, "postgresql:index/schema:Schema", "-schema-public").inputs.owner);
  return { roles, grants, defaults, extensions, schemaOwner };
}

function fromSql(statements: string[]) {
  const unq = (s: string) => s.replace(/^"|"$/g, "");
  const roles: string[] = [];
  const iamRoles = new Set(statements.flatMap((s) => /^GRANT rds_iam TO "(.+)";$/.exec(s)?.[1] ?? []));
  for (const s of statements) {
    const m = /^ALTER ROLE "(.+)" WITH LOGIN .* CONNECTION LIMIT (\d+);$/.exec(s);
    if (m) roles.push(key(m[1], m[2], iamRoles.has(m[1]) ? "iam" : "password"));
  }
  const grants = new Map<string, string>();
  for (const s of statements) {
    const revokeAll = /^REVOKE ALL ON (DATABASE|SCHEMA) \S+ FROM (PUBLIC|"[^"]+");$/.exec(s);
    if (revokeAll) grants.set(key(unq(revokeAll[2]), revokeAll[1].toLowerCase()), "");
    const g =
      /^GRANT ([A-Z, ]+) ON (DATABASE|SCHEMA|ALL TABLES IN SCHEMA|ALL SEQUENCES IN SCHEMA) \S+ TO "(.+)";$/.exec(
        s,
      );
    if (g) {
      const type = {
        DATABASE: "database",
        SCHEMA: "schema",
        "ALL TABLES IN SCHEMA": "table",
        "ALL SEQUENCES IN SCHEMA": "sequence",
      }[g[2]] as string;
      grants.set(key(g[3], type), privs(g[1].split(", ")));
    }
  }
  const defaults = statements
    .flatMap((s) => {
      const m =
        /^ALTER DEFAULT PRIVILEGES FOR ROLE "(.+)" IN SCHEMA "(.+)" GRANT ([A-Z, ]+) ON (TABLES|SEQUENCES) TO "(.+)";$/.exec(
          s,
        );
      return m
        ? [key(m[1], m[5], m[2], m[4] === "TABLES" ? "table" : "sequence", privs(m[3].split(", ")))]
        : [];
    })
    .sort();
  const extensions = statements.flatMap(
    (s) => /^CREATE EXTENSION IF NOT EXISTS "(.+)" WITH SCHEMA/.exec(s)?.[1] ?? [],
  );
  const schemaOwner = statements.flatMap(
    (s) => /^ALTER SCHEMA "public" OWNER TO "(.+)";$/.exec(s)?.[1] ?? [],
  )[0];
  return {
    roles: roles.sort(),
    grants: [...grants.entries()].map(([k, p]) => `${k}|${p}`).sort(),
    defaults,
    extensions,
    schemaOwner,
  };
}

describe("the @pulumi/postgresql resources express the same model as the SQL the twin applies", () => {
  for (const [label, run] of [
    ["default config", () => dev],
    ["IAM analytics role", () => iam],
  ] as const) {
    it(`matches role by role, privilege by privilege (${label})`, () => {
      const r = run();
      const cfg = parseConfig(
        Object.fromEntries(
          Object.entries(r.config)
            .filter(([k]) => k.startsWith("verscienta-postgres:"))
            .map(([k, v]) => [k.replace("verscienta-postgres:", ""), v]),
        ),
        "us-east-1",
        "dev",
      );
      const sql = fromSql(accessStatements(stackAccessModel(cfg)));
      const pulumiSide = fromPulumi(r);
      expect(pulumiSide).toEqual(sql);
      // Pin the security-relevant core so a change on both sides still shows up here.
      expect(sql.grants).toContain("PUBLIC|database|");
      expect(sql.grants).toContain("PUBLIC|schema|");
      expect(sql.grants).toContain("app_user|table|DELETE,INSERT,SELECT,UPDATE");
      expect(sql.grants).toContain("app_user|sequence|SELECT,USAGE");
      expect(sql.grants).toContain("analytics_readonly|table|SELECT");
      expect(sql.defaults).toContain("verscienta_owner|app_user|public|table|DELETE,INSERT,SELECT,UPDATE");
      expect(sql.defaults).toContain("verscienta_owner|analytics_readonly|public|table|SELECT");
      expect(sql.extensions).toEqual([
        "uuid-ossp",
        "pgcrypto",
        "cube",
        "earthdistance",
        "pg_stat_statements",
      ]);
      expect(sql.schemaOwner).toBe("verscienta_owner");
    });
  }

  it("applies the one thing the provider cannot express (role settings) with RoleSettings, and only that", () => {
    const model = stackAccessModel(
      parseConfig(
        { environment: "dev", engineLifecycleSupport: "open-source-rds-extended-support-disabled" },
        "us-east-1",
        "dev",
      ),
    );
    const settings = accessStatements(model, { transaction: false }).filter((s) => / SET "/.test(s));
    expect(settings).toEqual([`ALTER ROLE "analytics_readonly" SET "default_transaction_read_only" = 'on';`]);
    const dynamic = ofType(dev, DYNAMIC);
    expect(dynamic.map((d) => d.name)).toEqual(["verscienta-dev-access-analytics_readonly-settings"]);
    expect(
      setStatements(String(dynamic[0].inputs.role), dynamic[0].inputs.settings as Record<string, string>),
    ).toEqual(settings);
  });
});

describe("role settings (ALTER ROLE ... SET)", () => {
  it("makes analytics_readonly's transactions read-only by default, after the role exists", () => {
    const s = one(dev, DYNAMIC, "-analytics_readonly-settings");
    expect(s.inputs.role).toBe("analytics_readonly");
    expect(s.inputs.settings).toEqual({ default_transaction_read_only: "on" });
    expect(s.dependencies).toContain(one(dev, ROLE, "-role-analytics_readonly").urn);
    expect(s.parent).toBe(one(dev, "verscienta:postgres:DatabaseAccess", "-access").urn);
    expect(ofType(iam, DYNAMIC).map((d) => d.inputs.settings)).toEqual([
      { default_transaction_read_only: "on" },
    ]);
  });

  it("connects like the provider: RDS address, master user, the master password only as a secret", () => {
    const s = one(dev, DYNAMIC, "-analytics_readonly-settings");
    expect(s.inputs).toMatchObject({
      host: dbAddress(dev),
      port: 5432,
      database: "verscienta_health",
      username: "verscienta_admin",
      password: "mock-master-password",
    });
    expect(s.secretInputs).toEqual(["password"]);
    expect(s.additionalSecretOutputs).toContain("password");
    // Not in any other input, the serialized provider included.
    const { password: _pw, ...rest } = s.inputs;
    expect(JSON.stringify(rest)).not.toContain("mock-master-password");
  });

  it("goes through the tunnel when databaseTunnelHost/Port are set", () => {
    expect(one(tunnel, DYNAMIC, "-analytics_readonly-settings").inputs).toMatchObject({
      host: "localhost",
      port: 15432,
    });
  });
});

describe("rotation", () => {
  it("rotates the RDS-managed master secret on the configured schedule, without a Lambda", () => {
    const r = one(dev, ROTATION, "-master-rotation");
    expect(r.inputs.secretId).toBe(masterSecretArn(dev));
    expect(r.inputs.rotationRules).toEqual({ automaticallyAfterDays: 30 });
    expect(r.inputs.rotationLambdaArn).toBeUndefined();
    const custom = runStack({ stack: "dev", config: { masterPasswordRotationDays: 7 } });
    return custom.then((c) =>
      expect(one(c, ROTATION, "-master-rotation").inputs.rotationRules).toEqual({
        automaticallyAfterDays: 7,
      }),
    );
  });

  it("deploys AWS's alternating-users function in the VPC and rotates each password role after its role exists", () => {
    const app = one(dev, "aws:serverlessrepository/cloudFormationStack:CloudFormationStack", "-rotation-app");
    expect(app.inputs.applicationId).toBe(MULTI_USER_ROTATION_APP);
    expect(app.inputs.capabilities).toEqual(["CAPABILITY_IAM", "CAPABILITY_RESOURCE_POLICY"]);
    expect(one(dev, "aws:ec2/securityGroup:SecurityGroup", "-rotation-sg").inputs.vpcId).toBe(
      dev.outputs.vpcId,
    );
    expect(app.inputs.parameters).toMatchObject({
      functionName: "verscienta-dev-pg-rotation",
      endpoint: "https://secretsmanager.us-east-1.amazonaws.com",
      vpcSecurityGroupIds: rotationSgId(),
      kmsKeyArn: keyArn(dev),
      masterSecretArn: masterSecretArn(dev),
      masterSecretKmsKeyArn: keyArn(dev),
    });
    expect(String((app.inputs.parameters as Record<string, string>).vpcSubnetIds).split(",")).toHaveLength(2);
    const lambda = (app.state.outputs as Record<string, string>).RotationLambdaARN;
    for (const role of ROLES) {
      const rot = one(dev, ROTATION, `-${role}-rotation`);
      expect(rot.inputs.rotationLambdaArn).toBe(lambda);
      expect(rot.inputs.rotationRules).toEqual({ automaticallyAfterDays: 30 });
      expect(rot.inputs.secretId).toBe(one(dev, SECRET, `${role}-secret`).state.arn);
      expect(rot.dependencies).toContain(one(dev, ROLE, `-role-${role}`).urn);
    }
  });

  it("lets the function reach only PostgreSQL on the database and HTTPS inside the VPC", () => {
    const sg = one(dev, "aws:ec2/securityGroup:SecurityGroup", "-rotation-sg");
    expect(sg.inputs.egress).toBeUndefined();
    expect(sg.inputs.ingress).toBeUndefined();
    const sgId = rotationSgId();
    expect(sgId).toMatch(/^sg-/);
    const egress = ofType(dev, "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule").filter(
      (e) => e.inputs.securityGroupId === sgId,
    );
    const dbSg = dev.outputs.dbSecurityGroupId;
    expect(
      egress
        .map((e) => [
          e.inputs.fromPort,
          e.inputs.toPort,
          e.inputs.referencedSecurityGroupId ?? e.inputs.cidrIpv4,
        ])
        .sort(),
    ).toEqual(
      [
        [443, 443, "10.40.0.0/16"],
        [5432, 5432, dbSg],
      ].sort(),
    );
    const ingress = one(
      dev,
      "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
      "-db-from-rotation",
    );
    expect(ingress.inputs).toMatchObject({
      securityGroupId: dbSg,
      referencedSecurityGroupId: sgId,
      fromPort: 5432,
      toPort: 5432,
    });
  });
});

describe("manageDatabaseObjects = false", () => {
  it("still creates the role secrets (RDS Proxy needs them) but nothing inside the database and no app rotation", () => {
    expect(
      ofType(unmanaged, SECRET).filter((s) => String(s.inputs.name).includes("/postgres/")),
    ).toHaveLength(3);
    for (const t of [PROVIDER, ROLE, GRANT, DEFAULTS, EXTENSION, DYNAMIC])
      expect(ofType(unmanaged, t)).toHaveLength(0);
    expect(ofType(unmanaged, ROTATION).map((r) => r.name)).toEqual(["verscienta-dev-master-rotation"]);
    expect(
      ofType(unmanaged, "aws:serverlessrepository/cloudFormationStack:CloudFormationStack"),
    ).toHaveLength(0);
    expect(unmanaged.outputs.databaseObjectsManaged).toBe(false);
  });

  it("warns what was left out and how to enable it", () => {
    const w = warnings.find((m) => m.includes("manageDatabaseObjects is false"));
    expect(w).toBeDefined();
    expect(w).toContain("app_user");
    expect(w).toContain("databaseTunnelHost");
    expect(w).toContain("inside the VPC");
  });
});
