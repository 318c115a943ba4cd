import { T } from "../../lib/resourceTypes";
import type { ResourceRule } from "../../lib/types";
import { configNumber, fail, numberOf, show, unknown } from "../../lib/values";

/** A deleted key makes every snapshot and backup it encrypts unreadable: keep the longest window. */
export const kmsDeletionWindow: ResourceRule = {
  name: "kmsDeletionWindow",
  kind: "resource",
  description: "KMS key deletion waits at least the configured number of days (30, the maximum).",
  resourceTypes: [T.kmsKey, T.kmsReplicaKey],
  properties: ["deletionWindowInDays"],
  hipaa: ["164.308(a)(7)(ii)(A)", "164.312(c)(1)"],
  awsConfigRule: "kms-cmk-not-scheduled-for-deletion",
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema: { properties: { minimumDays: { type: "integer", default: 30, minimum: 7, maximum: 30 } } },
  remediation: "Set deletionWindowInDays: 30 (or leave it unset: the default is 30).",
  check: (props, ctx) => {
    const min = configNumber(ctx.config, "minimumDays", 30);
    const days = numberOf(props.deletionWindowInDays);
    if (days === "unknown") return [unknown("deletionWindowInDays")];
    // Unset: KMS waits 30 days.
    if (days !== undefined && days < min)
      return [fail(`deletionWindowInDays is ${show(props.deletionWindowInDays)}; at least ${min} required.`)];
    return [];
  },
};
