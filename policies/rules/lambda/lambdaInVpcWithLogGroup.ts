import { T } from "../../lib/resourceTypes";
import type { Finding, StackRule } from "../../lib/types";
import { arrayOf, fail, isRecord, isUnknown, unknown } from "../../lib/values";

/**
 * A function that reads database credentials runs in the VPC (its traffic to the database never leaves
 * it) and logs to a log group the stack declares: Lambda would otherwise create `/aws/lambda/<name>`
 * itself, unencrypted by our key and kept forever or not at all. logGroupEncrypted and logGroupRetention
 * then judge that group like every other.
 */
export const lambdaInVpcWithLogGroup: StackRule = {
  name: "lambdaInVpcWithLogGroup",
  kind: "stack",
  description:
    "Every Lambda function runs in a VPC (subnets and security groups) and logs to a log group the stack declares (encrypted and retained per logGroupEncrypted and logGroupRetention).",
  resourceTypes: [T.lambdaFunction, T.logGroup],
  properties: ["vpcConfig", "loggingConfig", "name"],
  hipaa: ["164.312(e)(1)", "164.312(b)"],
  awsConfigRule: "lambda-inside-vpc",
  severity: "high",
  enforcementLevel: "mandatory",
  remediation:
    "Give the function vpcConfig (the database's private subnets and its own security group) and declare its log group /aws/lambda/<name> (stack key, retention) before the function.",
  check: (ctx) => {
    const out: Finding[] = [];
    const groupNames = ctx.resources.filter((r) => r.type === T.logGroup).map((r) => r.props.name);
    const groups = new Set(groupNames.map((n) => String(n ?? "")));
    // A group whose name is unknown until apply may be the function's: undecidable, not a failure.
    const someUnknown = groupNames.some(isUnknown);
    for (const f of ctx.resources.filter((r) => r.type === T.lambdaFunction)) {
      const vpc = f.props.vpcConfig;
      if (isUnknown(vpc)) out.push(unknown("vpcConfig", f.urn));
      else {
        const subnets = isRecord(vpc) ? (arrayOf(vpc.subnetIds) ?? []) : [];
        const sgs = isRecord(vpc) ? (arrayOf(vpc.securityGroupIds) ?? []) : [];
        if (subnets.length === 0 || sgs.length === 0)
          out.push(
            fail(`${f.name}: runs outside the VPC (no subnets or security groups in vpcConfig).`, f.urn),
          );
      }
      const logging = isRecord(f.props.loggingConfig) ? f.props.loggingConfig : {};
      const name = f.props.name;
      const group = typeof logging.logGroup === "string" ? logging.logGroup : `/aws/lambda/${String(name)}`;
      if (isUnknown(name) || isUnknown(logging.logGroup)) out.push(unknown("loggingConfig.logGroup", f.urn));
      else if (!groups.has(group) && someUnknown) out.push(unknown("loggingConfig.logGroup", f.urn));
      else if (!groups.has(group))
        out.push(
          fail(
            `${f.name}: logs to ${group}, which the stack does not declare (Lambda would create it unencrypted).`,
            f.urn,
          ),
        );
    }
    return out;
  },
};
