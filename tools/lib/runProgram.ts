/**
 * Runs the real Pulumi program in `infra/` under {@link MockCloud}, with a stack file's configuration,
 * the way `pulumi preview` would run it, and returns every registration and the stack outputs.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { parse as parseYaml } from "yaml";
import { PROJECT } from "../../infra/config";
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
}

/** The stack file's `config:` block with every value in the string form Pulumi passes on. */
export function stackConfig(stack: string, root = REPO_ROOT): Record<string, string> {
  const file = path.join(root, `Pulumi.${stack}.yaml`);
  const doc = parseYaml(readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null;
  return toConfigStrings(doc?.config ?? {});
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
  const config = opts.baseConfig ? toConfigStrings(opts.baseConfig) : stackConfig(opts.stack);
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
  try {
    const program = opts.program ?? (await import("../../infra/program")).main;
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
