/**
 * The shape every HIPAA rule shares. A rule is data (compliance metadata) plus one pure `check`
 * function over plain resource properties; `adapter.ts` turns it into a @pulumi/policy policy.
 */
import type { PolicyConfigSchema } from "@pulumi/policy";

export type Severity = "critical" | "high" | "medium" | "low";
export type EnforcementLevel = "mandatory" | "advisory" | "disabled";
export type Environment = "dev" | "prod";

/** One problem found by a rule, or a note that a value it needs is unknown during preview. */
export interface Finding {
  readonly message: string;
  /** The resource at fault (stack rules); resource rules leave it unset. */
  readonly urn?: string;
  /** Set when the rule could not decide because this property is unknown until apply. */
  readonly unknownPath?: string;
}

/** Options of a resource as the stack rules see them (URNs, not objects). */
export interface StackResourceOptions {
  readonly protect: boolean;
  readonly parent?: string;
  readonly dependencies: readonly string[];
  readonly retainOnDelete?: boolean;
}

/** A resource in the stack, as a stack rule sees it: its outputs (inputs during preview). */
export interface StackResource {
  readonly type: string;
  readonly urn: string;
  readonly name: string;
  readonly props: Readonly<Record<string, unknown>>;
  readonly opts: StackResourceOptions;
}

export interface ResourceContext {
  /** The rule's config: schema defaults overlaid with the policy config. */
  readonly config: Readonly<Record<string, unknown>>;
  readonly type: string;
  readonly urn: string;
  readonly name: string;
}

export interface StackContext {
  readonly config: Readonly<Record<string, unknown>>;
  readonly resources: readonly StackResource[];
  /** From the evaluation options, else the resources' `Environment` tag. */
  readonly environment?: Environment;
  readonly stackName?: string;
}

interface RuleBase {
  /** Pack-unique, camelCase; equals the file name and the export name. */
  readonly name: string;
  /** One sentence: what a compliant resource looks like. */
  readonly description: string;
  /** Pulumi type tokens the rule applies to (for stack rules: the types it inspects). */
  readonly resourceTypes: readonly string[];
  /** 45 CFR citations, e.g. "164.312(a)(2)(iv)". */
  readonly hipaa: readonly string[];
  /** The equivalent AWS Config managed rule, where one exists. */
  readonly awsConfigRule?: string;
  readonly severity: Severity;
  /** What to change to comply. */
  readonly remediation: string;
  readonly enforcementLevel: EnforcementLevel;
  /** Rule parameters (JSON schema with defaults); `enforcementLevel` is added by the engine. */
  readonly configSchema?: PolicyConfigSchema;
  /**
   * The rule guards a choice dev may relax (cost, or on-call for an unwatched dev stack); the dev policy
   * config makes it advisory.
   */
  readonly costOnly?: boolean;
  /** Property names the rule reads: the evidence an auditor sees next to the result. */
  readonly properties: readonly string[];
  /**
   * The exact values the verdict rests on, keyed by path (`parameters[rds.force_ssl]`), for rules whose
   * `properties` hold much more than that (a parameter list, a key policy). Unset: `properties` are shown.
   */
  readonly evidence?: Evidence;
}

/** Resource inputs → the values a rule decided on, keyed by their path in the inputs. */
export type Evidence = (props: Readonly<Record<string, unknown>>) => Record<string, unknown>;

export interface ResourceRule extends RuleBase {
  readonly kind: "resource";
  /** A reason the rule does not apply to this resource (a read replica, another engine), if any. */
  readonly notApplicable?: (props: Readonly<Record<string, unknown>>) => string | undefined;
  check(props: Readonly<Record<string, unknown>>, ctx: ResourceContext): Finding[];
}

export interface StackRule extends RuleBase {
  readonly kind: "stack";
  check(ctx: StackContext): Finding[];
}

export type PolicyRule = ResourceRule | StackRule;
