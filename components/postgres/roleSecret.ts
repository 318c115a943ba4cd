import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";

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
   * The role logs in with IAM tokens (member of rds_iam): no password is generated or stored, and
   * nothing rotates. The secret still describes the connection (username, host, port, dbname).
   * @default false
   */
  readonly iamAuth?: boolean;
  /** ARN of the master secret (`masterarn`): the alternating-users rotation function signs in with it. */
  readonly masterSecretArn?: pulumi.Input<string>;
  /** Days Secrets Manager keeps a deleted secret recoverable. @default 30 */
  readonly recoveryWindowInDays?: number;
  readonly protect?: boolean;
  readonly tags?: Record<string, string>;
}

/** Password length: 40 alphanumerics, ~238 bits, no characters that need escaping in URLs or SQL. */
export const PASSWORD_LENGTH = 40;

/**
 * A login role's credentials in Secrets Manager, in the JSON shape RDS Proxy and the AWS rotation
 * functions read: `{username, password, engine, host, port, dbname, masterarn}`.
 *
 * Pulumi writes the first version only: `ignoreChanges` on the secret string lets rotation (see
 * `RotationFunction.rotate`) own the password afterwards, so the next `pulumi up` does not put the old
 * one back. The flip side: a changed host or port is not written either; replace the secret then.
 */
export class RoleSecret extends pulumi.ComponentResource {
  readonly secretArn: pulumi.Output<string>;
  readonly secretName: pulumi.Output<string>;
  /** The initial password (secret); undefined for IAM roles. */
  readonly password?: pulumi.Output<string>;

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
        tags: { ...args.tags, PostgresRole: args.roleName },
      },
      { parent: this, protect: args.protect },
    );

    let password: pulumi.Output<string> | undefined;
    if (!args.iamAuth) {
      password = new random.RandomPassword(
        `${name}-password`,
        { length: PASSWORD_LENGTH, special: false, minLower: 4, minUpper: 4, minNumeric: 4 },
        { parent: this, additionalSecretOutputs: ["result"] },
      ).result;
    }

    const secretString = pulumi
      .all([args.host, args.port, password, args.masterSecretArn])
      .apply(([host, port, pw, masterarn]) =>
        JSON.stringify({
          username: args.roleName,
          ...(pw === undefined ? {} : { password: pw }),
          engine: "postgres",
          host,
          port,
          dbname: args.database,
          ...(masterarn === undefined || args.iamAuth ? {} : { masterarn }),
        }),
      );
    new aws.secretsmanager.SecretVersion(
      `${name}-version`,
      { secretId: secret.id, secretString: pulumi.secret(secretString) },
      // Rotation writes new versions; without this, `pulumi up` would restore the first password.
      { parent: this, ignoreChanges: ["secretString"] },
    );

    this.secretArn = secret.arn;
    this.secretName = secret.name;
    this.password = password === undefined ? undefined : pulumi.secret(password);
    this.registerOutputs({ secretArn: this.secretArn });
  }
}
