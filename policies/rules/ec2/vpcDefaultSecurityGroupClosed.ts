import { T } from "../../lib/resourceTypes";
import type { Finding, StackRule } from "../../lib/types";
import { arrayOf, fail, isUnknown, show, unknown } from "../../lib/values";

/**
 * A new VPC's default security group lets every member reach every other; anything launched without a
 * group lands in it. Each VPC the stack creates adopts its default group (DefaultSecurityGroup) with no
 * rules.
 */
export const vpcDefaultSecurityGroupClosed: StackRule = {
  name: "vpcDefaultSecurityGroupClosed",
  kind: "stack",
  description:
    "Every VPC the stack creates has its default security group adopted and closed (no ingress, no egress).",
  resourceTypes: [T.vpc, T.defaultSecurityGroup],
  properties: ["ingress", "egress", "vpcId"],
  hipaa: ["164.312(a)(1)", "164.312(e)(1)"],
  awsConfigRule: "vpc-default-security-group-closed",
  severity: "high",
  enforcementLevel: "mandatory",
  remediation: "Add aws.ec2.DefaultSecurityGroup({ vpcId, ingress: [], egress: [] }) for each VPC.",
  check: (ctx) => {
    const out: Finding[] = [];
    const defaults = ctx.resources.filter((r) => r.type === T.defaultSecurityGroup);
    for (const vpc of ctx.resources.filter((r) => r.type === T.vpc)) {
      if (!defaults.some((d) => d.opts.dependencies.includes(vpc.urn))) {
        out.push(fail(`${vpc.name}: its default security group is not adopted and closed.`, vpc.urn));
      }
    }
    for (const d of defaults) {
      for (const key of ["ingress", "egress"]) {
        const v = d.props[key];
        if (isUnknown(v)) out.push(unknown(key, d.urn));
        else if ((arrayOf(v) ?? [v]).length > 0)
          out.push(fail(`${d.name}: ${key} is ${show(v)}; must be empty.`, d.urn));
      }
    }
    return out;
  },
};
