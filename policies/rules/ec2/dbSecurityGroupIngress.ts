import { ingressOf } from "../../lib/ingress";
import { T } from "../../lib/resourceTypes";
import type { Finding, StackResource, StackRule } from "../../lib/types";
import { fail, isPrivateIpv4Cidr, isUnknown, show, unknown } from "../../lib/values";

const PG_PORT = 5432;

/**
 * The database security groups are the groups an RDS instance depends on; their ingress (inline, or
 * rules whose securityGroupId depends on them) may only be TCP 5432 from a security group or an RFC 1918
 * range.
 */
export const dbSecurityGroupIngress: StackRule = {
  name: "dbSecurityGroupIngress",
  kind: "stack",
  description:
    "The database security group admits only TCP 5432, and only from security groups or private (RFC 1918) ranges.",
  resourceTypes: [T.rdsInstance, T.securityGroup, T.ingressRule, T.securityGroupRule],
  properties: [
    "vpcSecurityGroupIds",
    "ingress",
    "fromPort",
    "toPort",
    "ipProtocol",
    "cidrIpv4",
    "cidrIpv6",
    "referencedSecurityGroupId",
  ],
  hipaa: ["164.312(a)(1)", "164.312(e)(1)"],
  awsConfigRule: "vpc-sg-open-only-to-authorized-ports",
  severity: "high",
  enforcementLevel: "mandatory",
  remediation:
    "Admit the pooler's or app's security group (or a private CIDR) on 5432 only; remove other ingress.",
  check: (ctx) => {
    const instances = ctx.resources.filter((r) => r.type === T.rdsInstance);
    const dbGroups = ctx.resources.filter(
      (r) => r.type === T.securityGroup && instances.some((i) => i.opts.dependencies.includes(r.urn)),
    );
    const out: Finding[] = [];
    const ruleHolders: StackResource[] = [
      ...dbGroups,
      ...ctx.resources.filter(
        (r) =>
          (r.type === T.ingressRule || r.type === T.securityGroupRule) &&
          dbGroups.some((g) => r.opts.dependencies.includes(g.urn)),
      ),
    ];
    for (const r of ruleHolders) {
      const ingress = ingressOf(r.type, r.props);
      if (ingress === "unknown") {
        out.push(unknown("ingress", r.urn));
        continue;
      }
      for (const i of ingress) {
        const where = `${r.name} ${i.where}`;
        if ([i.protocol, i.fromPort, i.toPort].some(isUnknown)) out.push(unknown(`${i.where}.port`, r.urn));
        else if (String(i.protocol) !== "tcp" || i.fromPort !== PG_PORT || i.toPort !== PG_PORT) {
          out.push(
            fail(
              `${where} admits ${show(i.protocol)} ${show(i.fromPort)}-${show(i.toPort)}; only tcp 5432 is allowed.`,
              r.urn,
            ),
          );
        }
        for (const c of i.cidrs) {
          if (isUnknown(c)) out.push(unknown(`${i.where}.cidr`, r.urn));
          else if (typeof c !== "string" || !isPrivateIpv4Cidr(c))
            out.push(fail(`${where} admits ${show(c)}, not a private range.`, r.urn));
        }
        if (i.cidrs.length === 0 && !i.referencesGroup) out.push(fail(`${where} names no source.`, r.urn));
      }
    }
    return out;
  },
};
