/**
 * Renders the access model as idempotent SQL: running it twice leaves the database exactly as running it
 * once. The database operations function applies it on RDS (functions/dbops/apply.ts) and the local twin
 * applies it locally; the integration tests prove it on a real PostgreSQL 16.
 *
 * Run it connected to `model.database` as a role that may create roles and extensions (the RDS master
 * user, a member of rds_superuser; locally the twin's bootstrap superuser).
 */
import { ROTATION_STRATEGY } from "../../spec/databaseOps";
import { type AccessModel, cloneName, type RoleModel } from "./accessModel";
import { isScramVerifier } from "./scram";

/** `"name"`, with embedded quotes doubled. */
export const ident = (s: string): string => `"${s.replaceAll('"', '""')}"`;
/** `'text'`, with embedded quotes doubled (standard_conforming_strings is on since PostgreSQL 9.1). */
export const literal = (s: string): string => `'${s.replaceAll("'", "''")}'`;

export interface RenderOptions {
  /**
   * SCRAM verifiers (see `scramVerifier`) per password role. Plain passwords are refused: the statement
   * text is logged by `log_statement = mod`. A role without an entry keeps its current password.
   */
  readonly passwordVerifiers?: Readonly<Record<string, string>>;
  /** Wrap the script in BEGIN/COMMIT so nobody sees a half-applied model. @default true */
  readonly transaction?: boolean;
}

/**
 * The RDS master user is not a superuser: it is `NOSUPERUSER CREATEROLE CREATEDB NOREPLICATION` and has no
 * BYPASSRLS ("Understanding the rds_superuser role",
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Appendix.PostgreSQL.CommonDBATasks.Roles.rds_superuser.html).
 * PostgreSQL 16's ALTER ROLE refuses a non-superuser any SUPERUSER/NOSUPERUSER option, and the
 * REPLICATION/BYPASSRLS options (even their NO forms) unless it has them itself
 * (https://www.postgresql.org/docs/16/sql-alterrole.html; ansible-collections/community.postgresql#96
 * shows `ALTER USER ... NOSUPERUSER` refused on RDS). So the three are stated only when the role is
 * created (CREATE ROLE checks only attributes being turned on), and checked afterwards: a model role that
 * has one was changed by a superuser, and only a superuser can take it back, so apply stops and says so.
 */
const createIfMissing = (name: string, connectionLimit: number): string =>
  `DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${literal(name)}) THEN CREATE ROLE ${ident(name)} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT CONNECTION LIMIT ${connectionLimit}; END IF; END $$;`;

/** Every attribute the master user may set, stated, so a role someone altered by hand is put back. */
const attributes = (name: string, connectionLimit: number): string[] => [
  `ALTER ROLE ${ident(name)} WITH LOGIN NOCREATEDB NOCREATEROLE INHERIT CONNECTION LIMIT ${connectionLimit};`,
  `DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${literal(name)} AND (rolsuper OR rolreplication OR rolbypassrls)) THEN RAISE EXCEPTION 'role % has SUPERUSER, REPLICATION or BYPASSRLS, which the access model never grants; only a superuser could have set it. Remove it (ALTER ROLE % NOSUPERUSER NOREPLICATION NOBYPASSRLS as a superuser, or drop the role) and apply again.', ${literal(name)}, ${literal(name)}; END IF; END $$;`,
];

/**
 * `ALTER ROLE ... WITH PASSWORD '<verifier>'`. Only a SCRAM verifier is accepted: PostgreSQL stores a
 * string that already is one as-is, so the password never appears in the statement text that
 * `log_statement = mod` logs.
 */
export function passwordStatement(role: string, verifier: string, arg = `passwordVerifiers.${role}`): string {
  if (!isScramVerifier(verifier)) {
    throw new Error(
      `${arg}: is not a SCRAM-SHA-256 verifier. Pass scramVerifier(password); a plain password would be written to the server log.`,
    );
  }
  return `ALTER ROLE ${ident(role)} WITH PASSWORD ${literal(verifier)};`;
}

/**
 * Session defaults, exactly: `RESET ALL` first, because an ordinary role may set its own defaults
 * (`ALTER ROLE <self> SET ...`, https://www.postgresql.org/docs/16/sql-alterrole.html), e.g. analytics
 * switching off its read-only default; re-applying the model puts them back. Inside the script's
 * transaction nobody sees the moment in between.
 */
const settingStatements = (name: string, settings: Readonly<Record<string, string>>): string[] => [
  `ALTER ROLE ${ident(name)} RESET ALL;`,
  ...Object.entries(settings).map(([k, v]) => `ALTER ROLE ${ident(name)} SET ${ident(k)} = ${literal(v)};`),
];

/**
 * Memberships, exactly: GRANT each listed role (a repeated GRANT of a membership is a no-op with a
 * NOTICE), then REVOKE every other membership the role holds, naming the grantor each was recorded with
 * (PostgreSQL 16 records a grantor per membership and REVOKE removes only the one whose grantor matches,
 * https://www.postgresql.org/docs/16/sql-revoke.html). Same REVOKE-then-GRANT exactness as privileges.
 */
function membershipStatements(member: string, memberOf: readonly string[], iamAuth = false): string[] {
  const all = iamAuth ? ["rds_iam", ...memberOf] : memberOf;
  const keep = `ARRAY[${all.map(literal).join(", ")}]::text[]`;
  return [
    ...(iamAuth ? [`GRANT rds_iam TO ${ident(member)};`] : []),
    ...memberOf.map((g) => `GRANT ${ident(g)} TO ${ident(member)};`),
    `DO $$ DECLARE g record; BEGIN FOR g IN SELECT r.rolname AS granted, gr.rolname AS grantor FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid JOIN pg_roles gr ON gr.oid = m.grantor WHERE m.member = (SELECT oid FROM pg_roles WHERE rolname = ${literal(member)}) AND r.rolname <> ALL (${keep}) LOOP EXECUTE format('REVOKE %I FROM %I GRANTED BY %I', g.granted, ${literal(member)}, g.grantor); END LOOP; END $$;`,
  ];
}

function roleStatements(r: RoleModel, verifiers: Readonly<Record<string, string>>): string[] {
  const n = ident(r.name);
  const out = [createIfMissing(r.name, r.connectionLimit), ...attributes(r.name, r.connectionLimit)];
  if (r.iamAuth) {
    // An IAM role has no password at all: only a fresh IAM token opens a session.
    out.push(`ALTER ROLE ${n} WITH PASSWORD NULL;`);
  } else {
    const v = verifiers[r.name];
    if (v !== undefined) out.push(passwordStatement(r.name, v));
  }
  out.push(...settingStatements(r.name, r.settings));
  out.push(...membershipStatements(r.name, r.memberOf, r.iamAuth));
  return out;
}

/** True for the roles that rotate as two logins, `<role>` and `<role>_clone` (spec/databaseOps.ts). */
export const alternatesUsers = (r: RoleModel): boolean => ROTATION_STRATEGY[r.kind] === "alternating-users";

export interface CloneOptions {
  /** Set the clone's password to this SCRAM verifier (rotation's setSecret); otherwise it keeps its own. */
  readonly verifier?: string;
}

/**
 * Creates or aligns `<role>_clone`, the second login of an alternating-users role: the same attributes and
 * connection limit, the same session defaults (they belong to the login role, not to what it inherits),
 * and membership in `<role>` with INHERIT (the clone has the INHERIT attribute, so in PostgreSQL 16 the
 * grant's INHERIT option defaults to true, https://www.postgresql.org/docs/16/sql-grant.html): every
 * privilege, default privilege and RLS policy granted to `<role>` applies to the clone. Tables the owner
 * creates later reach the clone through `<role>`'s default privileges. No transaction of its own: the
 * caller wraps it.
 */
export function cloneStatements(r: RoleModel, opts: CloneOptions = {}): string[] {
  if (!alternatesUsers(r)) {
    throw new Error(
      `role: "${r.name}" (${r.kind}) rotates as a ${ROTATION_STRATEGY[r.kind]}; only alternating-users roles have a clone.`,
    );
  }
  if (r.iamAuth) {
    throw new Error(`role: "${r.name}" signs in with IAM and has no password to rotate; it has no clone.`);
  }
  const c = cloneName(r.name);
  return [
    createIfMissing(c, r.connectionLimit),
    ...attributes(c, r.connectionLimit),
    ...(opts.verifier === undefined ? [] : [passwordStatement(c, opts.verifier, "verifier")]),
    ...settingStatements(c, r.settings),
    ...membershipStatements(c, [r.name]),
  ];
}

/** The SQL statements for the model, in order. */
export function accessStatements(m: AccessModel, opts: RenderOptions = {}): string[] {
  const verifiers = opts.passwordVerifiers ?? {};
  const db = ident(m.database);
  const schema = ident(m.schema);
  const s: string[] = [];

  for (const r of m.roles) s.push(...roleStatements(r, verifiers));
  // On PostgreSQL 16 a non-superuser that creates a role gets ADMIN on it but neither SET nor INHERIT
  // (createrole_self_grant is empty by default, https://www.postgresql.org/docs/16/runtime-config-client.html).
  // The master user needs both on the owner: SET to hand it the schema (ALTER SCHEMA ... OWNER TO requires
  // being able to SET ROLE to the new owner, https://www.postgresql.org/docs/16/sql-alterschema.html), and
  // INHERIT to change its default privileges and grant on the tables it owns (GRANT by a member of the
  // owning role is recorded as the owner's, https://www.postgresql.org/docs/16/sql-grant.html).
  s.push(`GRANT ${ident(m.owner)} TO CURRENT_USER WITH INHERIT TRUE, SET TRUE;`);
  for (const e of m.extensions) s.push(`CREATE EXTENSION IF NOT EXISTS ${ident(e)} WITH SCHEMA ${schema};`);

  if (m.revokeFromPublic.database) s.push(`REVOKE ALL ON DATABASE ${db} FROM PUBLIC;`);
  if (m.revokeFromPublic.schema) s.push(`REVOKE ALL ON SCHEMA ${schema} FROM PUBLIC;`);
  s.push(`ALTER SCHEMA ${schema} OWNER TO ${ident(m.owner)};`);

  for (const r of m.roles) {
    const n = ident(r.name);
    // REVOKE ALL then GRANT: the role ends with exactly the model's privileges, whatever was granted by
    // hand in between.
    s.push(`REVOKE ALL ON DATABASE ${db} FROM ${n};`);
    if (r.databasePrivileges.length > 0)
      s.push(`GRANT ${r.databasePrivileges.join(", ")} ON DATABASE ${db} TO ${n};`);
    if (r.kind !== "owner") {
      s.push(`REVOKE ALL ON SCHEMA ${schema} FROM ${n};`);
      s.push(`REVOKE ALL ON ALL TABLES IN SCHEMA ${schema} FROM ${n};`);
      s.push(`REVOKE ALL ON ALL SEQUENCES IN SCHEMA ${schema} FROM ${n};`);
    }
    if (r.schemaPrivileges.length > 0)
      s.push(`GRANT ${r.schemaPrivileges.join(", ")} ON SCHEMA ${schema} TO ${n};`);
    if (r.tablePrivileges.length > 0) {
      s.push(`GRANT ${r.tablePrivileges.join(", ")} ON ALL TABLES IN SCHEMA ${schema} TO ${n};`);
    }
    if (r.sequencePrivileges.length > 0) {
      s.push(`GRANT ${r.sequencePrivileges.join(", ")} ON ALL SEQUENCES IN SCHEMA ${schema} TO ${n};`);
    }
  }

  for (const d of m.defaultPrivileges) {
    const on = d.objectType === "table" ? "TABLES" : "SEQUENCES";
    const pre = `ALTER DEFAULT PRIVILEGES FOR ROLE ${ident(d.owner)} IN SCHEMA ${ident(d.schema)}`;
    s.push(`${pre} REVOKE ALL ON ${on} FROM ${ident(d.grantee)};`);
    s.push(`${pre} GRANT ${d.privileges.join(", ")} ON ${on} TO ${ident(d.grantee)};`);
  }

  return opts.transaction === false ? s : ["BEGIN;", ...s, "COMMIT;"];
}

/** The model as one SQL script. */
export const renderAccessSql = (m: AccessModel, opts: RenderOptions = {}): string =>
  `${accessStatements(m, opts).join("\n")}\n`;
