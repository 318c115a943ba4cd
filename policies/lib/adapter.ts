/**
 * Turns a PolicyRule into the @pulumi/policy policy the engine runs. Everything HIPAA-specific stays in
 * the rule; this file only speaks the engine's protocol:
 * - resource rules: not-applicable for other types and exempt resources, findings reported as
 *   violations; when the only findings are unknown values, an UnknownValueError (the engine reports an
 *   advisory "can't run during preview" note instead of a failure);
 * - config: the rule's schema defaults overlaid with the policy config (the CLI applies the defaults too;
 *   doing it here keeps the rule correct when it is run without the CLI).
 */
import type {
  PolicyResource,
  ReportViolation,
  ResourceValidationPolicy,
  StackValidationPolicy,
} from "@pulumi/policy";
import { HIPAA_CONTROLS } from "./hipaaControls";
import type { Environment, Finding, PolicyRule, StackResource } from "./types";
import { rawProps, throwUnknown } from "./unknowns";
import { tagsOf } from "./values";

export interface AdapterOptions {
  /** Overrides the environment read from the resources' `Environment` tag. */
  readonly environment?: Environment;
  readonly stackName?: string;
}

/** Schema defaults of a rule, overlaid with the given config (minus enforcementLevel). */
export function ruleConfig(rule: PolicyRule, given: Record<string, unknown> = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, s] of Object.entries(rule.configSchema?.properties ?? {})) {
    if (s.default !== undefined) out[k] = s.default;
  }
  for (const [k, v] of Object.entries(given)) if (k !== "enforcementLevel") out[k] = v;
  return out;
}

/** Reports findings; unknown-only outcomes become the engine's advisory preview note. */
function report(findings: Finding[], reportViolation: ReportViolation): void {
  const violations = findings.filter((f) => f.unknownPath === undefined);
  for (const v of violations) reportViolation(v.message, v.urn);
  const unknownFinding = findings.find((f) => f.unknownPath !== undefined);
  if (violations.length === 0 && unknownFinding?.unknownPath) throwUnknown(unknownFinding.unknownPath);
}

/** The stack's environment from the `Environment` tag most resources carry. */
export function environmentOf(resources: readonly StackResource[]): Environment | undefined {
  const counts = new Map<string, number>();
  for (const r of resources) {
    const env = tagsOf(r.props).Environment;
    if (env) counts.set(env, (counts.get(env) ?? 0) + 1);
  }
  const top = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  return top === "dev" || top === "prod" ? top : undefined;
}

function stackResourceOf(r: PolicyResource): StackResource {
  return {
    type: r.type,
    urn: r.urn,
    name: r.name,
    props: rawProps(r.props),
    opts: {
      protect: r.opts.protect === true,
      parent: r.opts.parent ?? r.parent?.urn,
      dependencies: r.dependencies.map((d) => d.urn),
    },
  };
}

const framework = (rule: PolicyRule) => ({
  name: "HIPAA Security Rule",
  version: "45 CFR Part 164 Subpart C",
  reference: rule.hipaa.join(", "),
  specification: rule.hipaa.map((c) => `${c} ${HIPAA_CONTROLS[c] ?? ""}`.trim()).join("; "),
});

export function toPolicy(
  rule: PolicyRule,
  options: AdapterOptions = {},
): ResourceValidationPolicy | StackValidationPolicy {
  const base = {
    name: rule.name,
    description: rule.description,
    enforcementLevel: rule.enforcementLevel,
    severity: rule.severity,
    remediationSteps: rule.remediation,
    framework: framework(rule),
    tags: [
      "hipaa",
      ...rule.hipaa.map((c) => `hipaa:${c}`),
      ...(rule.awsConfigRule ? [`aws-config:${rule.awsConfigRule}`] : []),
    ],
    ...(rule.configSchema ? { configSchema: rule.configSchema } : {}),
  };
  if (rule.kind === "resource") {
    return {
      ...base,
      validateResource: (args, reportViolation) => {
        if (!rule.resourceTypes.includes(args.type))
          args.notApplicable(`applies to ${rule.resourceTypes.join(", ")}`);
        const props = rawProps(args.props);
        const reason = rule.notApplicable?.(props);
        if (reason) args.notApplicable(reason);
        const config = ruleConfig(rule, args.getConfig<Record<string, unknown>>());
        report(
          rule.check(props, { config, type: args.type, urn: args.urn, name: args.name }),
          reportViolation,
        );
      },
    };
  }
  return {
    ...base,
    validateStack: (args, reportViolation) => {
      const resources = args.resources.map(stackResourceOf);
      // The first listed type is the rule's subject: with none in the stack there is nothing to attest.
      const subject = rule.resourceTypes[0];
      if (subject !== "*" && !resources.some((r) => r.type === subject))
        args.notApplicable(`no ${subject} in the stack`);
      const config = ruleConfig(rule, args.getConfig<Record<string, unknown>>());
      const environment = options.environment ?? environmentOf(resources);
      report(rule.check({ config, resources, environment, stackName: options.stackName }), reportViolation);
    },
  };
}
