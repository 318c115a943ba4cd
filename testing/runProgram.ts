/**
 * Runs the real Pulumi program in `infra/` under {@link MockCloud}, with a stack file's configuration,
 * the way `pulumi preview` would run it, and returns every registration and the stack outputs.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import { type ConfigSources, PROJECT } from "../infra/config";
import { MockCloud, type Registration } from "./mockCloud";
import { findRepoRoot } from "./repoRoot";

export const REPO_ROOT = findRepoRoot(__dirname);

// Internal runtime helpers: waitForRPCs drains every outstanding registration, getMonitor gives the
// mock monitor so MockCloud can record resource options.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const settings = require("@pulumi/pulumi/runtime/settings") as {
  waitForRPCs(): Promise<void>;
  getMonitor(): unknown;
};

export interface RunOptions {
  /** Stack name: reads `Pulumi.<stack>.yaml`. */
  readonly stack: string;
  /**
   * Config overrides. Bare keys are project keys (`backupRetentionDays`), `ns:key` keys are taken as
   * they are (`aws:region`). `undefined` removes the key.
   */
  readonly config?: Readonly<Record<string, unknown>>;
  /** Replace the stack file's config entirely (the overrides still apply). */
  readonly baseConfig?: Readonly<Record<string, unknown>>;
  /** Run as a preview (outputs of new resources stay unknown). @default false */
  readonly preview?: boolean;
  /** The program's entry; defaults to `infra/program.ts`'s `main`. */
  readonly program?: () => Record<string, unknown>;
  /** Folder holding `Pulumi.<stack>.yaml`. @default the repository root */
  readonly root?: string;
}

export interface RunResult {
  readonly stack: string;
  readonly registrations: Registration[];
  /** Stack outputs, resolved (secrets unwrapped). */
  readonly outputs: Record<string, unknown>;
  /** Names of stack outputs that are secret. */
  readonly secretOutputs: string[];
  /** The error that stopped the program (an invalid config, say), if any. */
  readonly error?: Error;
  readonly cloud: MockCloud;
  readonly config: Record<string, string>;
  /** The stack file and the line of each key it sets (unset with `baseConfig`). */
  readonly sources?: ConfigSources;
  /**
   * What the program logged with `pulumi.log.warn` (dev relaxations, say), in order. Kept here rather
   * than printed: the CLIs decide how to show them, and tests assert on them instead of scrolling past.
   */
  readonly warnings: string[];
}

/** The stack file's `config:` block with every value in the string form Pulumi passes on. */
export function stackConfig(stack: string, root = REPO_ROOT): Record<string, string> {
  return readStackFile(stack, root).config;
}

/** A stack file that cannot be read as one: YAML syntax, shape, secure values. Each problem names file:line. */
export class StackFileError extends Error {
  override readonly name = "StackFileError";
  constructor(
    readonly file: string,
    readonly problems: readonly string[],
  ) {
    super(
      `${file} is not a valid stack file (${problems.length} problem${problems.length === 1 ? "" : "s"}); nothing was provisioned:\n` +
        problems.map((p) => `  - ${p}`).join("\n"),
    );
  }
}

/** `file` relative to the working directory when it is inside it (what a reader types), else absolute. */
function shownPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel === "" || rel.startsWith("..") || path.isAbsolute(rel) ? file : rel;
}

/**
 * Reads `Pulumi.<stack>.yaml`: its `config:` block as Pulumi passes it on, and the line of every key and
 * list item, so config problems can say where to fix them. Refuses, all at once and each with its line,
 * what Pulumi would refuse or misread: YAML syntax errors, a file or `config:` that is not a mapping
 * (`config: "hello"` would otherwise read as keys "0".."4"), secure values.
 */
export function readStackFile(
  stack: string,
  root = REPO_ROOT,
): { config: Record<string, string>; sources: ConfigSources } {
  const file = path.join(root, `Pulumi.${stack}.yaml`);
  const shown = shownPath(file);
  const lineCounter = new LineCounter();
  // prettyErrors off: the position is printed as file:line:col, not as a multi-line excerpt.
  const doc = parseDocument(readFileSync(file, "utf8"), { lineCounter, prettyErrors: false });
  const lineOf = (offset: number | undefined) => Math.max(1, lineCounter.linePos(offset ?? 0).line);
  const at = (offset: number | undefined) => `${shown}:${lineOf(offset)}`;
  const problems: string[] = doc.errors.map((e) => {
    const { line, col } = lineCounter.linePos(e.pos[0]);
    return `${shown}:${Math.max(1, line)}:${col}: ${e.message.split("\n")[0]}`;
  });
  if (problems.length > 0) throw new StackFileError(shown, problems);

  const lines: Record<string, number> = {};
  const sources = { stackFile: shown, lines };
  const top = doc.contents;
  if (top === null || (isScalar(top) && top.value === null)) return { config: {}, sources };
  if (!isMap(top)) {
    throw new StackFileError(shown, [
      `${at(top.range?.[0])}: the file is ${describe(top.toJSON())}; a stack file is a mapping whose "config:" key holds one "<namespace>:<key>: <value>" per line.`,
    ]);
  }
  const pair = top.items.find((p) => isScalar(p.key) && p.key.value === "config");
  const block = pair?.value;
  if (!isNode(block) || (isScalar(block) && block.value === null)) return { config: {}, sources };
  if (!isMap(block)) {
    const v = block.toJSON();
    throw new StackFileError(shown, [
      `${at(block.range?.[0])}: config: ${JSON.stringify(v)} is ${describe(v)}, not a mapping. Put one "<namespace>:<key>: <value>" per line under "config:", e.g. "  ${PROJECT}:environment: dev".`,
    ]);
  }
  // Values from toJS, which resolves anchors and aliases; lines from the nodes.
  const values = ((doc.toJS() as { config?: Record<string, unknown> }).config ?? {}) as Record<
    string,
    unknown
  >;
  for (const item of block.items) {
    const keyNode = isNode(item.key) ? item.key : undefined;
    const key = String(keyNode?.toJSON() ?? item.key);
    const shownKey = key.startsWith(`${PROJECT}:`) ? key.slice(PROJECT.length + 1) : key;
    lines[shownKey] = lineOf(keyNode?.range?.[0]);
    if (isSeq(item.value))
      for (const [i, el] of item.value.items.entries())
        lines[`${shownKey}[${i}]`] = lineOf((isNode(el) ? el.range?.[0] : undefined) ?? keyNode?.range?.[0]);
    const v = values[key];
    if (v !== null && typeof v === "object" && !Array.isArray(v) && "secure" in v)
      problems.push(
        `${at(keyNode?.range?.[0])}: ${shownKey}: a secure value; this project needs none (passwords are generated or managed by RDS). Remove it.`,
      );
  }
  if (problems.length > 0) throw new StackFileError(shown, problems);
  return { config: toConfigStrings(values), sources };
}

/** "a string", "a list", ... for messages about a value of the wrong shape. */
function describe(v: unknown): string {
  if (Array.isArray(v)) return "a list";
  if (v === null) return "empty";
  return typeof v === "string" ? "a string" : `a ${typeof v}`;
}

function toConfigStrings(c: Readonly<Record<string, unknown>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(c)) {
    if (v === undefined || v === null) continue;
    if (typeof v === "object" && v !== null && "secure" in (v as object)) {
      throw new Error(`${k}: a secure value in the stack file; this project needs none (see README).`);
    }
    out[k.includes(":") ? k : `${PROJECT}:${k}`] = typeof v === "string" ? v : JSON.stringify(v);
  }
  return out;
}

const resolve = <T>(o: pulumi.Output<T>): Promise<T> => new Promise((r) => o.apply((v) => r(v)));

export async function resolveOutputs(
  out: Record<string, unknown>,
): Promise<{ outputs: Record<string, unknown>; secretOutputs: string[] }> {
  const outputs: Record<string, unknown> = {};
  const secretOutputs: string[] = [];
  for (const [k, v] of Object.entries(out)) {
    const o = pulumi.output(v as pulumi.Input<unknown>);
    outputs[k] = await resolve(o);
    if (await pulumi.isSecret(o)) secretOutputs.push(k);
  }
  return { outputs, secretOutputs };
}

export async function runStack(opts: RunOptions): Promise<RunResult> {
  const file = opts.baseConfig ? undefined : readStackFile(opts.stack, opts.root);
  const config = file?.config ?? toConfigStrings(opts.baseConfig ?? {});
  for (const [k, v] of Object.entries(opts.config ?? {})) {
    const key = k.includes(":") ? k : `${PROJECT}:${k}`;
    if (v === undefined) delete config[key];
    else config[key] = typeof v === "string" ? v : JSON.stringify(v);
  }
  const cloud = new MockCloud({ region: config["aws:region"] ?? "us-east-1" });
  await pulumi.runtime.setMocks(cloud, PROJECT, opts.stack, opts.preview ?? false);
  cloud.attach(settings.getMonitor());
  pulumi.runtime.setAllConfig(config);

  let error: Error | undefined;
  let outputs: Record<string, unknown> = {};
  let secretOutputs: string[] = [];
  const rejections: Error[] = [];
  // A failed apply feeding a resource input (a check that needs an invoke's result, say) surfaces only
  // as an unhandled rejection while the registration waits forever: stop at the first one.
  let failed: (e: Error) => void = () => {};
  const failure = new Promise<never>((_, reject) => {
    failed = reject;
  });
  failure.catch(() => {});
  const onRejection = (e: unknown) => {
    const err = e instanceof Error ? e : new Error(String(e));
    rejections.push(err);
    failed(err);
  };
  process.on("unhandledRejection", onRejection);
  // With no engine to send them to, pulumi.log.warn writes `warning: [runtime] <msg>` with console.warn
  // (@pulumi/pulumi log/index.js). Keep those in the result; anything else still reaches stderr. This
  // sits below pulumi.log, so a test spying on pulumi.log.warn still sees every call.
  const warnings: string[] = [];
  const consoleWarn = console.warn;
  console.warn = (...args: unknown[]) => {
    const m = typeof args[0] === "string" ? /^warning: \[runtime\] ([\s\S]*)$/.exec(args[0]) : null;
    if (m && args.length === 1) warnings.push(m[1]);
    else consoleWarn(...args);
  };
  try {
    const program = opts.program ?? (await import("../infra/program")).main;
    const run = async () => {
      const out = program();
      await settings.waitForRPCs();
      ({ outputs, secretOutputs } = await resolveOutputs(out));
      await settings.waitForRPCs();
    };
    await Promise.race([run(), failure]);
  } catch (e) {
    error = e instanceof Error ? e : new Error(String(e));
  } finally {
    await new Promise((r) => setImmediate(r));
    process.off("unhandledRejection", onRejection);
    console.warn = consoleWarn;
  }
  if (!error && rejections.length > 0) error = rejections[0];
  return {
    stack: opts.stack,
    registrations: cloud.registrations,
    outputs,
    secretOutputs,
    error,
    cloud,
    config,
    ...(file ? { sources: file.sources } : {}),
    warnings,
  };
}

/** Registrations of one resource type. */
export const ofType = (r: RunResult | Registration[], type: string): Registration[] =>
  (Array.isArray(r) ? r : r.registrations).filter((x) => x.type === type);

/** The single registration of a type whose name ends with `suffix` (throws when not exactly one). */
export function one(r: RunResult | Registration[], type: string, suffix = ""): Registration {
  const found = ofType(r, type).filter((x) => x.name.endsWith(suffix));
  if (found.length !== 1) {
    throw new Error(
      `expected one ${type} named *${suffix}, found ${found.length}: ${found.map((f) => f.name).join(", ")}`,
    );
  }
  return found[0];
}
