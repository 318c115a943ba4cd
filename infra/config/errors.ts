/**
 * Config problems and how they are printed. The wording is part of the interface: people fix their
 * stack files from it, and tests assert it.
 */
import { CONFIG_DEFAULTS } from "../../spec/keys";

/** One problem with the configuration: the key, the value received and a sentence with the fix. */
export interface ConfigProblem {
  readonly key: string;
  readonly value: unknown;
  readonly message: string;
}

export class ConfigError extends Error {
  constructor(
    readonly stack_: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(formatConfigProblems(stack_, problems));
    this.name = "ConfigError";
  }
}

export function formatProblem(p: ConfigProblem): string {
  const shown = p.value === undefined ? "(unset)" : JSON.stringify(p.value);
  return `${p.key}: ${shown} ${p.message}`;
}

/**
 * Where the values came from, so each problem can point at the line to change. The offline plan knows
 * (it reads the stack file itself); under the Pulumi CLI the program sees only the merged values.
 */
export interface ConfigSources {
  /** The stack file as the reader should see it, e.g. "Pulumi.prod.yaml". */
  readonly stackFile: string;
  /** 1-based line of each key the stack file sets: project keys bare, others `ns:key`, list items `key[i]`. */
  readonly lines: Readonly<Record<string, number>>;
}

/**
 * A header, then one problem per line (never joined: 13 problems on one line cannot be read). With
 * `sources`, each line starts with where to fix it — `Pulumi.<stack>.yaml:<line>:`, the stack file for a
 * key it must set, or the Pulumi.yaml default it inherits — ordered by file and line; without, problems
 * are grouped by key in the order found.
 */
export function formatConfigProblems(
  stack: string,
  problems: readonly ConfigProblem[],
  sources?: ConfigSources,
): string {
  const header = `Invalid configuration for stack "${stack}" (${problems.length} problem${problems.length === 1 ? "" : "s"}); nothing was provisioned:`;
  const baseKey = (key: string) => key.replace(/\[[^\]]*\]$/, "");
  const firstSeen = new Map<string, number>();
  for (const [i, p] of problems.entries())
    if (!firstSeen.has(baseKey(p.key))) firstSeen.set(baseKey(p.key), i);
  const rows = problems.map((p, i) => {
    const base = baseKey(p.key);
    if (!sources) return { group: 0, order: firstSeen.get(base)!, i, text: formatProblem(p) };
    const line = sources.lines[p.key] ?? sources.lines[base];
    if (line !== undefined)
      return { group: 0, order: line, i, text: `${sources.stackFile}:${line}: ${formatProblem(p)}` };
    // Not in the stack file but with a value: it is Pulumi.yaml's default, overridden in the stack file.
    if (p.value !== undefined && base in CONFIG_DEFAULTS)
      return {
        group: 2,
        order: firstSeen.get(base)!,
        i,
        text: `Pulumi.yaml default (override it in ${sources.stackFile}): ${formatProblem(p)}`,
      };
    return { group: 1, order: firstSeen.get(base)!, i, text: `${sources.stackFile}: ${formatProblem(p)}` };
  });
  rows.sort((a, b) => a.group - b.group || a.order - b.order || a.i - b.i);
  return [header, ...rows.map((r) => `  - ${r.text}`)].join("\n");
}
