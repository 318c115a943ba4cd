/**
 * Evidence a rule declares when its `properties` hold far more than the value it decides on: the
 * parameter group's 16 parameters when the rule reads one, a whole key policy when the rule reads the
 * statements with a "*" principal. Keys are paths into the resource's inputs, so an auditor can find
 * each value in the preview; values are shown in full by the report, never cut.
 */
import { isWildcardPrincipal, statementsOf } from "./iam";
import { paramValue } from "./parameters";
import type { Evidence } from "./types";
import { isUnknown, jsonOf } from "./values";

/** What the report shows for a value the engine does not know until apply. */
export const UNKNOWN_EVIDENCE = "(unknown until apply)";

/**
 * `family` (PostgreSQL or not decides applicability) and `parameters[<name>]` for each named parameter:
 * its value, `null` when unset (RDS's default applies, which the rules do not accept; null, not
 * undefined, so the key survives JSON) or unknown.
 */
export function paramEvidence(...names: readonly string[]): Evidence {
  return (props) => {
    const out: Record<string, unknown> = {
      family: isUnknown(props.family) ? UNKNOWN_EVIDENCE : props.family,
    };
    for (const name of names) {
      const v = paramValue(props, name);
      out[`parameters[${name}]`] =
        v.kind === "set" ? v.value : v.kind === "unknown" ? UNKNOWN_EVIDENCE : null;
    }
    return out;
  };
}

/**
 * Every key-policy statement whose principal is "*", whole (Effect, Action, Condition...): the
 * Condition is what makes such a statement pass, so it is never left out. `policy: null` (unset) means
 * the KMS default key policy (the account root only).
 */
export function wildcardPrincipalEvidence(props: Readonly<Record<string, unknown>>): Record<string, unknown> {
  if (props.policy === undefined || props.policy === null) return { policy: null };
  const doc = jsonOf(props.policy);
  if ("unknown" in doc) return { policy: UNKNOWN_EVIDENCE };
  if ("error" in doc) return { policy: props.policy };
  const statements = statementsOf(doc.value);
  const wildcard = statements.map((s, i) => ({ s, i })).filter(({ s }) => isWildcardPrincipal(s.Principal));
  if (wildcard.length === 0) {
    return { 'policy.Statement[Principal="*"]': `none of ${statements.length} statements` };
  }
  const out: Record<string, unknown> = {};
  for (const { s, i } of wildcard) {
    out[typeof s.Sid === "string" ? `policy.Statement[Sid=${s.Sid}]` : `policy.Statement[${i}]`] = s;
  }
  return out;
}
