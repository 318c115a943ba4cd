/**
 * The HIPAA policy pack as `pulumi preview --policy-pack policies` runs it (see
 * testing/engine/policyAnalyzer.ts): `node @pulumi/pulumi/cmd/run-policy-pack <engine> <dir>` in
 * policies/, compiled and type-checked by the SDK's ts-node with policies/tsconfig.json, its gRPC port
 * read from stdout, then GetAnalyzerInfo, Configure, Analyze per resource and AnalyzeStack over the
 * offline plan's resources. Its verdicts (policy, resource URN, level) must equal the in-process
 * harness's (policies/lib/harness.ts), which every other policy test relies on.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { toPolicy } from "../../policies/lib/adapter";
import { analyzeResource, analyzeStack, type PackConfig } from "../../policies/lib/harness";
import { PACK_NAME, PACK_VERSION } from "../../policies/lib/pack";
import { RULES } from "../../policies/roster";
import { cliConfig, readProject } from "../../testing/engine/cliProject";
import { locateModule } from "../../testing/engine/languageHost";
import { PolicyPackProcess, type Verdict } from "../../testing/engine/policyAnalyzer";
import { StandInEngine } from "../../testing/engine/standInEngine";
import { MockCloud } from "../../testing/mockCloud";
import { REPO_ROOT, type RunResult, runStack } from "../../testing/runProgram";

const PACK_DIR = path.join(REPO_ROOT, "policies");
const PROJECT = readProject(REPO_ROOT).name;
const DEV_POLICY_CONFIG = JSON.parse(
  readFileSync(path.join(PACK_DIR, "dev-policy-config.json"), "utf8"),
) as Record<string, string | Record<string, unknown>>;
/** dev deploys with dev-policy-config.json (.github/workflows/main.yml); prod with none. */
const POLICY_CONFIG: Record<string, typeof DEV_POLICY_CONFIG | undefined> = {
  dev: DEV_POLICY_CONFIG,
  prod: undefined,
};
const STACKS = ["dev", "prod"] as const;

interface StackRun {
  plan: RunResult;
  pack: PolicyPackProcess;
  engine: StandInEngine;
  real: Verdict[];
}
const runs: Partial<Record<(typeof STACKS)[number], StackRun>> = {};

beforeAll(async () => {
  await Promise.all(
    STACKS.map(async (stack) => {
      const config = cliConfig(REPO_ROOT, stack);
      const engine = await new StandInEngine({
        project: PROJECT,
        stack,
        cloud: new MockCloud({ region: "us-east-1" }),
      }).start();
      const pack = await PolicyPackProcess.start(PACK_DIR, engine.engineAddress, {
        organization: "organization",
        project: PROJECT,
        stack,
        dryRun: true,
        config,
      });
      runs[stack] = { plan: undefined as unknown as RunResult, pack, engine, real: [] };
    }),
  );
  for (const stack of STACKS) {
    const run = runs[stack] as StackRun;
    // The offline plan runs in this process, one stack at a time (setMocks is process-wide).
    const plan = await runStack({ stack, baseConfig: cliConfig(REPO_ROOT, stack) });
    if (plan.error) throw plan.error;
    run.plan = plan;
    await run.pack.getAnalyzerInfo();
    await run.pack.configure(POLICY_CONFIG[stack]);
    run.real = [
      ...(await run.pack.analyzeEach(plan.registrations)),
      ...(await run.pack.analyzeStack(plan.registrations)),
    ];
  }
}, 240_000);

afterAll(async () => {
  for (const r of Object.values(runs)) {
    await r?.pack.stop();
    await r?.engine.stop();
  }
});

/** The harness's verdicts over the same resources: custom ones, as `fromRegistrations` hands them over. */
function harnessVerdicts(plan: RunResult, config: PackConfig): Verdict[] {
  const policies = RULES.map((r) => toPolicy(r));
  const resources = plan.registrations
    .filter((r) => r.custom)
    .map((r) => ({
      type: r.type,
      urn: r.urn,
      name: r.name,
      props: r.inputs,
      opts: { protect: r.protect, parent: r.parent, dependencies: [...r.dependencies] },
    }));
  const out: Verdict[] = [];
  for (const r of resources)
    for (const o of analyzeResource(policies, r, config))
      for (const d of o.diagnostics)
        out.push({
          policyName: d.policyName,
          urn: d.urn ?? r.urn,
          enforcementLevel: d.enforcementLevel,
          message: "",
        });
  const stackView = resources.map((r, i) => ({
    ...r,
    props: plan.registrations.filter((x) => x.custom)[i].state,
  }));
  for (const o of analyzeStack(policies, stackView, config))
    for (const d of o.diagnostics)
      out.push({
        policyName: d.policyName,
        urn: d.urn ?? "",
        enforcementLevel: d.enforcementLevel,
        message: "",
      });
  return out;
}

const triple = (v: Verdict) => `${v.policyName} ${v.enforcementLevel} ${v.urn}`;

describe("the policy pack's runner", () => {
  it("is the SDK's run-policy-pack, resolved from policies/ as the language host resolves it", () => {
    expect(locateModule("@pulumi/pulumi/cmd/run-policy-pack", PACK_DIR)).toMatch(
      /node_modules\/@pulumi\/pulumi\/cmd\/run-policy-pack\/index\.js$/,
    );
  });
});

describe.each(STACKS)("stack %s through the policy pack over gRPC", (stack) => {
  it("starts, type-checks and serves: GetAnalyzerInfo names the pack and every rule", () => {
    const run = runs[stack] as StackRun;
    expect(run.pack.stderr).not.toMatch(/TSError|error TS\d+/);
    expect(run.pack.exitCode).toBeNull();
    const info = run.pack.info;
    expect(info?.getName()).toBe(PACK_NAME);
    expect(info?.getVersion()).toBe(PACK_VERSION);
    expect(info?.getSupportsconfig()).toBe(true);
    expect(
      info
        ?.getPoliciesList()
        .map((p) => p.getName())
        .sort(),
    ).toEqual(RULES.map((r) => r.name).sort());
  });

  it("is configured as the CLI configures it: every rule, with the dev file's levels only on dev", () => {
    const configured = (runs[stack] as StackRun).pack.configured ?? {};
    expect(Object.keys(configured).sort()).toEqual(RULES.map((r) => r.name).sort());
    const levels = Object.fromEntries(Object.entries(configured).map(([k, c]) => [k, c.enforcementLevel]));
    if (stack === "dev") {
      expect(levels.rdsMultiAz).toBe("advisory");
      expect(configured.rdsBackupRetention?.properties?.minimumDays).toBe(7);
    } else {
      expect(Object.values(levels).every((l) => l === "mandatory" || l === "advisory")).toBe(true);
      expect(levels.rdsMultiAz).toBe("mandatory");
    }
  });

  it("reaches the same verdicts (policy, resource, level) as the in-process harness", () => {
    const run = runs[stack] as StackRun;
    const config = (POLICY_CONFIG[stack] ?? {}) as PackConfig;
    const expected = harnessVerdicts(run.plan, config).map(triple).sort();
    expect(run.real.map(triple).sort()).toEqual(expected);
  });

  it("has no mandatory violation on the stack as deployed; dev's relaxations come back advisory", () => {
    const run = runs[stack] as StackRun;
    expect(run.real.filter((v) => v.enforcementLevel === "mandatory").map(triple)).toEqual([]);
    const primary = run.plan.registrations.find(
      (r) => r.type === "aws:rds/instance:Instance" && r.inputs.replicateSourceDb === undefined,
    );
    const multiAz = run.real.filter((v) => v.policyName === "rdsMultiAz").map(triple);
    expect(multiAz).toEqual(stack === "dev" ? [`rdsMultiAz advisory ${primary?.urn}`] : []);
  });

  it("catches an insecure change over the wire: storage unencrypted is a mandatory rdsStorageEncrypted violation", async () => {
    const run = runs[stack] as StackRun;
    const db = run.plan.registrations.find(
      (r) => r.type === "aws:rds/instance:Instance" && r.inputs.storageEncrypted === true,
    );
    expect(db).toBeDefined();
    const bad = { ...(db as NonNullable<typeof db>), inputs: { ...db?.inputs, storageEncrypted: false } };
    const verdicts = await run.pack.analyzeEach([bad]);
    expect(verdicts.map(triple)).toContain(`rdsStorageEncrypted mandatory ${bad.urn}`);
  });
});
