/** Amazon CloudWatch: alarm evaluation windows and log retention values. */
import type { PlanFinding, PlanRule } from "../types";
import { num, ofType, T } from "./util";

export const alarmPeriod: PlanRule = {
  id: "cloudwatch.alarm.period",
  level: "plan",
  title:
    "Alarm period is 10, 20, 30 or a multiple of 60 s; period × evaluationPeriods ≤ 1 day (≤ 7 days for periods of an hour or more)",
  source: {
    title: "Amazon CloudWatch API Reference, PutMetricAlarm, Period and EvaluationPeriods",
    url: "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_PutMetricAlarm.html",
  },
  fix: "Use a valid period and shorten the evaluation window.",
  check: (rs) =>
    ofType(rs, T.metricAlarm).flatMap((a) => {
      const p = num(a.inputs.period);
      const n = num(a.inputs.evaluationPeriods) ?? 1;
      if (p === undefined) return [];
      const out: PlanFinding[] = [];
      if (![10, 20, 30].includes(p) && p % 60 !== 0)
        out.push({ resource: a, message: `period ${p} s is not 10, 20, 30 or a multiple of 60.` });
      const limit = p < 3600 ? 86_400 : 604_800;
      if (p * n > limit)
        out.push({
          resource: a,
          message: `period ${p} s × evaluationPeriods ${n} = ${p * n} s exceeds ${limit} s.`,
        });
      return out;
    }),
};

/** The retention values CloudWatch Logs accepts. */
export const LOG_RETENTION_VALUES = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

export const logRetention: PlanRule = {
  id: "cloudwatch.logGroup.retention",
  level: "plan",
  title: "Log group retention is one of the values CloudWatch Logs accepts",
  source: {
    title: "Amazon CloudWatch Logs API Reference, PutRetentionPolicy, retentionInDays",
    url: "https://docs.aws.amazon.com/AmazonCloudWatchLogs/latest/APIReference/API_PutRetentionPolicy.html",
  },
  fix: `Use one of ${LOG_RETENTION_VALUES.join(", ")}.`,
  check: (rs) =>
    ofType(rs, T.logGroup)
      .filter((g) => {
        const d = num(g.inputs.retentionInDays);
        return d !== undefined && d !== 0 && !LOG_RETENTION_VALUES.includes(d);
      })
      .map((g) => ({
        resource: g,
        message: `retentionInDays ${String(g.inputs.retentionInDays)} is not accepted by CloudWatch Logs.`,
      })),
};
