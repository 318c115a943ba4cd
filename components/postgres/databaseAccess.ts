import { createHash } from "node:crypto";
import * as postgresql from "@pulumi/postgresql";
import * as pulumi from "@pulumi/pulumi";
import type { AccessModel, RoleModel } from "./accessModel";
import { RoleSettings } from "./roleSettings";
import { scramVerifier } from "./scram";

/**
 * The SCRAM verifier sent as the role's password: `log_statement = mod` logs CREATE/ALTER ROLE text,
 * and a plain password there would land in CloudWatch. The salt derives from role and password so
 * previews are stable; it is unique per password, which is what a salt is for.
 */
export function passwordVerifier(roleName: string, password: pulumi.Input<string>): pulumi.Output<string> {
  return pulumi.secret(
    pulumi
      .output(password)
      .apply((pw) =>
        scramVerifier(pw, createHash("sha256").update(`${roleName}:${pw}`).digest().subarray(0, 16)),
      ),
  );
}

export interface DatabaseAccessArgs {
  /** The access model (see `accessModel`); the same model the local twin applies as SQL. */
  readonly model: AccessModel;
  /** The @pulumi/postgresql provider (see `postgresProvider`). */
  readonly provider: postgresql.Provider;
  /**
   * Initial password per password role (secret outputs of `RoleSecret`). Every role that is not an
   * IAM role needs one.
   */
  readonly passwords: Readonly<Record<string, pulumi.Input<string>>>;
  /**
   * How `RoleSettings` reaches the database: the same endpoint (tunnel aware) and master credentials as
   * `provider`, which does not expose them. Used only for roles with settings.
   */
  readonly connection: DatabaseConnection;
}

/** The master-user connection `postgresProvider` was built with. */
export interface DatabaseConnection {
  /** The RDS address, or the local end of an SSM/bastion tunnel. */
  readonly host: pulumi.Input<string>;
  readonly port: pulumi.Input<number>;
  readonly username: pulumi.Input<string>;
  /** The master password; stored as a secret. */
  readonly password: pulumi.Input<string>;
}

/**
 * Roles, extensions, privileges and default privileges inside the database, from the access model.
 *
 * Role passwords are written once, as SCRAM verifiers, and then belong to rotation
 * (`ignoreChanges: ["password"]`). IAM
 * roles have no password and are members of `rds_iam`.
 *
 * @pulumi/postgresql 3.18 cannot set arbitrary role parameters (`ALTER ROLE ... SET`), so the model's
 * role settings (analytics: `default_transaction_read_only = on`) are applied by a `RoleSettings`
 * dynamic resource per role, as the master user, after the role exists. The analytics role is
 * read-only through its grants either way; the setting is defence in depth.
 */
export class DatabaseAccess extends pulumi.ComponentResource {
  /** The PostgreSQL roles by name. */
  readonly roles: Readonly<Record<string, postgresql.Role>>;
  readonly roleNames: pulumi.Output<string[]>;
  /** The `ALTER ROLE ... SET` defaults by role name, for roles whose model has settings. */
  readonly roleSettings: Readonly<Record<string, RoleSettings>>;

  constructor(name: string, args: DatabaseAccessArgs, opts?: pulumi.ComponentResourceOptions) {
    super("verscienta:postgres:DatabaseAccess", name, {}, opts);
    const m = args.model;
    for (const r of m.roles) {
      if (!r.iamAuth && args.passwords[r.name] === undefined) {
        throw new Error(
          `passwords: no password for role "${r.name}". Pass its RoleSecret's password, or list it in iamAuthRoles.`,
        );
      }
    }
    const o = (dependsOn: pulumi.Resource[] = []): pulumi.CustomResourceOptions => ({
      parent: this,
      provider: args.provider,
      dependsOn,
    });
    const db = m.database;

    const roles: Record<string, postgresql.Role> = {};
    for (const r of m.roles) roles[r.name] = this.role(name, r, args.passwords[r.name], o());
    const allRoles = Object.values(roles);

    // Not through `args.provider` (a dynamic resource has its own), hence the explicit connection.
    const roleSettings: Record<string, RoleSettings> = {};
    for (const r of m.roles) {
      if (Object.keys(r.settings).length === 0) continue;
      roleSettings[r.name] = new RoleSettings(
        `${name}-${r.name}-settings`,
        {
          host: args.connection.host,
          port: args.connection.port,
          database: db,
          username: args.connection.username,
          password: args.connection.password,
          role: r.name,
          settings: r.settings,
        },
        { parent: this, dependsOn: [roles[r.name]] },
      );
    }

    // Schema owner first: ownership is what lets the owner role run migrations.
    const schema = new postgresql.Schema(
      `${name}-schema-${m.schema}`,
      { name: m.schema, database: db, owner: m.owner, ifNotExists: true, dropCascade: false },
      // Never drop `public` (and every table in it) on destroy: only the ownership is Pulumi's.
      { ...o([roles[m.owner]]), retainOnDelete: true },
    );

    let previous: postgresql.Extension | undefined;
    const extensions: Record<string, postgresql.Extension> = {};
    for (const e of m.extensions) {
      // One at a time, in the model's order: earthdistance needs cube in place first.
      previous = new postgresql.Extension(
        `${name}-ext-${e}`,
        { name: e, database: db, schema: m.schema, dropCascade: false },
        o(previous ? [previous, schema] : [schema]),
      );
      extensions[e] = previous;
    }

    if (m.revokeFromPublic.database) {
      // Role "public" with no privileges: revokes CONNECT and TEMPORARY from PUBLIC.
      new postgresql.Grant(
        `${name}-public-database`,
        { database: db, role: "public", objectType: "database", privileges: [] },
        o(),
      );
    }
    if (m.revokeFromPublic.schema) {
      new postgresql.Grant(
        `${name}-public-schema`,
        { database: db, role: "public", objectType: "schema", schema: m.schema, privileges: [] },
        o([schema]),
      );
    }

    for (const r of m.roles) {
      const dep = [roles[r.name], schema];
      const g = (suffix: string, objectType: string, privileges: readonly string[], inSchema: boolean) =>
        new postgresql.Grant(
          `${name}-${r.name}-${suffix}`,
          {
            database: db,
            role: r.name,
            objectType,
            privileges: [...privileges],
            ...(inSchema ? { schema: m.schema } : {}),
          },
          o(dep),
        );
      g("database", "database", r.databasePrivileges, false);
      g("schema", "schema", r.schemaPrivileges, true);
      // Grant resources with no privileges revoke everything: the owner's explicit "nothing" on tables
      // would fight its ownership, so only roles that get table/sequence privileges have these.
      if (r.tablePrivileges.length > 0) g("tables", "table", r.tablePrivileges, true);
      if (r.sequencePrivileges.length > 0) g("sequences", "sequence", r.sequencePrivileges, true);
    }

    for (const d of m.defaultPrivileges) {
      new postgresql.DefaultPrivileges(
        `${name}-${d.grantee}-default-${d.objectType}s`,
        {
          database: db,
          owner: d.owner,
          role: d.grantee,
          schema: d.schema,
          objectType: d.objectType,
          privileges: [...d.privileges],
        },
        o([roles[d.owner], roles[d.grantee], schema]),
      );
    }

    this.roles = roles;
    this.roleNames = pulumi.all(allRoles.map((r) => r.name));
    this.roleSettings = roleSettings;
    this.registerOutputs({ roleNames: this.roleNames });
  }

  private role(
    name: string,
    r: RoleModel,
    password: pulumi.Input<string> | undefined,
    opts: pulumi.CustomResourceOptions,
  ): postgresql.Role {
    return new postgresql.Role(
      `${name}-role-${r.name}`,
      {
        name: r.name,
        login: r.login,
        connectionLimit: r.connectionLimit,
        superuser: false,
        createDatabase: false,
        createRole: false,
        replication: false,
        bypassRowLevelSecurity: false,
        inherit: true,
        ...(r.iamAuth
          ? { roles: ["rds_iam"] }
          : { password: passwordVerifier(r.name, password as pulumi.Input<string>) }),
        // Owned objects are the data: refuse to drop a role that still owns tables rather than
        // REASSIGN OWNED them to the master user behind everyone's back.
        skipReassignOwned: true,
      },
      // Rotation owns the password after the first `pulumi up`.
      { ...opts, ignoreChanges: ["password"], additionalSecretOutputs: ["password"] },
    );
  }
}
