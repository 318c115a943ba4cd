/** Reading RDS parameter-group parameters (`parameters: [{ name, value }]`). */
import type { Finding } from "./types";
import { fail, isRecord, isUnknown, show, unknown } from "./values";

export type ParamValue = { kind: "unknown" } | { kind: "unset" } | { kind: "set"; value: string };

export function paramValue(props: Readonly<Record<string, unknown>>, name: string): ParamValue {
  const list = props.parameters;
  if (isUnknown(list)) return { kind: "unknown" };
  if (!Array.isArray(list)) return { kind: "unset" };
  for (const p of list) {
    if (isUnknown(p)) return { kind: "unknown" };
    if (!isRecord(p)) continue;
    if (isUnknown(p.name)) return { kind: "unknown" };
    if (p.name === name)
      return isUnknown(p.value) ? { kind: "unknown" } : { kind: "set", value: String(p.value) };
  }
  return { kind: "unset" };
}

/** Parameter groups of other engines are out of scope. */
export function postgresOnly(props: Readonly<Record<string, unknown>>): string | undefined {
  const f = props.family;
  return typeof f === "string" && !isUnknown(f) && !f.startsWith("postgres")
    ? `family ${f} is not PostgreSQL`
    : undefined;
}

/** One parameter that must hold an accepted value; unset fails (defaults vary by engine version). */
export function requireParam(
  props: Readonly<Record<string, unknown>>,
  name: string,
  accepted: (v: string) => boolean,
  expected: string,
): Finding[] {
  const v = paramValue(props, name);
  if (v.kind === "unknown") return [unknown(`parameters[${name}]`)];
  if (v.kind === "unset")
    return [fail(`${name} is not set; set it to ${expected} (RDS defaults differ by engine version).`)];
  return accepted(v.value) ? [] : [fail(`${name} is ${show(v.value)}; expected ${expected}.`)];
}

export const isOn = (v: string): boolean => ["1", "on", "true"].includes(v.toLowerCase());
