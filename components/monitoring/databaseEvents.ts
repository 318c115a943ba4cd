import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * RDS event categories sent to the alarm topic. The five (failover, failure, low storage,
 * maintenance, configuration change) plus availability (restarts, shutdowns) and read replica
 * (replication stopped or failing), which a DBA wants paged on too.
 */
export const DEFAULT_EVENT_CATEGORIES = [
  "availability",
  "configuration change",
  "failover",
  "failure",
  "low storage",
  "maintenance",
  "read replica",
] as const;

export interface DatabaseEventsArgs {
  /** DB instance identifiers to watch (primary and replicas). */
  readonly sourceIds: pulumi.Input<string>[];
  readonly topicArn: pulumi.Input<string>;
  /** @default DEFAULT_EVENT_CATEGORIES */
  readonly eventCategories?: readonly string[];
  readonly tags?: Record<string, string>;
}

/** An RDS event subscription for the stack's instances, delivered to the encrypted alarm topic. */
export class DatabaseEvents extends pulumi.ComponentResource {
  readonly subscription: aws.rds.EventSubscription;

  constructor(name: string, args: DatabaseEventsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("verscienta:monitoring:DatabaseEvents", name, {}, opts);
    if (args.sourceIds.length === 0) {
      throw new Error(
        "DatabaseEvents: sourceIds: [] watches nothing (RDS would then send events for every instance in the account). Pass the stack's instance identifiers.",
      );
    }
    this.subscription = new aws.rds.EventSubscription(
      `${name}-events`,
      {
        name: `${name}-events`,
        snsTopic: args.topicArn,
        sourceType: "db-instance",
        sourceIds: args.sourceIds,
        eventCategories: [...(args.eventCategories ?? DEFAULT_EVENT_CATEGORIES)],
        enabled: true,
        tags: args.tags,
      },
      { parent: this },
    );
    this.registerOutputs({ subscriptionArn: this.subscription.arn });
  }
}
