import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { AlarmDefinition, AlarmedPoolerKind } from "./alarmDefinitions";
import { dashboardBody } from "./dashboardBody";

export interface DashboardInstanceArgs {
  readonly identifier: pulumi.Input<string>;
  readonly replica: boolean;
  readonly maxConnections: pulumi.Input<number>;
  readonly alarms: pulumi.Input<AlarmDefinition[]>;
}

export interface DatabaseDashboardArgs {
  /** Dashboard name (letters, digits, -, _). */
  readonly dashboardName: string;
  readonly region: pulumi.Input<string>;
  /** Primary first, then replicas. */
  readonly instances: readonly DashboardInstanceArgs[];
  /** @default "none" */
  readonly poolerKind?: AlarmedPoolerKind | "none";
  /** @default [] */
  readonly poolerAlarms?: pulumi.Input<AlarmDefinition[]>;
  /**
   * The instance whose SQL metrics the database operations function publishes, with their alarms.
   * @default - no SQL panels
   */
  readonly sqlMetrics?: {
    readonly identifier: pulumi.Input<string>;
    readonly alarms: pulumi.Input<AlarmDefinition[]>;
  };
  /** Alarm ARNs for the status widget. */
  readonly alarmArns: pulumi.Input<pulumi.Input<string>[]>;
}

/** The stack's CloudWatch dashboard: the guide's panels and one graph per alarm (see dashboardBody.ts). */
export class DatabaseDashboard extends pulumi.ComponentResource {
  readonly dashboard: aws.cloudwatch.Dashboard;
  readonly dashboardName: pulumi.Output<string>;

  constructor(name: string, args: DatabaseDashboardArgs, opts?: pulumi.ComponentResourceOptions) {
    super("verscienta:monitoring:DatabaseDashboard", name, {}, opts);
    if (!/^[A-Za-z0-9_-]{1,255}$/.test(args.dashboardName)) {
      throw new Error(
        `DatabaseDashboard: dashboardName: "${args.dashboardName}" may only hold letters, digits, - and _. Rename it.`,
      );
    }
    const instances = pulumi.all(
      args.instances.map((i) =>
        pulumi
          .all([i.identifier, i.maxConnections, i.alarms])
          .apply(([identifier, maxConnections, alarms]) => ({
            identifier,
            replica: i.replica,
            maxConnections,
            alarms,
          })),
      ),
    );
    const body = pulumi
      .all([
        args.region,
        instances,
        args.poolerAlarms ?? [],
        args.alarmArns,
        args.sqlMetrics?.identifier ?? "",
        args.sqlMetrics?.alarms ?? [],
      ])
      .apply(([region, inst, poolerAlarms, alarmArns, sqlIdentifier, sqlAlarms]) =>
        JSON.stringify(
          dashboardBody({
            region,
            title: args.dashboardName,
            instances: inst,
            pooler: { kind: args.poolerKind ?? "none", alarms: poolerAlarms },
            sqlMetrics: args.sqlMetrics ? { identifier: sqlIdentifier, alarms: sqlAlarms } : undefined,
            alarmArns,
          }),
        ),
      );
    this.dashboard = new aws.cloudwatch.Dashboard(
      `${name}-dashboard`,
      { dashboardName: args.dashboardName, dashboardBody: body },
      { parent: this },
    );
    this.dashboardName = this.dashboard.dashboardName;
    this.registerOutputs({ dashboardName: this.dashboardName });
  }
}
