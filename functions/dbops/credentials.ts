/**
 * The JSON inside a database secret, in the shape RDS, RDS Proxy and AWS's rotation templates use:
 * `{engine, host, port, dbname, username, password}` ("JSON structure of AWS Secrets Manager database
 * credential secrets", https://docs.aws.amazon.com/secretsmanager/latest/userguide/reference_secret_json_structure.html).
 * Errors name the secret, never its content.
 */
export type SecretJson = Record<string, unknown>;

/** Parses a SecretString as a JSON object; the error names the secret and the fix, not the text. */
export function parseSecretJson(secretId: string, text: string): SecretJson {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch {
    throw new Error(
      `secret ${secretId}: its value is not JSON. A database secret holds {"username", "password", ...}; put a JSON value.`,
    );
  }
  if (typeof v !== "object" || v === null || Array.isArray(v))
    throw new Error(`secret ${secretId}: its value is not a JSON object. Put {"username", "password", ...}.`);
  return v as SecretJson;
}

/** `username` and `password` of a secret's JSON, or an error naming the missing field. */
export function credentialsOf(
  secretId: string,
  j: SecretJson,
): { readonly user: string; readonly password: string } {
  const user = j.username;
  const password = j.password;
  if (typeof user !== "string" || user === "")
    throw new Error(`secret ${secretId}: has no "username". Put the PostgreSQL role's name in "username".`);
  if (typeof password !== "string" || password === "")
    throw new Error(
      `secret ${secretId}: has no "password" for "${user}". Run the function's apply action, which gives every role secret a password.`,
    );
  return { user, password };
}
