import * as postgresql from "@pulumi/postgresql";
import * as pulumi from "@pulumi/pulumi";

export interface PostgresProviderArgs {
  /** Where Pulumi reaches the database: the RDS address, or the local end of an SSM/bastion tunnel. */
  readonly host: pulumi.Input<string>;
  readonly port: pulumi.Input<number>;
  /** Database the provider connects to (the one RDS created). */
  readonly database: string;
  /** The RDS master user (from the RDS-managed secret). */
  readonly username: pulumi.Input<string>;
  /** The master password; always stored as a secret. */
  readonly password: pulumi.Input<string>;
  /** PostgreSQL major version the provider must find, e.g. 16. */
  readonly engineMajor: number;
  /** Seconds to wait for a connection before failing the update. @default 15 */
  readonly connectTimeoutSeconds?: number;
}

/**
 * The @pulumi/postgresql provider for an RDS instance.
 *
 * - `superuser: false`: RDS has no superuser (the master user is a member of rds_superuser); with
 *   `true` the provider would use superuser-only shortcuts that RDS rejects.
 * - `sslmode: "require"`: TLS always (the parameter group refuses anything else, rds.force_ssl=1).
 *   Not `verify-full`: behind a tunnel the provider dials `localhost`, which is not a name in the
 *   RDS certificate, and the RDS CA bundle is not part of this repository. The tunnel itself (SSM or
 *   SSH) authenticates the far end.
 * - `expectedVersion`: the provider picks SQL by server version; stating it keeps previews (which
 *   cannot connect yet on a first deployment) on the right dialect.
 */
export function postgresProvider(
  name: string,
  args: PostgresProviderArgs,
  opts?: pulumi.ResourceOptions,
): postgresql.Provider {
  if (!Number.isInteger(args.engineMajor) || args.engineMajor < 14) {
    throw new Error(
      `engineMajor: ${args.engineMajor} is not a supported PostgreSQL major version. Use 14 or later.`,
    );
  }
  const timeout = args.connectTimeoutSeconds ?? 15;
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > 300) {
    throw new Error(`connectTimeoutSeconds: ${timeout} is out of range. Use 1 to 300 seconds.`);
  }
  return new postgresql.Provider(
    name,
    {
      host: args.host,
      port: args.port,
      database: args.database,
      username: args.username,
      password: pulumi.secret(args.password),
      sslmode: "require",
      superuser: false,
      expectedVersion: String(args.engineMajor),
      connectTimeout: timeout,
      // A handful of sessions is plenty for DDL; keep clear of the owner's connection limit.
      maxConnections: 4,
    },
    opts,
  );
}
