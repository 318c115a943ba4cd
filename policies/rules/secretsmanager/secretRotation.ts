import { T } from "../../lib/resourceTypes";
import type { Finding, StackResource, StackRule } from "../../lib/types";
import { fail, isRecord, isUnknown, tagsOf, unknown } from "../../lib/values";

/** Does a rotation's secretId (an ARN, or a name) point at this secret? */
function rotates(rotation: StackResource, secret: StackResource): boolean | "unknown" {
  const id = rotation.props.secretId;
  if (isUnknown(id)) return "unknown";
  if (typeof id !== "string") return false;
  if (rotation.opts.dependencies.includes(secret.urn)) return true;
  if (secret.props.arn === id) return true;
  const name = secret.props.name ?? secret.name;
  if (isUnknown(name)) return "unknown";
  return (
    typeof name === "string" &&
    (id === name || id.endsWith(`:secret:${name}`) || id.includes(`:secret:${name}-`))
  );
}

/** Credentials that never change stay valid in every copy ever leaked. */
export const secretRotation: StackRule = {
  name: "secretRotation",
  kind: "stack",
  description:
    "Every Secrets Manager secret in the stack has a rotation (aws.secretsmanager.SecretRotation with rotation rules), or a RotationExempt tag saying why it cannot have one (an encryption key).",
  resourceTypes: [T.secret, T.secretRotation],
  properties: ["secretId", "rotationRules"],
  hipaa: ["164.308(a)(5)(ii)(D)", "164.312(d)"],
  awsConfigRule: "secretsmanager-rotation-enabled-check",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediation:
    "Add an aws.secretsmanager.SecretRotation (rotationLambdaArn or managed rotation, rotationRules) for the secret.",
  check: (ctx) => {
    const out: Finding[] = [];
    const rotations = ctx.resources.filter((r) => r.type === T.secretRotation);
    for (const secret of ctx.resources.filter((r) => r.type === T.secret)) {
      // A key, not a credential: rotating it means re-encrypting every column (a migration). The secret
      // says so in a tag, which RULES.md's reader and an auditor see next to the exemption.
      const exempt = tagsOf(secret.props).RotationExempt;
      if (typeof exempt === "string" && exempt.trim().length > 0) continue;
      const matches = rotations.map((r) => ({ r, m: rotates(r, secret) }));
      const found = matches.find((x) => x.m === true);
      if (found) {
        if (!isRecord(found.r.props.rotationRules) && !isUnknown(found.r.props.rotationRules)) {
          out.push(fail(`${secret.name}: rotation ${found.r.name} has no rotationRules.`, secret.urn));
        }
      } else if (matches.some((x) => x.m === "unknown")) out.push(unknown("secretId", secret.urn));
      else out.push(fail(`${secret.name}: no SecretRotation rotates this secret.`, secret.urn));
    }
    return out;
  },
};
