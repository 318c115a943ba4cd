import { T } from "../../lib/resourceTypes";
import type { ResourceRule } from "../../lib/types";
import { configNumber, fail, numberOf, show, unknown } from "../../lib/values";

/**
 * Audit logs are documentation of security activity, kept six years (164.316(b)(2)(i)): 2192 days is
 * the CloudWatch value that covers it. Unset (or 0) means never expire, which is compliant.
 */
export const logGroupRetention: ResourceRule = {
  name: "logGroupRetention",
  kind: "resource",
  description: "CloudWatch log group keeps events at least the configured days (never-expire passes).",
  resourceTypes: [T.logGroup],
  properties: ["retentionInDays"],
  hipaa: ["164.316(b)(2)(i)", "164.312(b)"],
  awsConfigRule: "cw-loggroup-retention-period-check",
  severity: "medium",
  enforcementLevel: "mandatory",
  costOnly: true,
  configSchema: { properties: { minimumDays: { type: "integer", default: 2192, minimum: 1 } } },
  remediation: "Set retentionInDays to at least the configured minimum (2192 in prod) or leave it unset.",
  check: (props, ctx) => {
    const min = configNumber(ctx.config, "minimumDays", 2192);
    const d = numberOf(props.retentionInDays);
    if (d === "unknown") return [unknown("retentionInDays")];
    if (d === undefined || d === 0) return [];
    return d < min
      ? [fail(`retentionInDays is ${show(props.retentionInDays)}; at least ${min} days required.`)]
      : [];
  },
};
