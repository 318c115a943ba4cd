/**
 * The repository's TypeScript import graph, read with the compiler's own import scanner
 * (`ts.preProcessFile`): static imports (type-only ones too: a type cycle still ties the modules'
 * designs together), `export ... from`, `require("...")` and literal `import("...")`. Only relative
 * specifiers become edges; package imports are kept apart so a test can say which packages a folder uses.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import ts from "typescript";

/** Folders that hold no source of ours. */
const SKIP = new Set(["node_modules", "bin", ".git", "artifacts", ".local"]);

export interface ImportGraph {
  /** Repository-relative paths (forward slashes) of every .ts file. */
  readonly files: readonly string[];
  /** file → the repository files it imports (relative specifiers, resolved). */
  readonly edges: ReadonlyMap<string, readonly string[]>;
  /** file → the package specifiers it imports ("@pulumi/aws", "node:fs", "@pulumi/policy/proxy"). */
  readonly packages: ReadonlyMap<string, readonly string[]>;
  /** Relative specifiers that resolve to no file: `file: specifier`. */
  readonly unresolved: readonly string[];
}

function listTs(root: string, dir = ""): string[] {
  return readdirSync(path.join(root, dir)).flatMap((entry) => {
    if (SKIP.has(entry)) return [];
    const rel = dir ? `${dir}/${entry}` : entry;
    if (statSync(path.join(root, rel)).isDirectory()) return listTs(root, rel);
    return /\.ts$/.test(entry) && !entry.endsWith(".d.ts") ? [rel] : [];
  });
}

/** How Node and ts resolve a relative specifier here (commonjs): as is, .ts, .json, or the folder's index. */
function resolveRelative(root: string, from: string, spec: string): string | undefined {
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
  for (const candidate of [base, `${base}.ts`, `${base}/index.ts`]) {
    const abs = path.join(root, candidate);
    if (existsSync(abs) && statSync(abs).isFile()) return candidate;
  }
  return undefined;
}

export function importGraph(root: string): ImportGraph {
  const files = listTs(root).sort();
  const edges = new Map<string, string[]>();
  const packages = new Map<string, string[]>();
  const unresolved: string[] = [];
  for (const file of files) {
    const { importedFiles } = ts.preProcessFile(readFileSync(path.join(root, file), "utf8"), true, true);
    const local: string[] = [];
    const pkgs: string[] = [];
    for (const { fileName: spec } of importedFiles) {
      if (!spec.startsWith(".")) {
        pkgs.push(spec);
        continue;
      }
      const target = resolveRelative(root, file, spec);
      if (target === undefined) unresolved.push(`${file}: ${spec}`);
      else if (!local.includes(target)) local.push(target);
    }
    edges.set(file, local);
    packages.set(file, pkgs);
  }
  return { files, edges, packages, unresolved };
}

/**
 * Every import cycle, one per strongly connected component (Tarjan), each shown as a path that starts
 * and ends at the same file, e.g. ["infra/program.ts", "infra/access.ts", "infra/program.ts"].
 */
export function importCycles(edges: ReadonlyMap<string, readonly string[]>): string[][] {
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const visit = (v: string) => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop();
        if (w === undefined) break;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      const selfLoop = (edges.get(v) ?? []).includes(v);
      if (component.length > 1 || selfLoop) components.push(component);
    }
  };
  for (const v of [...edges.keys()].sort()) if (!index.has(v)) visit(v);
  return components.map((c) => cyclePath(new Set(c), edges));
}

/** One concrete cycle through a strongly connected component, from its first file in sort order. */
function cyclePath(members: ReadonlySet<string>, edges: ReadonlyMap<string, readonly string[]>): string[] {
  const start = [...members].sort()[0];
  // Breadth-first from start back to start, staying inside the component: the shortest cycle through it.
  const previous = new Map<string, string>();
  const queue = [start];
  while (queue.length > 0) {
    const v = queue.shift() as string;
    for (const w of edges.get(v) ?? []) {
      if (!members.has(w)) continue;
      if (w === start) {
        const back = [v];
        for (let at = previous.get(v); at !== undefined; at = previous.get(at)) back.push(at);
        return [...back.reverse(), start];
      }
      if (!previous.has(w) && w !== start) {
        previous.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start, start];
}
