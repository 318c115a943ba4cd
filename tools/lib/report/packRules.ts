/** The pack's metadata in the shape the report reads. */
import { HIPAA_CONTROLS, RULES } from "../../../policies/lib/metadata";
import type { RuleMeta } from "./model";

export function packRules(): RuleMeta[] {
  return RULES.map((r) => ({
    name: r.name,
    description: r.description,
    hipaa: [...r.hipaa],
    severity: r.severity,
    enforcementLevel: r.enforcementLevel,
    remediation: r.remediation,
    properties: [...r.properties],
    ...(r.awsConfigRule ? { awsConfigRule: r.awsConfigRule } : {}),
  }));
}

export const CONTROL_NAMES: Readonly<Record<string, string>> = HIPAA_CONTROLS;
