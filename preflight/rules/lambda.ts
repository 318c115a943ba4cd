/** AWS Lambda and its EventBridge schedule: what CreateFunction, Invoke and PutRule refuse. */
import type { PlanRule } from "../types";
import { list, num, obj, ofType, str } from "./util";

const FUNCTION = "aws:lambda/function:Function";
const INVOCATION = "aws:lambda/invocation:Invocation";
const EVENT_RULE = "aws:cloudwatch/eventRule:EventRule";

const CREATE_FUNCTION = {
  title: "AWS Lambda API Reference, CreateFunction (Timeout: 1–900; MemorySize: 128–10240; VpcConfig)",
  url: "https://docs.aws.amazon.com/lambda/latest/api/API_CreateFunction.html",
};

export const functionLimits: PlanRule = {
  id: "lambda.function.limits",
  level: "plan",
  title: "A Lambda function's timeout is 1–900 s and its memory 128–10240 MB",
  source: CREATE_FUNCTION,
  fix: "Set timeout between 1 and 900 seconds and memorySize between 128 and 10240 MB.",
  check: (rs) =>
    ofType(rs, FUNCTION).flatMap((f) => {
      const out = [];
      const t = num(f.inputs.timeout);
      const m = num(f.inputs.memorySize);
      if (t !== undefined && (t < 1 || t > 900))
        out.push({ resource: f, message: `timeout ${t} s is outside 1–900.` });
      if (m !== undefined && (m < 128 || m > 10240))
        out.push({ resource: f, message: `memorySize ${m} MB is outside 128–10240.` });
      return out;
    }),
};

export const functionVpcConfig: PlanRule = {
  id: "lambda.function.vpcConfig",
  level: "plan",
  title: "A Lambda function's VPC configuration names subnets and security groups, both",
  source: {
    title:
      'AWS Lambda Developer Guide, "Giving Lambda functions access to resources in an Amazon VPC" (a VPC configuration needs subnets and security groups)',
    url: "https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html",
  },
  fix: "Give vpcConfig the database's private subnets and the function's own security group.",
  check: (rs) =>
    ofType(rs, FUNCTION)
      .filter((f) => f.inputs.vpcConfig !== undefined)
      .filter((f) => {
        const v = obj(f.inputs.vpcConfig);
        return list(v.subnetIds).length === 0 || list(v.securityGroupIds).length === 0;
      })
      .map((f) => ({
        resource: f,
        message: `vpcConfig has ${list(obj(f.inputs.vpcConfig).subnetIds).length} subnet(s) and ${list(obj(f.inputs.vpcConfig).securityGroupIds).length} security group(s); Lambda needs at least one of each.`,
      })),
};

/** Synchronous invocation payload, request and response: 6 MB ("Lambda quotas"). */
export const SYNC_PAYLOAD_BYTES = 6 * 1024 * 1024;

export const invocationPayload: PlanRule = {
  id: "lambda.invocation.payload",
  level: "plan",
  title: "A Lambda Invocation's input is JSON of at most 6 MB (synchronous invocation payload)",
  source: {
    title:
      'AWS Lambda Developer Guide, "Lambda quotas" (invocation payload: 6 MB each for request and response, synchronous)',
    url: "https://docs.aws.amazon.com/lambda/latest/dg/gettingstarted-limits.html",
  },
  fix: "Keep the access model small enough for one request (it holds names and privileges only), or split it.",
  check: (rs) =>
    ofType(rs, INVOCATION).flatMap((i) => {
      const input = str(i.inputs.input);
      if (input === undefined) return [];
      const bytes = Buffer.byteLength(input);
      if (bytes > SYNC_PAYLOAD_BYTES)
        return [
          { resource: i, message: `input is ${bytes} bytes, above the ${SYNC_PAYLOAD_BYTES}-byte limit.` },
        ];
      try {
        JSON.parse(input);
        return [];
      } catch {
        return [
          { resource: i, message: "input is not JSON; Lambda refuses it (InvalidRequestContentException)." },
        ];
      }
    }),
};

/** `rate(1 minute)`, `rate(5 minutes)`; `cron()` with six fields. */
export function validScheduleExpression(e: string): boolean {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(e);
  if (rate) {
    const n = Number(rate[1]);
    return n >= 1 && (n === 1) === !rate[2].endsWith("s");
  }
  const cron = /^cron\((.+)\)$/.exec(e);
  return cron !== null && cron[1].trim().split(/\s+/).length === 6;
}

export const scheduleExpression: PlanRule = {
  id: "events.rule.scheduleExpression",
  level: "plan",
  title: "An EventBridge schedule is rate(1 unit) / rate(N units) or a six-field cron()",
  source: {
    title:
      'Amazon EventBridge User Guide, "Creating an Amazon EventBridge rule that runs on a schedule" (rate: the unit is singular for 1 and plural above)',
    url: "https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html",
  },
  fix: 'Write "rate(1 minute)" for one and "rate(5 minutes)" for more, or a six-field cron().',
  check: (rs) =>
    ofType(rs, EVENT_RULE)
      .filter((r) => {
        const e = str(r.inputs.scheduleExpression);
        return e !== undefined && !validScheduleExpression(e);
      })
      .map((r) => ({
        resource: r,
        message: `scheduleExpression "${String(r.inputs.scheduleExpression)}" is not valid; PutRule refuses it.`,
      })),
};
