import Module from "node:module";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { dbopsBundle, resetDbopsBundleCache } from "../../../components/postgres/dbopsBundle";
import { REPO_ROOT } from "../../../testing/runProgram";

/** Loads the bundle as Lambda would (`require("index.js")`), from a folder with no node_modules. */
function loadBundle(code: string): Record<string, unknown> {
  const dir = tmpdir();
  const m = new Module(path.join(dir, "index.js"));
  m.filename = path.join(dir, "index.js");
  m.paths = [];
  (m as unknown as { _compile(code: string, file: string): void })._compile(code, m.filename);
  return m.exports as Record<string, unknown>;
}

describe("the database operations function's bundle", () => {
  it("is byte-identical when built twice from the same sources (the Invocation re-runs only on a real change)", () => {
    const first = dbopsBundle();
    resetDbopsBundleCache();
    const second = dbopsBundle();
    expect(second.code).toBe(first.code);
    expect(second.sha256).toBe(first.sha256);
    expect(first.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it("is built once per process", () => {
    expect(dbopsBundle()).toBe(dbopsBundle());
  });

  it("exports handler, with pg and the Secrets Manager client inside it (nothing to install in Lambda)", () => {
    const exports = loadBundle(dbopsBundle().code);
    expect(typeof exports.handler).toBe("function");
  });

  it("holds no absolute path of the machine that built it, and no source map", () => {
    const { code } = dbopsBundle();
    expect(code).not.toContain(REPO_ROOT);
    expect(code).not.toContain("sourceMappingURL");
  });

  it("leaves out only pg's optional native binding", () => {
    const { code } = dbopsBundle();
    // "@aws-sdk/signature-v4-crt" appears only inside an error message (SigV4a, never used here).
    const required = [...code.matchAll(/\brequire\("([^"]+)"\);?(?!\]| or)/g)]
      .filter((m) => !code.slice(m.index - 1, m.index).match(/\[/))
      .map((m) => m[1]);
    const nonBuiltin = required.filter((r) => !r.startsWith("node:") && !Module.builtinModules.includes(r));
    expect([...new Set(nonBuiltin)]).toEqual(["pg-native"]);
  });
});
