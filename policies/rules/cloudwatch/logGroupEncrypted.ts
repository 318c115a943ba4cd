import { T } from "../../lib/resourceTypes";
import type { ResourceRule } from "../../lib/types";
import { requireCmk } from "../../lib/values";

/** Database, proxy and pooler logs can quote PHI; CloudWatch encrypts them with our key only if told. */
export const logGroupEncrypted: ResourceRule = {
  name: "logGroupEncrypted",
  kind: "resource",
  description: "CloudWatch log group is encrypted with a customer-managed KMS key.",
  resourceTypes: [T.logGroup],
  properties: ["kmsKeyId"],
  hipaa: ["164.312(a)(2)(iv)", "164.312(b)"],
  awsConfigRule: "cloudwatch-log-group-encrypted",
  severity: "high",
  enforcementLevel: "mandatory",
  remediation:
    "Set kmsKeyId to the stack's customer-managed key (its policy must admit logs.<region>.amazonaws.com).",
  check: (props) => requireCmk(props, "kmsKeyId", "the log group"),
};
