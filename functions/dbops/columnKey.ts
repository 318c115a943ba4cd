/**
 * The column-encryption key the app reads as DATABASE_ENCRYPTION_KEY (the guide's pgcrypto migration):
 * COLUMN_KEY_BYTES random bytes, base64. Generated inside the function and stored only in its secret, so
 * it never passes through Pulumi (state, outputs or the Invocation's input/result).
 */
import { randomBytes } from "node:crypto";
import { COLUMN_KEY_BYTES } from "../../spec/databaseOps";

/** A new key: base64 of COLUMN_KEY_BYTES bytes from the CSPRNG. */
export const newColumnKey = (random: (n: number) => Buffer = randomBytes): string =>
  random(COLUMN_KEY_BYTES).toString("base64");

/** True when `s` is canonical base64 of exactly COLUMN_KEY_BYTES bytes. */
export function isColumnKey(s: string): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(s)) return false;
  const bytes = Buffer.from(s, "base64");
  return bytes.length === COLUMN_KEY_BYTES && bytes.toString("base64") === s;
}
