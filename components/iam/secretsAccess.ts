/**
 * IAM statements for reading or writing Secrets Manager secrets encrypted with a customer-managed key.
 * One home for the shape RDS Proxy's role, the PgBouncer task role and the database operations function
 * all need: the secret actions on exactly the named secrets, and the key only when Secrets Manager in
 * that region uses it on the caller's behalf (`kms:ViaService`, "AWS KMS condition keys",
 * https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service).
 */

/** A type, not an interface: the callers' statement lists are `Record<string, unknown>[]`. */
export type IamStatement = {
  readonly Sid: string;
  readonly Effect: "Allow";
  readonly Action: readonly string[];
  readonly Resource: readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string>>>>;
};

/** Secret actions on exactly `secretArns`. @default actions: GetSecretValue */
export function secretsStatement(
  sid: string,
  secretArns: readonly string[],
  actions: readonly string[] = ["secretsmanager:GetSecretValue"],
): IamStatement {
  return { Sid: sid, Effect: "Allow", Action: [...actions], Resource: [...secretArns] };
}

/** KMS `actions` on `keyArn`, only through Secrets Manager in `region`. */
export function keyThroughSecretsManager(
  sid: string,
  actions: readonly string[],
  keyArn: string,
  region: string,
): IamStatement {
  return {
    Sid: sid,
    Effect: "Allow",
    Action: [...actions],
    Resource: [keyArn],
    Condition: { StringEquals: { "kms:ViaService": `secretsmanager.${region}.amazonaws.com` } },
  };
}
