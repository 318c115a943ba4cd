/**
 * Runs the whole pack over a list of resources through the same harness the tests use, and returns one
 * auditor-facing result per rule × applicable resource (resource rules) and per stack rule. The offline
 * plan, `policy:check` and the report build on this.
 */

import { RULES } from "../roster";
import { toPolicy } from "./adapter";
import {
  analyzeResource,
  analyzeStack,
  type Diagnostic,
  type Level,
  type Outcome,
  type PackConfig,
} from "./harness";
import type { Environment, PolicyRule } from "./types";

export interface ResourceUnderTest {
  urn: string;
  type: string;
  name: string;
  /** Inputs, as resource policies see them. */
  props: Record<string, unknown>;
  /** Outputs, as stack policies see them (defaults to `props`). */
  outputs?: Record<string, unknown>;
  opts?: {
    protect?: boolean;
    parent?: string;
    provider?: string;
    dependencies?: string[];
    retainOnDelete?: boolean;
  };
}

export interface PolicyResult {
  policy: string;
  urn?: string;
  type?: string;
  resourceName?: string;
  status: "pass" | "fail" | "not-applicable";
  enforcementLevel: "mandatory" | "advisory" | "disabled";
  severity: string;
  message: string;
  hipaa: string[];
  awsConfigRule?: string;
  evidence?: Record<string, unknown>;
}

export interface EvaluateOptions {
  /**
   * Policy config as in a `--policy-pack-config` file (e.g. dev-policy-config.json): per rule, an
   * enforcement level or an object with `enforcementLevel` and the rule's parameters.
   */
  config?: Record<string, string | Record<string, unknown>>;
  stackName?: string;
  environment?: Environment;
}

const SECRET_KEY = /(password|secret(string|binary)?$|token|privatekey)/i;
/** Keys that name a secret without holding one: ARNs, ids, types (`clientPasswordAuthType`), names. */
const REFERENCE_KEY = /(Arn|Id|Type|Name|Version|Days)$/;

/** Property values with anything secret-looking redacted. */
export function redact(v: unknown, key = ""): unknown {
  // Only strings can hold a credential: `manageMasterUserPassword: true` stays visible.
  if (SECRET_KEY.test(key) && !REFERENCE_KEY.test(key) && typeof v === "string") return "[redacted]";
  if (Array.isArray(v)) return v.map((x) => redact(x));
  if (v && typeof v === "object")
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, redact(x, k)]));
  if (typeof v === "string" && /:\/\/[^/\s:@]+:[^@\s]+@/.test(v))
    return v.replace(/:\/\/([^/\s:@]+):[^@\s]+@/, "://$1:[redacted]@");
  return v;
}

/**
 * The values a verdict rests on: the rule's own `evidence` (exact paths, e.g. one parameter by name,
 * kept whole even when unset) or else the `properties` it reads; secrets redacted either way.
 */
export function evidenceOf(
  rule: Pick<PolicyRule, "properties" | "evidence">,
  props: Readonly<Record<string, unknown>>,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (rule.evidence) {
    // Keys are paths chosen by the rule (`parameters[password_encryption]` names a setting, not a
    // secret): nested keys are still judged by name.
    for (const [k, v] of Object.entries(rule.evidence(props))) out[k] = redact(v);
    return out;
  }
  for (const k of rule.properties) if (k in props) out[k] = redact(props[k], k);
  return out;
}

function levelOf(rule: PolicyRule, config: PackConfig): PolicyResult["enforcementLevel"] {
  const c = config[rule.name];
  const l =
    typeof c === "string"
      ? c
      : typeof c?.enforcementLevel === "string"
        ? c.enforcementLevel
        : rule.enforcementLevel;
  return l === "advisory" || l === "disabled" ? l : "mandatory";
}

function resultOf(
  rule: PolicyRule,
  o: Outcome,
  config: PackConfig,
  base: Partial<PolicyResult>,
): PolicyResult {
  const common = {
    policy: rule.name,
    ...base,
    enforcementLevel: levelOf(rule, config),
    severity: rule.severity,
    hipaa: [...rule.hipaa],
    ...(rule.awsConfigRule ? { awsConfigRule: rule.awsConfigRule } : {}),
  };
  if (o.status === "disabled")
    return { ...common, status: "not-applicable", message: "disabled by policy config" };
  if (o.status === "not-applicable")
    return { ...common, status: "not-applicable", message: o.reason ?? "not applicable" };
  const violations = o.diagnostics.filter((d) => !d.unknown);
  const unknowns = o.diagnostics.filter((d) => d.unknown);
  if (violations.length > 0) {
    return {
      ...common,
      status: "fail",
      message: violations.map(stripDescription).join("\n"),
      ...withViolations(common, violations),
    };
  }
  if (unknowns.length > 0) {
    // Not provable until apply: reported as an advisory failure, never as a pass.
    return {
      ...common,
      status: "fail",
      enforcementLevel: "advisory",
      message: unknowns.map((d) => d.message).join("\n"),
    };
  }
  return { ...common, status: "pass", message: rule.description };
}

const stripDescription = (d: Diagnostic): string => d.message.split("\n").slice(1).join("\n") || d.message;

function withViolations(common: Partial<PolicyResult>, violations: Diagnostic[]): Partial<PolicyResult> {
  if (common.urn) return {};
  return { evidence: { violations: violations.map((v) => ({ urn: v.urn, message: stripDescription(v) })) } };
}

const LEVELS = ["mandatory", "advisory", "disabled", "remediate"] as const;

/** Validates the levels of a policy config (the CLI refuses unknown levels too). */
function normaliseConfig(config: Record<string, string | Record<string, unknown>>): PackConfig {
  const out: Record<string, Level | Record<string, unknown>> = {};
  for (const [name, c] of Object.entries(config)) {
    const level = typeof c === "string" ? c : c.enforcementLevel;
    if (level !== undefined && !LEVELS.includes(level as Level)) {
      throw new Error(
        `policy config ${name}: enforcementLevel ${JSON.stringify(level)} is not one of ${LEVELS.join(", ")}.`,
      );
    }
    out[name] = typeof c === "string" ? (c as Level) : c;
  }
  return out;
}

export function evaluateResources(
  resources: ResourceUnderTest[],
  opts: EvaluateOptions = {},
): PolicyResult[] {
  const config = normaliseConfig(opts.config ?? {});
  const policies = RULES.map((r) =>
    toPolicy(r, { environment: opts.environment, stackName: opts.stackName }),
  );
  const byName = new Map(RULES.map((r) => [r.name, r]));
  const results: PolicyResult[] = [];
  for (const res of resources) {
    for (const o of analyzeResource(policies, res, config)) {
      const rule = byName.get(o.policyName);
      // Other types are not listed per resource.
      if (!rule?.resourceTypes.includes(res.type)) continue;
      const r = resultOf(rule, o, config, { urn: res.urn, type: res.type, resourceName: res.name });
      results.push({ ...r, evidence: { ...evidenceOf(rule, res.props), ...(r.evidence ?? {}) } });
    }
  }
  const stackView = resources.map((r) => ({ ...r, props: r.outputs ?? r.props }));
  for (const o of analyzeStack(policies, stackView, config)) {
    const rule = byName.get(o.policyName);
    if (rule) results.push(resultOf(rule, o, config, {}));
  }
  return results;
}

/**
 * A resource registration as a program run records it (the mock cloud's, the real runner's): only what
 * the engine would hand the pack. Declared here so the pack depends on nothing outside policies/.
 */
export interface RegisteredResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  /** False for component resources, which the engine never sends to policies. */
  readonly custom: boolean;
  readonly inputs: Record<string, unknown>;
  /** Inputs plus what the provider computed. */
  readonly state: Record<string, unknown>;
  readonly protect: boolean;
  readonly retainOnDelete: boolean;
  readonly parent?: string;
  readonly provider?: string;
  readonly dependencies: readonly string[];
}

/** Custom resources of a program run, as the engine would hand them to the pack. */
export function fromRegistrations(regs: readonly RegisteredResource[]): ResourceUnderTest[] {
  return regs
    .filter((r) => r.custom)
    .map((r) => ({
      urn: r.urn,
      type: r.type,
      name: r.name,
      props: r.inputs,
      outputs: r.state,
      opts: {
        protect: r.protect,
        ...(r.parent ? { parent: r.parent } : {}),
        ...(r.provider ? { provider: r.provider } : {}),
        dependencies: [...r.dependencies],
        retainOnDelete: r.retainOnDelete,
      },
    }));
}
