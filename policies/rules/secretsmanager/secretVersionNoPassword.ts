import { T } from "../../lib/resourceTypes";
import type { ResourceRule } from "../../lib/types";
import { fail, isRecord, jsonOf, unknown } from "../../lib/values";

/**
 * A SecretVersion written by Pulumi puts its secret string in Pulumi's state (encrypted, but readable by
 * everyone who can read the state, and by every preview). Database passwords are generated inside the VPC
 * by the database operations function and written by it; Pulumi writes only `{username, engine, host,
 * port, dbname}`.
 */
export const secretVersionNoPassword: ResourceRule = {
  name: "secretVersionNoPassword",
  kind: "resource",
  description: "No Secrets Manager secret version written by Pulumi holds a password field.",
  resourceTypes: [T.secretVersion],
  properties: ["secretString"],
  hipaa: ["164.312(a)(1)", "164.308(a)(5)(ii)(D)", "164.312(a)(2)(iv)"],
  severity: "critical",
  enforcementLevel: "mandatory",
  remediation:
    "Write the secret without a password and let the function that owns the credential (the database operations function, a rotation function) put the value.",
  check: (props) => {
    const v = props.secretString;
    if (v === undefined || v === "") return [];
    const parsed = jsonOf(v);
    if ("unknown" in parsed) return [unknown("secretString")];
    if ("error" in parsed) return [];
    const o = parsed.value;
    return isRecord(o) && Object.keys(o).some((k) => k.toLowerCase() === "password")
      ? [fail("secretString has a password field: the password is in Pulumi's state.")]
      : [];
  },
};
