/**
 * An in-process stand-in for the Pulumi engine's analyzer calls, built the way @pulumi/policy's
 * `server.js` builds them: properties cross the wire as a protobuf Struct (JSON), are deserialized by
 * the library's own `deserializeProperties` and wrapped in its unknown-checking proxy; args carry
 * isType/asType/getConfig/notApplicable; the enforcement level is policy config, else the policy's,
 * else the pack's; config carries the schema defaults (as the CLI applies them); an UnknownValueError
 * becomes an advisory note; notApplicable is recorded. Used by the tests and by `evaluate.ts`.
 */
import type {
  Policies,
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { PACK_NAME, PACK_VERSION } from "./pack";
import { UnknownValueError, unknownCheckingProxy } from "./unknowns";

// require: internal module without type declarations
const deserialize = require("@pulumi/policy/deserialize") as {
  deserializeProperties(struct: { toJavaScript(): unknown }, proxySecrets: boolean): Record<string, unknown>;
};

export type Level = "mandatory" | "advisory" | "disabled" | "remediate";
/** Per-policy config as in a policy config file: a level, or an object with enforcementLevel and props. */
export type PackConfig = Readonly<Record<string, Level | Readonly<Record<string, unknown>>>>;

export interface HarnessResource {
  readonly type: string;
  readonly urn: string;
  readonly name: string;
  readonly props: Record<string, unknown>;
  readonly opts?: {
    readonly protect?: boolean;
    readonly parent?: string;
    readonly dependencies?: readonly string[];
  };
}

export interface Diagnostic {
  readonly policyName: string;
  readonly message: string;
  readonly urn?: string;
  readonly enforcementLevel: "mandatory" | "advisory";
  readonly severity?: string;
  /** The engine's "can't run during preview" note. */
  readonly unknown: boolean;
}

export interface Outcome {
  readonly policyName: string;
  readonly status: "ran" | "not-applicable" | "disabled";
  readonly reason?: string;
  readonly diagnostics: Diagnostic[];
}

export const PACK_ENFORCEMENT_LEVEL: Level = "mandatory";

class NotApplicableError extends Error {
  constructor(readonly reason?: string) {
    super(reason ?? "Policy does not apply");
  }
}
const throwNotApplicable = (reason?: string): never => {
  throw new NotApplicableError(reason);
};

/** The engine's configure step: string shorthands expanded. */
function policyConfig(config: PackConfig, name: string): Record<string, unknown> {
  const c = config[name];
  if (c === undefined) return {};
  return typeof c === "string" ? { enforcementLevel: c } : { ...c };
}

/** Config the CLI sends: schema defaults, then the file's values (without enforcementLevel). */
function getConfigFor(
  p: ResourceValidationPolicy | StackValidationPolicy,
  config: PackConfig,
): <T extends object>() => T {
  return <T extends object>() => {
    const out: Record<string, unknown> = {};
    for (const [k, s] of Object.entries(p.configSchema?.properties ?? {}))
      if (s.default !== undefined) out[k] = s.default;
    for (const [k, v] of Object.entries(policyConfig(config, p.name)))
      if (k !== "enforcementLevel") out[k] = v;
    return out as T;
  };
}

function levelOf(p: ResourceValidationPolicy | StackValidationPolicy, config: PackConfig): Level {
  const configured = policyConfig(config, p.name).enforcementLevel;
  return (
    (typeof configured === "string" ? (configured as Level) : undefined) ||
    p.enforcementLevel ||
    PACK_ENFORCEMENT_LEVEL
  );
}

/**
 * The JSON shape (a Struct) of each resource's props, made once per props object: a Lambda's bundled code
 * is over a megabyte, and re-encoding it for every policy made one evaluation of the prod stack take 0.7 s.
 */
const structs = new WeakMap<object, unknown>();

/**
 * Props as they arrive over gRPC: JSON-shaped (a Struct), deserialized by the library, proxied. Like the
 * real analyzer (@pulumi/policy server.js), every policy gets its own deserialized copy of the one Struct.
 */
function wireProps(props: Record<string, unknown>): Record<string, unknown> {
  let struct = structs.get(props);
  if (struct === undefined) {
    struct = JSON.parse(JSON.stringify(props)) as unknown;
    structs.set(props, struct);
  }
  const shape = struct;
  return unknownCheckingProxy(deserialize.deserializeProperties({ toJavaScript: () => shape }, false));
}

const pulumiTypeOf = (cls: unknown): string | undefined => {
  const t = (cls as { __pulumiType?: unknown }).__pulumiType;
  return typeof t === "string" ? t : undefined;
};

function opts(r: HarnessResource) {
  return {
    protect: r.opts?.protect ?? false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
    ...(r.opts?.parent ? { parent: r.opts.parent } : {}),
  };
}

function run(
  p: ResourceValidationPolicy | StackValidationPolicy,
  level: "mandatory" | "advisory",
  fn: (report: ReportViolation) => void,
): Outcome {
  const diagnostics: Diagnostic[] = [];
  const report: ReportViolation = (message, urn) =>
    diagnostics.push({
      policyName: p.name,
      message: message ? `${p.description}\n${message}` : p.description,
      enforcementLevel: level,
      severity: p.severity,
      unknown: false,
      ...(urn ? { urn } : {}),
    });
  try {
    fn(report);
  } catch (e) {
    if (e instanceof NotApplicableError)
      return { policyName: p.name, status: "not-applicable", reason: e.reason, diagnostics: [] };
    if (e instanceof UnknownValueError) {
      diagnostics.push({
        policyName: p.name,
        message: `can't run policy '${p.name}' from policy pack '${PACK_NAME}@v${PACK_VERSION}' during preview: ${e.message}`,
        enforcementLevel: "advisory",
        severity: p.severity,
        unknown: true,
      });
    } else {
      throw new Error(
        `Error validating resource with policy '${p.name}': ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }
  return { policyName: p.name, status: "ran", diagnostics };
}

const isResourcePolicy = (
  p: ResourceValidationPolicy | StackValidationPolicy,
): p is ResourceValidationPolicy => "validateResource" in p;

/** The engine's `Analyze` call for one resource: every resource policy, in order. */
export function analyzeResource(policies: Policies, r: HarnessResource, config: PackConfig = {}): Outcome[] {
  const out: Outcome[] = [];
  for (const p of policies) {
    if (!isResourcePolicy(p)) continue;
    const level = levelOf(p, config);
    if (level === "disabled") {
      out.push({ policyName: p.name, status: "disabled", diagnostics: [] });
      continue;
    }
    const validations = Array.isArray(p.validateResource)
      ? p.validateResource
      : p.validateResource
        ? [p.validateResource]
        : [];
    out.push(
      run(p, level === "advisory" ? "advisory" : "mandatory", (report) => {
        for (const validate of validations) {
          const props = wireProps(r.props);
          const args: ResourceValidationArgs = {
            type: r.type,
            props,
            urn: r.urn,
            name: r.name,
            opts: opts(r),
            stackTags: new Map<string, string>(),
            isType: (cls) => pulumiTypeOf(cls) === r.type,
            asType: ((cls: unknown) =>
              pulumiTypeOf(cls) === r.type ? props : undefined) as ResourceValidationArgs["asType"],
            getConfig: getConfigFor(p, config),
            notApplicable: throwNotApplicable,
          };
          void validate(args, report);
        }
      }),
    );
  }
  return out;
}

/** The engine's `AnalyzeStack` call: every stack policy over all resources (their outputs). */
export function analyzeStack(
  policies: Policies,
  resources: readonly HarnessResource[],
  config: PackConfig = {},
): Outcome[] {
  const out: Outcome[] = [];
  for (const p of policies) {
    if (isResourcePolicy(p)) continue;
    const level = levelOf(p, config);
    if (level === "disabled") {
      out.push({ policyName: p.name, status: "disabled", diagnostics: [] });
      continue;
    }
    out.push(
      run(p, level === "advisory" ? "advisory" : "mandatory", (report) => {
        const built = resources.map((r) => {
          const props = wireProps(r.props);
          const res: PolicyResource = {
            type: r.type,
            props,
            urn: r.urn,
            name: r.name,
            opts: opts(r),
            dependencies: [],
            propertyDependencies: {},
            isType: (cls) => pulumiTypeOf(cls) === r.type,
            asType: ((cls: unknown) =>
              pulumiTypeOf(cls) === r.type ? props : undefined) as PolicyResource["asType"],
          };
          return res;
        });
        const byUrn = new Map(built.map((b) => [b.urn, b]));
        built.forEach((b, i) => {
          const parent = resources[i].opts?.parent;
          if (parent && byUrn.has(parent)) b.parent = byUrn.get(parent);
          b.dependencies = (resources[i].opts?.dependencies ?? []).flatMap((d) => byUrn.get(d) ?? []);
        });
        const args: StackValidationArgs = {
          resources: built,
          stackTags: new Map<string, string>(),
          getConfig: getConfigFor(p, config),
          notApplicable: throwNotApplicable,
        };
        void p.validateStack(args, report);
      }),
    );
  }
  return out;
}
