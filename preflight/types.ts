/**
 * The acceptance preflight: combinations AWS rejects, or that deploy but cannot work, each rule citing
 * where AWS (or a provider issue quoting the API error) says so. Config-level rules run inside
 * `parseConfig` (nothing is registered from a refused config); plan-level rules run over every planned
 * resource in the offline plan.
 */
import type { PlatformConfig } from "../spec/keys";

/** Where the rule comes from: an AWS documentation page or API reference, or a provider issue. */
export interface Source {
  readonly title: string;
  readonly url: string;
}

/** What a config-level rule sees: the values validated so far (a key that failed validation is absent). */
export type ConfigView = Partial<PlatformConfig>;

/** One problem a config-level rule finds, in the shape of infra/config/'s ConfigProblem. */
export interface ConfigFinding {
  readonly key: string;
  readonly value: unknown;
  readonly message: string;
}

/** A planned resource as the mock cloud records it (structurally a subset of `Registration`). */
export interface PlannedResource {
  readonly type: string;
  readonly name: string;
  readonly urn?: string;
  readonly inputs: Record<string, unknown>;
  /** What the cloud answered (ARNs, ids); absent in a preview for new resources. */
  readonly state?: Record<string, unknown>;
  readonly region?: string;
  readonly parent?: string;
  readonly deleteBeforeReplace?: boolean;
  readonly retainOnDelete?: boolean;
}

export interface PlanContext {
  /** dev or prod; unknown environments are judged as prod. */
  readonly environment?: string;
  /** Region of the stack's default provider. */
  readonly region: string;
}

export type Severity = "error" | "warning";

export interface PlanFinding {
  readonly resource: PlannedResource;
  readonly message: string;
  /** @default "error" */
  readonly severity?: Severity;
}

interface RuleBase {
  /** Stable id, `<service>.<what>`; the roster test lists them all. */
  readonly id: string;
  readonly title: string;
  readonly source: Source;
  /** How to fix a violation, in one sentence. */
  readonly fix: string;
}

export interface ConfigRule extends RuleBase {
  readonly level: "config";
  check(cfg: ConfigView): ConfigFinding[];
}

export interface PlanRule extends RuleBase {
  readonly level: "plan";
  check(resources: readonly PlannedResource[], ctx: PlanContext): PlanFinding[];
}

export type Rule = ConfigRule | PlanRule;

/** A plan-level finding, ready to print and to serialise into the plan result. */
export interface Violation {
  readonly rule: string;
  readonly severity: Severity;
  readonly resourceType: string;
  readonly resourceName: string;
  readonly message: string;
  readonly fix: string;
  readonly source: Source;
}
