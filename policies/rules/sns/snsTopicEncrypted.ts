import { T } from "../../lib/resourceTypes";
import type { ResourceRule } from "../../lib/types";
import { requireCmk } from "../../lib/values";

/**
 * Alarm messages name hosts and resources of a PHI system. alias/aws/sns is also unusable: CloudWatch
 * and RDS events cannot publish to a topic under it, so alarms would fail silently.
 */
export const snsTopicEncrypted: ResourceRule = {
  name: "snsTopicEncrypted",
  kind: "resource",
  description: "SNS topic is encrypted with a customer-managed KMS key (not alias/aws/sns).",
  resourceTypes: [T.snsTopic],
  properties: ["kmsMasterKeyId"],
  hipaa: ["164.312(a)(2)(iv)", "164.312(e)(2)(ii)"],
  awsConfigRule: "sns-encrypted-kms",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediation:
    "Set kmsMasterKeyId to the stack's customer-managed key (its policy admits cloudwatch.amazonaws.com).",
  check: (props) => requireCmk(props, "kmsMasterKeyId", "the topic"),
};
