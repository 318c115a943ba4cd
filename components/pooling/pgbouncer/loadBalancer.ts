/**
 * The pooled endpoint: an internal NLB on 6432, a TCP listener and an IP target group the service's
 * tasks register in.
 */
import * as aws from "@pulumi/aws";
import type * as pulumi from "@pulumi/pulumi";
import { PGBOUNCER_PORT } from "../pgbouncerConfig";
import type { ResolvedPgBouncerServiceArgs } from "./args";

export interface PgBouncerLoadBalancer {
  readonly loadBalancer: aws.lb.LoadBalancer;
  readonly targetGroup: aws.lb.TargetGroup;
  /** The service waits for it: tasks may register only once traffic can reach them. */
  readonly listener: aws.lb.Listener;
}

/**
 * `name` is the component's name (the AWS names, at most 32 characters, derive from it), `n` its
 * resource prefix.
 */
export function pgbouncerLoadBalancer(
  name: string,
  n: string,
  args: Pick<ResolvedPgBouncerServiceArgs, "vpcId" | "subnetIds" | "protect" | "tags">,
  securityGroupId: pulumi.Input<string>,
  opts: pulumi.CustomResourceOptions,
): PgBouncerLoadBalancer {
  const lb = new aws.lb.LoadBalancer(
    `${n}-nlb`,
    {
      name: `${name}-pgb`.slice(0, 32),
      loadBalancerType: "network",
      internal: true,
      subnets: args.subnetIds,
      securityGroups: [securityGroupId],
      enableCrossZoneLoadBalancing: true,
      enableDeletionProtection: args.protect,
      ipAddressType: "ipv4",
      tags: args.tags,
    },
    opts,
  );
  const targetGroup = new aws.lb.TargetGroup(
    `${n}-tg`,
    {
      name: `${name}-pgb`.slice(0, 32),
      port: PGBOUNCER_PORT,
      protocol: "TCP",
      targetType: "ip",
      vpcId: args.vpcId,
      // Let running transactions finish before a task is taken out (the script sends SIGINT).
      deregistrationDelay: 60,
      healthCheck: {
        enabled: true,
        protocol: "TCP",
        port: "traffic-port",
        interval: 10,
        healthyThreshold: 2,
        unhealthyThreshold: 2,
      },
      tags: args.tags,
    },
    opts,
  );
  const listener = new aws.lb.Listener(
    `${n}-listener`,
    {
      loadBalancerArn: lb.arn,
      port: PGBOUNCER_PORT,
      // TCP pass-through: PostgreSQL negotiates TLS inside its own protocol (SSLRequest), so PgBouncer
      // terminates TLS, not the NLB.
      protocol: "TCP",
      defaultActions: [{ type: "forward", targetGroupArn: targetGroup.arn }],
      tags: args.tags,
    },
    opts,
  );
  return { loadBalancer: lb, targetGroup, listener };
}
