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
/**
 * The reasons a secret may go without rotation, as its `RotationExempt` tag's exact value. Nothing else
 * exempts a secret.
 */
export const ROTATION_EXEMPTIONS: Readonly<Record<string, string>> = {
  /** The column-encryption key: rotating it means re-encrypting every column, a migration. */
  "encryption-key":
    "a key, not a credential: rotating it re-encrypts every column (a migration, not a schedule)",
  /** A role that signs in with IAM tokens: its secret describes the connection and holds no password. */
  "iam-authentication": "the role signs in with short-lived IAM tokens and has no password",
};

export const secretRotation: StackRule = {
  name: "secretRotation",
  kind: "stack",
  description:
    "Every Secrets Manager secret in the stack has a rotation (aws.secretsmanager.SecretRotation with rotation rules), or a RotationExempt tag naming an accepted reason (encryption-key, iam-authentication).",
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
      // Only a reason this rule knows exempts a secret; any other RotationExempt value is a finding, so a
      // credential cannot opt out by carrying the tag.
      const exempt = tagsOf(secret.props).RotationExempt;
      if (exempt !== undefined) {
        if (typeof exempt === "string" && exempt in ROTATION_EXEMPTIONS) continue;
        out.push(
          fail(
            `${secret.name}: RotationExempt "${String(exempt)}" is not an accepted reason (${Object.keys(ROTATION_EXEMPTIONS).join(", ")}). Rotate the secret, or use one of those.`,
            secret.urn,
          ),
        );
        continue;
      }
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
