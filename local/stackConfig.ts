/**
 * The config the twin mirrors: a stack file validated by the program's own parseConfig, so the twin
 * runs with exactly the values a deployment of that stack would get (Pulumi.yaml's defaults included).
 * The twin then feeds them through the stack's own mappings (postgresParameters, accessModel,
 * poolSettings), never a copy of the defaults.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { parse } from "yaml";
import { parseConfig } from "../infra/config/parse";
import { PROJECT } from "../spec/identifiers";
import type { PlatformConfig } from "../spec/keys";

const ROOT = path.resolve(__dirname, "..");

/** The stack the twin mirrors: prod, whose values are Pulumi.yaml's defaults plus its own choices. */
export const TWIN_STACK = "prod";

const cache = new Map<string, PlatformConfig>();

/**
 * `Pulumi.<stack>.yaml`, validated as the program validates it. Throws the program's ConfigError when
 * the file is invalid: a twin of a stack that cannot deploy would prove nothing.
 */
export function stackConfig(stack: string = TWIN_STACK, root: string = ROOT): PlatformConfig {
  const file = path.join(root, `Pulumi.${stack}.yaml`);
  const cached = cache.get(file);
  if (cached) return cached;
  const doc = (parse(readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
  const raw: Record<string, unknown> = {};
  const prefix = `${PROJECT}:`;
  for (const [k, v] of Object.entries(doc.config ?? {}))
    if (k.startsWith(prefix)) raw[k.slice(prefix.length)] = v;
  const region = doc.config?.["aws:region"];
  const cfg = parseConfig(raw, typeof region === "string" ? region : undefined, stack);
  cache.set(file, cfg);
  return cfg;
}
