/**
 * What every CLI in tools/ shares: a tiny argument parser and the error policy — a bad argument or a bad
 * input file is a one-line message and exit code 2, never a stack trace.
 */

/** A problem with what the user gave us (an argument, a file). Printed as one line; exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

export interface ParsedArgs {
  readonly flags: Record<string, string | true>;
  readonly positionals: string[];
}

/**
 * Parses `--key value`, `--key=value` and bare `--switch` (listed in `switches`). Unknown flags are a
 * usage error so a typo (`--josn`) never silently does nothing.
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

/**
 * Runs a CLI body: its return value is the exit code; a thrown error prints one line on stderr
 * (`<tool>: <message>`) and exits 2. Unexpected errors are reported the same way: a reader needs
 * the message, not our call stack.
 */
export async function runCli(tool: string, body: () => Promise<number>): Promise<void> {
  let code: number;
  try {
    code = await body();
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    process.stderr.write(`${tool}: error: ${oneLine(msg)}\n`);
    code = 2;
  }
  process.exitCode = code;
}

/** Collapses a multi-line message (a config error listing several problems) into one line. */
export function oneLine(msg: string): string {
  return msg
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "")
    .join("; ");
}
