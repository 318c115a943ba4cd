/**
 * Role-level session defaults (`ALTER ROLE <role> SET <name> = <value>`) as a Pulumi dynamic resource.
 *
 * @pulumi/postgresql 3.18's Role sets only statement_timeout and idle_in_transaction_session_timeout;
 * the access model also needs `default_transaction_read_only = on` for the analytics role. This
 * resource applies exactly the settings it is given, RESETs the ones removed on update, and RESETs all
 * of them on delete, so the role ends as if the resource had never existed.
 *
 * Pulumi serializes the provider below into the state and runs it in a separate process, so everything
 * it calls lives in this file as plain function declarations (serialized by value) and `pg` is required
 * inside the function bodies. Importing a project module here would capture it, and through it
 * @pulumi/aws. That is also why the quoting helpers are local rather than `accessSql`'s `ident` and
 * `literal` (same rules: double the quote character).
 * @see https://www.pulumi.com/docs/iac/concepts/resources/dynamic-providers/
 */
import * as pulumi from "@pulumi/pulumi";
import type { Client } from "pg";

/** What the provider receives: the connection (the RDS master user) and the settings of one role. */
export interface RoleSettingsInputs {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly username: string;
  readonly password: string;
  readonly role: string;
  readonly settings: Readonly<Record<string, string>>;
}

/** `"name"`, embedded quotes doubled (as `accessSql.ident`; local so the provider serializes alone). */
function quoteIdent(s: string): string {
  return `"${s.replaceAll('"', '""')}"`;
}
/** `'text'`, embedded quotes doubled (standard_conforming_strings is on since PostgreSQL 9.1). */
function quoteLiteral(s: string): string {
  return `'${s.replaceAll("'", "''")}'`;
}

/** Problems with a role and its settings, each naming the arg, the value and the fix. Empty when valid. */
export function validateRoleSettings(role: string, settings: Readonly<Record<string, string>>): string[] {
  const problems: string[] = [];
  if (typeof role !== "string" || role.length === 0) {
    problems.push(`role: ${JSON.stringify(role)} is not a role name. Pass the name of an existing role.`);
  }
  for (const [name, value] of Object.entries(settings)) {
    // PostgreSQL parameter names; custom ones carry a prefix (`pgaudit.log`). Inline, not a module
    // constant: TypeScript turns an exported constant into `exports.X`, which the serializer would capture.
    if (!/^[a-z_][a-z0-9_.]*$/.test(name)) {
      problems.push(
        `settings: "${name}" is not a PostgreSQL parameter name. Use lowercase letters, digits, _ and . (e.g. default_transaction_read_only).`,
      );
    }
    if (typeof value !== "string") {
      problems.push(
        `settings.${name}: ${JSON.stringify(value)} is not a string. Pass the value as PostgreSQL text, e.g. "on".`,
      );
    }
  }
  return problems;
}

function assertValid(role: string, settings: Readonly<Record<string, string>>): void {
  const problems = validateRoleSettings(role, settings);
  if (problems.length > 0) throw new Error(`Invalid role settings:\n  - ${problems.join("\n  - ")}`);
}

/** `ALTER ROLE ... SET` for every setting, in name order (stable statement text, stable logs). */
export function setStatements(role: string, settings: Readonly<Record<string, string>>): string[] {
  assertValid(role, settings);
  return Object.keys(settings)
    .sort()
    .map((k) => `ALTER ROLE ${quoteIdent(role)} SET ${quoteIdent(k)} = ${quoteLiteral(settings[k])};`);
}

/** `ALTER ROLE ... RESET` for each name: the role falls back to the database/server default. */
export function resetStatements(role: string, names: readonly string[]): string[] {
  assertValid(role, Object.fromEntries(names.map((n) => [n, ""])));
  return [...names].sort().map((k) => `ALTER ROLE ${quoteIdent(role)} RESET ${quoteIdent(k)};`);
}

/** What an update must do: RESET what was removed, SET what was added or changed. */
export function diffSettings(
  olds: Readonly<Record<string, string>>,
  news: Readonly<Record<string, string>>,
): { reset: string[]; set: Record<string, string> } {
  const reset = Object.keys(olds)
    .filter((k) => !Object.hasOwn(news, k))
    .sort();
  const set: Record<string, string> = {};
  for (const k of Object.keys(news).sort()) if (olds[k] !== news[k]) set[k] = news[k];
  return { reset, set };
}

/**
 * The statements that take a role from `olds` to `news` (the same role): RESET what was removed, then
 * SET every current setting, not only the changed ones, which also repairs a setting altered by hand.
 */
export function updateStatements(
  role: string,
  olds: Readonly<Record<string, string>>,
  news: Readonly<Record<string, string>>,
): string[] {
  return [...resetStatements(role, diffSettings(olds, news).reset), ...setStatements(role, news)];
}

/**
 * Opens a TLS session as the master user. `rejectUnauthorized: false` matches the @pulumi/postgresql
 * provider's `sslmode: "require"` (see `postgresProvider`): encrypted, but the server certificate is
 * not verified, because the RDS CA bundle is not part of this repository and behind an SSM/SSH tunnel
 * the host is `localhost`, which is not a name in the RDS certificate; the tunnel authenticates the far
 * end. The server refuses non-TLS sessions anyway (rds.force_ssl = 1).
 */
async function connectAsMaster(i: RoleSettingsInputs): Promise<Client> {
  // Required here, not imported: the provider is serialized and runs in Pulumi's provider process.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const pg = require("pg") as typeof import("pg");
  const client = new pg.Client({
    host: i.host,
    port: Number(i.port),
    database: i.database,
    user: i.username,
    password: i.password,
    ssl: { rejectUnauthorized: false },
    connectionTimeoutMillis: 15_000,
    statement_timeout: 30_000,
    // ALTER ROLE waits for a lock on the role's catalog row; fail fast rather than hang an update.
    lock_timeout: 10_000,
    application_name: "pulumi-role-settings",
  });
  await client.connect();
  return client;
}

/** Runs the statements in one transaction: the role gets all of them or none. */
async function runStatements(i: RoleSettingsInputs, statements: readonly string[]): Promise<void> {
  if (statements.length === 0) return;
  const client = await connectAsMaster(i);
  try {
    await client.query("BEGIN");
    for (const s of statements) await client.query(s);
    await client.query("COMMIT");
  } catch (e) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw e;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Whether the role still exists (a renamed or dropped role has nothing left to RESET). */
async function roleExists(i: RoleSettingsInputs): Promise<boolean> {
  const client = await connectAsMaster(i);
  try {
    const r = await client.query("SELECT 1 FROM pg_roles WHERE rolname = $1", [i.role]);
    return (r.rowCount ?? 0) > 0;
  } finally {
    await client.end().catch(() => undefined);
  }
}

const CONNECTION_KEYS = ["host", "port", "database", "username", "password"] as const;

/** The CRUD of `RoleSettings`. Exported so the integration test can drive it against the local twin. */
export const roleSettingsProvider: pulumi.dynamic.ResourceProvider<RoleSettingsInputs, RoleSettingsInputs> = {
  async check(_olds, news) {
    const problems = validateRoleSettings(news.role, news.settings ?? {});
    return {
      inputs: news,
      failures: problems.map((reason) => ({ property: reason.split(":")[0].split(".")[0], reason })),
    };
  },

  async diff(_id, olds, news) {
    const replaces = olds.role !== news.role ? ["role"] : [];
    const d = diffSettings(olds.settings ?? {}, news.settings ?? {});
    // Connection changes (a new master password after rotation, a tunnel) re-run an idempotent update
    // so the stored credentials, which `delete` uses, stay current.
    const connection = CONNECTION_KEYS.filter((k) => String(olds[k]) !== String(news[k]));
    return {
      changes:
        replaces.length > 0 || d.reset.length > 0 || Object.keys(d.set).length > 0 || connection.length > 0,
      replaces,
      deleteBeforeReplace: false,
    };
  },

  async create(inputs) {
    await runStatements(inputs, setStatements(inputs.role, inputs.settings));
    return { id: inputs.role, outs: inputs };
  },

  async update(_id, olds, news) {
    await runStatements(news, updateStatements(news.role, olds.settings ?? {}, news.settings));
    return { outs: news };
  },

  async delete(_id, props) {
    // A role dropped or renamed before us took its settings with it.
    if (!(await roleExists(props))) return;
    await runStatements(props, resetStatements(props.role, Object.keys(props.settings)));
  },
};

export interface RoleSettingsArgs {
  /** Where Pulumi reaches the database: the RDS address, or the local end of an SSM/bastion tunnel. */
  readonly host: pulumi.Input<string>;
  readonly port: pulumi.Input<number>;
  /** Database to connect to (role settings apply in every database; this is only where to connect). */
  readonly database: pulumi.Input<string>;
  /** The RDS master user (a member of rds_superuser, so it may ALTER any non-superuser role). */
  readonly username: pulumi.Input<string>;
  /** The master password; always stored as a secret. */
  readonly password: pulumi.Input<string>;
  /** The role to alter; it must exist (pass `dependsOn` its Role). Changing it replaces the resource. */
  readonly role: string;
  /** Parameter name to value, e.g. `{ default_transaction_read_only: "on" }`. Names: /^[a-z_][a-z0-9_.]*$/. */
  readonly settings: Readonly<Record<string, string>>;
}

/**
 * `ALTER ROLE <role> SET <name> = <value>` for each setting; removed settings are RESET on update and
 * every managed setting on delete. Settings the resource does not manage are left alone.
 */
export class RoleSettings extends pulumi.dynamic.Resource {
  declare readonly role: pulumi.Output<string>;
  declare readonly settings: pulumi.Output<Record<string, string>>;

  constructor(name: string, args: RoleSettingsArgs, opts?: pulumi.CustomResourceOptions) {
    assertValid(args.role, args.settings);
    super(
      roleSettingsProvider,
      name,
      {
        host: args.host,
        port: args.port,
        database: args.database,
        username: args.username,
        password: pulumi.secret(args.password),
        role: args.role,
        settings: { ...args.settings },
      },
      {
        ...opts,
        additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "password"],
      },
    );
  }
}
