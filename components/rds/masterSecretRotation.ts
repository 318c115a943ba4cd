import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

export interface MasterSecretRotationArgs {
  /** The RDS-managed master user secret (PostgresInstance.masterSecretArn). */
  readonly secretArn: pulumi.Input<string>;
  /** Days between rotations, 1–365. */
  readonly days: number;
}

/**
 * The rotation schedule of the instance's RDS-managed master secret. RDS rotates it itself (managed
 * rotation: no Lambda, "Managed rotation for AWS Secrets Manager secrets",
 * https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_managed.html); this only
 * sets how often, which a SecretRotation without `rotationLambdaArn` does for managed secrets
 * (hashicorp/terraform-provider-aws#34180 made the argument optional for exactly that).
 *
 * A function rather than a child of PostgresInstance: the rotation has always been registered at the
 * stack's top level, and a new parent would change its URN and replace it.
 */
export function masterSecretRotation(
  name: string,
  args: MasterSecretRotationArgs,
  opts?: pulumi.CustomResourceOptions,
): aws.secretsmanager.SecretRotation {
  if (!Number.isInteger(args.days) || args.days < 1 || args.days > 365) {
    throw new Error(
      `${name}: days ${args.days} is out of range for the master secret's rotation. Use 1 to 365 (masterPasswordRotationDays).`,
    );
  }
  return new aws.secretsmanager.SecretRotation(
    name,
    {
      secretId: args.secretArn,
      rotationRules: { automaticallyAfterDays: args.days },
      // RotateSecret rotates at once unless told otherwise (RotateSecret API reference, RotateImmediately:
      // "By default, Secrets Manager rotates the secret immediately",
      // https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_RotateSecret.html). On a new
      // stack that would change the master password while the database operations function's first
      // apply reads it. The schedule starts from now instead; RDS set a fresh password at creation.
      rotateImmediately: false,
    },
    opts,
  );
}
