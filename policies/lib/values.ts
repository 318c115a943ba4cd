/**
 * Reading resource properties the way the engine hands them over: plain JSON where values unknown
 * during preview are sentinel strings (the same constants as @pulumi/policy's `proxy.js`; a test keeps
 * them in step).
 */
import type { Finding } from "./types";

/** Sentinels the engine uses for values unknown during preview (boolean, number, string, ...). */
export const UNKNOWN_SENTINELS: readonly string[] = [
  "1c4a061d-8072-4f0a-a4cb-0ff528b18fe7",
  "3eeb2bf0-c639-47a8-9e75-3b44932eb421",
  "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
  "6a19a0b0-7e62-4c92-b797-7f8e31da9cc2",
  "030794c1-ac77-496b-92df-f27374a8bd58",
  "e48ece36-62e2-4504-bad9-02848725956a",
  "dd056dcd-154b-4c76-9bd3-c8f88648b5ff",
];
/** The sentinel for an unknown string, the most common case (ARNs, ids). */
export const UNKNOWN = UNKNOWN_SENTINELS[2];

export function isUnknown(v: unknown): boolean {
  return typeof v === "string" && UNKNOWN_SENTINELS.includes(v);
}

/** True when the value, or anything inside it, is unknown. */
export function containsUnknown(v: unknown): boolean {
  if (isUnknown(v)) return true;
  if (Array.isArray(v)) return v.some(containsUnknown);
  if (v && typeof v === "object") return Object.values(v).some(containsUnknown);
  return false;
}

export const fail = (message: string, urn?: string): Finding => (urn ? { message, urn } : { message });
export const unknown = (path: string, urn?: string): Finding => ({
  message: `${path} is unknown until apply; re-checked on update`,
  unknownPath: path,
  ...(urn ? { urn } : {}),
});

/** A value as it appears in a message: JSON, or "unset". */
export function show(v: unknown): string {
  return v === undefined || v === null ? "unset" : JSON.stringify(v);
}

export type Rec = Readonly<Record<string, unknown>>;

export function isRecord(v: unknown): v is Rec {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** An array property: [] when unset, undefined when unknown or not an array. */
export function arrayOf(v: unknown): unknown[] | undefined {
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : undefined;
}

export function recordsOf(v: unknown): Rec[] {
  return (Array.isArray(v) ? v : []).filter(isRecord);
}

/** A boolean that must be `true`; unset falls back to the provider default. */
export function requireTrue(props: Rec, key: string, why: string, providerDefault = false): Finding[] {
  const v = props[key];
  if (isUnknown(v)) return [unknown(key)];
  const effective = v === undefined || v === null ? providerDefault : v;
  return effective === true ? [] : [fail(`${key} is ${show(v)}; ${why}`)];
}

/** A boolean that must not be `true`; unset falls back to the provider default. */
export function requireNotTrue(props: Rec, key: string, why: string, providerDefault = false): Finding[] {
  const v = props[key];
  if (isUnknown(v)) return [unknown(key)];
  const effective = v === undefined || v === null ? providerDefault : v;
  return effective === true ? [fail(`${key} is ${show(v)}; ${why}`)] : [];
}

/** AWS-managed KMS keys (`alias/aws/<service>` or an ARN naming one) are not customer-managed. */
export function isAwsManagedKey(v: string): boolean {
  return /(^|:)alias\/aws\//.test(v);
}

/**
 * A KMS key reference that must name a customer-managed key. Unset means the service falls back to
 * its AWS-managed key, whose policy the account cannot restrict or audit (HIPAA 164.312(a)(2)(iv)).
 */
export function requireCmk(props: Rec, key: string, what: string): Finding[] {
  const v = props[key];
  if (isUnknown(v)) return [unknown(key)];
  if (typeof v !== "string" || v === "") {
    return [
      fail(`${key} is ${show(v)}: ${what} would use the AWS-managed key; set a customer-managed key ARN.`),
    ];
  }
  if (isAwsManagedKey(v))
    return [fail(`${key} is ${show(v)}, an AWS-managed key; use a customer-managed key.`)];
  return [];
}

/** A number, with unknowns and unset told apart. */
export function numberOf(v: unknown): number | "unknown" | undefined {
  if (isUnknown(v)) return "unknown";
  if (typeof v === "number") return v;
  if (typeof v === "string" && v.trim() !== "" && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

/** A JSON document property (key policies, container definitions) parsed, or why it could not be. */
export function jsonOf(v: unknown): { value: unknown } | { unknown: true } | { error: string } {
  if (containsUnknown(v)) return { unknown: true };
  if (typeof v !== "string") return { value: v };
  try {
    return { value: JSON.parse(v) };
  } catch (e) {
    return { error: e instanceof Error ? e.message : String(e) };
  }
}

/** Config accessors with the schema default as the fallback. */
export function configNumber(config: Rec, key: string, fallback: number): number {
  const v = config[key];
  return typeof v === "number" ? v : fallback;
}

export function configStrings(config: Rec, key: string, fallback: readonly string[]): readonly string[] {
  const v = config[key];
  return Array.isArray(v) && v.every((x) => typeof x === "string") ? (v as string[]) : fallback;
}

/** Tags of a resource (unknown tags count as none). */
export function tagsOf(props: Rec): Readonly<Record<string, string>> {
  const t = props.tags;
  if (!isRecord(t)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(t)) if (typeof v === "string") out[k] = v;
  return out;
}

/** A read replica inherits backups, snapshots and Multi-AZ from its source; those rules exempt it. */
export function isReadReplica(props: Rec): boolean {
  const v = props.replicateSourceDb;
  return v !== undefined && v !== null && v !== "";
}

/** RFC 1918 IPv4 ranges, the only sources the database admits besides security groups. */
export function isPrivateIpv4Cidr(cidr: string): boolean {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(cidr);
  if (!m) return false;
  const [a, b, c, d, bits] = m.slice(1).map(Number);
  if ([a, b, c, d].some((o) => o > 255) || bits > 32) return false;
  if (a === 10) return bits >= 8;
  if (a === 172 && b >= 16 && b <= 31) return bits >= 12;
  if (a === 192 && b === 168) return bits >= 16;
  return false;
}

export const isOpenCidr = (c: unknown): boolean => c === "0.0.0.0/0" || c === "::/0";
