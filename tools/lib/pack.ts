/** The policy pack's identity and its policy config files, as the tools need them. */
import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { findRepoRoot } from "../../testing/repoRoot";
import { UsageError } from "./cli";
import { describe, isObject, parseJson, readText } from "./json";

export const REPO_ROOT = findRepoRoot(__dirname);

/** The name `policies/index.ts` gives the PolicyPack (what the engine reports as policyPackName). */
export { PACK_NAME } from "../../policies/lib/pack";

/** The pack's version from `policies/package.json`, or undefined when it cannot be read. */
export function packVersion(root = REPO_ROOT): string | undefined {
  try {
    const pkg = JSON.parse(readFileSync(path.join(root, "policies/package.json"), "utf8")) as {
      version?: unknown;
    };
    return typeof pkg.version === "string" ? pkg.version : undefined;
  } catch {
    return undefined;
  }
}

export const DEV_POLICY_CONFIG = "policies/dev-policy-config.json";

export type PolicyConfig = Record<string, Record<string, unknown>>;

/**
 * Reads a policy config file (`pulumi preview --policy-pack-config`): `{ "<rule>": "advisory" }` or
 * `{ "<rule>": { "enforcementLevel": "advisory", ...params } }`. Bare levels become objects.
 */
export function readPolicyConfig(file: string): PolicyConfig {
  const doc = parseJson(
    readText(file),
    file,
    'a policy config object: { "<rule>": "advisory" | { enforcementLevel, ... } }',
  );
  if (!isObject(doc))
    throw new UsageError(`${file}: found ${describe(doc)}; expected an object keyed by rule name`);
  const out: PolicyConfig = {};
  for (const [k, v] of Object.entries(doc)) {
    if (typeof v === "string") out[k] = { enforcementLevel: v };
    else if (isObject(v)) out[k] = v;
    else
      throw new UsageError(`${file}: "${k}" is ${describe(v)}; expected an enforcement level or an object`);
  }
  return out;
}

/** The policy config a stack runs with: dev relaxes cost-only rules; prod uses the pack's levels. */
export function policyConfigFor(environment: string, root = REPO_ROOT): PolicyConfig | undefined {
  return environment === "dev" ? readPolicyConfig(path.join(root, DEV_POLICY_CONFIG)) : undefined;
}

/**
 * The commit being checked: GITHUB_SHA in Actions, else `git rev-parse HEAD` with a `-dirty` suffix
 * when tracked files have uncommitted changes; undefined outside a repository.
 */
export function gitCommit(root = REPO_ROOT, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (env.GITHUB_SHA) return env.GITHUB_SHA;
  const git = (...args: string[]) =>
    execFileSync("git", args, { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  try {
    const head = git("rev-parse", "HEAD");
    const dirty = git("status", "--porcelain", "--untracked-files=no") !== "";
    return dirty ? `${head}-dirty` : head;
  } catch {
    return undefined;
  }
}
