import { T } from "../../lib/resourceTypes";
import type { ResourceRule } from "../../lib/types";
import { arrayOf, fail, isUnknown, show, unknown } from "../../lib/values";

/** The postgresql log carries connections and statements (audit), upgrade the engine's own changes. */
export const REQUIRED_LOG_EXPORTS = ["postgresql", "upgrade"] as const;

export const rdsLogExports: ResourceRule = {
  name: "rdsLogExports",
  kind: "resource",
  description: "RDS instance exports the postgresql and upgrade logs to CloudWatch Logs.",
  resourceTypes: [T.rdsInstance],
  properties: ["enabledCloudwatchLogsExports"],
  hipaa: ["164.312(b)", "164.308(a)(1)(ii)(D)"],
  awsConfigRule: "rds-logging-enabled",
  severity: "high",
  enforcementLevel: "mandatory",
  remediation:
    'Set enabledCloudwatchLogsExports: ["postgresql", "upgrade"] (and create the log groups first, encrypted).',
  check: (props) => {
    const v = props.enabledCloudwatchLogsExports;
    const list = arrayOf(v);
    if (list === undefined)
      return isUnknown(v)
        ? [unknown("enabledCloudwatchLogsExports")]
        : [fail(`enabledCloudwatchLogsExports is ${show(v)}.`)];
    if (list.some(isUnknown)) return [unknown("enabledCloudwatchLogsExports")];
    const missing = REQUIRED_LOG_EXPORTS.filter((t) => !list.includes(t));
    return missing.length === 0
      ? []
      : [
          fail(
            `enabledCloudwatchLogsExports is ${show(v)}; missing ${missing.join(", ")}: the audit trail stays on the instance and is lost with it.`,
          ),
        ];
  },
};
