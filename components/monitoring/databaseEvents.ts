import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * RDS event categories sent to the alarm topic. The issue's five (failover, failure, low storage,
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

/**
 * Every category RDS documents for the `db-proxy` source type (RDS User Guide, "Working with RDS Proxy
 * events"); CreateEventSubscription refuses any other with SubscriptionCategoryNotFound.
 */
export const DB_PROXY_EVENT_CATEGORIES = ["configuration change", "creation", "deletion", "failure"] as const;

/**
 * RDS Proxy events sent to the alarm topic: failure (RDS-EVENT-0243, no free IP addresses to provision
 * capacity; RDS-EVENT-0275, client connections throttled), deletion, and configuration change (the proxy,
 * its endpoint or its target group changed, including a target instance removed). Creation is left out:
 * it only repeats the deployment.
 */
export const DEFAULT_PROXY_EVENT_CATEGORIES = ["configuration change", "deletion", "failure"] as const;

export interface DatabaseEventsArgs {
  /** DB instance identifiers to watch (primary and replicas). */
  readonly sourceIds: pulumi.Input<string>[];
  readonly topicArn: pulumi.Input<string>;
  /** @default DEFAULT_EVENT_CATEGORIES */
  readonly eventCategories?: readonly string[];
  /**
   * The stack's RDS Proxy, when it has one: adds a second subscription with source type `db-proxy`
   * (CreateEventSubscription: "For RDS Proxy events, specify db-proxy").
   * @default no proxy subscription
   */
  readonly proxyName?: pulumi.Input<string>;
  /** @default DEFAULT_PROXY_EVENT_CATEGORIES */
  readonly proxyEventCategories?: readonly string[];
  readonly tags?: Record<string, string>;
}

export function validateDatabaseEventsArgs(args: DatabaseEventsArgs): void {
  const problems: string[] = [];
  if (args.sourceIds.length === 0) {
    problems.push(
      "sourceIds: [] watches nothing (RDS would then send events for every instance in the account). Pass the stack's instance identifiers.",
    );
  }
  const proxyCategories = args.proxyEventCategories;
  if (proxyCategories !== undefined) {
    const known: readonly string[] = DB_PROXY_EVENT_CATEGORIES;
    const unknown = proxyCategories.filter((c) => !known.includes(c));
    if (unknown.length)
      problems.push(
        `proxyEventCategories: ${JSON.stringify(unknown)} are not RDS Proxy event categories (RDS would refuse them with SubscriptionCategoryNotFound). Use ${DB_PROXY_EVENT_CATEGORIES.map((c) => `"${c}"`).join(", ")}.`,
      );
    if (proxyCategories.length === 0)
      problems.push(
        "proxyEventCategories: [] would subscribe to every proxy event, creation included. Name the categories, or leave it unset for the defaults.",
      );
  }
  if (problems.length) throw new Error(`DatabaseEvents: ${problems.join(" ")}`);
}

/**
 * RDS event subscriptions for the stack's instances and, when there is one, its RDS Proxy, delivered to
 * the encrypted alarm topic. One subscription has one source type, so the proxy gets its own.
 */
export class DatabaseEvents extends pulumi.ComponentResource {
  readonly subscription: aws.rds.EventSubscription;
  readonly proxySubscription?: aws.rds.EventSubscription;

  constructor(name: string, args: DatabaseEventsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("verscienta:monitoring:DatabaseEvents", name, {}, opts);
    validateDatabaseEventsArgs(args);
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
    if (args.proxyName !== undefined) {
      this.proxySubscription = new aws.rds.EventSubscription(
        `${name}-proxy-events`,
        {
          name: `${name}-proxy-events`,
          snsTopic: args.topicArn,
          sourceType: "db-proxy",
          sourceIds: [args.proxyName],
          eventCategories: [...(args.proxyEventCategories ?? DEFAULT_PROXY_EVENT_CATEGORIES)],
          enabled: true,
          tags: args.tags,
        },
        { parent: this },
      );
    }
    this.registerOutputs({
      subscriptionArn: this.subscription.arn,
      proxySubscriptionArn: this.proxySubscription?.arn,
    });
  }
}
