/**
 * What the Pulumi CLI (v3.248.0, the version our SDK pins) derives from Pulumi.yaml and a stack file
 * before it starts the Node.js language host, reproduced from its sources so a test can start
 * `@pulumi/pulumi/cmd/run` exactly as `pulumi preview`/`pulumi up` would:
 *
 * - the program directory and entry point from `main` (pkg/engine/project.go `getPwdMain`);
 * - the runtime options (`typescript`, `tsconfig`, `nodeargs`) the language host turns into env vars
 *   (sdk/nodejs/cmd/pulumi-language-nodejs/main.go `parseOptions`, `execRuntime`);
 * - the stack config merged with the project's `config:` defaults, required keys and type checks
 *   (sdk/go/common/workspace/config.go `mergeConfig`, project.go `ValidateConfigValue`).
 */
import { existsSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { parse as parseYaml } from "yaml";

export interface ProjectConfigType {
  readonly type?: "string" | "integer" | "boolean" | "array" | "object";
  readonly description?: string;
  readonly default?: unknown;
  readonly value?: unknown;
  readonly secret?: boolean;
  readonly items?: { readonly type: string };
}

export interface PulumiProject {
  readonly name: string;
  /** `runtime: nodejs` or `runtime: { name: nodejs, options: {...} }`. */
  readonly runtime: string | { readonly name: string; readonly options?: Record<string, unknown> };
  readonly main?: string;
  readonly config?: Readonly<Record<string, ProjectConfigType>>;
}

export function readProject(root: string): PulumiProject {
  const doc = parseYaml(readFileSync(path.join(root, "Pulumi.yaml"), "utf8")) as PulumiProject;
  if (!doc?.name) throw new Error(`${path.join(root, "Pulumi.yaml")}: no project name.`);
  return doc;
}

/** `getPwdMain`: the directory the program runs in and the entry point passed to `cmd/run`. */
export function programLocation(root: string, main: string | undefined): { pwd: string; main: string } {
  if (!main) return { pwd: root, main: "." };
  const abs = path.isAbsolute(main) ? main : path.join(path.resolve(root), main);
  if (!existsSync(abs)) throw new Error(`project 'main' could not be read: ${abs} does not exist`);
  return statSync(abs).isDirectory()
    ? { pwd: abs, main: "." }
    : { pwd: path.dirname(abs), main: path.basename(abs) };
}

export interface NodeOptions {
  readonly typescript: boolean;
  readonly tsconfig?: string;
  readonly nodeargs: readonly string[];
}

/** `parseOptions` for the `nodejs` runtime (typescript defaults to true). */
export function runtimeOptions(project: PulumiProject): NodeOptions {
  const rt = project.runtime;
  const name = typeof rt === "string" ? rt : rt.name;
  if (name !== "nodejs") throw new Error(`Pulumi.yaml runtime ${JSON.stringify(name)}: expected nodejs.`);
  const o = typeof rt === "string" ? {} : (rt.options ?? {});
  if (o.typescript !== undefined && typeof o.typescript !== "boolean")
    throw new Error("typescript option must be a boolean");
  if (o.tsconfig !== undefined && typeof o.tsconfig !== "string")
    throw new Error("tsconfigpath option must be a string");
  if (o.nodeargs !== undefined && typeof o.nodeargs !== "string")
    throw new Error("nodeargs option must be a string");
  const nodeargs = typeof o.nodeargs === "string" ? o.nodeargs : "";
  // The host splits nodeargs with shlex; quoting is not reproduced here, so refuse it rather than guess.
  if (/["'\\]/.test(nodeargs))
    throw new Error(`runtime.options.nodeargs ${nodeargs}: quoting is not supported.`);
  return {
    typescript: o.typescript !== false,
    ...(typeof o.tsconfig === "string" && o.tsconfig !== "" ? { tsconfig: o.tsconfig } : {}),
    nodeargs: nodeargs.split(/\s+/).filter((a) => a !== ""),
  };
}

/** Go's `%v` of a YAML scalar, or compact JSON with sorted keys for arrays and objects. */
function configString(v: unknown): string {
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(sortKeys(v));
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === "object")
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
    );
  return v;
}

/** `ValidateConfigValue` for the types this project declares. */
function validType(t: ProjectConfigType, raw: unknown): boolean {
  switch (t.type) {
    case "string":
      return typeof raw === "string";
    case "integer":
      return (
        (typeof raw === "number" && Number.isInteger(raw)) ||
        (typeof raw === "string" && /^[+-]?\d+$/.test(raw))
      );
    case "boolean":
      return typeof raw === "boolean" || raw === "true" || raw === "false";
    case "object":
      return raw !== null && typeof raw === "object" && !Array.isArray(raw);
    case "array":
      return (
        Array.isArray(raw) &&
        (t.items === undefined ||
          raw.every((x) => validType({ type: t.items?.type } as ProjectConfigType, x)))
      );
    default:
      return true;
  }
}

/**
 * The config the engine hands the language host for `stack`: the stack file's values, plus the project's
 * `default:` (or `value:`) for every key the stack does not set; keys `namespace:name`, values as strings.
 * Fails like the CLI does on missing required keys, on a wrongly typed value and on any secure value
 * (this project has none; the test engine has no secrets provider).
 */
export function cliConfig(root: string, stack: string, project = readProject(root)): Record<string, string> {
  const file = path.join(root, `Pulumi.${stack}.yaml`);
  const doc = parseYaml(readFileSync(file, "utf8")) as { config?: Record<string, unknown> } | null;
  const out: Record<string, string> = {};
  const raw: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(doc?.config ?? {})) {
    if (!k.includes(":"))
      throw new Error(`${file}: config key ${k} must be namespaced, e.g. ${project.name}:${k}.`);
    if (v && typeof v === "object" && "secure" in v)
      throw new Error(`${file}: ${k} is a secure value; the test engine has no secrets provider.`);
    if (v === null || v === undefined) continue;
    raw[k] = v;
    out[k] = configString(v);
  }
  const missing: string[] = [];
  const declared = project.config ?? {};
  for (const name of Object.keys(declared).sort()) {
    const t = declared[name];
    const key = name.includes(":") ? name : `${project.name}:${name}`;
    if (key in out) {
      if (t.type && !validType(t, raw[key]))
        throw new Error(
          `Stack '${stack}' with configuration key '${name}' must be of type '${t.type === "array" && t.items ? `array<${t.items.type}>` : t.type}'`,
        );
      continue;
    }
    const def = t.default !== undefined ? t.default : t.value;
    if (def !== undefined) out[key] = configString(def);
    else if (key.startsWith(`${project.name}:`)) missing.push(name);
  }
  if (missing.length > 0) {
    const quoted = missing.map((m) => `'${m}'`);
    const list =
      quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(", ")} and ${quoted[quoted.length - 1]}`;
    throw new Error(
      `Stack '${stack}' is missing configuration value${missing.length > 1 ? "s" : ""} ${list}`,
    );
  }
  return out;
}

/** `constructConfig`: the PULUMI_CONFIG the host sets, keys in the legacy `namespace:config:name` form. */
export function pulumiConfigEnv(config: Readonly<Record<string, string>>): string {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(config)) {
    const i = k.indexOf(":");
    out[`${k.slice(0, i)}:config:${k.slice(i + 1)}`] = v;
  }
  return JSON.stringify(out);
}
