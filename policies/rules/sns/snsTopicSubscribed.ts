import { T } from "../../lib/resourceTypes";
import type { Finding, StackRule } from "../../lib/types";
import { fail } from "../../lib/values";

const SUBSCRIPTION = "aws:sns/topicSubscription:TopicSubscription";

/**
 * A topic alarms or notifications publish to, with nobody subscribed, swallows every message: the alarm
 * goes to ALARM and nobody is told. A subscription refers to its topic's ARN, which is unknown in a
 * preview of a new stack, so the link is the subscription's dependency on the topic (Pulumi records the
 * resources an input came from), not the ARN value.
 */
export const snsTopicSubscribed: StackRule = {
  name: "snsTopicSubscribed",
  kind: "stack",
  description: "Every SNS topic in the stack has at least one subscription, so alarms reach someone.",
  resourceTypes: [T.snsTopic, SUBSCRIPTION],
  properties: ["topic"],
  hipaa: ["164.308(a)(6)(ii)", "164.308(a)(1)(ii)(D)"],
  severity: "high",
  enforcementLevel: "mandatory",
  // dev may run without on-call (its config warns); prod's config refuses it and this rule blocks it.
  costOnly: true,
  remediation:
    "Subscribe the on-call address or pager (config alarmEmails / alarmHttpsEndpoints); each e-mail subscriber confirms by mail.",
  check: (ctx) => {
    const out: Finding[] = [];
    const subscriptions = ctx.resources.filter((r) => r.type === SUBSCRIPTION);
    for (const topic of ctx.resources.filter((r) => r.type === T.snsTopic)) {
      const subscribed = subscriptions.some(
        (s) =>
          s.opts.dependencies.includes(topic.urn) ||
          (topic.props.arn !== undefined && s.props.topic === topic.props.arn),
      );
      if (!subscribed)
        out.push(
          fail(`${topic.name}: no subscription; its alarms and notifications reach nobody.`, topic.urn),
        );
    }
    return out;
  },
};
