/**
 * Secrets never reach a report: evidence values under secret-looking keys or inputs marked secret are
 * replaced, and known secret values are blanked out of free text (rule messages).
 */
export const REDACTED = "[redacted]";

/** Keys that name a secret value: password, secret, token, private key, credential, API key. */
const SECRET_KEY = /(pass(word|wd|phrase)?$|password|secret|token|private.?key|credential|api.?key)/i;
/**
 * ...unless the key names a reference or a setting rather than the value itself: an ARN, an id, a
 * name, a length or a rotation schedule (`masterUserSecretKmsKeyId`, `secretArn`, `passwordLength`).
 */
const REFERENCE_KEY =
  /(arn|arns|id|ids|name|names|length|days|rotation\w*|enabled|count|type|policy|kmskeyid|encryption)$/i;

/**
 * The name that says what an evidence value is. Rules key evidence by path: `parameters[rds.force_ssl]`
 * selects one parameter by name (judged by that name), `policy.Statement[Sid=X]` or `rules[0]` select
 * by position or attribute (judged by the property, `Statement`, not by a Sid someone chose).
 */
export function evidenceKeyName(key: string): string {
  const m = /^(.*)\[([^\]]*)\]$/.exec(key);
  if (!m) return key;
  const [, base, selector] = m;
  if (selector.includes("=") || /^\d+$/.test(selector))
    return evidenceKeyName(base).split(".").at(-1) ?? base;
  return selector;
}

/** True when a value under this key must not be shown. Booleans never are: they cannot be secrets. */
export function isSecretKey(key: string): boolean {
  const name = evidenceKeyName(key);
  return SECRET_KEY.test(name) && !REFERENCE_KEY.test(name);
}

/**
 * A copy of `value` with secrets replaced by {@link REDACTED}: values of keys in `secretKeys` (top
 * level), values of secret-looking keys at any depth (except booleans), and any string equal to or
 * containing one of `secretValues`.
 */
export function redactEvidence(
  value: Readonly<Record<string, unknown>>,
  secretKeys: ReadonlySet<string> = new Set(),
  secretValues: readonly string[] = [],
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = secretKeys.has(k) && v !== undefined && v !== null ? REDACTED : redactValue(k, v, secretValues);
  }
  return out;
}

function redactValue(key: string, v: unknown, secretValues: readonly string[]): unknown {
  if (v === undefined || v === null || typeof v === "boolean") return v;
  if (isSecretKey(key) && v !== "[secret]") return REDACTED;
  if (typeof v === "string") return redactText(v, secretValues);
  if (Array.isArray(v)) return v.map((x) => redactValue("", x, secretValues));
  if (typeof v === "object") {
    const o: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) o[k] = redactValue(k, x, secretValues);
    return o;
  }
  return v;
}

/** Replaces every occurrence of a secret value (4 characters or more) in free text. */
export function redactText(text: string, secretValues: readonly string[]): string {
  let out = text;
  for (const s of secretValues) {
    if (s.length >= 4 && out.includes(s)) out = out.split(s).join(REDACTED);
  }
  return out;
}

/** Every string inside a value (for collecting the values of secret inputs). */
export function stringsIn(v: unknown, acc: string[] = []): string[] {
  if (typeof v === "string") acc.push(v);
  else if (typeof v === "number") acc.push(String(v));
  else if (Array.isArray(v)) for (const x of v) stringsIn(x, acc);
  else if (v && typeof v === "object") for (const x of Object.values(v)) stringsIn(x, acc);
  return acc;
}
