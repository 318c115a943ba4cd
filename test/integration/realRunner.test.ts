/**
 * The program under the SDK's own runner, started exactly as `pulumi up` starts it (see
 * testing/engine/languageHost.ts): `node @pulumi/pulumi/cmd/run` with the CLI's argv, working directory
 * and environment, TypeScript compiled and type-checked by the SDK's ts-node with the project's
 * tsconfig.json, against a stand-in engine on 127.0.0.1. Mocked runs (`setMocks`) skip all of that: a
 * layout or compiler problem that breaks every `pulumi preview` (pulumi/pulumi#10022) passes them.
 *
 * Both stacks run in parallel (about a minute on 2 cores: ts-node type-checks the whole program).
 */
import { isDeepStrictEqual } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { cliConfig, programLocation, readProject, runtimeOptions } from "../../testing/engine/cliProject";
import { type LanguageHostRun, runLikeLanguageHost } from "../../testing/engine/languageHost";
import type { Registration } from "../../testing/mockCloud";
import { REPO_ROOT, type RunResult, runStack } from "../../testing/runProgram";

const STACKS = ["dev", "prod"] as const;
const PROJECT = readProject(REPO_ROOT).name;

const real: Record<string, LanguageHostRun> = {};
const offline: Record<string, RunResult> = {};

beforeAll(async () => {
  const runs = await Promise.all(STACKS.map((stack) => runLikeLanguageHost({ root: REPO_ROOT, stack })));
  for (const r of runs) real[r.config[`${PROJECT}:environment`]] = r;
  // The offline plan with the very config the CLI handed over: setMocks does not apply Pulumi.yaml
  // defaults, so both sides get the merged config.
  for (const stack of STACKS) {
    const o = await runStack({ stack, baseConfig: real[stack].config });
    if (o.error) throw o.error;
    offline[stack] = o;
  }
}, 240_000);

const describeRun = (r: LanguageHostRun) =>
  [
    `exit ${r.exitCode}${r.signal ? ` (${r.signal})` : ""}`,
    ...r.engine.logs.filter((l) => l.severity === "error").map((l) => `engine log error: ${l.message}`),
    r.stderr && `stderr:\n${r.stderr}`,
  ]
    .filter(Boolean)
    .join("\n");

const key = (r: { type: string; name: string }) => `${r.type}::${r.name}`;
/** The stack resource is the runner's, not the program's: the offline plan has none. */
const programResources = (regs: readonly Registration[]) =>
  regs.filter((r) => r.type !== "pulumi:pulumi:Stack");

describe("the project layout the language host sees", () => {
  it("runs the program from the project root, where tsconfig.json is, with package.json's main", () => {
    const project = readProject(REPO_ROOT);
    expect(project.main).toBeUndefined();
    expect(programLocation(REPO_ROOT, project.main)).toEqual({ pwd: REPO_ROOT, main: "." });
    expect(runtimeOptions(project)).toEqual({ typescript: true, tsconfig: "tsconfig.json", nodeargs: [] });
  });

  it("refuses a stack that lacks a required key, as the CLI does", () => {
    expect(() =>
      cliConfig(REPO_ROOT, "dev", { ...readProject(REPO_ROOT), config: { extra: { type: "string" } } }),
    ).toThrow("Stack 'dev' is missing configuration value 'extra'");
  });
});

describe.each(STACKS)("stack %s under @pulumi/pulumi/cmd/run", (stack) => {
  it("starts as the language host does: argv, working directory, TypeScript env", () => {
    const r = real[stack];
    expect(r.argv[0]).toBe(require.resolve("@pulumi/pulumi/cmd/run"));
    const flag = (f: string) => r.argv[r.argv.indexOf(f) + 1];
    expect(flag("--pwd")).toBe(REPO_ROOT);
    expect(flag("--root-directory")).toBe(REPO_ROOT);
    expect(flag("--stack")).toBe(stack);
    expect(flag("--project")).toBe(PROJECT);
    expect(r.argv.at(-1)).toBe(".");
    expect(r.env.PULUMI_NODEJS_TYPESCRIPT).toBe("true");
    expect(r.env.PULUMI_NODEJS_TSCONFIG_PATH).toBe("tsconfig.json");
    expect(r.env.PULUMI_NODEJS_TRANSPILE_ONLY).toBeUndefined();
    const config = JSON.parse(r.env.PULUMI_CONFIG) as Record<string, string>;
    expect(config[`${PROJECT}:config:environment`]).toBe(stack);
    // A Pulumi.yaml default the stack file does not restate reaches the program as the CLI merges it.
    expect(config[`${PROJECT}:config:caCertIdentifier`]).toBe("rds-ca-rsa2048-g1");
  });

  it("compiles, type-checks and exits 0 with no error logged to the engine", () => {
    const r = real[stack];
    expect(describeRun(r)).toBe("exit 0");
    expect(r.engine.errors).toEqual([]);
    expect(r.stderr).not.toMatch(/TSError|error TS\d+/);
    expect(r.engine.unimplemented).toEqual([]);
    expect(r.engine.shutdownSignalled).toBe(true);
  });

  it("registers the root stack and parents the program's resources to it", () => {
    const r = real[stack];
    expect(r.engine.rootUrn).toBe(
      `urn:pulumi:${stack}::${PROJECT}::pulumi:pulumi:Stack::${PROJECT}-${stack}`,
    );
    const stacks = r.engine.registrations.filter((x) => x.type === "pulumi:pulumi:Stack");
    expect(stacks.map((x) => x.urn)).toEqual([r.engine.rootUrn]);
    const topLevel = programResources(r.engine.registrations).filter((x) => x.parent === r.engine.rootUrn);
    expect(topLevel.length).toBeGreaterThan(0);
    expect(programResources(r.engine.registrations).filter((x) => !x.parent)).toEqual([]);
  });

  it("registers the same resources (type and name) as the offline plan", () => {
    const a = programResources(real[stack].engine.registrations).map(key).sort();
    const b = offline[stack].registrations.map(key).sort();
    expect(a.length).toBeGreaterThan(100);
    expect(a).toEqual(b);
  });

  it("gives every resource the same inputs, options and parent as the offline plan", () => {
    const byKey = new Map(offline[stack].registrations.map((x) => [key(x), x]));
    const realByUrn = new Map(real[stack].engine.registrations.map((x) => [x.urn, x]));
    const offByUrn = new Map(offline[stack].registrations.map((x) => [x.urn, x]));
    const parentKey = (p: string | undefined, m: Map<string, Registration>) => {
      const x = p ? m.get(p) : undefined;
      return x && x.type !== "pulumi:pulumi:Stack" ? key(x) : undefined;
    };
    const diffs: string[] = [];
    for (const x of programResources(real[stack].engine.registrations)) {
      const y = byKey.get(key(x));
      if (!y) continue;
      // A dynamic provider's serialized closure is compiled code: ts-node and tsx emit different text.
      const strip = (r: Registration) =>
        r.type === "pulumi-nodejs:dynamic:Resource"
          ? { ...r.inputs, __provider: typeof r.inputs.__provider }
          : r.inputs;
      if (!isDeepStrictEqual(strip(x), strip(y))) diffs.push(`${key(x)}: inputs differ`);
      for (const f of [
        "custom",
        "protect",
        "retainOnDelete",
        "deleteBeforeReplace",
        "secretInputs",
        "additionalSecretOutputs",
        "ignoreChanges",
        "region",
      ] as const) {
        if (!isDeepStrictEqual(x[f], y[f]))
          diffs.push(`${key(x)}: ${f} ${JSON.stringify(x[f])} vs ${JSON.stringify(y[f])}`);
      }
      if (parentKey(x.parent, realByUrn) !== parentKey(y.parent, offByUrn))
        diffs.push(`${key(x)}: parent differs`);
    }
    expect(diffs).toEqual([]);
  });

  it("serializes the dynamic providers' code under the real runner (closure serialization works)", () => {
    const dyn = programResources(real[stack].engine.registrations).filter(
      (x) => x.type === "pulumi-nodejs:dynamic:Resource",
    );
    for (const d of dyn) expect(String(d.inputs.__provider)).toMatch(/^exports\.handler = /);
  });

  it("exports the same stack outputs, secret where the offline plan says secret", () => {
    const r = real[stack];
    const wire = r.engine.outputs.get(r.engine.rootUrn) ?? {};
    const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
    const isSecret = (v: unknown) =>
      typeof v === "object" &&
      v !== null &&
      (v as Record<string, unknown>)["4dabf18193072939515e22adb298388d"] === SECRET_SIG;
    expect(Object.keys(wire).sort()).toEqual(Object.keys(offline[stack].outputs).sort());
    expect(
      Object.entries(wire)
        .filter(([, v]) => isSecret(v))
        .map(([k]) => k)
        .sort(),
    ).toEqual([...offline[stack].secretOutputs].sort());
  });

  it("logs exactly the relaxation warnings the offline plan's config implies", () => {
    const warnings = real[stack].engine.logs.filter((l) => l.severity === "warning").map((l) => l.message);
    if (stack === "prod") expect(warnings).toEqual([]);
    else {
      expect(warnings.length).toBeGreaterThan(0);
      for (const w of warnings) expect(w).toMatch(/^dev relaxation in effect: .*weakens HIPAA/);
    }
  });
});
