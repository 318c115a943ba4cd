/**
 * policy:check's logic: a recorded preview document → resources → the pack's verdicts, and their text
 * and JSON forms. The evaluator is passed in so this module stays testable without the pack.
 */
import type { EvaluateOptions, PolicyResult, ResourceUnderTest } from "../../policies/lib/evaluate";
import { type PolicyConfig, policyConfigFor } from "./pack";
import { parsePreviewDocument } from "./previewDoc";
import { redactEvidence } from "./report/redact";

export type Evaluate = (resources: ResourceUnderTest[], opts?: EvaluateOptions) => PolicyResult[];

export interface CheckResult {
  readonly file: string;
  readonly stack?: string;
  readonly environment?: "dev" | "prod";
  /** The policy config the verdicts were judged against (none: the pack's own levels). */
  readonly policyConfig?: PolicyConfig;
  readonly resources: number;
  readonly results: PolicyResult[];
  /** Why the verdicts cannot be called a pass whatever they say (an empty preview); empty otherwise. */
  readonly incomplete: string[];
}

/** One verdict in `--format json`: exactly the documented keys. */
export interface CheckJsonResult {
  readonly urn: string;
  readonly type: string;
  readonly policy: string;
  readonly status: PolicyResult["status"];
  readonly enforcementLevel: PolicyResult["enforcementLevel"];
  readonly message: string;
  /** The values the verdict rests on (secrets redacted); `{}` for stack rules that name none. */
  readonly evidence: Record<string, unknown>;
}

/** `--format json`: the context the verdicts were judged in, then the verdicts. */
export interface CheckJson {
  readonly stack: string | null;
  readonly environment: string | null;
  readonly policyConfig: PolicyConfig;
  readonly resources: number;
  readonly incomplete: string[];
  readonly results: CheckJsonResult[];
}

/** Exit code of policy:check: 1 on a mandatory failure, else 3 when nothing was checked, else 0. */
export function checkExitCode(c: CheckResult): number {
  if (c.results.some((r) => r.status === "fail" && r.enforcementLevel === "mandatory")) return 1;
  return c.incomplete.length > 0 ? 3 : 0;
}

/**
 * The environment of a previewed stack: given, else the `Environment` tag most resources carry, else
 * "prod" when the stack is named prod.
 */
export function environmentOf(
  resources: readonly ResourceUnderTest[],
  stack: string | undefined,
): "dev" | "prod" | undefined {
  for (const r of resources) {
    const tags = r.props.tags;
    const env = tags && typeof tags === "object" ? (tags as Record<string, unknown>).Environment : undefined;
    if (env === "dev" || env === "prod") return env;
  }
  return stack === "dev" || stack === "prod" ? stack : undefined;
}

export function checkPreview(
  text: string,
  file: string,
  evaluate: Evaluate,
  opts: { environment?: "dev" | "prod"; policyConfig?: PolicyConfig } = {},
): CheckResult {
  const doc = parsePreviewDocument(text, file);
  const environment = opts.environment ?? environmentOf(doc.resources, doc.stack);
  const config = opts.policyConfig ?? (environment ? policyConfigFor(environment) : undefined);
  const results = evaluate(doc.resources, {
    ...(config ? { config } : {}),
    ...(doc.stack ? { stackName: doc.stack } : {}),
    ...(environment ? { environment } : {}),
  }).map((r) => (r.evidence ? { ...r, evidence: redactEvidence(r.evidence) } : r));
  // Stack rules pass over an empty stack: an empty preview would otherwise read as a clean pass.
  const incomplete =
    doc.resources.length === 0
      ? [`${file} has no resources (no step with a newState the stack keeps): nothing was checked`]
      : [];
  return {
    file,
    stack: doc.stack,
    environment,
    ...(config ? { policyConfig: config } : {}),
    resources: doc.resources.length,
    results,
    incomplete,
  };
}

export function toCheckJson(c: CheckResult): CheckJson {
  return {
    stack: c.stack ?? null,
    environment: c.environment ?? null,
    policyConfig: c.policyConfig ?? {},
    resources: c.resources,
    incomplete: c.incomplete,
    results: c.results.map((r) => ({
      urn: r.urn ?? "",
      type: r.type ?? "",
      policy: r.policy,
      status: r.status,
      enforcementLevel: r.enforcementLevel,
      message: r.message,
      evidence: r.evidence ?? {},
    })),
  };
}

export function renderCheckText(c: CheckResult): string {
  const lines = [
    `policy:check ${c.file}: stack ${c.stack ?? "?"} (${c.environment ?? "environment unknown"}), ${c.resources} resources`,
  ];
  const mark = { pass: "PASS", fail: "FAIL", "not-applicable": "N/A " } as const;
  const order = { fail: 0, pass: 1, "not-applicable": 2 } as const;
  for (const r of [...c.results].sort(
    (a, b) => order[a.status] - order[b.status] || a.policy.localeCompare(b.policy),
  )) {
    const level = r.status === "fail" ? ` [${r.enforcementLevel}]` : "";
    lines.push(
      `${mark[r.status]} ${r.policy}${level} ${r.resourceName ?? "(stack)"}${r.status === "fail" ? `: ${r.message.split("\n").join("; ")}` : ""}`,
    );
  }
  const n = (s: PolicyResult["status"]) => c.results.filter((r) => r.status === s).length;
  const mandatory = c.results.filter((r) => r.status === "fail" && r.enforcementLevel === "mandatory").length;
  lines.push(
    `${n("pass")} passed, ${n("fail")} failed (${mandatory} mandatory), ${n("not-applicable")} not applicable`,
  );
  for (const p of c.incomplete) lines.push(`INCOMPLETE: ${p}`);
  return `${lines.join("\n")}\n`;
}
