/**
 * The repository's module structure: no import cycles anywhere, a policy pack that stands alone (the
 * engine runs policies/ with its own package.json and node_modules), and CLIs that production code never
 * depends on.
 */
import { readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { findRepoRoot } from "../../testing/repoRoot";
import { importCycles, importGraph } from "./importGraph";

const REPO_ROOT = findRepoRoot(__dirname);
const graph = importGraph(REPO_ROOT);
const importsOf = (prefix: string) =>
  graph.files
    .filter((f) => f.startsWith(prefix))
    .flatMap((f) => (graph.edges.get(f) ?? []).map((to) => ({ from: f, to })));

/** Production code: what `pulumi up`, the policy pack and the local twin run. */
const PRODUCTION = ["infra/", "components/", "spec/", "preflight/", "local/", "policies/"];

describe("the import graph", () => {
  it("reads the repository's own files and resolves every relative import", () => {
    // A scanner that read nothing would make every test below pass: pin a few edges we know exist.
    expect(graph.files).toContain("infra/program.ts");
    expect(graph.edges.get("infra/index.ts")).toEqual(["infra/program.ts"]);
    expect(graph.edges.get("policies/index.ts")).toContain("policies/roster.ts");
    expect(graph.files.some((f) => f.includes("node_modules"))).toBe(false);
    expect(graph.unresolved).toEqual([]);
  });

  it("finds a cycle when modules import each other, type-only imports included", () => {
    const edges = new Map([
      ["a.ts", ["b.ts"]],
      ["b.ts", ["c.ts"]],
      ["c.ts", ["a.ts", "d.ts"]],
      ["d.ts", []],
      ["e.ts", ["e.ts"]],
    ]);
    expect(importCycles(edges)).toEqual(
      [
        ["e.ts", "e.ts"],
        ["a.ts", "b.ts", "c.ts", "a.ts"],
      ].reverse(),
    );
  });

  it("has no import cycle among the repository's TypeScript files", () => {
    expect(importCycles(graph.edges)).toEqual([]);
  });
});

describe("the policy pack is self-contained", () => {
  const pkg = JSON.parse(readFileSync(path.join(REPO_ROOT, "policies/package.json"), "utf8")) as {
    dependencies: Record<string, string>;
  };
  const builtins = new Set(builtinModules);
  /** "@pulumi/policy/proxy" → "@pulumi/policy"; "node:fs" → "node:fs". */
  const packageName = (spec: string) =>
    spec.startsWith("@") ? spec.split("/").slice(0, 2).join("/") : spec.split("/")[0];

  it("imports no file outside policies/", () => {
    expect(importsOf("policies/").filter((e) => !e.to.startsWith("policies/"))).toEqual([]);
  });

  it("imports only packages its own package.json lists, and Node's built-ins", () => {
    const used = graph.files
      .filter((f) => f.startsWith("policies/"))
      .flatMap((f) => (graph.packages.get(f) ?? []).map((spec) => ({ file: f, spec })));
    expect(used.length).toBeGreaterThan(0);
    const foreign = used.filter(
      ({ spec }) =>
        !(packageName(spec) in pkg.dependencies) &&
        !spec.startsWith("node:") &&
        !builtins.has(packageName(spec)),
    );
    expect(foreign).toEqual([]);
  });
});

describe("tools/ holds CLIs only", () => {
  it.each(PRODUCTION)("nothing in %s imports from tools/", (dir) => {
    expect(importsOf(dir).filter((e) => e.to.startsWith("tools/"))).toEqual([]);
  });
});
