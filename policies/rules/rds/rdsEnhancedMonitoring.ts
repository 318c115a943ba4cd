import { T } from "../../lib/resourceTypes";
import type { ResourceRule } from "../../lib/types";
import { fail, isUnknown, numberOf, show, unknown } from "../../lib/values";

/** OS-level metrics (processes, memory, I/O) at 60 s or better, to review and investigate activity. */
export const rdsEnhancedMonitoring: ResourceRule = {
  name: "rdsEnhancedMonitoring",
  kind: "resource",
  description:
    "RDS instance has Enhanced Monitoring at an interval of at most the configured seconds, with a monitoring role.",
  resourceTypes: [T.rdsInstance],
  properties: ["monitoringInterval", "monitoringRoleArn"],
  hipaa: ["164.312(b)", "164.308(a)(1)(ii)(D)"],
  awsConfigRule: "rds-enhanced-monitoring-enabled",
  severity: "medium",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: { maximumIntervalSeconds: { type: "integer", default: 60, minimum: 1, maximum: 60 } },
  },
  remediation:
    "Set monitoringInterval (1, 5, 10, 15, 30 or 60) and monitoringRoleArn to a role with AmazonRDSEnhancedMonitoringRole.",
  check: (props, ctx) => {
    const max =
      typeof ctx.config.maximumIntervalSeconds === "number" ? ctx.config.maximumIntervalSeconds : 60;
    const out = [];
    const interval = numberOf(props.monitoringInterval);
    if (interval === "unknown") out.push(unknown("monitoringInterval"));
    else if (interval === undefined || interval <= 0 || interval > max) {
      out.push(
        fail(
          `monitoringInterval is ${show(props.monitoringInterval)}; must be 1 to ${max} seconds (0 or unset disables Enhanced Monitoring).`,
        ),
      );
    }
    const role = props.monitoringRoleArn;
    if (isUnknown(role)) out.push(unknown("monitoringRoleArn"));
    else if (typeof role !== "string" || role === "")
      out.push(fail(`monitoringRoleArn is ${show(role)}; Enhanced Monitoring needs a role.`));
    return out;
  },
};
