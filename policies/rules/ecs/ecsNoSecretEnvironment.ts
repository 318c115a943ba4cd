import { perContainer } from "../../lib/containers";
import { T } from "../../lib/resourceTypes";
import type { Finding, ResourceRule } from "../../lib/types";
import { fail, recordsOf } from "../../lib/values";

/** Names that announce a credential; references to one (an ARN, an id, a file path) are fine. */
const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL)/i;
const REFERENCE_SUFFIX = /_(ARN|ID|NAME|FILE|PATH|REGION)$/i;
/** `scheme://user:password@host`: a connection string with the password in it. */
const CREDENTIAL_URL = /^[a-z][a-z0-9+.-]*:\/\/[^/\s:@]+:(?!<)[^@\s]+@/i;

/**
 * Plain environment values are visible to anyone who can describe the task definition and sit in the
 * Pulumi state; secrets belong in `secrets` (valueFrom Secrets Manager).
 */
export const ecsNoSecretEnvironment: ResourceRule = {
  name: "ecsNoSecretEnvironment",
  kind: "resource",
  description: "No ECS container passes a credential in a plain environment variable.",
  resourceTypes: [T.ecsTaskDefinition],
  properties: ["containerDefinitions"],
  hipaa: ["164.312(a)(2)(iv)", "164.308(a)(5)(ii)(D)"],
  awsConfigRule: "ecs-no-environment-secrets",
  severity: "critical",
  enforcementLevel: "mandatory",
  remediation: "Move the value to Secrets Manager and reference it from the container's secrets (valueFrom).",
  check: (props) =>
    perContainer(props, (c, name) => {
      const out: Finding[] = [];
      for (const e of recordsOf(c.environment)) {
        const key = String(e.name ?? "");
        const value = typeof e.value === "string" ? e.value : "";
        const looksSecret = SECRET_NAME.test(key) && !REFERENCE_SUFFIX.test(key) && !value.startsWith("arn:");
        if (looksSecret || CREDENTIAL_URL.test(value))
          out.push(fail(`${name}: environment ${key} carries a credential in plain text.`));
      }
      return out;
    }),
};
