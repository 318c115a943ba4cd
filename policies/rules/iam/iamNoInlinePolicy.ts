import { T } from "../../lib/resourceTypes";
import type { Finding, StackRule } from "../../lib/types";
import { fail, isUnknown, recordsOf, unknown } from "../../lib/values";

/**
 * Inline role policies cannot be versioned, reused or reviewed apart from their role; the AWS Config HIPAA
 * conformance pack checks `iam-no-inline-policy-check` and cdk-nag's HIPAA pack flags them. Every grant
 * in this stack is a customer-managed policy attached to its role (components/iam/managedPolicy.ts).
 */
export const iamNoInlinePolicy: StackRule = {
  name: "iamNoInlinePolicy",
  kind: "stack",
  description:
    "No IAM role carries an inline policy: grants are customer-managed policies attached to roles.",
  resourceTypes: [T.iamRole, T.iamRolePolicy],
  properties: ["inlinePolicies", "role"],
  hipaa: ["164.308(a)(4)(ii)(B)", "164.312(a)(1)"],
  awsConfigRule: "iam-no-inline-policy-check",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediation:
    "Replace aws.iam.RolePolicy (or a role's inlinePolicies) with aws.iam.Policy + aws.iam.RolePolicyAttachment (managedRolePolicy in components/iam).",
  check: (ctx) => {
    const out: Finding[] = [];
    for (const rp of ctx.resources.filter((r) => r.type === T.iamRolePolicy)) {
      out.push(fail(`${rp.name}: an inline policy on role ${String(rp.props.role)}.`, rp.urn));
    }
    for (const role of ctx.resources.filter((r) => r.type === T.iamRole)) {
      const inline = role.props.inlinePolicies;
      if (isUnknown(inline)) out.push(unknown("inlinePolicies", role.urn));
      else if (recordsOf(inline).some((p) => p.policy !== undefined && p.policy !== ""))
        out.push(fail(`${role.name}: declares inline policies.`, role.urn));
    }
    return out;
  },
};
