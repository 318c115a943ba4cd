/**
 * The offline plan: runs the real program under MockCloud with a stack file's config, evaluates the
 * whole policy pack over every registered resource and the stack, and returns a JSON-ready result with
 * secrets redacted. No cloud, no credentials, no Pulumi CLI.
 */
import { existsSync, readdirSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { ConfigError, formatConfigProblems, loadConfig, PROJECT } from "../../infra/config";
import { buildPlatform, main, type PlatformOutputs } from "../../infra/program";
import { evaluateResources, fromRegistrations, type PolicyResult } from "../../policies/lib/evaluate";
import { RULES } from "../../policies/roster";
import { PLAN_RULES, planPreflight } from "../../preflight/catalog";
import type { Violation } from "../../preflight/types";
import type { Registration } from "../../testing/mockCloud";
import { runStack } from "../../testing/runProgram";
import { UsageError } from "./cli";
import { gitCommit, PACK_NAME, type PolicyConfig, packVersion, policyConfigFor, REPO_ROOT } from "./pack";
import { count } from "./report/model";
import { redactEvidence, redactText, stringsIn } from "./report/redact";

export interface PlanResource {
  readonly urn: string;
  readonly type: string;
  readonly name: string;
  readonly parent?: string;
  readonly protect: boolean;
  /** False for component resources. */
  readonly custom: boolean;
}

export interface PlanSummary {
  readonly resources: number;
  readonly customResources: number;
  readonly byType: Record<string, number>;
  readonly rules: number;
  readonly pass: number;
  readonly fail: number;
  readonly notApplicable: number;
  readonly mandatoryFail: number;
  readonly advisoryFail: number;
}

export interface PlanResult {
  readonly stack: string;
  readonly environment: string;
  readonly generatedAt: string;
  readonly gitCommit?: string;
  readonly packName: string;
  readonly packVersion?: string;
  readonly instances: number;
  readonly resources: PlanResource[];
  readonly results: PolicyResult[];
  readonly summary: PlanSummary;
  /** Stack outputs; secret ones replaced by "[secret]". */
  readonly outputs: Record<string, unknown>;
  readonly timingsMs: { program: number; policies: number };
  /** AWS acceptance preflight over the planned resources (preflight/catalog.ts). */
  readonly preflight: PlanPreflight;
  /** What the program warned about (`pulumi.log.warn`), e.g. each dev relaxation and the control it weakens. */
  readonly programWarnings?: string[];
}

export interface PlanPreflight {
  readonly rules: number;
  /** Error-level violations: AWS would reject the plan, or it cannot work. */
  readonly errors: number;
  /** Warning-level findings (e.g. a dev notification topic without subscribers). */
  readonly warnings: number;
  readonly violations: Violation[];
}

export interface PlanOptions {
  readonly stack: string;
  /**
   * Databases in the stack: unset runs the program as is; N builds N platforms in one stack, named
   * `verscienta-<stack>-db<i>` (the benchmark's scaling runs).
   */
  readonly instances?: number;
  /** Overrides the stack's policy config (dev: policies/dev-policy-config.json). */
  readonly policyConfig?: PolicyConfig;
  readonly onProgress?: (step: string) => void;
  readonly now?: () => Date;
  readonly commit?: string | null;
  readonly root?: string;
  /** Runs this program instead of the stack's (tests: a plan AWS would refuse). @default infra/program main */
  readonly program?: () => Record<string, unknown>;
}

/** Whether a file's text is a plan result this tool wrote (so `--json` may overwrite it). */
export function isPlanResultText(text: string): boolean {
  try {
    const doc = JSON.parse(text) as Partial<Record<keyof PlanResult, unknown>> | null;
    return (
      typeof doc === "object" &&
      doc !== null &&
      doc.packName === PACK_NAME &&
      typeof doc.stack === "string" &&
      Array.isArray(doc.resources) &&
      Array.isArray(doc.results) &&
      typeof doc.summary === "object"
    );
  } catch {
    return false;
  }
}

/** Stacks with a `Pulumi.<stack>.yaml`. */
export function availableStacks(root = REPO_ROOT): string[] {
  return readdirSync(root)
    .map((f) => /^Pulumi\.(.+)\.yaml$/.exec(f)?.[1])
    .filter((s): s is string => s !== undefined)
    .sort();
}

/** A program building `n` platforms in one stack, each with unique names and prefixed outputs. */
export function multiPlatformProgram(n: number): () => Record<string, unknown> {
  return () => {
    const cfg = loadConfig();
    const out: Record<string, unknown> = {};
    for (let i = 1; i <= n; i++) {
      const outputs: PlatformOutputs = buildPlatform(cfg, `verscienta-${pulumi.getStack()}-db${i}`);
      for (const [k, v] of Object.entries(outputs)) out[`db${i}_${k}`] = v;
    }
    return out;
  };
}

export async function runPlan(opts: PlanOptions): Promise<PlanResult> {
  const root = opts.root ?? REPO_ROOT;
  const now = opts.now ?? (() => new Date());
  const progress = opts.onProgress ?? (() => {});
  const instances = opts.instances ?? 1;
  const multi = opts.instances !== undefined;
  if (!Number.isInteger(instances) || instances < 1 || instances > 500) {
    throw new UsageError(`--instances must be an integer from 1 to 500, got ${instances}`);
  }
  if (!existsSync(path.join(root, `Pulumi.${opts.stack}.yaml`))) {
    throw new UsageError(
      `no stack file Pulumi.${opts.stack}.yaml; available stacks: ${availableStacks(root).join(", ") || "none"}`,
    );
  }

  progress(
    `running the program for stack ${opts.stack}${instances > 1 ? ` with ${instances} databases` : ""} under mocks`,
  );
  const t0 = performance.now();
  const run = await runStack({
    stack: opts.stack,
    root,
    program: opts.program ?? (multi ? multiPlatformProgram(instances) : main),
  });
  const t1 = performance.now();
  if (run.error)
    throw new UsageError(
      run.error instanceof ConfigError
        ? formatConfigProblems(run.error.stack_, run.error.problems, run.sources)
        : `Pulumi.${opts.stack}.yaml: ${run.error.message}`,
      { cause: run.error },
    );
  const environment = run.config[`${PROJECT}:environment`] ?? "unknown";

  // A production stack is judged by the pack as written: a policy config may not lower a rule's level or
  // loosen its parameters (e.g. the dev file's 7-day retention), whatever is passed on the command line.
  if (environment === "prod" && opts.policyConfig) {
    const relaxed = Object.entries(opts.policyConfig)
      .filter(([, c]) => Object.entries(c).some(([k, v]) => k !== "enforcementLevel" || v !== "mandatory"))
      .map(([name]) => name);
    if (relaxed.length > 0)
      throw new UsageError(
        `--policy-config relaxes ${relaxed.join(", ")} for stack ${opts.stack}, which runs the prod profile; production stacks are judged with the pack's own levels and thresholds. Drop --policy-config.`,
      );
  }
  const policyConfig = opts.policyConfig ?? policyConfigFor(environment, root);
  const resources = fromRegistrations(run.registrations);
  progress(`evaluating ${RULES.length} rules over ${resources.length} resources and the stack`);
  const raw = evaluateResources(resources, {
    config: policyConfig,
    stackName: opts.stack,
    environment: environment === "dev" || environment === "prod" ? environment : undefined,
  });
  const t2 = performance.now();
  const results = redactResults(raw, run.registrations);
  progress(`checking ${PLAN_RULES.length} AWS acceptance preflight rules`);
  const secretValues = [
    ...new Set(run.registrations.flatMap((r) => r.secretInputs.flatMap((k) => stringsIn(r.inputs[k])))),
  ];
  const violations = planPreflight(run.registrations, {
    environment,
    region: run.config["aws:region"] ?? "us-east-1",
  }).map((v) => ({ ...v, message: redactText(v.message, secretValues) }));

  const byType: Record<string, number> = {};
  for (const r of run.registrations) byType[r.type] = (byType[r.type] ?? 0) + 1;
  const c = count(results);
  const outputs: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(run.outputs))
    outputs[k] = run.secretOutputs.includes(k) ? "[secret]" : v;
  return {
    stack: opts.stack,
    environment,
    generatedAt: now().toISOString(),
    gitCommit: opts.commit === null ? undefined : (opts.commit ?? gitCommit(root)),
    packName: PACK_NAME,
    packVersion: packVersion(root),
    instances,
    resources: run.registrations.map((r) => ({
      urn: r.urn,
      type: r.type,
      name: r.name,
      ...(r.parent ? { parent: r.parent } : {}),
      protect: r.protect,
      custom: r.custom,
    })),
    results,
    summary: {
      resources: run.registrations.length,
      customResources: resources.length,
      byType: Object.fromEntries(Object.entries(byType).sort(([a], [b]) => a.localeCompare(b))),
      rules: RULES.length,
      pass: c.pass,
      fail: c.fail,
      notApplicable: c.notApplicable,
      mandatoryFail: c.mandatoryFail,
      advisoryFail: c.fail - c.mandatoryFail,
    },
    outputs,
    timingsMs: { program: Math.round(t1 - t0), policies: Math.round(t2 - t1) },
    programWarnings: run.warnings.map((w) => redactText(w, secretValues)),
    preflight: {
      rules: PLAN_RULES.length,
      errors: violations.filter((v) => v.severity === "error").length,
      warnings: violations.filter((v) => v.severity === "warning").length,
      violations,
    },
  };
}

/**
 * Evidence and messages without secrets: values of inputs the program marked secret (by key on their
 * resource, by value everywhere), and secret-looking keys.
 */
export function redactResults(
  results: readonly PolicyResult[],
  regs: readonly Registration[],
): PolicyResult[] {
  const secretKeysByUrn = new Map(regs.map((r) => [r.urn, new Set(r.secretInputs)]));
  const secretValues = [
    ...new Set(regs.flatMap((r) => r.secretInputs.flatMap((k) => stringsIn(r.inputs[k])))),
  ];
  return results.map((r) => ({
    ...r,
    message: redactText(r.message, secretValues),
    ...(r.evidence
      ? {
          evidence: redactEvidence(
            r.evidence,
            (r.urn && secretKeysByUrn.get(r.urn)) || new Set(),
            secretValues,
          ),
        }
      : {}),
  }));
}

/** `npm run plan`'s exit code: 1 when a mandatory rule fails or the preflight finds an error, else 0. */
export function planExitCode(plan: PlanResult): 0 | 1 {
  return plan.summary.mandatoryFail > 0 || plan.preflight.errors > 0 ? 1 : 0;
}
