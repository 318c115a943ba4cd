import { CONNECTION_STRING_WITH_PASSWORD } from "../../lib/credentials";
import { T } from "../../lib/resourceTypes";
import type { Finding, StackRule } from "../../lib/types";
import { isRecord, isUnknown } from "../../lib/values";

/** Inputs that are credentials by name. */
const SECRET_KEYS = new Set([
  "password",
  "masterPassword",
  "masterUserPassword",
  "adminPassword",
  "authToken",
  "secretKey",
  "privateKey",
]);
/** Resources whose job is to hold a secret (Pulumi encrypts their secret inputs in state). */
const HOLDERS = new Set<string>([
  T.secretVersion,
  T.ssmParameter,
  "random:index/randomPassword:RandomPassword",
]);
/**
 * A SCRAM-SHA-256 verifier (salted, iterated hash; what PostgreSQL stores) is not the password and
 * cannot be replayed; the database operations function sends one instead of the password.
 */
const SCRAM_VERIFIER = /^SCRAM-SHA-256\$\d+:[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+:[A-Za-z0-9+/=]+$/;
const PATTERNS: readonly [RegExp, string][] = [
  [/\b(AKIA|ASIA)[0-9A-Z]{16}\b/, "an AWS access key id"],
  [/-----BEGIN [A-Z ]*PRIVATE KEY-----/, "a private key"],
  [CONNECTION_STRING_WITH_PASSWORD, "a connection string with a password"],
];

/** Walks a value; reports each credential-looking leaf with its path. */
function scan(v: unknown, path: string, found: (path: string, what: string) => void, byName: boolean): void {
  if (typeof v === "string") {
    if (isUnknown(v)) return;
    for (const [re, what] of PATTERNS) if (re.test(v)) found(path, what);
  } else if (Array.isArray(v))
    v.forEach((x, i) => {
      scan(x, `${path}[${i}]`, found, byName);
    });
  else if (isRecord(v)) {
    for (const [k, x] of Object.entries(v)) {
      const p = path ? `${path}.${k}` : k;
      if (
        byName &&
        SECRET_KEYS.has(k) &&
        typeof x === "string" &&
        x !== "" &&
        !isUnknown(x) &&
        !SCRAM_VERIFIER.test(x)
      ) {
        found(p, "a password");
      } else scan(x, p, found, byName);
    }
  }
}

/**
 * A literal credential in a resource input lives in the program, the plan output and the state.
 * (The engine hands policies secret values unwrapped, so the rule judges by name and shape.)
 */
export const noPlaintextSecrets: StackRule = {
  name: "noPlaintextSecrets",
  kind: "stack",
  description:
    "No resource input carries a plaintext credential (password fields, access keys, private keys, URLs with passwords).",
  resourceTypes: ["*"],
  properties: ["(every input)"],
  hipaa: ["164.312(a)(2)(iv)", "164.308(a)(5)(ii)(D)"],
  severity: "critical",
  enforcementLevel: "mandatory",
  remediation:
    "Let RDS manage the password, or read it from Secrets Manager at runtime; never pass it as a resource input.",
  check: (ctx) => {
    const out: Finding[] = [];
    for (const r of ctx.resources) {
      if (HOLDERS.has(r.type)) continue;
      // Providers (the postgresql provider) and dynamic resources (role settings) are code that must
      // be handed the credential it connects with; the program marks those inputs secret, so Pulumi
      // encrypts them in state. The engine does not tell policies which inputs are secret, so they are
      // exempt from the by-name check; they are still scanned for keys and URLs with passwords.
      const byName = !r.type.startsWith("pulumi:providers:") && r.type !== "pulumi-nodejs:dynamic:Resource";
      scan(
        r.props,
        "",
        (path, what) => out.push({ message: `${r.name}: ${path} holds ${what}.`, urn: r.urn }),
        byName,
      );
    }
    return out;
  },
};
