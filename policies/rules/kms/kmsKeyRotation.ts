import { T } from "../../lib/resourceTypes";
import type { ResourceRule } from "../../lib/types";
import { requireTrue } from "../../lib/values";

/** Yearly (or shorter) rotation limits how much data one key version protects. */
export const kmsKeyRotation: ResourceRule = {
  name: "kmsKeyRotation",
  kind: "resource",
  description: "Customer-managed KMS key has automatic rotation on.",
  resourceTypes: [T.kmsKey],
  properties: ["enableKeyRotation", "rotationPeriodInDays"],
  hipaa: ["164.312(a)(2)(iv)"],
  awsConfigRule: "cmk-backing-key-rotation-enabled",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediation: "Set enableKeyRotation: true (rotationPeriodInDays 90 to 365).",
  check: (props) =>
    requireTrue(props, "enableKeyRotation", "key material would never rotate (default false)."),
};
