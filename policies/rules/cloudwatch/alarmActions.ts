import { T } from "../../lib/resourceTypes";
import type { Finding, ResourceRule } from "../../lib/types";
import { arrayOf, fail, isUnknown, show, unknown } from "../../lib/values";

/** An alarm nobody hears is no control; the OK action tells responders the incident is over. */
export const alarmActions: ResourceRule = {
  name: "alarmActions",
  kind: "resource",
  description: "CloudWatch alarm has alarm actions and OK actions, and actions are enabled.",
  resourceTypes: [T.metricAlarm],
  properties: ["alarmActions", "okActions", "actionsEnabled"],
  hipaa: ["164.308(a)(1)(ii)(D)", "164.308(a)(6)(ii)"],
  awsConfigRule: "cloudwatch-alarm-action-check",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediation: "Set alarmActions and okActions to the alarm topic ARN; leave actionsEnabled unset or true.",
  check: (props) => {
    const out: Finding[] = [];
    for (const key of ["alarmActions", "okActions"]) {
      const v = props[key];
      const list = arrayOf(v);
      if (isUnknown(v)) out.push(unknown(key));
      else if (list === undefined || list.length === 0)
        out.push(fail(`${key} is ${show(v)}; the alarm would notify nobody.`));
    }
    if (isUnknown(props.actionsEnabled)) out.push(unknown("actionsEnabled"));
    else if (props.actionsEnabled === false)
      out.push(fail("actionsEnabled is false; the alarm's actions never run."));
    return out;
  },
};
