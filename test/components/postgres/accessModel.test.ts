import { describe, expect, it } from "vitest";
import { type AccessModelInput, accessModel, passwordRoles } from "../../../components/postgres/accessModel";
import { accessStatements, renderAccessSql } from "../../../components/postgres/accessSql";
import { isScramVerifier, scramVerifier } from "../../../components/postgres/scram";

const input: AccessModelInput = {
  database: "verscienta_health",
  extensions: ["uuid-ossp", "pgcrypto", "earthdistance", "cube", "pg_stat_statements"],
  ownerRoleName: "verscienta_owner",
  appRoleName: "app_user",
  analyticsRoleName: "analytics_readonly",
  ownerConnectionLimit: 5,
  appConnectionLimit: 100,
  analyticsConnectionLimit: 10,
};

describe("accessModel", () => {
  it("gives app_user data read/write and sequences, no DDL privileges", () => {
    const app = accessModel(input).roles.find((r) => r.name === "app_user");
    expect(app).toMatchObject({
      databasePrivileges: ["CONNECT"],
      schemaPrivileges: ["USAGE"],
      tablePrivileges: ["SELECT", "INSERT", "UPDATE", "DELETE"],
      sequencePrivileges: ["USAGE", "SELECT"],
      settings: {},
    });
  });

  it("makes analytics SELECT-only with read-only transactions by default", () => {
    const a = accessModel(input).roles.find((r) => r.name === "analytics_readonly");
    expect(a).toMatchObject({
      tablePrivileges: ["SELECT"],
      sequencePrivileges: [],
      settings: { default_transaction_read_only: "on" },
    });
  });

  it("covers tables and sequences the owner creates later with default privileges", () => {
    expect(accessModel(input).defaultPrivileges).toEqual([
      {
        owner: "verscienta_owner",
        grantee: "app_user",
        schema: "public",
        objectType: "table",
        privileges: ["SELECT", "INSERT", "UPDATE", "DELETE"],
      },
      {
        owner: "verscienta_owner",
        grantee: "app_user",
        schema: "public",
        objectType: "sequence",
        privileges: ["USAGE", "SELECT"],
      },
      {
        owner: "verscienta_owner",
        grantee: "analytics_readonly",
        schema: "public",
        objectType: "table",
        privileges: ["SELECT"],
      },
    ]);
  });

  it("creates cube before earthdistance whatever the listed order", () => {
    expect(accessModel(input).extensions).toEqual([
      "uuid-ossp",
      "pgcrypto",
      "cube",
      "earthdistance",
      "pg_stat_statements",
    ]);
  });

  it("marks IAM roles and leaves them out of the password roles", () => {
    const m = accessModel({ ...input, iamAuthRoles: ["app_user"] });
    expect(m.roles.find((r) => r.name === "app_user")?.iamAuth).toBe(true);
    expect(passwordRoles(m).map((r) => r.name)).toEqual([
      "verscienta_owner",
      "analytics_readonly",
      "verscienta_monitor",
    ]);
  });

  it("fails when role names collide, naming the arg and the fix", () => {
    expect(() => accessModel({ ...input, analyticsRoleName: "app_user" })).toThrow(
      /appRoleName: the three role names must differ/,
    );
  });

  it("fails when a name is not an identifier or uses a reserved prefix", () => {
    expect(() => accessModel({ ...input, appRoleName: "App-User" })).toThrow(
      /appRoleName: "App-User" is not a lowercase PostgreSQL identifier/,
    );
    expect(() => accessModel({ ...input, ownerRoleName: "rds_owner" })).toThrow(
      /ownerRoleName: "rds_owner" uses a prefix reserved/,
    );
  });

  it("fails when a connection limit is not positive", () => {
    expect(() => accessModel({ ...input, appConnectionLimit: -1 })).toThrow(
      /appConnectionLimit: -1 is not a positive whole number/,
    );
  });

  it("fails when earthdistance is listed without cube, or an extension twice", () => {
    expect(() => accessModel({ ...input, extensions: ["earthdistance"] })).toThrow(
      /extensions\[0\]: "earthdistance" needs "cube"/,
    );
    expect(() => accessModel({ ...input, extensions: ["pgcrypto", "pgcrypto"] })).toThrow(
      /extensions\[1\]: "pgcrypto" is listed twice/,
    );
  });

  it("fails when an IAM role is not one of the model's roles", () => {
    expect(() => accessModel({ ...input, iamAuthRoles: ["bob"] })).toThrow(
      /iamAuthRoles\[0\]: "bob" is not one of/,
    );
  });
});

describe("renderAccessSql", () => {
  const m = accessModel(input);

  it("revokes everything from PUBLIC on the database and the schema, and hands the schema to the owner", () => {
    const s = accessStatements(m);
    expect(s).toContain('REVOKE ALL ON DATABASE "verscienta_health" FROM PUBLIC;');
    expect(s).toContain('REVOKE ALL ON SCHEMA "public" FROM PUBLIC;');
    expect(s).toContain('ALTER SCHEMA "public" OWNER TO "verscienta_owner";');
    expect(s).toContain('GRANT CONNECT ON DATABASE "verscienta_health" TO "app_user";');
  });

  it("grants on future tables through ALTER DEFAULT PRIVILEGES FOR ROLE the owner", () => {
    expect(accessStatements(m)).toContain(
      'ALTER DEFAULT PRIVILEGES FOR ROLE "verscienta_owner" IN SCHEMA "public" GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "app_user";',
    );
  });

  it("is one transaction, creates roles only when missing and extensions IF NOT EXISTS", () => {
    const sql = renderAccessSql(m);
    expect(sql.startsWith("BEGIN;\n")).toBe(true);
    expect(sql.trimEnd().endsWith("COMMIT;")).toBe(true);
    expect(sql).toContain(
      `IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'app_user') THEN CREATE ROLE "app_user" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT CONNECTION LIMIT 100;`,
    );
    // The RDS master user is no superuser: ALTER ROLE never names SUPERUSER, REPLICATION or BYPASSRLS
    // (PostgreSQL 16 refuses even their NO forms to a role without them); a check stops apply instead.
    expect(sql).toContain(
      'ALTER ROLE "app_user" WITH LOGIN NOCREATEDB NOCREATEROLE INHERIT CONNECTION LIMIT 100;',
    );
    expect(sql).not.toMatch(/^ALTER ROLE [^;]*(SUPERUSER|REPLICATION|BYPASSRLS)/m);
    expect(sql).toContain(
      "IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'app_user' AND (rolsuper OR rolreplication OR rolbypassrls)) THEN RAISE EXCEPTION",
    );
    // The master user can SET ROLE to the owner (schema ownership) and inherit its rights (its tables).
    expect(sql).toContain('GRANT "verscienta_owner" TO CURRENT_USER WITH INHERIT TRUE, SET TRUE;');
    expect(sql).toContain('CREATE EXTENSION IF NOT EXISTS "uuid-ossp" WITH SCHEMA "public";');
  });

  it("sets passwords as SCRAM verifiers only", () => {
    const v = scramVerifier("correct horse", Buffer.alloc(16, 1));
    expect(renderAccessSql(m, { passwordVerifiers: { app_user: v } })).toContain(
      `ALTER ROLE "app_user" WITH PASSWORD '${v}';`,
    );
  });

  it("fails when given a plain password, which log_statement would write to the log", () => {
    expect(() => renderAccessSql(m, { passwordVerifiers: { app_user: "hunter2" } })).toThrow(
      /passwordVerifiers.app_user: is not a SCRAM-SHA-256 verifier/,
    );
  });

  it("gives IAM roles no password and rds_iam membership", () => {
    const s = accessStatements(accessModel({ ...input, iamAuthRoles: ["app_user"] }), {
      passwordVerifiers: {},
    });
    expect(s).toContain('ALTER ROLE "app_user" WITH PASSWORD NULL;');
    expect(s).toContain('GRANT rds_iam TO "app_user";');
  });
});

describe("scramVerifier", () => {
  it("encodes iterations and salt the way pg_authid stores them (the integration tests log in with these)", () => {
    const v = scramVerifier("pencil", Buffer.alloc(16, 1));
    expect(v.startsWith("SCRAM-SHA-256$4096:AQEBAQEBAQEBAQEBAQEBAQ==$")).toBe(true);
    expect(isScramVerifier(v)).toBe(true);
    expect(isScramVerifier("md5abc")).toBe(false);
  });

  it("fails when the password is empty", () => {
    expect(() => scramVerifier("")).toThrow(/password: is empty/);
  });
});
