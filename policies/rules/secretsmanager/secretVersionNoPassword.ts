import { CONNECTION_STRING_WITH_PASSWORD } from "../../lib/credentials";
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
  properties: ["secretString", "secretBinary"],
  hipaa: ["164.312(a)(1)", "164.308(a)(5)(ii)(D)", "164.312(a)(2)(iv)"],
  severity: "critical",
  enforcementLevel: "mandatory",
  remediation:
    "Write the secret without a password and let the function that owns the credential (the database operations function, a rotation function) put the value.",
  check: (props) => {
    if (props.secretBinary !== undefined && props.secretBinary !== "")
      return [
        fail(
          "secretBinary is set: Pulumi writes a binary value into its state, and nothing can show it holds no password.",
        ),
      ];
    const v = props.secretString;
    if (v === undefined || v === "") return [];
    const parsed = jsonOf(v);
    if ("unknown" in parsed) return [unknown("secretString")];
    if ("error" in parsed) {
      const text = String(v);
      return CREDENTIAL_TEXT.some((re) => re.test(text))
        ? [
            fail(
              "secretString holds a password (a connection URL with one, or password=...): it is in Pulumi's state.",
            ),
          ]
        : [];
    }
    const found = passwordPaths(parsed.value, "");
    return found.length > 0
      ? [fail(`secretString has a password field (${found.join(", ")}): the password is in Pulumi's state.`)]
      : [];
  },
};

/** Key names that hold a password, whatever their case and separators. */
const PASSWORD_KEY = /^(password|passwd|pwd|pgpassword|pass|masterpassword|userpassword|dbpassword)$/;
/** A password in plain text: URL credentials, or a `password=` / `password:` pair. */
const CREDENTIAL_TEXT: readonly RegExp[] = [
  CONNECTION_STRING_WITH_PASSWORD,
  /\b(password|passwd|pwd)\s*[=:]/i,
];

/** Paths of every key, at any depth, whose name is a password's. */
function passwordPaths(v: unknown, at: string): string[] {
  if (Array.isArray(v)) return v.flatMap((x, i) => passwordPaths(x, `${at}[${i}]`));
  if (!isRecord(v)) return [];
  return Object.entries(v).flatMap(([k, x]) => {
    const here = at === "" ? k : `${at}.${k}`;
    return [
      ...(PASSWORD_KEY.test(k.toLowerCase().replace(/[-_]/g, "")) ? [here] : []),
      ...passwordPaths(x, here),
    ];
  });
}
