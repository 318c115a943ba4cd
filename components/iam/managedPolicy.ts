import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";

export interface ManagedRolePolicyArgs {
  /** The role the policy is attached to. */
  readonly role: pulumi.Input<string>;
  /** IAM policy name (unique in the account; derive it from the stack's name). */
  readonly policyName: string;
  readonly description: string;
  /** The policy document (JSON). */
  readonly policy: pulumi.Input<string>;
  readonly tags?: Record<string, string>;
}

/**
 * A customer-managed policy attached to one role, in place of an inline role policy. AWS Config's HIPAA
 * conformance pack checks `iam-no-inline-policy-check` (inline policies cannot be reused, versioned or
 * reviewed apart from the role), and cdk-nag's HIPAA pack flags them (HIPAA.Security-IAMNoInlinePolicy).
 * Managed policies keep five versions, so a reviewer can see and roll back what a role was allowed.
 *
 * Child names: `${name}` (the policy) and `${name}-attach` (the attachment); they are API.
 */
export function managedRolePolicy(
  name: string,
  args: ManagedRolePolicyArgs,
  opts: pulumi.CustomResourceOptions,
): { policy: aws.iam.Policy; attachment: aws.iam.RolePolicyAttachment } {
  const policy = new aws.iam.Policy(
    name,
    {
      name: args.policyName,
      description: args.description,
      policy: args.policy,
      tags: args.tags,
    },
    opts,
  );
  const attachment = new aws.iam.RolePolicyAttachment(
    `${name}-attach`,
    { role: args.role, policyArn: policy.arn },
    opts,
  );
  return { policy, attachment };
}
