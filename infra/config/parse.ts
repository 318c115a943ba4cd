/**
 * Validates raw config values (as Pulumi hands them over) against spec/keys.ts and resolves every
 * default. Pure: no Pulumi. `load.ts` reads the values; the local twin and the tools call this directly.
 */
import { configPreflight } from "../../preflight/catalog";
import type { ConfigView } from "../../preflight/types";
import { APP_POOL, DEFAULT_DR_REGIONS } from "../../spec/guide";
import { isProductionStack } from "../../spec/identifiers";
import {
  CONFIG_DEFAULTS,
  CONFIG_KEYS,
  type ConfigKey,
  type ConfigValues,
  type Environment,
  KEYS,
  OPTIONAL_KEYS,
  type PlatformConfig,
  prodRefusals,
  REMOVED_KEYS,
  relaxationsOf,
} from "../../spec/keys";
import { fromString } from "../../spec/schemas";
import { ConfigError, type ConfigProblem } from "./errors";
import { EARLY_RULES, RULES, type RuleContext } from "./rules";

/** The closest known key to a misspelt one (edit distance below 4), for "Did you mean ...?". */
function closest(key: string): string | undefined {
  const dist = (a: string, b: string): number => {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)] as number[]);
    for (let j = 1; j <= b.length; j++) d[0][j] = j;
    for (let i = 1; i <= a.length; i++)
      for (let j = 1; j <= b.length; j++)
        d[i][j] = Math.min(
          d[i - 1][j] + 1,
          d[i][j - 1] + 1,
          d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
        );
    return d[a.length][b.length];
  };
  let best: string | undefined;
  let bestD = 4;
  for (const k of CONFIG_KEYS) {
    const dd = dist(key.toLowerCase(), k.toLowerCase());
    if (dd < bestD) {
      best = k;
      bestD = dd;
    }
  }
  return best;
}

const isOptional = (key: string) => (OPTIONAL_KEYS as readonly string[]).includes(key);

/**
 * The environment a stack runs. The stack's name decides whether it is production: a production stack
 * is judged as prod whatever its file says, so `environment: dev` in Pulumi.prod.yaml cannot switch on
 * the dev relaxations. Unknown environments are judged strictly too.
 */
function environmentOf(raw: Readonly<Record<string, unknown>>, stack: string, add: Add): Environment {
  const result = KEYS.environment.schema.safeParse(raw.environment);
  if (raw.environment === undefined) add("environment", undefined, KEYS.environment.required!);
  else if (!result.success) add("environment", raw.environment, result.error.issues[0].message);
  const production = isProductionStack(stack);
  if (production && result.success && result.data !== "prod")
    add(
      "environment",
      result.data,
      `is refused for stack "${stack}": a production stack (named prod, production, prod-* or *-prod) always runs the prod profile, whatever its stack file says. Set "environment: prod".`,
    );
  return production ? "prod" : result.success ? result.data : "prod";
}

type Add = (key: string, value: unknown, message: string) => void;

/**
 * Each key's value, validated by its schema: the stack's value, else Pulumi.yaml's default (the CLI
 * applies those itself; mocks do not, so we do it here). A list with malformed items keeps its
 * well-formed ones, at their own indices, so the rules on each item still judge them in this run.
 */
function validateKeys(raw: Readonly<Record<string, unknown>>, add: Add) {
  const v: Record<string, unknown> = {};
  const partialLists: Partial<Record<ConfigKey, [number, string][]>> = {};
  for (const key of CONFIG_KEYS) {
    if (key === "environment") continue;
    const spec = KEYS[key] as { schema: { safeParse(x: unknown): ParseResult }; required?: string };
    let value = raw[key] ?? CONFIG_DEFAULTS[key];
    if (isOptional(key) && (value === "" || value === 0 || value === "0")) value = undefined;
    if (value === undefined) {
      if (!isOptional(key)) add(key, undefined, spec.required ?? "is required.");
      continue;
    }
    const result = spec.schema.safeParse(value);
    if (result.success) {
      v[key] = result.data;
      continue;
    }
    const parsed = fromString(value);
    for (const issue of result.error.issues) {
      const sub = issue.path.length ? `${key}[${issue.path.join(".")}]` : key;
      const shown = issue.path.length
        ? (parsed as Record<string, unknown>)?.[issue.path[0] as string]
        : parsed;
      add(sub, shown, issue.message);
    }
    if (Array.isArray(parsed) && result.error.issues.every((i) => i.path.length > 0)) {
      const bad = new Set(result.error.issues.map((i) => Number(i.path[0])));
      partialLists[key] = parsed.flatMap((item, i): [number, string][] =>
        !bad.has(i) && typeof item === "string" ? [[i, item]] : [],
      );
    }
  }
  return { v: v as Partial<ConfigValues>, partialLists };
}

type ParseResult =
  | { success: true; data: unknown }
  | { success: false; error: { issues: { path: PropertyKey[]; message: string }[] } };

/**
 * Validates raw config values (as Pulumi hands them over) for a stack and resolves every default.
 * Collects every problem and throws one {@link ConfigError} listing them all.
 */
export function parseConfig(
  raw: Readonly<Record<string, unknown>>,
  region: string | undefined,
  stack = "unknown",
): PlatformConfig {
  const problems: ConfigProblem[] = [];
  const add: Add = (key, value, message) => problems.push({ key, value, message });

  for (const key of Object.keys(raw))
    if (Object.hasOwn(REMOVED_KEYS, key)) add(key, fromString(raw[key]), REMOVED_KEYS[key]);
    else if (!(key in KEYS)) {
      const hint = closest(key);
      add(
        key,
        fromString(raw[key]),
        `is not a known config key.${hint ? ` Did you mean "${hint}"?` : ""} See README "Configuration".`,
      );
    }
  if (!region)
    add("aws:region", undefined, 'is required. Set it in the stack file, e.g. "aws:region: us-east-1".');

  const env = environmentOf(raw, stack, add);
  const { v, partialLists } = validateKeys(raw, add);
  const drRegion = v.drRegion ?? (region ? DEFAULT_DR_REGIONS[region] : undefined);
  const ctx: RuleContext = {
    v,
    env,
    region,
    drRegion,
    add,
    itemsOf: (key) => {
      const whole = v[key];
      return Array.isArray(whole) ? [...(whole as string[]).entries()] : (partialLists[key] ?? []);
    },
  };

  for (const rule of EARLY_RULES) rule(ctx);
  if (env === "prod") for (const p of prodRefusals(v)) add(p.key, p.value, p.message);
  for (const rule of RULES) rule(ctx);
  // AWS acceptance preflight: combinations AWS rejects or that cannot work, each citing its source.
  for (const p of configPreflight({ ...v, environment: env, region } as ConfigView)) problems.push(p);

  if (problems.length > 0) throw new ConfigError(stack, problems);

  // Every key is now validated (or optional and unset): v holds ConfigValues.
  const values = v as ConfigValues;
  return {
    ...values,
    environment: env,
    region: region!,
    engineMajor: Number(values.engineVersion.split(".")[0]),
    drRegion: drRegion ?? "",
    appPool: APP_POOL[env],
    relaxations: env === "prod" ? [] : relaxationsOf(values),
  };
}
