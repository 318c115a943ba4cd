/**
 * What every CLI in tools/ shares: a tiny argument parser and the error policy — a bad argument or a bad
 * input file is a message (one line per problem) and exit code 2, never a stack trace unless asked for
 * with `PLAN_DEBUG=1`.
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { debugErrors } from "./quietErrors";

/** A problem with what the user gave us (an argument, a file). Printed without a stack; exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

export interface ParsedArgs {
  readonly flags: Record<string, string | true>;
  readonly positionals: string[];
}

/**
 * Parses `--key value`, `--key=value` and bare `--switch` (listed in `switches`). Unknown flags are a
 * usage error so a typo (`--josn`) never silently does nothing; so is a value flag given twice
 * (`--stack prod --stack dev` would otherwise plan dev while the reader of the command line sees prod).
 */
export function parseArgs(
  argv: readonly string[],
  spec: { readonly values?: readonly string[]; readonly switches?: readonly string[] },
  usage: string,
): ParsedArgs {
  const values = new Set(spec.values ?? []);
  const switches = new Set(spec.switches ?? []);
  const flags: Record<string, string | true> = {};
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--") continue;
    if (!a.startsWith("--")) {
      positionals.push(a);
      continue;
    }
    const eq = a.indexOf("=");
    const key = a.slice(2, eq === -1 ? undefined : eq);
    if (switches.has(key)) {
      if (eq !== -1) throw new UsageError(`--${key} takes no value. ${usage}`);
      flags[key] = true;
    } else if (values.has(key)) {
      const v = eq === -1 ? argv[++i] : a.slice(eq + 1);
      if (v === undefined || v === "" || (eq === -1 && v.startsWith("--"))) {
        throw new UsageError(`--${key} needs a value. ${usage}`);
      }
      const before = flags[key];
      if (typeof before === "string") {
        throw new UsageError(
          `--${key} is given twice (${JSON.stringify(before)}, then ${JSON.stringify(v)}); give it once. ${usage}`,
        );
      }
      flags[key] = v;
    } else {
      throw new UsageError(`unknown option --${key}. ${usage}`);
    }
  }
  return { flags, positionals };
}

/** A string flag's value, or undefined. */
export const flag = (a: ParsedArgs, key: string): string | undefined => {
  const v = a.flags[key];
  return typeof v === "string" ? v : undefined;
};

/** Names a CLI must never write its output over, whatever their content: stack and project files. */
const PULUMI_FILE = /^Pulumi(\..+)?\.ya?ml$/i;
/** Source, config and documentation files: an output path ending like this is a slip of the keyboard. */
const SOURCE_FILE = /\.(ts|tsx|js|cjs|mjs|ya?ml|md|sql|ini|sh|toml|lock)$/i;

/**
 * Refuses an output path that would destroy something: any `Pulumi*.yaml` (written or not: a new one
 * becomes a stack), a source file, or an existing file that `isOwnOutput` does not recognise as a
 * previous output of this tool (`--json Pulumi.prod.yaml` once overwrote the prod stack file). Run it
 * before the work, so a refused run costs nothing.
 */
export function checkOutputFile(
  option: string,
  file: string,
  isOwnOutput: (text: string) => boolean,
  what: string,
): void {
  const name = path.basename(file);
  if (PULUMI_FILE.test(name) || SOURCE_FILE.test(name)) {
    throw new UsageError(
      `${option} ${file}: refusing to write over a ${PULUMI_FILE.test(name) ? "Pulumi project or stack file" : "source file"}. Give a new .json path, e.g. artifacts/plan.json.`,
    );
  }
  if (!existsSync(file) || statSync(file).isDirectory()) return;
  let own = false;
  try {
    own = isOwnOutput(readFileSync(file, "utf8"));
  } catch {
    own = false;
  }
  if (!own) {
    throw new UsageError(
      `${option} ${file}: the file exists and is not ${what}; refusing to overwrite it. Give a new path, or delete the file first if you mean to replace it.`,
    );
  }
}

/**
 * Runs a CLI body: its return value is the exit code; a thrown error prints `<tool>: error: <message>`
 * on stderr, one line per line of the message (a config error lists one problem per line), and exits 2.
 * Unexpected errors are reported the same way: a reader needs the message, not our call stack — unless
 * `PLAN_DEBUG=1`, which adds the stack (and each cause's) for whoever is debugging the tool itself.
 */
export async function runCli(
  tool: string,
  body: () => Promise<number>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  let code: number;
  try {
    code = await body();
  } catch (e) {
    const msg = (e instanceof Error ? e.message : String(e)).replace(/\s+$/, "");
    process.stderr.write(`${tool}: error: ${msg}\n`);
    if (debugErrors(env)) process.stderr.write(stacksOf(e));
    code = 2;
  }
  process.exitCode = code;
}

/** The error's stack and its causes' stacks, as Node prints them. */
function stacksOf(e: unknown): string {
  const out: string[] = [];
  for (let c: unknown = e, depth = 0; c !== undefined && depth < 5; depth++) {
    out.push(`${depth === 0 ? "" : "caused by: "}${c instanceof Error ? (c.stack ?? String(c)) : String(c)}`);
    c = c instanceof Error ? c.cause : undefined;
  }
  return `${out.join("\n")}\n`;
}
