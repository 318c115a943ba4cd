/**
 * From a loaded input to the report: its context (stack, environment, policy config, what the evidence
 * is) checked against the command line, then the verdicts grouped by control.
 */
import { UsageError } from "../cli";
import { evidenceDescription, policyConfigContext } from "./context";
import type { LoadedInput } from "./load";
import { buildReport, type Report, type ReportMeta, type RuleMeta } from "./model";

export interface MakeOptions {
  /** The input's file name as shown in the report. */
  readonly input: string;
  readonly generatedAt: string;
  /** `--stack`: must agree with the input's own stack; names it only when the input does not. */
  readonly stack?: string;
  readonly rules: readonly RuleMeta[];
  readonly controlNames: Readonly<Record<string, string>>;
  /** The pack's identity and the commit, when the input does not record them. */
  readonly packName: string;
  readonly packVersion?: string;
  readonly gitCommit?: string;
  /** The policy config a stack of this environment runs with by default (dev relaxes cost-only rules). */
  readonly defaultPolicyConfig: (environment: string) => Record<string, unknown> | undefined;
  /** The mock cloud's account id, named when the evidence comes from the offline plan. */
  readonly mockAccount?: string;
}

export function makeReport(loaded: LoadedInput, o: MakeOptions): Report {
  const m = loaded.meta;
  if (o.stack !== undefined && m.stack !== undefined && o.stack !== m.stack) {
    throw new UsageError(
      `--stack ${o.stack} contradicts the input: ${o.input} holds verdicts for stack ${m.stack}. Drop --stack, or report on stack ${o.stack}'s own plan, check or event log.`,
    );
  }
  const stack = m.stack ?? o.stack;
  const env = m.environment;
  let policyConfig: ReportMeta["policyConfig"];
  if (m.recordedPolicyConfig) {
    policyConfig = policyConfigContext(m.recordedPolicyConfig, o.rules, "recorded in the input");
  } else if (env) {
    const config = o.defaultPolicyConfig(env);
    policyConfig = policyConfigContext(
      config,
      o.rules,
      `not recorded in the input; assumed to be the default for environment ${env} (${config ? "policies/dev-policy-config.json" : "the pack's own levels and thresholds"})`,
    );
  } else {
    policyConfig = {
      origin: "unknown: the input records neither its policy config nor its environment",
      relaxations: [],
    };
  }
  const meta: ReportMeta = {
    source: m.source,
    input: o.input,
    ...(stack ? { stack } : {}),
    ...(env ? { environment: env } : {}),
    evidence: evidenceDescription(m.source, {
      ...(m.isPreview !== undefined ? { isPreview: m.isPreview } : {}),
      ...(o.mockAccount ? { mockAccount: `account ${o.mockAccount}` } : {}),
    }),
    policyConfig,
    ...(m.evaluatedAt ? { evaluatedAt: m.evaluatedAt } : {}),
    generatedAt: o.generatedAt,
    ...((m.gitCommit ?? o.gitCommit) ? { gitCommit: m.gitCommit ?? o.gitCommit } : {}),
    packName: m.packName ?? o.packName,
    ...((m.packVersion ?? o.packVersion) ? { packVersion: m.packVersion ?? o.packVersion } : {}),
  };
  const problems = [...loaded.problems];
  if (!stack) problems.push("the input names no stack (no URN, no `stack` field) and no --stack was given");
  return buildReport(meta, loaded.entries, o.rules, o.controlNames, problems);
}
