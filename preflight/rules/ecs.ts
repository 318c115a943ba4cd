/** Amazon ECS on Fargate (the PgBouncer service): image source, task size, load balancer targets. */

import { fargateMemoryAllowed } from "../../spec/awsLimits";
import type { ConfigRule, PlanRule, Source } from "../types";
import { list, obj, ofType, str, T } from "./util";

const ECR_ENDPOINTS: Source = {
  title:
    'Amazon ECR User Guide, "Amazon ECR interface VPC endpoints (AWS PrivateLink)" (ecr.api and ecr.dkr interface endpoints, the Amazon S3 gateway endpoint for image layers, and CloudWatch Logs for awslogs); Amazon ECS Developer Guide, "Amazon ECS task networking options for Fargate"',
  url: "https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html",
};

export const pgbouncerImagePrivateEcr: ConfigRule = {
  id: "ecs.pgbouncerImage.privateEcr.config",
  level: "config",
  title:
    "In the stack's own isolated VPC, the PgBouncer image comes from a private ECR repository in the stack's region, by digest",
  source: ECR_ENDPOINTS,
  fix: 'Push the image to ECR in the stack\'s region and set pgbouncerImage to "<account>.dkr.ecr.<region>.amazonaws.com/<repo>@sha256:<64 hex>" (or run in an existing VPC with vpcId).',
  check: (c) => {
    if (c.pooler !== "pgbouncer" || c.vpcId !== undefined || c.pgbouncerImage === undefined || !c.region)
      return [];
    const re = new RegExp(
      `^\\d{12}\\.dkr\\.ecr\\.${c.region.replace(/-/g, "\\-")}\\.amazonaws\\.com/[a-z0-9][a-z0-9._/-]*@sha256:[a-f0-9]{64}$`,
    );
    return re.test(c.pgbouncerImage)
      ? []
      : [
          {
            key: "pgbouncerImage",
            value: c.pgbouncerImage,
            message: `cannot be pulled: the created VPC has no internet route, and only a private ECR repository in ${c.region} is reachable (through its VPC endpoints).`,
          },
        ];
  },
};

const FARGATE_SIZES: Source = {
  title:
    'Amazon ECS Developer Guide, "Troubleshoot Amazon ECS task definition invalid CPU or memory errors" (valid Fargate CPU/memory combinations; "ClientException: No Fargate configuration exists for given values")',
  url: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/task-cpu-memory-error.html",
};

export const fargateSizeConfig: ConfigRule = {
  id: "ecs.fargate.cpuMemory.config",
  level: "config",
  title: "The PgBouncer task's CPU and memory are a Fargate combination",
  source: FARGATE_SIZES,
  fix: "Pick a memory size valid for pgbouncerCpu (e.g. 512 CPU: 1024–4096 MiB in 1024 steps).",
  check: (c) =>
    c.pooler === "pgbouncer" &&
    c.pgbouncerCpu !== undefined &&
    c.pgbouncerMemoryMiB !== undefined &&
    !fargateMemoryAllowed(c.pgbouncerCpu, c.pgbouncerMemoryMiB)
      ? [
          {
            key: "pgbouncerMemoryMiB",
            value: c.pgbouncerMemoryMiB,
            message: `is not a Fargate memory size for pgbouncerCpu ${c.pgbouncerCpu}; ECS rejects the task definition.`,
          },
        ]
      : [],
};

const isFargate = (td: { inputs: Record<string, unknown> }) =>
  list(td.inputs.requiresCompatibilities).includes("FARGATE");

export const fargateSize: PlanRule = {
  id: "ecs.fargate.cpuMemory",
  level: "plan",
  title: "Fargate task definitions use a valid CPU/memory combination",
  source: FARGATE_SIZES,
  fix: fargateSizeConfig.fix,
  check: (rs) =>
    ofType(rs, T.taskDefinition)
      .filter(isFargate)
      .filter((td) => !fargateMemoryAllowed(Number(td.inputs.cpu), Number(td.inputs.memory)))
      .map((td) => ({
        resource: td,
        message: `cpu ${String(td.inputs.cpu)} with memory ${String(td.inputs.memory)} is not a Fargate task size.`,
      })),
};

export const nlbTargetTypeIp: PlanRule = {
  id: "ecs.loadBalancer.targetTypeIp",
  level: "plan",
  title: "Target groups of an awsvpc (Fargate) service register IP targets",
  source: {
    title:
      'Amazon ECS Developer Guide, "Use a Network Load Balancer for Amazon ECS" (tasks in awsvpc mode need target type ip, not instance); Amazon ECS API Reference, LoadBalancer.targetGroupArn',
    url: "https://docs.aws.amazon.com/AmazonECS/latest/developerguide/nlb.html",
  },
  fix: 'Create the target group with targetType: "ip".',
  check: (rs) =>
    ofType(rs, T.ecsService).flatMap((svc) => {
      const td = ofType(rs, T.taskDefinition).find(
        (t) => t.state?.arn === svc.inputs.taskDefinition || t.inputs.family === svc.inputs.taskDefinition,
      );
      if (td && td.inputs.networkMode !== "awsvpc") return [];
      return list(svc.inputs.loadBalancers)
        .map(obj)
        .map((lb) => ofType(rs, T.targetGroup).find((g) => g.state?.arn === lb.targetGroupArn))
        .filter((g) => g !== undefined && str(g.inputs.targetType) !== "ip")
        .map((g) => ({
          resource: g!,
          message: `targetType ${str(g!.inputs.targetType) ?? "instance (default)"} for the awsvpc service ${svc.name}; its tasks can only be registered by IP.`,
        }));
    }),
};

export { ECR_ENDPOINTS };
