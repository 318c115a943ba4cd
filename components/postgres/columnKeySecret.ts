import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface ColumnKeySecretArgs {
  /** Secrets Manager name, e.g. `verscienta-prod/postgres/column-encryption-key`. */
  readonly secretName: string;
  /** The stack's customer-managed key (HIPAA 164.312(a)(2)(iv)). */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** The primary's region: a replica must live elsewhere. */
  readonly region: string;
  /**
   * Replicate to the disaster-recovery region, encrypted there with that region's key, so data restored
   * in the DR region can still be decrypted. Unset: no replica.
   */
  readonly replica?: { readonly region: string; readonly kmsKeyArn: pulumi.Input<string> };
  /** Days Secrets Manager keeps a deleted secret recoverable. @default 30 */
  readonly recoveryWindowInDays?: number;
  /** Protect the secret (prod): losing the key loses every encrypted column. @default false */
  readonly protect?: boolean;
  readonly tags?: Record<string, string>;
}

/**
 * The key the guide's pgcrypto migration reads as DATABASE_ENCRYPTION_KEY, in Secrets Manager.
 *
 * Pulumi creates the secret and NO version: the database operations function gives it a value on its
 * first `apply` (spec/databaseOps.ts COLUMN_KEY_BYTES random bytes, base64), so the key is never in
 * Pulumi state or a preview. Nothing rotates it: re-encrypting every column is a migration, not a schedule.
 * A replica in the DR region receives every version Secrets Manager stores in the primary
 * ("Replicate AWS Secrets Manager secrets across Regions",
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/create-manage-multi-region-secrets.html).
 */
export class ColumnKeySecret extends pulumi.ComponentResource {
  readonly secretArn: pulumi.Output<string>;
  readonly secret: aws.secretsmanager.Secret;

  constructor(name: string, args: ColumnKeySecretArgs, opts?: pulumi.ComponentResourceOptions) {
    super("verscienta:postgres:ColumnKeySecret", name, {}, opts);
    const recovery = args.recoveryWindowInDays ?? 30;
    if (!Number.isInteger(recovery) || recovery < 7 || recovery > 30) {
      throw new Error(
        `recoveryWindowInDays: ${recovery} is outside what Secrets Manager allows. Use 7 to 30 days.`,
      );
    }
    // ReplicateSecretToRegions refuses the secret's own region (InvalidParameterException).
    if (args.replica && args.replica.region === args.region) {
      throw new Error(
        `replica.region: "${args.replica.region}" is the secret's own region. Replicate to the DR region (drRegion), which must differ from the primary.`,
      );
    }
    this.secret = new aws.secretsmanager.Secret(
      `${name}-secret`,
      {
        name: args.secretName,
        description:
          "Column-encryption key (DATABASE_ENCRYPTION_KEY) for pgcrypto; its value is written inside the VPC by the database operations function, never by Pulumi",
        kmsKeyId: args.kmsKeyArn,
        recoveryWindowInDays: recovery,
        ...(args.replica
          ? { replicas: [{ region: args.replica.region, kmsKeyId: args.replica.kmsKeyArn }] }
          : {}),
        tags: {
          ...args.tags,
          Purpose: "column-encryption-key",
          // The policy pack's secretRotation rule accepts a secret that says why it does not rotate.
          // Rotating it means re-encrypting every column, a migration (policy rule secretRotation).
          RotationExempt: "encryption-key",
        },
      },
      { parent: this, protect: args.protect },
    );
    this.secretArn = this.secret.arn;
    this.registerOutputs({ secretArn: this.secretArn });
  }
}
