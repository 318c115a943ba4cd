import { describe, expect, it } from "vitest";
import { type AccessModelInput, accessModel, passwordRoles } from "../../../components/postgres/accessModel";
import { accessStatements, cloneStatements } from "../../../components/postgres/accessSql";
import { scramVerifier } from "../../../components/postgres/scram";

/** The renderer's additions for the database operations function: monitor role, memberships, clones. */
const input: AccessModelInput = {
  database: "verscienta_health",
  extensions: ["pgcrypto"],
  ownerRoleName: "verscienta_owner",
  appRoleName: "app_user",
  analyticsRoleName: "analytics_readonly",
  ownerConnectionLimit: 5,
  appConnectionLimit: 100,
  analyticsConnectionLimit: 10,
};
const m = accessModel(input);
const role = (n: string) => m.roles.find((r) => r.name === n)!;

describe("the monitoring role", () => {
  it("has CONNECT and pg_monitor only, and a password", () => {
    expect(role("verscienta_monitor")).toEqual({
      name: "verscienta_monitor",
      kind: "monitor",
      login: true,
      connectionLimit: 3,
      iamAuth: false,
      settings: {},
      databasePrivileges: ["CONNECT"],
      schemaPrivileges: [],
      tablePrivileges: [],
      sequencePrivileges: [],
      memberOf: ["pg_monitor"],
    });
    expect(passwordRoles(m).map((r) => r.name)).toContain("verscienta_monitor");
    expect(m.defaultPrivileges.some((d) => d.grantee === "verscienta_monitor")).toBe(false);
  });

  it("is granted pg_monitor, and loses any other membership and every schema/table grant", () => {
    const s = accessStatements(m);
    expect(s).toContain('GRANT "pg_monitor" TO "verscienta_monitor";');
    const revoke = s.find(
      (x) => x.includes("REVOKE %I FROM %I GRANTED BY %I") && x.includes("'verscienta_monitor'"),
    );
    expect(revoke).toContain("<> ALL (ARRAY['pg_monitor']::text[])");
    expect(s).toContain('REVOKE ALL ON ALL TABLES IN SCHEMA "public" FROM "verscienta_monitor";');
    expect(s.filter((x) => x.startsWith("GRANT") && x.includes('"verscienta_monitor"'))).toEqual([
      'GRANT "pg_monitor" TO "verscienta_monitor";',
      'GRANT CONNECT ON DATABASE "verscienta_health" TO "verscienta_monitor";',
    ]);
  });

  it("keeps rds_iam for IAM roles and revokes every membership of the others", () => {
    const s = accessStatements(accessModel({ ...input, iamAuthRoles: ["app_user"] }));
    expect(s).toContain('GRANT rds_iam TO "app_user";');
    expect(s.find((x) => x.includes("GRANTED BY") && x.includes("'app_user'"))).toContain(
      "ARRAY['rds_iam']::text[]",
    );
    expect(s.find((x) => x.includes("GRANTED BY") && x.includes("'verscienta_owner'"))).toContain(
      "ARRAY[]::text[]",
    );
  });

  it("resets every role's session defaults before setting the model's", () => {
    const s = accessStatements(m);
    const i = s.indexOf('ALTER ROLE "analytics_readonly" RESET ALL;');
    expect(i).toBeGreaterThan(-1);
    expect(s[i + 1]).toBe(`ALTER ROLE "analytics_readonly" SET "default_transaction_read_only" = 'on';`);
  });

  it("fails when a config role takes the monitoring role's name or the clone suffix, or is too long for a clone", () => {
    expect(() => accessModel({ ...input, appRoleName: "verscienta_monitor" })).toThrow(
      /appRoleName: "verscienta_monitor" is the monitoring role's name/,
    );
    expect(() => accessModel({ ...input, analyticsRoleName: "reports_clone" })).toThrow(
      /analyticsRoleName: "reports_clone" ends with "_clone"/,
    );
    expect(() => accessModel({ ...input, appRoleName: "a".repeat(60) })).toThrow(
      /appRoleName: "a{60}" is 60 characters; its rotation clone .* would exceed PostgreSQL's 63\. Use at most 57\./,
    );
  });
});

describe("cloneStatements", () => {
  it("creates <role>_clone with the role's attributes, limit, settings and INHERIT membership", () => {
    expect(cloneStatements(role("analytics_readonly"))).toEqual([
      `DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'analytics_readonly_clone') THEN CREATE ROLE "analytics_readonly_clone" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT CONNECTION LIMIT 10; END IF; END $$;`,
      'ALTER ROLE "analytics_readonly_clone" WITH LOGIN NOCREATEDB NOCREATEROLE INHERIT CONNECTION LIMIT 10;',
      expect.stringContaining("(rolsuper OR rolreplication OR rolbypassrls)) THEN RAISE EXCEPTION"),
      'ALTER ROLE "analytics_readonly_clone" RESET ALL;',
      `ALTER ROLE "analytics_readonly_clone" SET "default_transaction_read_only" = 'on';`,
      'GRANT "analytics_readonly" TO "analytics_readonly_clone";',
      expect.stringContaining("ARRAY['analytics_readonly']::text[]"),
    ]);
  });

  it("sets the password as a SCRAM verifier only", () => {
    const v = scramVerifier("pencil", Buffer.alloc(16, 2));
    expect(cloneStatements(role("app_user"), { verifier: v })).toContain(
      `ALTER ROLE "app_user_clone" WITH PASSWORD '${v}';`,
    );
    expect(() => cloneStatements(role("app_user"), { verifier: "pencil" })).toThrow(
      /verifier: is not a SCRAM-SHA-256 verifier/,
    );
  });

  it("fails for single-user roles (owner, monitor) and IAM roles", () => {
    expect(() => cloneStatements(role("verscienta_owner"))).toThrow(/rotates as a single-user/);
    expect(() => cloneStatements(role("verscienta_monitor"))).toThrow(/rotates as a single-user/);
    const iam = accessModel({ ...input, iamAuthRoles: ["app_user"] }).roles.find(
      (r) => r.name === "app_user",
    )!;
    expect(() => cloneStatements(iam)).toThrow(/signs in with IAM/);
  });
});
