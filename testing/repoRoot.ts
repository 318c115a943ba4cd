import { existsSync } from "node:fs";
import * as path from "node:path";

/**
 * The repository root: the nearest folder above `from` holding Pulumi.yaml. Works from the sources and
 * from the bundles `tools/run.cjs` writes under node_modules/.cache.
 */
export function findRepoRoot(from: string = __dirname): string {
  let dir = path.resolve(from);
  for (;;) {
    if (existsSync(path.join(dir, "Pulumi.yaml")) && existsSync(path.join(dir, "package.json"))) return dir;
    const up = path.dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
}
