/**
 * PgBouncer's network path, each hop admitted by its own rule: clients → NLB (6432) → tasks (6432) →
 * database (5432); the tasks also reach AWS's interface endpoints and the S3 gateway on 443. Standalone
 * rules only, so neither group has AWS's default allow-all egress.
 *
 * The target group preserves client IPs (loadBalancer.ts), so packets reach the tasks with the app's own
 * address. The tasks' one inbound rule still names the NLB's security group, not the clients: AWS
 * honours a target rule that references the NLB's group for client-IP-preserved traffic ("Update the
 * security groups for your Network Load Balancer"), and naming the clients there as well would let them
 * bypass the NLB and its source list. Who may connect is decided once, on the NLB's group.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { POSTGRES_PORT } from "../../network/databaseNetwork";
import { PGBOUNCER_PORT } from "../pgbouncerConfig";
import type { ResolvedPgBouncerServiceArgs } from "./args";

export interface PgBouncerSecurityGroups {
  /** The NLB's group: 6432 from the app tier, out to the tasks only. */
  readonly loadBalancer: aws.ec2.SecurityGroup;
  /** The tasks' group (what the database admits). */
  readonly task: aws.ec2.SecurityGroup;
}

/**
 * The two groups and their rules. `n` is the service's resource prefix (`<name>-pgbouncer`); rule and
 * group names derive from it and are API (a new name replaces the resource).
 */
export function pgbouncerSecurityGroups(
  n: string,
  args: Pick<
    ResolvedPgBouncerServiceArgs,
    | "vpcId"
    | "allowedSecurityGroupIds"
    | "allowedCidrs"
    | "dbSecurityGroupId"
    | "endpointCidrs"
    | "s3PrefixListId"
    | "tags"
  >,
  opts: pulumi.CustomResourceOptions,
): PgBouncerSecurityGroups {
  const lbSg = new aws.ec2.SecurityGroup(
    `${n}-nlb-sg`,
    {
      name: `${n}-nlb`,
      description: "PgBouncer NLB: 6432 from the app tier only",
      vpcId: args.vpcId,
      revokeRulesOnDelete: true,
      tags: { ...args.tags, Name: `${n}-nlb` },
    },
    opts,
  );
  const taskSg = new aws.ec2.SecurityGroup(
    `${n}-task-sg`,
    {
      name: `${n}-task`,
      description: "PgBouncer tasks: 6432 from the NLB; out 5432 to the database and 443 to AWS endpoints",
      vpcId: args.vpcId,
      revokeRulesOnDelete: true,
      tags: { ...args.tags, Name: `${n}-task` },
    },
    opts,
  );
  const rule = (
    kind: "in" | "out",
    ruleName: string,
    a: Omit<aws.vpc.SecurityGroupIngressRuleArgs, "ipProtocol">,
  ) =>
    kind === "in"
      ? new aws.vpc.SecurityGroupIngressRule(ruleName, { ipProtocol: "tcp", ...a }, opts)
      : new aws.vpc.SecurityGroupEgressRule(ruleName, { ipProtocol: "tcp", ...a }, opts);
  const p6432 = { fromPort: PGBOUNCER_PORT, toPort: PGBOUNCER_PORT };
  for (const [i, src] of args.allowedSecurityGroupIds.entries()) {
    rule("in", `${n}-nlb-from-sg-${i}`, {
      securityGroupId: lbSg.id,
      ...p6432,
      referencedSecurityGroupId: src,
      description: "PgBouncer clients (listed security group)",
    });
  }
  for (const [i, cidr] of args.allowedCidrs.entries()) {
    rule("in", `${n}-nlb-from-cidr-${i}`, {
      securityGroupId: lbSg.id,
      ...p6432,
      cidrIpv4: cidr,
      description: `PgBouncer clients from private range ${cidr}`,
    });
  }
  rule("out", `${n}-nlb-to-task`, {
    securityGroupId: lbSg.id,
    ...p6432,
    referencedSecurityGroupId: taskSg.id,
    description: "to the PgBouncer tasks",
  });
  rule("in", `${n}-task-from-nlb`, {
    securityGroupId: taskSg.id,
    ...p6432,
    referencedSecurityGroupId: lbSg.id,
    description: "from the PgBouncer NLB (traffic and health checks)",
  });
  rule("out", `${n}-task-to-db`, {
    securityGroupId: taskSg.id,
    fromPort: POSTGRES_PORT,
    toPort: POSTGRES_PORT,
    referencedSecurityGroupId: args.dbSecurityGroupId,
    description: "PostgreSQL to the database only",
  });
  // One rule per CIDR needs the list at construction time; the VPC CIDR is a single value in practice.
  rule("out", `${n}-task-to-endpoints`, {
    securityGroupId: taskSg.id,
    fromPort: 443,
    toPort: 443,
    cidrIpv4: pulumi.output(args.endpointCidrs).apply((c) => {
      if (c.length === 0 || c.includes("0.0.0.0/0")) {
        throw new Error(`endpointCidrs: ${JSON.stringify(c)} must name the VPC CIDR (never 0.0.0.0/0).`);
      }
      return c[0];
    }),
    description:
      "HTTPS to AWS interface endpoints (ECR, Logs, Secrets Manager, Private CA, CloudWatch) inside the VPC",
  });
  if (args.s3PrefixListId !== undefined) {
    rule("out", `${n}-task-to-s3`, {
      securityGroupId: taskSg.id,
      fromPort: 443,
      toPort: 443,
      prefixListId: args.s3PrefixListId,
      description: "HTTPS to the S3 gateway endpoint (ECR image layers)",
    });
  }
  return { loadBalancer: lbSg, task: taskSg };
}
