/** Amazon SNS: a notification topic that nobody receives. */
import type { PlanRule } from "../types";
import { publishersOf } from "./kms";
import { arnRegion, ofType, regionOf, T } from "./util";

export const topicHasSubscriber: PlanRule = {
  id: "sns.notificationTopic.subscriber",
  level: "plan",
  title:
    "Every topic that alarms, RDS events or AWS Backup publish to has a subscriber (prod: error, dev: warning)",
  source: {
    title:
      'Amazon SNS Developer Guide, "Subscribing to an Amazon SNS topic" (a message is delivered only to the topic\'s confirmed subscriptions); Amazon CloudWatch User Guide, "Using Amazon CloudWatch alarms" (alarm actions notify an SNS topic)',
    url: "https://docs.aws.amazon.com/sns/latest/dg/sns-create-subscribe-endpoint-to-topic.html",
  },
  fix: "Subscribe on-call to the topic (alarmEmails or alarmHttpsEndpoints; the DR topic too).",
  check: (rs, ctx) =>
    ofType(rs, T.topic).flatMap((t) => {
      const region = regionOf(t, ctx);
      const publishers = publishersOf(rs, t, region);
      if (publishers.size === 0) return [];
      const subscribed = ofType(rs, T.topicSubscription).some(
        (s) =>
          s.inputs.topic === t.state?.arn ||
          (String(s.inputs.topic ?? "").endsWith(`:${String(t.inputs.name ?? t.name)}`) &&
            arnRegion(s.inputs.topic) === region),
      );
      if (subscribed) return [];
      return [
        {
          resource: t,
          severity: ctx.environment === "dev" ? ("warning" as const) : ("error" as const),
          message: `receives notifications from ${[...publishers.keys()].join(", ")} but has no subscription; they reach nobody.`,
        },
      ];
    }),
};
