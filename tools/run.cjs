#!/usr/bin/env node
/**
 * Fast launcher for the offline plan (`npm run plan`), which newcomers and CI run on every change:
 *
 * 1. Our TypeScript is bundled once with esbuild into node_modules/.cache/verscienta/<entry>.cjs and
 *    rebuilt only when one of its source files changed (tsx would transpile and resolve every file on
 *    every run: about a third of the plan's CPU time).
 * 2. V8's code cache (v8-compile-cache) spares recompiling @pulumi/pulumi, @pulumi/aws and TypeScript.
 * 3. @npmcli/arborist, which @pulumi/pulumi loads eagerly for packaging lambda closures, is loaded only
 *    if something uses it (the plan never does).
 *
 * Usage: node tools/run.cjs tools/plan.ts [args...]
 */
"use strict";
const fs = require("node:fs");
const path = require("node:path");
const Module = require("node:module");

const root = path.resolve(__dirname, "..");
try {
  require("v8-compile-cache");
} catch {
  // Optional: without it the plan is only slower.
}

const load = Module._load;
Module._load = function lazyArborist(request, parent, isMain, ...rest) {
  if (request === "@npmcli/arborist") {
    let real;
    const get = () => {
      real ??= load.call(this, request, parent, isMain);
      return real;
    };
    return new Proxy(function arborist() {}, {
      get: (_t, k) => get()[k],
      has: (_t, k) => k in get(),
      construct: (_t, args) => new (get())(...args),
      apply: (_t, self, args) => get().apply(self, args),
    });
  }
  return load.call(this, request, parent, isMain, ...rest);
};

const entry = process.argv[2];
if (!entry?.endsWith(".ts")) {
  process.stderr.write("usage: node tools/run.cjs <entry.ts> [args...]\n");
  process.exit(2);
}
const outDir = path.join(root, "node_modules", ".cache", "verscienta");
const out = path.join(outDir, `${entry.replace(/[/\\]/g, "_").replace(/\.ts$/, "")}.cjs`);
const inputsFile = `${out}.inputs.json`;

function stale() {
  if (!fs.existsSync(out) || !fs.existsSync(inputsFile)) return true;
  const built = fs.statSync(out).mtimeMs;
  const inputs = JSON.parse(fs.readFileSync(inputsFile, "utf8"));
  return inputs.some((f) => {
    try {
      return fs.statSync(path.join(root, f)).mtimeMs > built;
    } catch {
      return true;
    }
  });
}

if (stale()) {
  const esbuild = require("esbuild");
  fs.mkdirSync(outDir, { recursive: true });
  const result = esbuild.buildSync({
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    packages: "external",
    outfile: out,
    metafile: true,
    logLevel: "warning",
  });
  const inputs = Object.keys(result.metafile.inputs).filter((f) => !f.includes("node_modules"));
  fs.writeFileSync(inputsFile, JSON.stringify(inputs));
}

process.argv.splice(1, 2, path.join(root, entry));
require(out);
