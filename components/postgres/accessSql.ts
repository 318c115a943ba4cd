/**
 * Renders the access model as idempotent SQL: running it twice leaves the database exactly as running it
 * once. The local twin applies it; the integration tests prove it on a real PostgreSQL 16. The
 * @pulumi/postgresql resources in `DatabaseAccess` express the same model (a unit test compares them).
 *
 * Run it connected to `model.database` as a role that may create roles and extensions (the RDS master
 * user, a member of rds_superuser; locally the twin's bootstrap superuser).
 */
import type { AccessModel, RoleModel } from "./accessModel";
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

function roleStatements(r: RoleModel, verifiers: Readonly<Record<string, string>>): string[] {
  const n = ident(r.name);
  const out = [
    `DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${literal(r.name)}) THEN CREATE ROLE ${n}; END IF; END $$;`,
    // Every attribute stated, so a role someone altered by hand is put back.
    `ALTER ROLE ${n} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT CONNECTION LIMIT ${r.connectionLimit};`,
  ];
  if (r.iamAuth) {
    // An IAM role has no password at all: only a fresh IAM token opens a session.
    out.push(`ALTER ROLE ${n} WITH PASSWORD NULL;`, `GRANT rds_iam TO ${n};`);
  } else {
    const v = verifiers[r.name];
    if (v !== undefined) {
      if (!isScramVerifier(v)) {
        throw new Error(
          `passwordVerifiers.${r.name}: is not a SCRAM-SHA-256 verifier. Pass scramVerifier(password); a plain password would be written to the server log.`,
        );
      }
      out.push(`ALTER ROLE ${n} WITH PASSWORD ${literal(v)};`);
    }
  }
  for (const [k, v] of Object.entries(r.settings))
    out.push(`ALTER ROLE ${n} SET ${ident(k)} = ${literal(v)};`);
  return out;
}

/** The SQL statements for the model, in order. */
export function accessStatements(m: AccessModel, opts: RenderOptions = {}): string[] {
  const verifiers = opts.passwordVerifiers ?? {};
  const db = ident(m.database);
  const schema = ident(m.schema);
  const s: string[] = [];

  for (const r of m.roles) s.push(...roleStatements(r, verifiers));
  for (const e of m.extensions) s.push(`CREATE EXTENSION IF NOT EXISTS ${ident(e)} WITH SCHEMA ${schema};`);

  if (m.revokeFromPublic.database) s.push(`REVOKE ALL ON DATABASE ${db} FROM PUBLIC;`);
  if (m.revokeFromPublic.schema) s.push(`REVOKE ALL ON SCHEMA ${schema} FROM PUBLIC;`);
  s.push(`ALTER SCHEMA ${schema} OWNER TO ${ident(m.owner)};`);

  for (const r of m.roles) {
    const n = ident(r.name);
    // REVOKE ALL then GRANT: the role ends with exactly the model's privileges, like @pulumi/postgresql's
    // Grant (which also revokes what it does not list).
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
