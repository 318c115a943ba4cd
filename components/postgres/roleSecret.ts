import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface RoleSecretArgs {
  /** The PostgreSQL role (the secret's `username`). */
  readonly roleName: string;
  /** Secrets Manager name, e.g. `verscienta-prod/postgres/app_user`. */
  readonly secretName: string;
  /** Customer-managed key that encrypts the secret (HIPAA 164.312(a)(2)(iv)). */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** The database endpoint the secret describes. */
  readonly host: pulumi.Input<string>;
  readonly port: pulumi.Input<number>;
  readonly database: string;
  /**
   * The role logs in with IAM tokens (member of rds_iam): it never gets a password and nothing rotates.
   * The secret still describes the connection (username, host, port, dbname).
   * @default false
   */
  readonly iamAuth?: boolean;
  /** Days Secrets Manager keeps a deleted secret recoverable. @default 30 */
  readonly recoveryWindowInDays?: number;
  readonly protect?: boolean;
  readonly tags?: Record<string, string>;
}

/** The first version Pulumi writes: where to connect and as whom, never a password. */
export function roleSecretString(
  roleName: string,
  host: string,
  port: number,
  database: string,
): Record<string, unknown> {
  return { username: roleName, engine: "postgres", host, port, dbname: database };
}

/**
 * A login role's secret in Secrets Manager, in the JSON shape RDS Proxy and rotation read:
 * `{username, password, engine, host, port, dbname}`.
 *
 * Pulumi never holds the password. It writes the first version WITHOUT one (`{username, engine, host,
 * port, dbname}`); the database operations function (functions/dbops) generates the password inside the
 * VPC on its first `apply`, sends PostgreSQL only its SCRAM verifier, and puts a new version; rotation
 * (the same function) owns every version after that. `ignoreChanges` on the secret string keeps
 * `pulumi up` from writing the password-less version back over theirs. The flip side: a changed host or
 * port is not written either; the function's next `apply` rewrites those fields.
 */
export class RoleSecret extends pulumi.ComponentResource {
  readonly secretArn: pulumi.Output<string>;
  readonly secretName: pulumi.Output<string>;
  /** The version Pulumi wrote (the function's `apply` must run after it exists). */
  readonly initialVersion: aws.secretsmanager.SecretVersion;

  constructor(name: string, args: RoleSecretArgs, opts?: pulumi.ComponentResourceOptions) {
    super("verscienta:postgres:RoleSecret", name, {}, opts);
    const recovery = args.recoveryWindowInDays ?? 30;
    if (!Number.isInteger(recovery) || recovery < 7 || recovery > 30) {
      throw new Error(
        `recoveryWindowInDays: ${recovery} is outside what Secrets Manager allows. Use 7 to 30 days.`,
      );
    }

    const secret = new aws.secretsmanager.Secret(
      `${name}-secret`,
      {
        name: args.secretName,
        description: `PostgreSQL login for ${args.roleName}${args.iamAuth ? " (IAM authentication, no password)" : ""}`,
        kmsKeyId: args.kmsKeyArn,
        recoveryWindowInDays: recovery,
        tags: {
          ...args.tags,
          PostgresRole: args.roleName,
          // No password, so nothing rotates (policy rule secretRotation accepts this reason).
          ...(args.iamAuth ? { RotationExempt: "iam-authentication" } : {}),
        },
      },
      { parent: this, protect: args.protect },
    );

    const secretString = pulumi
      .all([args.host, args.port])
      .apply(([host, port]) => JSON.stringify(roleSecretString(args.roleName, host, port, args.database)));
    this.initialVersion = new aws.secretsmanager.SecretVersion(
      `${name}-version`,
      // Secret although it holds no password: it names the host of a PHI database.
      { secretId: secret.id, secretString: pulumi.secret(secretString) },
      // The function and rotation write later versions; without this `pulumi up` would drop the password.
      { parent: this, ignoreChanges: ["secretString"] },
    );

    this.secretArn = secret.arn;
    this.secretName = secret.name;
    this.registerOutputs({ secretArn: this.secretArn });
  }
}
