/**
 * The declarative access model: database, extensions, roles, privileges and default privileges.
 *
 * One model, rendered as idempotent SQL (`renderAccessSql`), is what the database operations function
 * applies on RDS (functions/dbops/apply.ts) and what the local twin applies, so the integration tests on
 * a real PostgreSQL 16 prove what the stack creates. Pure: no Pulumi, no I/O.
 */
import { CLONE_SUFFIX, MONITOR_ROLE } from "../../spec/databaseOps";

export const TABLE_PRIVILEGES = [
  "SELECT",
  "INSERT",
  "UPDATE",
  "DELETE",
  "TRUNCATE",
  "REFERENCES",
  "TRIGGER",
] as const;
export type TablePrivilege = (typeof TABLE_PRIVILEGES)[number];
export type SequencePrivilege = "USAGE" | "SELECT" | "UPDATE";
export type SchemaPrivilege = "USAGE" | "CREATE";
export type DatabasePrivilege = "CONNECT" | "TEMPORARY" | "CREATE";

/**
 * What a role is for; decides its privileges. `monitor` is the database operations function's own
 * sign-in for the monitoring queries (spec/databaseOps.ts `MONITOR_ROLE`): CONNECT and `pg_monitor` only.
 */
export type RoleKind = "owner" | "app" | "analytics" | "monitor";

export interface RoleModel {
  readonly name: string;
  readonly kind: RoleKind;
  /** Every role here logs in: the owner runs migrations, the others serve the app and analysts. */
  readonly login: true;
  readonly connectionLimit: number;
  /** Member of `rds_iam`: logs in with IAM tokens, has no password. */
  readonly iamAuth: boolean;
  /** Session defaults set with `ALTER ROLE ... SET` (e.g. read-only transactions). */
  readonly settings: Readonly<Record<string, string>>;
  readonly databasePrivileges: readonly DatabasePrivilege[];
  readonly schemaPrivileges: readonly SchemaPrivilege[];
  /** On the tables that exist when the model is applied (`ON ALL TABLES IN SCHEMA`). */
  readonly tablePrivileges: readonly TablePrivilege[];
  readonly sequencePrivileges: readonly SequencePrivilege[];
  /**
   * Roles this role is a member of (`GRANT <role> TO <this>`), exactly: the renderer revokes any other
   * membership. `rds_iam` is not listed here; it follows `iamAuth`.
   */
  readonly memberOf: readonly string[];
}

/** `ALTER DEFAULT PRIVILEGES FOR ROLE <owner> IN SCHEMA <schema> GRANT <privileges> ON <objectType>`. */
export interface DefaultPrivilegeModel {
  readonly owner: string;
  readonly grantee: string;
  readonly schema: string;
  readonly objectType: "table" | "sequence";
  readonly privileges: readonly string[];
}

export interface AccessModel {
  readonly database: string;
  readonly schema: string;
  /** The role that owns the schema and every table in it; migrations run as this role. */
  readonly owner: string;
  /** Extensions, created in `schema`, in creation order (earthdistance needs cube first). */
  readonly extensions: readonly string[];
  readonly roles: readonly RoleModel[];
  readonly defaultPrivileges: readonly DefaultPrivilegeModel[];
  /**
   * PUBLIC (every role, present and future) loses every privilege on the database (CONNECT, TEMPORARY)
   * and on the schema (USAGE, CREATE). The guide grants CONNECT role by role but never takes it from
   * PUBLIC, so any login role on the server could connect (HIPAA 164.312(a)(1) access control).
   */
  readonly revokeFromPublic: { readonly database: true; readonly schema: true };
}

export interface AccessModelInput {
  /** @default "verscienta_health" (the guide) */
  readonly database: string;
  /** @default "public" */
  readonly schema?: string;
  /** @default ["uuid-ossp", "pgcrypto", "cube", "earthdistance", "pg_stat_statements"] */
  readonly extensions: readonly string[];
  /** @default "verscienta_owner" */
  readonly ownerRoleName: string;
  /** @default "app_user" (the guide) */
  readonly appRoleName: string;
  /** @default "analytics_readonly" (the guide) */
  readonly analyticsRoleName: string;
  /** @default 5 */
  readonly ownerConnectionLimit: number;
  /** @default 100 */
  readonly appConnectionLimit: number;
  /** @default 10 */
  readonly analyticsConnectionLimit: number;
  /** Roles that authenticate with IAM (members of `rds_iam`). @default [] */
  readonly iamAuthRoles?: readonly string[];
}

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;
/** Extension names are not plain identifiers (uuid-ossp); they are quoted everywhere. */
const EXTENSION = /^[a-z0-9_-]{1,63}$/;
/** Extensions that depend on another one, which must be created first. */
const EXTENSION_REQUIRES: Readonly<Record<string, string>> = { earthdistance: "cube" };

/** App: data read/write, no DDL (no TRUNCATE, REFERENCES or TRIGGER: those change or bypass the schema). */
const APP_TABLE: readonly TablePrivilege[] = ["SELECT", "INSERT", "UPDATE", "DELETE"];
/** Guide: `GRANT USAGE, SELECT ON ALL SEQUENCES`: nextval/currval for serial keys. */
const APP_SEQUENCE: readonly SequencePrivilege[] = ["USAGE", "SELECT"];
const READ_TABLE: readonly TablePrivilege[] = ["SELECT"];

/** Problems with the input, each naming the arg, the value and the fix. Empty when valid. */
export function validateAccessModelInput(i: AccessModelInput): string[] {
  const problems: string[] = [];
  const names: [string, string][] = [
    ["database", i.database],
    ["schema", i.schema ?? "public"],
    ["ownerRoleName", i.ownerRoleName],
    ["appRoleName", i.appRoleName],
    ["analyticsRoleName", i.analyticsRoleName],
  ];
  for (const [arg, v] of names) {
    if (!IDENT.test(v)) {
      problems.push(`${arg}: "${v}" is not a lowercase PostgreSQL identifier. Use letters, digits and _.`);
    }
    if (v.startsWith("pg_") || v.startsWith("rds")) {
      problems.push(
        `${arg}: "${v}" uses a prefix reserved by PostgreSQL or RDS (pg_, rds). Pick another name.`,
      );
    }
  }
  const roles = [i.ownerRoleName, i.appRoleName, i.analyticsRoleName];
  if (new Set(roles).size !== roles.length) {
    problems.push(
      `appRoleName: the three role names must differ (got ${roles.join(", ")}). Give each its own name.`,
    );
  }
  for (const [arg, v] of names.slice(2)) {
    // The monitoring role is the function's own (CONNECT + pg_monitor); a config role with its name would
    // merge the two and hand pg_monitor to an application role, or table grants to the monitor.
    if (v === MONITOR_ROLE.name) {
      problems.push(
        `${arg}: "${v}" is the monitoring role's name (spec/databaseOps.ts MONITOR_ROLE). Pick another name.`,
      );
    }
    // `<role>_clone` is the second login of an alternating-users role; a role named like one would be
    // taken for a clone by rotation.
    if (v.endsWith(CLONE_SUFFIX)) {
      problems.push(
        `${arg}: "${v}" ends with "${CLONE_SUFFIX}", the suffix of the rotation's second login. Pick a name without it.`,
      );
    }
  }
  for (const [arg, v] of [
    ["appRoleName", i.appRoleName],
    ["analyticsRoleName", i.analyticsRoleName],
  ] as const) {
    // PostgreSQL truncates identifiers to 63 bytes (NAMEDATALEN - 1,
    // https://www.postgresql.org/docs/16/sql-syntax-lexical.html): a longer clone name would be cut.
    if (v.length + CLONE_SUFFIX.length > 63) {
      problems.push(
        `${arg}: "${v}" is ${v.length} characters; its rotation clone "${v}${CLONE_SUFFIX}" would exceed PostgreSQL's 63. Use at most ${63 - CLONE_SUFFIX.length}.`,
      );
    }
  }
  const limits: [string, number][] = [
    ["ownerConnectionLimit", i.ownerConnectionLimit],
    ["appConnectionLimit", i.appConnectionLimit],
    ["analyticsConnectionLimit", i.analyticsConnectionLimit],
  ];
  for (const [arg, v] of limits) {
    // -1 means unlimited in PostgreSQL; every role here gets a real ceiling.
    if (!Number.isInteger(v) || v < 1)
      problems.push(`${arg}: ${v} is not a positive whole number. Set a limit of 1 or more.`);
  }
  const seen = new Set<string>();
  for (const [n, e] of i.extensions.entries()) {
    if (!EXTENSION.test(e))
      problems.push(`extensions[${n}]: "${e}" is not an extension name. Use e.g. "pgcrypto".`);
    if (seen.has(e)) problems.push(`extensions[${n}]: "${e}" is listed twice. List it once.`);
    seen.add(e);
    const needs = EXTENSION_REQUIRES[e];
    if (needs && !i.extensions.includes(needs)) {
      problems.push(`extensions[${n}]: "${e}" needs "${needs}", which is not listed. Add "${needs}".`);
    }
  }
  for (const [n, r] of (i.iamAuthRoles ?? []).entries()) {
    if (!roles.includes(r)) {
      problems.push(`iamAuthRoles[${n}]: "${r}" is not one of ${roles.join(", ")}. Use one of them.`);
    }
  }
  return problems;
}

/** Dependencies first, otherwise in the order given. */
function orderExtensions(list: readonly string[]): string[] {
  const out: string[] = [];
  const add = (e: string) => {
    if (out.includes(e)) return;
    const needs = EXTENSION_REQUIRES[e];
    if (needs && list.includes(needs)) add(needs);
    out.push(e);
  };
  for (const e of list) add(e);
  return out;
}

/** Builds the access model; throws one error listing every problem with the input. */
export function accessModel(i: AccessModelInput): AccessModel {
  const problems = validateAccessModelInput(i);
  if (problems.length > 0) throw new Error(`Invalid access model:\n  - ${problems.join("\n  - ")}`);
  const schema = i.schema ?? "public";
  const iam = new Set(i.iamAuthRoles ?? []);
  const role = (
    name: string,
    kind: RoleKind,
    connectionLimit: number,
    rest: Omit<RoleModel, "name" | "kind" | "login" | "connectionLimit" | "iamAuth" | "memberOf"> &
      Partial<Pick<RoleModel, "memberOf">>,
  ): RoleModel => ({
    name,
    kind,
    login: true,
    connectionLimit,
    iamAuth: iam.has(name),
    memberOf: [],
    ...rest,
  });

  const roles: RoleModel[] = [
    // The owner gets no table grants: it owns the schema and every table it creates.
    role(i.ownerRoleName, "owner", i.ownerConnectionLimit, {
      settings: {},
      databasePrivileges: ["CONNECT"],
      schemaPrivileges: ["USAGE", "CREATE"],
      tablePrivileges: [],
      sequencePrivileges: [],
    }),
    role(i.appRoleName, "app", i.appConnectionLimit, {
      settings: {},
      databasePrivileges: ["CONNECT"],
      schemaPrivileges: ["USAGE"],
      tablePrivileges: APP_TABLE,
      sequencePrivileges: APP_SEQUENCE,
    }),
    role(i.analyticsRoleName, "analytics", i.analyticsConnectionLimit, {
      // Belt and braces on top of SELECT-only grants: a stray write fails even where a grant slipped in.
      settings: { default_transaction_read_only: "on" },
      databasePrivileges: ["CONNECT"],
      schemaPrivileges: ["USAGE"],
      tablePrivileges: READ_TABLE,
      sequencePrivileges: [],
    }),
    // The database operations function's monitoring sign-in: CONNECT to run the guide's queries, and
    // pg_monitor to read pg_stat_activity of every session and the sizes
    // (https://www.postgresql.org/docs/16/predefined-roles.html). No schema, table or sequence privilege:
    // it reads no row of application data. Always a password role (the function reads its secret).
    {
      name: MONITOR_ROLE.name,
      kind: "monitor",
      login: true,
      connectionLimit: MONITOR_ROLE.connectionLimit,
      iamAuth: false,
      settings: {},
      databasePrivileges: ["CONNECT"],
      schemaPrivileges: [],
      tablePrivileges: [],
      sequencePrivileges: [],
      memberOf: ["pg_monitor"],
    },
  ];

  // The guide's `GRANT ... ON ALL TABLES IN SCHEMA public` covers only tables that exist at that moment;
  // every table a migration creates later would be invisible to the app. Default privileges on the
  // owner role (the only role that creates tables) grant the same privileges on future objects.
  const defaultPrivileges: DefaultPrivilegeModel[] = [];
  for (const r of roles) {
    if (r.tablePrivileges.length > 0) {
      defaultPrivileges.push({
        owner: i.ownerRoleName,
        grantee: r.name,
        schema,
        objectType: "table",
        privileges: r.tablePrivileges,
      });
    }
    if (r.sequencePrivileges.length > 0) {
      defaultPrivileges.push({
        owner: i.ownerRoleName,
        grantee: r.name,
        schema,
        objectType: "sequence",
        privileges: r.sequencePrivileges,
      });
    }
  }

  return {
    database: i.database,
    schema,
    owner: i.ownerRoleName,
    extensions: orderExtensions(i.extensions),
    roles,
    defaultPrivileges,
    revokeFromPublic: { database: true, schema: true },
  };
}

/** Roles that log in with a password (not IAM): they get a generated password and a rotated secret. */
export const passwordRoles = (m: AccessModel): RoleModel[] => m.roles.filter((r) => !r.iamAuth);

/**
 * Password role name → kind: the database operations function's `DB_ROLE_KINDS`. Rotation events carry
 * only a secret id, so this is how rotation knows which secrets it manages and which scheme each follows.
 */
export const roleKinds = (
  roles: readonly Pick<RoleModel, "name" | "kind" | "iamAuth">[],
): Record<string, RoleKind> =>
  Object.fromEntries(roles.filter((r) => !r.iamAuth).map((r) => [r.name, r.kind]));

/** `app_user` → `app_user_clone`: the second login of an alternating-users role. */
export const cloneName = (role: string): string => `${role}${CLONE_SUFFIX}`;
