/**
 * The only place that reads `pulumi.Config`: this project's keys and `aws:region`, validated once.
 */
import * as pulumi from "@pulumi/pulumi";
import { PROJECT } from "../../spec/identifiers";
import type { PlatformConfig } from "../../spec/keys";
import { parseConfig } from "./parse";

export function loadConfig(): PlatformConfig {
  const all = pulumi.runtime.allConfig();
  const raw: Record<string, unknown> = {};
  const prefix = `${PROJECT}:`;
  for (const [k, val] of Object.entries(all)) if (k.startsWith(prefix)) raw[k.slice(prefix.length)] = val;
  return parseConfig(raw, all["aws:region"], pulumi.getStack());
}
