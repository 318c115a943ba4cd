/**
 * SCRAM-SHA-256 password verifiers (RFC 5802, RFC 7677), computed on the client.
 *
 * `ALTER ROLE ... PASSWORD 'plain'` sends the password to the server as statement text, where
 * `log_statement = mod` (our parameter group, from the guide's audit section) writes it to the log and on
 * to CloudWatch. PostgreSQL stores a string that already is a SCRAM verifier as-is, so sending the
 * verifier keeps the password out of every log (the same thing psql's `\password` does).
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes } from "node:crypto";

/** PostgreSQL's default `scram_iterations`. */
export const SCRAM_ITERATIONS = 4096;

/**
 * The verifier `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>` for `password`.
 * @param salt 16 random bytes unless given (tests pass one to get a fixed result).
 */
export function scramVerifier(
  password: string,
  salt: Buffer = randomBytes(16),
  iterations = SCRAM_ITERATIONS,
): string {
  if (password.length === 0) throw new Error("password: is empty. Generate one (at least 32 characters).");
  if (salt.length < 8) throw new Error(`salt: ${salt.length} bytes is too short. Use 16 random bytes.`);
  // SASLprep is the identity for the ASCII passwords we generate; PostgreSQL applies the same rule.
  const salted = pbkdf2Sync(password.normalize("NFKC"), salt, iterations, 32, "sha256");
  const clientKey = createHmac("sha256", salted).update("Client Key").digest();
  const storedKey = createHash("sha256").update(clientKey).digest();
  const serverKey = createHmac("sha256", salted).update("Server Key").digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString("base64")}$${storedKey.toString("base64")}:${serverKey.toString("base64")}`;
}

/** True when `s` has the shape of a stored SCRAM-SHA-256 verifier (what `pg_authid.rolpassword` holds). */
export const isScramVerifier = (s: string): boolean =>
  /^SCRAM-SHA-256\$\d+:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/.test(s);
