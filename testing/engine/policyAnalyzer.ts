/**
 * Starts a Node.js policy pack the way `pulumi preview --policy-pack <dir>` does (CLI v3.248.0) and
 * drives it over gRPC like the engine:
 *
 * - launch (sdk/nodejs/cmd/pulumi-language-nodejs/main.go `RunPlugin`, kind analyzer):
 *   `node <require.resolve("@pulumi/pulumi/cmd/run-policy-pack") from the pack dir> [nodeargs]
 *   <engine address> <pack dir>` in the pack directory, with PULUMI_NODEJS_TYPESCRIPT=true and the
 *   stack's organization, project, stack, dry-run flag and config (PULUMI_NODEJS_*, PULUMI_CONFIG) that
 *   the host learns from the engine's ConfigureStack call; the pack prints its port on stdout
 *   (@pulumi/policy server.js `serve`);
 * - Handshake (the pack may not implement it), ConfigureStack, GetAnalyzerInfo, then Configure with the
 *   policy config reconciled as pkg/resource/analyzer/config.go `ReconcilePolicyPackConfig` does
 *   (schema defaults < the pack's initial config < the `--policy-pack-config` file; "all" applies to
 *   every policy); Configure is sent whenever that result is non-empty, with or without a file;
 * - Analyze once per resource with its inputs, AnalyzeStack once with every resource's outputs
 *   (pkg/resource/deploy/step_generator.go `generateSteps`, `AnalyzeResources`).
 * Schema validation of the config file (gojsonschema in the CLI) is not reproduced.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { AnalyzerClient } from "@pulumi/pulumi/proto/analyzer_grpc_pb";
import * as analyzerpb from "@pulumi/pulumi/proto/analyzer_pb";
import type * as structTypes from "google-protobuf/google/protobuf/struct_pb";
import { parse as parseYaml } from "yaml";
import type { Registration } from "../mockCloud";
import { baseEnv, locateModule } from "./languageHost";
import { emptypb, grpc, type grpcTypes, structpb } from "./sdkModules";

export type EnforcementLevel = "advisory" | "mandatory" | "disabled" | "remediate";
const LEVEL_NAMES: Record<number, EnforcementLevel> = {
  [analyzerpb.EnforcementLevel.ADVISORY]: "advisory",
  [analyzerpb.EnforcementLevel.MANDATORY]: "mandatory",
  [analyzerpb.EnforcementLevel.DISABLED]: "disabled",
  [analyzerpb.EnforcementLevel.REMEDIATE]: "remediate",
};
const LEVEL_VALUES: Record<EnforcementLevel, analyzerpb.EnforcementLevel> = {
  advisory: analyzerpb.EnforcementLevel.ADVISORY,
  mandatory: analyzerpb.EnforcementLevel.MANDATORY,
  disabled: analyzerpb.EnforcementLevel.DISABLED,
  remediate: analyzerpb.EnforcementLevel.REMEDIATE,
};

/** One policy's config as the CLI holds it after reconciling (`plugin.AnalyzerPolicyConfig`). */
export interface PolicyConfig {
  enforcementLevel?: EnforcementLevel;
  properties?: Record<string, unknown>;
}

export interface Verdict {
  readonly policyName: string;
  readonly urn: string;
  readonly enforcementLevel: EnforcementLevel;
  readonly message: string;
}

export interface StackContext {
  readonly organization: string;
  readonly project: string;
  readonly stack: string;
  readonly dryRun: boolean;
  /** Stack config, `namespace:key` → string, as the engine passes it on. */
  readonly config: Readonly<Record<string, string>>;
}

type JsValue = structTypes.JavaScriptValue;
const struct = (v: Record<string, unknown>) =>
  structpb.Struct.fromJavaScript(JSON.parse(JSON.stringify(v)) as Record<string, JsValue>);

function unary<Req, Res>(
  client: AnalyzerClient,
  method: (req: Req, cb: (err: grpcTypes.ServiceError | null, res: Res) => void) => unknown,
  req: Req,
): Promise<Res> {
  return new Promise((resolve, reject) =>
    method.call(client, req, (err: grpcTypes.ServiceError | null, res: Res) =>
      err ? reject(err) : resolve(res),
    ),
  );
}

/** `parsePolicyPackConfig`: a level string, or an object whose `enforcementLevel` is split off. */
export function parsePolicyConfigFile(json: Readonly<Record<string, unknown>>): Record<string, PolicyConfig> {
  const out: Record<string, PolicyConfig> = {};
  for (const [name, v] of Object.entries(json)) {
    if (typeof v === "string") {
      if (!(v in LEVEL_VALUES))
        throw new Error(`parsing enforcement level for "${name}": "${v}" is not valid`);
      out[name] = { enforcementLevel: v as EnforcementLevel };
    } else if (v && typeof v === "object" && !Array.isArray(v)) {
      const { enforcementLevel, ...properties } = v as Record<string, unknown>;
      if (enforcementLevel !== undefined && !(String(enforcementLevel) in LEVEL_VALUES))
        throw new Error(
          `parsing enforcement level for "${name}": "${String(enforcementLevel)}" is not valid`,
        );
      out[name] = {
        ...(enforcementLevel !== undefined ? { enforcementLevel: enforcementLevel as EnforcementLevel } : {}),
        ...(Object.keys(properties).length > 0 ? { properties } : {}),
      };
    } else {
      throw new Error(`parsing "${name}": must be a string or object`);
    }
  }
  return out;
}

function applyConfig(result: Record<string, PolicyConfig>, given: Record<string, PolicyConfig>) {
  const all = given.all?.enforcementLevel;
  if (all) for (const k of Object.keys(result)) result[k] = { ...result[k], enforcementLevel: all };
  for (const [name, g] of Object.entries(given)) {
    const cur = result[name] ?? {};
    result[name] = {
      enforcementLevel: g.enforcementLevel ?? cur.enforcementLevel,
      ...(cur.properties || g.properties ? { properties: { ...cur.properties, ...g.properties } } : {}),
    };
  }
}

/** `ReconcilePolicyPackConfig` without the schema validation. */
export function reconcilePolicyConfig(
  info: analyzerpb.AnalyzerInfo,
  file: Record<string, PolicyConfig> | undefined,
): Record<string, PolicyConfig> {
  const result: Record<string, PolicyConfig> = {};
  for (const p of info.getPoliciesList()) {
    const schema = (p.getConfigschema()?.getProperties()?.toJavaScript() ?? {}) as Record<
      string,
      { default?: unknown }
    >;
    const defaults = Object.fromEntries(
      Object.entries(schema).flatMap(([k, s]) => (s && "default" in s ? [[k, s.default]] : [])),
    );
    result[p.getName()] = {
      enforcementLevel: LEVEL_NAMES[p.getEnforcementlevel()],
      ...(Object.keys(defaults).length > 0 ? { properties: defaults } : {}),
    };
  }
  const initial: Record<string, PolicyConfig> = {};
  info.getInitialconfigMap().forEach((c, name) => {
    const properties = (c.getProperties()?.toJavaScript() ?? {}) as Record<string, unknown>;
    initial[name] = {
      enforcementLevel: LEVEL_NAMES[c.getEnforcementlevel()],
      ...(Object.keys(properties).length > 0 ? { properties } : {}),
    };
  });
  applyConfig(result, initial);
  if (file) applyConfig(result, file);
  return result;
}

function options(r: Registration): analyzerpb.AnalyzerResourceOptions {
  const o = new analyzerpb.AnalyzerResourceOptions();
  o.setProtect(r.protect);
  o.setIgnorechangesList([...r.ignoreChanges]);
  o.setDeletebeforereplace(r.deleteBeforeReplace);
  o.setDeletebeforereplacedefined(r.deleteBeforeReplace);
  o.setAdditionalsecretoutputsList([...r.additionalSecretOutputs]);
  if (r.parent) o.setParent(r.parent);
  return o;
}

function provider(r: Registration, byUrn: ReadonlyMap<string, Registration>) {
  if (!r.provider) return undefined;
  const urn = r.provider.split("::").slice(0, -1).join("::");
  const p = byUrn.get(urn);
  if (!p) return undefined;
  const out = new analyzerpb.AnalyzerProviderResource();
  out.setType(p.type);
  out.setUrn(p.urn);
  out.setName(p.name);
  out.setProperties(struct(p.inputs));
  return out;
}

const verdicts = (resp: analyzerpb.AnalyzeResponse, urn?: string): Verdict[] =>
  resp.getDiagnosticsList().map((d) => ({
    policyName: d.getPolicyname(),
    urn: d.getUrn() || urn || "",
    enforcementLevel: LEVEL_NAMES[d.getEnforcementlevel()],
    message: d.getMessage(),
  }));

export class PolicyPackProcess {
  stdout = "";
  stderr = "";
  exitCode: number | null = null;
  info?: analyzerpb.AnalyzerInfo;
  /** The config sent with Configure (undefined when the CLI would not call it). */
  configured?: Record<string, PolicyConfig>;

  private constructor(
    private readonly client: AnalyzerClient,
    private readonly child: ReturnType<typeof spawn>,
  ) {}

  static async start(
    packDir: string,
    engineAddress: string,
    stack: StackContext,
    timeoutMs = 120_000,
  ): Promise<PolicyPackProcess> {
    const doc = parseYaml(readFileSync(path.join(packDir, "PulumiPolicy.yaml"), "utf8")) as {
      runtime: string | { name: string; options?: Record<string, unknown> };
    };
    const rt = doc.runtime;
    const opts = typeof rt === "string" ? {} : (rt.options ?? {});
    if ((typeof rt === "string" ? rt : rt.name) !== "nodejs")
      throw new Error(`${packDir}: runtime is not nodejs`);
    const nodeargs = typeof opts.nodeargs === "string" ? opts.nodeargs.split(/\s+/).filter(Boolean) : [];
    const runPath = locateModule("@pulumi/pulumi/cmd/run-policy-pack", packDir);
    const tsNodeCache = mkdtempSync(path.join(tmpdir(), "ts-node-cache-"));
    const env: Record<string, string> = {
      ...baseEnv(),
      ...(opts.typescript !== false ? { PULUMI_NODEJS_TYPESCRIPT: "true" } : {}),
      ...(typeof opts.tsconfig === "string" ? { PULUMI_NODEJS_TSCONFIG_PATH: opts.tsconfig } : {}),
      PULUMI_NODEJS_ORGANIZATION: stack.organization,
      PULUMI_NODEJS_PROJECT: stack.project,
      PULUMI_NODEJS_STACK: stack.stack,
      PULUMI_NODEJS_DRY_RUN: String(stack.dryRun),
      // RunPlugin marshals the ConfigureStack config map as is (`namespace:key` keys).
      PULUMI_CONFIG: JSON.stringify(stack.config),
      // A fresh ts-node cache, so every run type-checks every file (see languageHost.ts).
      TS_NODE_CACHE_DIRECTORY: tsNodeCache,
    };
    const child = spawn(process.execPath, [runPath, ...nodeargs, engineAddress, packDir], {
      cwd: packDir,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stderr?.on("data", (d: Buffer) => {
      err += d.toString();
    });
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill("SIGKILL");
        reject(new Error(`policy pack printed no port within ${timeoutMs} ms; stderr:\n${err}`));
      }, timeoutMs);
      child.stdout?.on("data", (d: Buffer) => {
        out += d.toString();
        const m = /^(\d+)\s*$/m.exec(out);
        if (m) {
          clearTimeout(timer);
          resolve(Number(m[1]));
        }
      });
      child.on("exit", (code) => {
        clearTimeout(timer);
        reject(
          new Error(
            `policy pack exited with ${code} before printing its port; stderr:\n${err}\nstdout:\n${out}`,
          ),
        );
      });
    });
    const client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), {
      "grpc.max_receive_message_length": 400 * 1024 * 1024,
    });
    const p = new PolicyPackProcess(client, child);
    child.on("exit", () => rmSync(tsNodeCache, { recursive: true, force: true }));
    child.stdout?.on("data", (d: Buffer) => {
      p.stdout += d.toString();
    });
    child.stderr?.on("data", (d: Buffer) => {
      p.stderr += d.toString();
    });
    child.on("exit", (code) => {
      p.exitCode = code;
    });
    p.stdout = out;
    p.stderr = err;
    await p.handshake(packDir, engineAddress, stack);
    return p;
  }

  private async handshake(packDir: string, engineAddress: string, stack: StackContext) {
    const hs = new analyzerpb.AnalyzerHandshakeRequest();
    hs.setEngineAddress(engineAddress);
    hs.setRootDirectory(packDir);
    hs.setProgramDirectory(packDir);
    try {
      await unary(this.client, this.client.handshake, hs);
    } catch (e) {
      // analyzer_plugin.go: an analyzer without Handshake falls back to the old behaviour.
      if ((e as grpcTypes.ServiceError).code !== grpc.status.UNIMPLEMENTED) throw e;
    }
    const cs = new analyzerpb.AnalyzerStackConfigureRequest();
    cs.setStack(stack.stack);
    cs.setProject(stack.project);
    cs.setOrganization(stack.organization);
    cs.setDryRun(stack.dryRun);
    for (const [k, v] of Object.entries(stack.config)) cs.getConfigMap().set(k, v);
    await unary(this.client, this.client.configureStack, cs);
  }

  async getAnalyzerInfo(): Promise<analyzerpb.AnalyzerInfo> {
    this.info = await unary(this.client, this.client.getAnalyzerInfo, new emptypb.Empty());
    return this.info;
  }

  /** The CLI's local-pack path (pkg/engine/update.go): reconcile, then Configure when non-empty. */
  async configure(file?: Readonly<Record<string, unknown>>): Promise<Record<string, PolicyConfig>> {
    const info = this.info ?? (await this.getAnalyzerInfo());
    if (!info.getSupportsconfig()) {
      if (file) throw new Error(`policy pack ${info.getName()} does not support config`);
      return {};
    }
    const config = reconcilePolicyConfig(info, file ? parsePolicyConfigFile(file) : undefined);
    if (Object.keys(config).length === 0) return config;
    const req = new analyzerpb.ConfigureAnalyzerRequest();
    for (const [name, c] of Object.entries(config)) {
      const pc = new analyzerpb.PolicyConfig();
      if (!c.enforcementLevel) throw new Error(`invalid enforcement level for ${name}`);
      pc.setEnforcementlevel(LEVEL_VALUES[c.enforcementLevel]);
      pc.setProperties(struct(c.properties ?? {}));
      req.getPolicyconfigMap().set(name, pc);
    }
    await unary(this.client, this.client.configure, req);
    this.configured = config;
    return config;
  }

  /** Analyze for each resource (inputs), as the step generator sends them. */
  async analyzeEach(resources: readonly Registration[]): Promise<Verdict[]> {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const out: Verdict[] = [];
    for (const r of resources) {
      const req = new analyzerpb.AnalyzeRequest();
      req.setType(r.type);
      req.setUrn(r.urn);
      req.setName(r.name);
      req.setProperties(struct(r.inputs));
      req.setOptions(options(r));
      const prov = provider(r, byUrn);
      if (prov) req.setProvider(prov);
      out.push(...verdicts(await unary(this.client, this.client.analyze, req), r.urn));
    }
    return out;
  }

  /** AnalyzeStack over every resource's outputs. */
  async analyzeStack(resources: readonly Registration[]): Promise<Verdict[]> {
    const byUrn = new Map(resources.map((r) => [r.urn, r]));
    const req = new analyzerpb.AnalyzeStackRequest();
    req.setResourcesList(
      resources.map((r) => {
        const a = new analyzerpb.AnalyzerResource();
        a.setType(r.type);
        a.setUrn(r.urn);
        a.setName(r.name);
        a.setProperties(struct(r.state));
        a.setOptions(options(r));
        const prov = provider(r, byUrn);
        if (prov) a.setProvider(prov);
        if (r.parent) a.setParent(r.parent);
        a.setDependenciesList([...r.dependencies]);
        return a;
      }),
    );
    return verdicts(await unary(this.client, this.client.analyzeStack, req));
  }

  async stop(): Promise<void> {
    this.client.close();
    if (this.exitCode !== null) return;
    // The CLI ends analyzer plugins by killing the process (plugin.go `Close`).
    await new Promise<void>((resolve) => {
      this.child.once("exit", () => resolve());
      this.child.kill("SIGKILL");
    });
  }
}
