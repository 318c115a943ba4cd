/** Reading IAM-style policy documents (key policies, vault policies). */
import { isRecord, type Rec } from "./values";

export function statementsOf(doc: unknown): Rec[] {
  if (!isRecord(doc)) return [];
  const s = doc.Statement;
  if (Array.isArray(s)) return s.filter(isRecord);
  return isRecord(s) ? [s] : [];
}

export function listOf(v: unknown): unknown[] {
  return Array.isArray(v) ? v : v === undefined ? [] : [v];
}

/** `"*"` or `{ AWS: "*" }` (or a list holding "*"): anyone, in any account. */
export function isWildcardPrincipal(p: unknown): boolean {
  if (p === "*") return true;
  if (!isRecord(p)) return false;
  return listOf(p.AWS).includes("*");
}

export function actionsOf(s: Rec): string[] {
  return listOf(s.Action).filter((a): a is string => typeof a === "string");
}
