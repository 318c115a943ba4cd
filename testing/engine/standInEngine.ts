/**
 * A stand-in for the Pulumi engine as a Node.js program sees it: the ResourceMonitor and Engine gRPC
 * services on 127.0.0.1, served with the stubs the SDK ships (`@pulumi/pulumi/proto/*_grpc_pb`). A
 * program started by `@pulumi/pulumi/cmd/run --monitor ... --engine ...` talks to it exactly as it
 * talks to `pulumi preview`/`pulumi up`.
 *
 * Resource state and invoke results come from {@link MockCloud}, the same answers the offline plan
 * gets under `pulumi.runtime.setMocks`, so both paths see AWS-like ids and ARNs. What the real engine
 * does on top is reproduced where the program can observe it:
 * - URNs carry the full parent type chain, the root stack excluded (pkg/resource/deploy/deployment.go
 *   `generateURN`; the SDK's mock monitor keeps only the direct parent's type);
 * - a second registration of the same URN is refused (sdk/go/common/diag/errors.go
 *   `GetDuplicateResourceURNError`, raised by step_generator.go);
 * - component resources get no state back (their outputs arrive through RegisterResourceOutputs);
 * - `pulumi:pulumi:getResource` invokes answer from the registered resources.
 * Every log message is recorded with its severity; calls the stand-in does not implement are recorded
 * and answered UNIMPLEMENTED so a test can fail on them instead of silently diverging.
 */
import { EngineService } from "@pulumi/pulumi/proto/engine_grpc_pb";
import * as engproto from "@pulumi/pulumi/proto/engine_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { ResourceMonitorService } from "@pulumi/pulumi/proto/resource_grpc_pb";
import * as resproto from "@pulumi/pulumi/proto/resource_pb";
import type * as structTypes from "google-protobuf/google/protobuf/struct_pb";
import type { MockCloud, Registration } from "../mockCloud";
import { emptypb, grpc, type grpcTypes, rpc, structpb } from "./sdkModules";

/** Severities of `pulumirpc.LogSeverity`. */
export type Severity = "debug" | "info" | "warning" | "error";
const SEVERITY: Record<number, Severity> = { 0: "debug", 1: "info", 2: "warning", 3: "error" };

export interface LogEntry {
  readonly severity: Severity;
  readonly message: string;
  readonly urn: string;
}

export interface StandInEngineOptions {
  readonly project: string;
  readonly stack: string;
  readonly cloud: MockCloud;
}

/**
 * Features the CLI 3.248's monitor reports (pkg/resource/deploy/source_eval.go `supportsFeatureID`).
 * Asking for anything else gets `false`, as the engine answers for unknown ids.
 */
export const SUPPORTED_FEATURES: readonly string[] = [
  "secrets",
  "resourceReferences",
  "outputValues",
  "deletedWith",
  "replaceWith",
  "aliasSpecs",
  "transforms",
  "invokeTransforms",
  "parameterization",
  "resourceHooks",
  "errorHooks",
  "replacementTrigger",
  "sendsOptionsToHooks",
];

const ROOT_STACK_TYPE = "pulumi:pulumi:Stack";

export class StandInEngine {
  readonly logs: LogEntry[] = [];
  /** Feature ids the SDK asked about, in order. */
  readonly featuresAsked: string[] = [];
  /** RPCs the stand-in does not implement, by name; a correct run makes none. */
  readonly unimplemented: string[] = [];
  /** Outputs registered per URN (RegisterResourceOutputs), in the wire form (secrets still wrapped). */
  readonly outputs = new Map<string, Record<string, unknown>>();
  rootUrn = "";
  shutdownSignalled = false;
  monitorAddress = "";
  engineAddress = "";

  private readonly servers: grpcTypes.Server[] = [];
  private readonly urns = new Set<string>();
  private readonly states = new Map<string, { urn: string; id: string; state: Record<string, unknown> }>();
  private readonly registerHandler: {
    registerResource(
      req: resproto.RegisterResourceRequest,
      cb: (err: Error | null, resp?: resproto.RegisterResourceResponse) => void,
    ): void;
  };

  constructor(private readonly opts: StandInEngineOptions) {
    this.registerHandler = {
      registerResource: (req, cb) => {
        this.register(req).then(
          (resp) => cb(null, resp),
          (err: unknown) => cb(err instanceof Error ? err : new Error(String(err))),
        );
      },
    };
    // MockCloud records each registration with its options (and provider regions) by wrapping the
    // handler, exactly as it wraps the SDK's mock monitor in the offline plan.
    opts.cloud.attach(this.registerHandler);
  }

  get registrations(): Registration[] {
    return this.opts.cloud.registrations;
  }

  get errors(): LogEntry[] {
    return this.logs.filter((l) => l.severity === "error");
  }

  /** `generateURN`: the full qualified type of the parent, unless the parent is the root stack. */
  private urnOf(parent: string, type: string, name: string): string {
    let qualified = type;
    if (parent) {
      const parentType = parent.split("::")[2];
      if (parentType !== ROOT_STACK_TYPE) qualified = `${parentType}$${type}`;
    }
    return `urn:pulumi:${this.opts.stack}::${this.opts.project}::${qualified}::${name}`;
  }

  private async register(req: resproto.RegisterResourceRequest): Promise<resproto.RegisterResourceResponse> {
    const type = req.getType();
    const name = req.getName();
    const urn = this.urnOf(req.getParent(), type, name);
    if (this.urns.has(urn)) throw new Error(`Duplicate resource URN '${urn}'; try giving it a unique name`);
    this.urns.add(urn);
    const resp = new resproto.RegisterResourceResponse();
    resp.setUrn(urn);
    if (!req.getCustom()) {
      // Components have no provider: the engine returns no state and no id.
      resp.setObject(structpb.Struct.fromJavaScript({}));
      return resp;
    }
    const result = this.opts.cloud.newResource({
      type,
      name,
      inputs: rpc.deserializeProperties(req.getObject(), true),
      provider: req.getProvider() || undefined,
      custom: true,
      id: req.getImportid() || undefined,
    });
    const state = await rpc.serializeProperties(`${urn} state`, result.state);
    this.states.set(urn, { urn, id: result.id ?? "", state });
    resp.setId(result.id ?? "");
    resp.setObject(structpb.Struct.fromJavaScript(state as Record<string, structTypes.JavaScriptValue>));
    return resp;
  }

  private async invoke(tok: string, args: structTypes.Struct | undefined, provider: string) {
    const inputs = rpc.deserializeProperties(args, true);
    if (tok === "pulumi:pulumi:getResource") {
      const found = this.states.get(String(inputs.urn));
      if (!found) throw new Error(`unknown resource ${String(inputs.urn)}`);
      return found;
    }
    const result = this.opts.cloud.call({ token: tok, inputs, provider: provider || undefined });
    return rpc.serializeProperties(`${tok} result`, result);
  }

  private monitorService(): grpcTypes.UntypedServiceImplementation {
    const unary = <Req, Res>(fn: (req: Req) => Promise<Res> | Res) =>
      ((call: grpcTypes.ServerUnaryCall<Req, Res>, cb: grpcTypes.sendUnaryData<Res>) => {
        Promise.resolve()
          .then(() => fn(call.request))
          .then(
            (res) => cb(null, res),
            (err: unknown) =>
              cb({
                code: grpc.status.UNKNOWN,
                details: err instanceof Error ? err.message : String(err),
                name: "Error",
                message: err instanceof Error ? err.message : String(err),
              }),
          );
      }) as grpcTypes.handleUnaryCall<Req, Res>;
    const notImplemented = (rpcName: string) =>
      ((_call: unknown, cb: grpcTypes.sendUnaryData<unknown>) => {
        this.unimplemented.push(rpcName);
        cb({
          code: grpc.status.UNIMPLEMENTED,
          details: `${rpcName} is not implemented by the stand-in engine`,
        });
      }) as grpcTypes.handleUnaryCall<unknown, unknown>;

    return {
      supportsFeature: unary((req: resproto.SupportsFeatureRequest) => {
        this.featuresAsked.push(req.getId());
        const resp = new resproto.SupportsFeatureResponse();
        resp.setHassupport(SUPPORTED_FEATURES.includes(req.getId()));
        return resp;
      }),
      registerResource: unary(
        (req: resproto.RegisterResourceRequest) =>
          new Promise<resproto.RegisterResourceResponse>((resolve, reject) =>
            this.registerHandler.registerResource(req, (err, resp) =>
              err || !resp ? reject(err) : resolve(resp),
            ),
          ),
      ),
      registerResourceOutputs: unary((req: resproto.RegisterResourceOutputsRequest) => {
        this.outputs.set(req.getUrn(), (req.getOutputs()?.toJavaScript() ?? {}) as Record<string, unknown>);
        return new emptypb.Empty();
      }),
      invoke: unary(async (req: resproto.ResourceInvokeRequest) => {
        const resp = new provproto.InvokeResponse();
        const ret = await this.invoke(req.getTok(), req.getArgs(), req.getProvider());
        resp.setReturn(structpb.Struct.fromJavaScript(ret as Record<string, structTypes.JavaScriptValue>));
        return resp;
      }),
      call: unary(async (req: resproto.ResourceCallRequest) => {
        const resp = new provproto.CallResponse();
        const ret = await this.invoke(req.getTok(), req.getArgs(), req.getProvider());
        resp.setReturn(structpb.Struct.fromJavaScript(ret as Record<string, structTypes.JavaScriptValue>));
        return resp;
      }),
      readResource: unary(async (req: resproto.ReadResourceRequest) => {
        const urn = this.urnOf(req.getParent(), req.getType(), req.getName());
        const result = this.opts.cloud.newResource({
          type: req.getType(),
          name: req.getName(),
          inputs: rpc.deserializeProperties(req.getProperties(), true),
          provider: req.getProvider() || undefined,
          custom: true,
          id: req.getId(),
        });
        const state = await rpc.serializeProperties(`${urn} state`, result.state);
        this.states.set(urn, { urn, id: req.getId(), state });
        const resp = new resproto.ReadResourceResponse();
        resp.setUrn(urn);
        resp.setProperties(
          structpb.Struct.fromJavaScript(state as Record<string, structTypes.JavaScriptValue>),
        );
        return resp;
      }),
      registerPackage: unary((req: resproto.RegisterPackageRequest) => {
        const resp = new resproto.RegisterPackageResponse();
        resp.setRef(`${req.getName()}@${req.getVersion()}`);
        return resp;
      }),
      signalAndWaitForShutdown: unary(() => {
        this.shutdownSignalled = true;
        return new emptypb.Empty();
      }),
      getDeploymentInfo: notImplemented("ResourceMonitor.GetDeploymentInfo"),
      registerStackTransform: notImplemented("ResourceMonitor.RegisterStackTransform"),
      registerStackInvokeTransform: notImplemented("ResourceMonitor.RegisterStackInvokeTransform"),
      registerResourceHook: notImplemented("ResourceMonitor.RegisterResourceHook"),
      registerErrorHook: notImplemented("ResourceMonitor.RegisterErrorHook"),
    };
  }

  private engineService(): grpcTypes.UntypedServiceImplementation {
    return {
      log: (
        call: grpcTypes.ServerUnaryCall<engproto.LogRequest, unknown>,
        cb: grpcTypes.sendUnaryData<unknown>,
      ) => {
        const r = call.request;
        this.logs.push({
          severity: SEVERITY[r.getSeverity()] ?? "error",
          message: r.getMessage(),
          urn: r.getUrn(),
        });
        cb(null, new emptypb.Empty());
      },
      getRootResource: (_call: unknown, cb: grpcTypes.sendUnaryData<engproto.GetRootResourceResponse>) => {
        const resp = new engproto.GetRootResourceResponse();
        resp.setUrn(this.rootUrn);
        cb(null, resp);
      },
      setRootResource: (
        call: grpcTypes.ServerUnaryCall<engproto.SetRootResourceRequest, unknown>,
        cb: grpcTypes.sendUnaryData<engproto.SetRootResourceResponse>,
      ) => {
        this.rootUrn = call.request.getUrn();
        cb(null, new engproto.SetRootResourceResponse());
      },
      requirePulumiVersion: (
        _call: unknown,
        cb: grpcTypes.sendUnaryData<engproto.RequirePulumiVersionResponse>,
      ) => cb(null, new engproto.RequirePulumiVersionResponse()),
      startDebugging: (_call: unknown, cb: grpcTypes.sendUnaryData<unknown>) => {
        this.unimplemented.push("Engine.StartDebugging");
        cb({
          code: grpc.status.UNIMPLEMENTED,
          details: "StartDebugging is not implemented by the stand-in engine",
        });
      },
    };
  }

  /** Serves the monitor and the engine on two loopback ports, as the CLI does. */
  async start(): Promise<this> {
    // The CLI raises gRPC's 4 MiB limit to 400 MiB (sdk/go/common/util/rpcutil `GrpcChannelOptions`).
    const options = { "grpc.max_receive_message_length": 400 * 1024 * 1024 };
    const serve = async (
      service: grpcTypes.ServiceDefinition,
      impl: grpcTypes.UntypedServiceImplementation,
    ) => {
      const server = new grpc.Server(options);
      server.addService(service, impl);
      this.servers.push(server);
      const port = await new Promise<number>((resolve, reject) =>
        server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) =>
          err ? reject(err) : resolve(p),
        ),
      );
      return `127.0.0.1:${port}`;
    };
    this.monitorAddress = await serve(
      ResourceMonitorService as unknown as grpcTypes.ServiceDefinition,
      this.monitorService(),
    );
    this.engineAddress = await serve(
      EngineService as unknown as grpcTypes.ServiceDefinition,
      this.engineService(),
    );
    return this;
  }

  async stop(): Promise<void> {
    await Promise.all(
      this.servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            s.tryShutdown(() => resolve());
            // A client that never hangs up must not keep the test waiting.
            setTimeout(() => {
              s.forceShutdown();
              resolve();
            }, 2_000).unref();
          }),
      ),
    );
  }
}
