/**
 * The harness against the real thing: the same resources go through @pulumi/policy's own analyzer RPC
 * handlers (`server.js`, fed protobuf requests as the CLI sends them) and through the harness; the
 * diagnostics and not-applicable lists must be identical. Only config is out of reach of the library's
 * handlers (it arrives through a separate `Configure` RPC), so these run with the default config.
 */
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { describe, expect, it } from "vitest";
import { toPolicy } from "../../policies/lib/adapter";
import { analyzeResource, analyzeStack, type Outcome } from "../../policies/lib/harness";
import { PACK_NAME, PACK_VERSION } from "../../policies/lib/pack";
import { UNKNOWN } from "../../policies/lib/values";
import { RULES } from "../../policies/roster";
import { compliantStack, mutate, setProp } from "./fixtures";

// require: internal modules without type declarations
const server = require("@pulumi/policy/server") as {
  makeAnalyzeRpcFun(
    ...a: unknown[]
  ): (call: { request: unknown }, cb: (err: unknown, resp: AnalyzeResponse) => void) => Promise<void>;
  makeAnalyzeStackRpcFun(
    ...a: unknown[]
  ): (call: { request: unknown }, cb: (err: unknown, resp: AnalyzeResponse) => void) => Promise<void>;
};
// require: generated protobuf code
const proto = require("@pulumi/pulumi/proto/analyzer_pb") as Record<string, new () => ProtoMsg> & {
  EnforcementLevel: Record<string, number>;
};

interface ProtoMsg {
  [setter: string]: (v: unknown) => void;
}
interface AnalyzeResponse {
  getDiagnosticsList(): {
    getPolicyname(): string;
    getMessage(): string;
    getEnforcementlevel(): number;
    getUrn(): string;
  }[];
  getNotApplicableList(): { getPolicyName(): string }[];
}

const policies = RULES.map((r) => toPolicy(r));
const LEVELS = Object.fromEntries(
  Object.entries(proto.EnforcementLevel).map(([k, v]) => [v, k.toLowerCase()]),
);

function options(protect: boolean) {
  const o = new proto.AnalyzerResourceOptions();
  o.setProtect(protect);
  return o;
}

type Res = ReturnType<typeof compliantStack>[number];

function callEngine(fn: ReturnType<typeof server.makeAnalyzeRpcFun>, request: unknown) {
  return new Promise<{ diagnostics: string[]; notApplicable: string[] }>((resolve, reject) => {
    void fn({ request }, (err, resp) => {
      if (err) return reject(err);
      resolve({
        diagnostics: resp
          .getDiagnosticsList()
          .map(
            (d) => `${d.getPolicyname()}|${LEVELS[d.getEnforcementlevel()]}|${d.getUrn()}|${d.getMessage()}`,
          )
          .sort(),
        notApplicable: resp
          .getNotApplicableList()
          .map((n) => n.getPolicyName())
          .sort(),
      });
    });
  });
}

function fromHarness(outcomes: Outcome[]) {
  return {
    diagnostics: outcomes
      .flatMap((o) => o.diagnostics)
      .map((d) => `${d.policyName}|${d.enforcementLevel}|${d.urn ?? ""}|${d.message}`)
      .sort(),
    notApplicable: outcomes
      .filter((o) => o.status === "not-applicable")
      .map((o) => o.policyName)
      .sort(),
  };
}

async function engineAnalyze(r: Res) {
  const req = new proto.AnalyzeRequest();
  req.setType(r.type);
  req.setUrn(r.urn);
  req.setName(r.name);
  req.setProperties(Struct.fromJavaScript(JSON.parse(JSON.stringify(r.props))));
  req.setOptions(options(r.opts?.protect ?? false));
  return callEngine(server.makeAnalyzeRpcFun(PACK_NAME, PACK_VERSION, "mandatory", policies), req);
}

async function engineAnalyzeStack(stack: Res[]) {
  const req = new proto.AnalyzeStackRequest();
  req.setResourcesList(
    stack.map((r) => {
      const a = new proto.AnalyzerResource();
      a.setType(r.type);
      a.setUrn(r.urn);
      a.setName(r.name);
      a.setProperties(Struct.fromJavaScript(JSON.parse(JSON.stringify(r.props))));
      a.setOptions(options(r.opts?.protect ?? false));
      a.setDependenciesList([...(r.opts?.dependencies ?? [])]);
      return a;
    }),
  );
  return callEngine(server.makeAnalyzeStackRpcFun(PACK_NAME, PACK_VERSION, "mandatory", policies), req);
}

const VARIANTS: [string, () => Res[]][] = [
  ["the compliant stack", compliantStack],
  ["an unencrypted database", () => mutate(compliantStack(), "db", setProp("storageEncrypted", false))],
  ["an unknown key during preview", () => mutate(compliantStack(), "db", setProp("kmsKeyId", UNKNOWN))],
  [
    "an unknown rotation target",
    () => mutate(compliantStack(), "app-secret-rotation", setProp("secretId", UNKNOWN)),
  ],
  [
    "an unprotected database",
    () => mutate(compliantStack(), "db", (r) => ({ ...r, opts: { ...r.opts, protect: false } })),
  ],
];

describe("the harness matches @pulumi/policy's analyzer", () => {
  it.each(VARIANTS)("for every resource of %s", async (_what, make) => {
    for (const r of make()) {
      expect(fromHarness(analyzeResource(policies, r))).toEqual(await engineAnalyze(r));
    }
  });

  it.each(VARIANTS)("for the stack policies on %s", async (_what, make) => {
    const stack = make();
    expect(fromHarness(analyzeStack(policies, stack))).toEqual(await engineAnalyzeStack(stack));
  });

  it("fails when the harness and the engine disagree (the comparison can fail)", async () => {
    const db = compliantStack().find((r) => r.name === "db") as Res;
    const engine = await engineAnalyze(mutate([db], "db", setProp("publiclyAccessible", true))[0]);
    expect(fromHarness(analyzeResource(policies, db))).not.toEqual(engine);
    expect(engine.diagnostics).toEqual([
      `rdsNotPubliclyAccessible|mandatory||RDS instance has no public endpoint.\npubliclyAccessible is true; the instance would get a public IP address.`,
    ]);
  });
});
