/**
 * Starts the Pulumi program the way the CLI's Node.js language host (pulumi-language-nodejs v3.248.0,
 * sdk/nodejs/cmd/pulumi-language-nodejs/main.go `Run`, `execRuntime`, `constructArguments`) does, against
 * a {@link StandInEngine}:
 *
 *   node [nodeargs] <require.resolve("@pulumi/pulumi/cmd/run") from the program dir>
 *     --monitor <addr> --engine <addr> --organization <org> --project <name> --root-directory <root>
 *     --stack <stack> --pwd <program dir> [--dry-run] --parallel <4 × CPUs> <entry point>
 *
 * with the host's environment plus PULUMI_CONFIG, PULUMI_CONFIG_SECRET_KEYS, PULUMI_NODEJS_TYPESCRIPT
 * and PULUMI_NODEJS_TSCONFIG_PATH. The SDK's own `cmd/run` then does the rest: `--pwd`, tsconfig
 * lookup, ts-node registration (type checking on), package.json `main`, the root stack resource.
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import * as path from "node:path";
import { MockCloud } from "../mockCloud";
import { cliConfig, programLocation, pulumiConfigEnv, readProject, runtimeOptions } from "./cliProject";
import { StandInEngine } from "./standInEngine";

export interface LanguageHostRunOptions {
  /** Project root: the folder holding Pulumi.yaml. */
  readonly root: string;
  readonly stack: string;
  /** `pulumi preview` passes --dry-run; `pulumi up` runs the program again without it. @default false */
  readonly dryRun?: boolean;
  /** The CLI's organization (`organization` on a self-managed backend). */
  readonly organization?: string;
  /** Kill the program after this long. @default 170_000 */
  readonly timeoutMs?: number;
}

export interface LanguageHostRun {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly engine: StandInEngine;
  /** The config the engine handed over (`namespace:key` → string). */
  readonly config: Record<string, string>;
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly env: Readonly<Record<string, string>>;
}

/** `locateModule`: `node -e "console.log(require.resolve(mod))"` run in the program directory. */
export function locateModule(mod: string, programDir: string): string {
  const r = spawnSync(process.execPath, ["-e", `console.log(require.resolve(${JSON.stringify(mod)}))`], {
    cwd: programDir,
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`cannot resolve ${mod} from ${programDir}: ${r.stderr}`);
  return r.stdout.trim();
}

/**
 * The environment the CLI would inherit from a plain shell: ours minus what the test runner adds
 * (vitest's markers and loaders) and minus any PULUMI_* left over, which the host would not set.
 */
export function baseEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (v === undefined) continue;
    if (/^(PULUMI_|VITEST|TS_NODE_)/.test(k) || k === "NODE_OPTIONS" || k === "NODE_ENV") continue;
    env[k] = v;
  }
  return env;
}

export async function runLikeLanguageHost(opts: LanguageHostRunOptions): Promise<LanguageHostRun> {
  const project = readProject(opts.root);
  const { pwd, main } = programLocation(opts.root, project.main);
  const options = runtimeOptions(project);
  const config = cliConfig(opts.root, opts.stack, project);
  const engine = await new StandInEngine({
    project: project.name,
    stack: opts.stack,
    cloud: new MockCloud({ region: config["aws:region"] ?? "us-east-1" }),
  }).start();

  const runPath = locateModule("@pulumi/pulumi/cmd/run", pwd);
  const argv = [
    ...options.nodeargs,
    runPath,
    "--monitor",
    engine.monitorAddress,
    "--engine",
    engine.engineAddress,
    "--organization",
    opts.organization ?? "organization",
    "--project",
    project.name,
    "--root-directory",
    opts.root,
    "--stack",
    opts.stack,
    "--pwd",
    pwd,
    ...(opts.dryRun ? ["--dry-run"] : []),
    // pkg/cmd/pulumi/operations/up.go `defaultParallel`: 4 × GOMAXPROCS.
    "--parallel",
    String(availableParallelism() * 4),
    main,
  ];
  // ts-node keeps compiled files in a cache under the OS temp dir and skips type checking for a file it
  // finds there, even when a file it imports has changed: a fresh cache makes every run check everything,
  // as on a fresh CI machine. This is the only variable the CLI would not set.
  const tsNodeCache = mkdtempSync(path.join(tmpdir(), "ts-node-cache-"));
  const env: Record<string, string> = {
    ...baseEnv(),
    PULUMI_CONFIG: pulumiConfigEnv(config),
    PULUMI_CONFIG_SECRET_KEYS: "[]",
    ...(options.typescript ? { PULUMI_NODEJS_TYPESCRIPT: "true" } : {}),
    ...(options.tsconfig ? { PULUMI_NODEJS_TSCONFIG_PATH: options.tsconfig } : {}),
    TS_NODE_CACHE_DIRECTORY: tsNodeCache,
  };

  try {
    // The host starts node without setting a working directory: it inherits the CLI's, the project
    // root when `pulumi` runs there; `--pwd` then moves it to the program directory.
    const child = spawn(process.execPath, argv, { cwd: opts.root, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), opts.timeoutMs ?? 170_000);
    const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(
      (resolve, reject) => {
        child.on("error", reject);
        child.on("close", (code, sig) => resolve([code, sig]));
      },
    ).finally(() => clearTimeout(timer));
    return { exitCode, signal, stdout, stderr, engine, config, argv, cwd: opts.root, env };
  } finally {
    await engine.stop();
    rmSync(tsNodeCache, { recursive: true, force: true });
  }
}
