import { ingressOf } from "../../lib/ingress";
import { T } from "../../lib/resourceTypes";
import type { Finding, ResourceRule } from "../../lib/types";
import { fail, isOpenCidr, isUnknown, unknown } from "../../lib/values";

/** Nothing in a PHI network is open to the internet, on any port. */
export const sgNoPublicIngress: ResourceRule = {
  name: "sgNoPublicIngress",
  kind: "resource",
  description: "No security group admits ingress from 0.0.0.0/0 or ::/0, on any port.",
  resourceTypes: [T.securityGroup, T.ingressRule, T.securityGroupRule],
  properties: ["ingress", "cidrIpv4", "cidrIpv6", "cidrBlocks", "ipv6CidrBlocks", "type"],
  hipaa: ["164.312(e)(1)", "164.312(a)(1)"],
  awsConfigRule: "restricted-common-ports",
  severity: "critical",
  enforcementLevel: "mandatory",
  remediation: "Replace the open CIDR with the source security group or a private range.",
  check: (props, ctx) => {
    const ingress = ingressOf(ctx.type, props);
    if (ingress === "unknown") return [unknown("ingress")];
    const out: Finding[] = [];
    for (const i of ingress) {
      for (const c of i.cidrs) {
        if (isUnknown(c)) out.push(unknown(`${i.where}.cidr`));
        else if (isOpenCidr(c))
          out.push(fail(`${i.where} admits ${String(c)} (ports ${String(i.fromPort)}-${String(i.toPort)}).`));
      }
    }
    return out;
  },
};
