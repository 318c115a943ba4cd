/**
 * Generated passwords: crypto-random characters from PASSWORD_ALPHABET (letters and digits, so a password
 * never needs escaping in a URL, a libpq keyword string or SQL). Pure apart from the random source.
 */
import { randomBytes } from "node:crypto";
import { PASSWORD_ALPHABET, PASSWORD_LENGTH } from "../../spec/databaseOps";

/**
 * `length` characters drawn uniformly from `alphabet` by rejection sampling: a random byte is used only
 * when it is below the largest multiple of the alphabet's size that fits in a byte (248 for 62
 * characters), so `byte % size` favours no character. A plain `byte % 62` would make the first 8
 * characters about 1.25 times as likely as the rest.
 * @param random source of random bytes (tests pass a fixed one)
 */
export function generatePassword(
  length: number = PASSWORD_LENGTH,
  alphabet: string = PASSWORD_ALPHABET,
  random: (n: number) => Buffer = randomBytes,
): string {
  if (!Number.isInteger(length) || length < 1)
    throw new Error(`length: ${length} is not a positive whole number. Use e.g. ${PASSWORD_LENGTH}.`);
  const size = alphabet.length;
  if (size < 2 || size > 256 || new Set(alphabet).size !== size)
    throw new Error(
      `alphabet: ${size} characters, or some repeated. Use 2 to 256 distinct characters, e.g. PASSWORD_ALPHABET.`,
    );
  const limit = 256 - (256 % size);
  let out = "";
  while (out.length < length) {
    for (const b of random(length * 2)) {
      if (b >= limit) continue;
      out += alphabet[b % size];
      if (out.length === length) break;
    }
  }
  return out;
}
