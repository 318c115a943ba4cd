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
      // PgBouncer's connection log is the pooler's audit trail, so it must name the client, not the NLB.
      // IP targets over TCP default to the NLB's own address; `preserve_client_ip.enabled` turns that
      // around (Elastic Load Balancing, "Edit target group attributes for your Network Load Balancer",
      // Client IP preservation: "IP type target groups (TCP, TLS): Disabled" by default; with it enabled an
      // IPv4 client's packets reach an IPv4 IP target with the client's address). What that changes:
      // - The tasks still admit only the NLB's security group: "Referencing the security group associated
      //   with your Network Load Balancer in the security groups associated with your targets ensures
      //   that your targets accept traffic from your Network Load Balancer even if you enable client IP
      //   preservation" (Elastic Load Balancing, "Update the security groups for your Network Load
      //   Balancer"). So no client CIDR or group goes on the task group (securityGroups.ts), and clients
      //   still cannot reach a task except through the NLB and its listed sources.
      // - NAT loopback (hairpinning) is not supported with it: a target that connects to its own NLB
      //   and is routed back to itself times out (Troubleshoot your Network Load Balancer, "Connections
      //   time out for requests from a target to its load balancer"). PgBouncer tasks never connect to
      //   the NLB; only the app tier and the allowed CIDRs do.
      // - Traffic must flow straight from the NLB to the target, in the same VPC (same page as the
      //   attribute's): the tasks run in the NLB's own subnets.
      // - It takes effect for new TCP connections only (same page); pooled app connections pick it up as
      //   they reconnect.
      preserveClientIp: "true",
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
