import { T } from "../../lib/resourceTypes";
import type { ResourceRule } from "../../lib/types";
import { isUnknown, requireCmk, unknown } from "../../lib/values";

/** Performance Insights stores SQL text, which can carry PHI literals. */
export const rdsPerformanceInsightsEncrypted: ResourceRule = {
  name: "rdsPerformanceInsightsEncrypted",
  kind: "resource",
  description: "When Performance Insights is on, its data is encrypted with a customer-managed KMS key.",
  resourceTypes: [T.rdsInstance],
  properties: ["performanceInsightsEnabled", "performanceInsightsKmsKeyId"],
  hipaa: ["164.312(a)(2)(iv)"],
  severity: "high",
  enforcementLevel: "mandatory",
  remediation:
    "Set performanceInsightsKmsKeyId to the stack's customer-managed key (it cannot be changed later).",
  check: (props) => {
    if (isUnknown(props.performanceInsightsEnabled)) return [unknown("performanceInsightsEnabled")];
    if (props.performanceInsightsEnabled !== true) return [];
    return requireCmk(props, "performanceInsightsKmsKeyId", "Performance Insights");
  },
};
