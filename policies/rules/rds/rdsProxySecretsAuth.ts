import { T } from "../../lib/resourceTypes";
import type { Finding, StackResource, StackRule } from "../../lib/types";
import { fail, isAwsManagedKey, isUnknown, recordsOf, show, unknown } from "../../lib/values";

/** Is a Secrets Manager ARN the one of this secret resource (by ARN, else by name)? */
function secretMatches(secret: StackResource, arn: string): boolean {
  if (secret.props.arn === arn) return true;
  const name = secret.props.name ?? secret.name;
  return typeof name === "string" && (arn.endsWith(`:secret:${name}`) || arn.includes(`:secret:${name}-`));
}

/**
 * The proxy reads database credentials from Secrets Manager; those secrets must be encrypted with our
 * key. RDS-managed master secrets (`rds!db-...`) take the instance's masterUserSecretKmsKeyId.
 */
export const rdsProxySecretsAuth: StackRule = {
  name: "rdsProxySecretsAuth",
  kind: "stack",
  description:
    "RDS Proxy authenticates with Secrets Manager secrets (authScheme SECRETS) that are encrypted with a customer-managed KMS key.",
  resourceTypes: [T.rdsProxy, T.secret, T.rdsInstance],
  properties: ["auths", "kmsKeyId", "masterUserSecretKmsKeyId"],
  hipaa: ["164.312(d)", "164.312(a)(2)(iv)"],
  severity: "high",
  enforcementLevel: "mandatory",
  remediation:
    "Give every auths entry authScheme SECRETS and a secretArn of a secret in this stack with kmsKeyId set to the customer-managed key (or the instance's RDS-managed secret).",
  check: (ctx) => {
    const out: Finding[] = [];
    const secrets = ctx.resources.filter((r) => r.type === T.secret);
    const managedWithCmk = ctx.resources.some(
      (r) =>
        r.type === T.rdsInstance &&
        typeof r.props.masterUserSecretKmsKeyId === "string" &&
        !isUnknown(r.props.masterUserSecretKmsKeyId) &&
        !isAwsManagedKey(r.props.masterUserSecretKmsKeyId),
    );
    for (const proxy of ctx.resources.filter((r) => r.type === T.rdsProxy)) {
      if (isUnknown(proxy.props.auths)) {
        out.push(unknown("auths", proxy.urn));
        continue;
      }
      const auths = recordsOf(proxy.props.auths);
      // End-to-end IAM: no secrets to check (see rdsProxyScramAuth).
      if (auths.length === 0 && proxy.props.defaultAuthScheme === "IAM_AUTH") continue;
      if (auths.length === 0) out.push(fail(`${proxy.name}: auths is empty.`, proxy.urn));
      auths.forEach((a, i) => {
        const where = `${proxy.name}: auths[${i}]`;
        if (a.authScheme !== undefined && a.authScheme !== "SECRETS" && !isUnknown(a.authScheme)) {
          out.push(fail(`${where}.authScheme is ${show(a.authScheme)}; must be "SECRETS".`, proxy.urn));
          return;
        }
        const arn = a.secretArn;
        if (isUnknown(arn)) {
          out.push(unknown(`auths[${i}].secretArn`, proxy.urn));
          return;
        }
        if (typeof arn !== "string" || arn === "") {
          out.push(
            fail(`${where}.secretArn is ${show(arn)}; the proxy needs a Secrets Manager secret.`, proxy.urn),
          );
          return;
        }
        if (arn.includes(":secret:rds!")) {
          if (!managedWithCmk)
            out.push(
              fail(
                `${where}: RDS-managed secret without a customer-managed masterUserSecretKmsKeyId.`,
                proxy.urn,
              ),
            );
          return;
        }
        const secret = secrets.find((s) => secretMatches(s, arn));
        if (!secret && secrets.some((s) => isUnknown(s.props.name ?? s.props.arn))) {
          out.push(unknown(`auths[${i}].secretArn: a secret name`, proxy.urn));
          return;
        }
        if (!secret) {
          out.push(
            fail(
              `${where}.secretArn ${arn} is not a secret of this stack; its key cannot be shown.`,
              proxy.urn,
            ),
          );
          return;
        }
        const key = secret.props.kmsKeyId;
        if (isUnknown(key)) out.push(unknown(`${secret.name}.kmsKeyId`, proxy.urn));
        else if (typeof key !== "string" || key === "" || isAwsManagedKey(key)) {
          out.push(
            fail(
              `${where}: secret ${secret.name} has kmsKeyId ${show(key)}; use a customer-managed key.`,
              proxy.urn,
            ),
          );
        }
      });
    }
    return out;
  },
};
