/** The pack's metadata in the shape the report reads. */
import { evidenceOf } from "../../../policies/lib/evaluate";
import { HIPAA_CONTROLS } from "../../../policies/lib/hipaaControls";
import { RULES } from "../../../policies/roster";
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
    kind: r.kind,
    resourceTypes: [...r.resourceTypes],
    ...(r.configSchema?.properties
      ? {
          configDefaults: Object.fromEntries(
            Object.entries(r.configSchema.properties).map(([k, s]) => [k, s.default]),
          ),
        }
      : {}),
    ...(r.awsConfigRule ? { awsConfigRule: r.awsConfigRule } : {}),
  }));
}

/**
 * The evidence of a verdict from a resource's inputs, exactly as the pack computes it in-process
 * (the rule's `evidence` paths, else its `properties`); undefined for rules this pack does not have.
 */
export function packEvidence(policy: string, inputs: Readonly<Record<string, unknown>>) {
  const rule = RULES.find((r) => r.name === policy);
  return rule && rule.kind === "resource" ? evidenceOf(rule, inputs) : undefined;
}

export const CONTROL_NAMES: Readonly<Record<string, string>> = HIPAA_CONTROLS;
