/**
 * The database operations function's entry point (bundled by components/postgres/dbopsBundle.ts). One
 * function, three kinds of event (contract.ts): `apply` from the stack's `aws.lambda.Invocation`, the
 * four rotation steps from Secrets Manager, and `metrics` from the EventBridge schedule. This is the only
 * module that reads the environment; everything else takes arguments.
 *
 * Never logs a secret value or an SQL statement that carries one: the log lines are names, counts and
 * steps, and errors name secrets by ARN.
 */
import type { RoleKind } from "../../components/postgres/accessModel";
import { MONITOR_ROLE } from "../../spec/databaseOps";
import { type ApplyContext, applyModel } from "./apply";
import {
  type ApplyEvent,
  type ApplyResult,
  type DatabaseTarget,
  DBOPS_ENV,
  type DbOpsEvent,
  LAMBDA_CA_BUNDLE,
  type MetricsEvent,
  type RotationEvent,
} from "./contract";
import { type Endpoint, readCaBundle } from "./db";
import { withSecretSession } from "./master";
import { collectMetrics, toEmf } from "./metrics";
import { rotate } from "./rotation";
import { AwsSecretsStore, type SecretsStore } from "./secretsStore";

/**
 * JSON object: password role name → role kind (`roleKinds(model.roles)` in components/postgres/accessModel.ts). Rotation events carry
 * only a secret id; this is how the function knows which secrets it manages and how each rotates.
 */
export const ROLE_KINDS_ENV = DBOPS_ENV.roleKinds;

const ROTATION_STEPS = new Set(["createSecret", "setSecret", "testSecret", "finishSecret"]);

export type EventKind = "apply" | "metrics" | "rotation";

/** Which action an event asks for; throws naming what was received when it matches none. */
export function eventKind(e: unknown): EventKind {
  const o = (typeof e === "object" && e !== null ? e : {}) as Record<string, unknown>;
  if (o.action === "apply") {
    if (typeof o.model !== "object" || o.model === null || typeof o.masterSecretArn !== "string")
      throw new Error(
        'event: an "apply" event needs "model" and "masterSecretArn" (contract.ts ApplyEvent). Send the event the stack builds (applyEvent()).',
      );
    return "apply";
  }
  if (o.action === "metrics") return "metrics";
  if (
    typeof o.SecretId === "string" &&
    typeof o.ClientRequestToken === "string" &&
    typeof o.Step === "string"
  ) {
    if (!ROTATION_STEPS.has(o.Step))
      throw new Error(
        `event.Step: "${o.Step}" is not a rotation step. Secrets Manager sends createSecret, setSecret, testSecret or finishSecret.`,
      );
    return "rotation";
  }
  // Only the keys: an unexpected event could carry anything.
  throw new Error(
    `event: not an apply, metrics or rotation event (keys: ${Object.keys(o).join(", ") || "none"}). Send {"action":"apply",...}, {"action":"metrics"} or a Secrets Manager rotation event.`,
  );
}

/** Everything the actions need from the environment. */
export interface Environment {
  readonly target: DatabaseTarget;
  readonly caBundle: string;
  readonly masterSecretArn: string | undefined;
  readonly monitorSecretArn: string | undefined;
  readonly secretsEndpoint: string | undefined;
  readonly roleKinds: Readonly<Record<string, RoleKind>> | undefined;
}

const KINDS: readonly string[] = ["owner", "app", "analytics", "monitor"];

/** Reads and checks the environment; every problem names the variable and the fix. */
export function readEnvironment(env: NodeJS.ProcessEnv): Environment {
  const problems: string[] = [];
  const need = (k: string): string => {
    const v = env[k];
    if (!v) problems.push(`${k}: is not set. The stack sets it on the function (DatabaseOpsFunction).`);
    return v ?? "";
  };
  const host = need(DBOPS_ENV.host);
  const portText = need(DBOPS_ENV.port);
  const port = Number(portText);
  if (portText && (!Number.isInteger(port) || port < 1 || port > 65535))
    problems.push(`${DBOPS_ENV.port}: "${portText}" is not a TCP port. Set the instance's port, e.g. 5432.`);
  const database = need(DBOPS_ENV.database);
  const instanceIdentifier = need(DBOPS_ENV.instanceIdentifier);
  let roleKinds: Record<string, RoleKind> | undefined;
  const kindsText = env[ROLE_KINDS_ENV];
  if (kindsText) {
    try {
      const v = JSON.parse(kindsText) as unknown;
      if (typeof v !== "object" || v === null || Array.isArray(v)) throw new Error("not an object");
      for (const [k, kind] of Object.entries(v))
        if (typeof kind !== "string" || !KINDS.includes(kind))
          throw new Error(`role "${k}" has kind ${JSON.stringify(kind)}`);
      roleKinds = v as Record<string, RoleKind>;
    } catch (e) {
      problems.push(
        `${ROLE_KINDS_ENV}: is not a JSON object of role name to ${KINDS.join("/")} (${(e as Error).message}). Set it from roleKinds(model.roles).`,
      );
    }
  }
  if (problems.length > 0) throw new Error(`environment:\n  - ${problems.join("\n  - ")}`);
  return {
    target: { host, port, database, instanceIdentifier },
    caBundle: env[DBOPS_ENV.caBundle] || LAMBDA_CA_BUNDLE,
    masterSecretArn: env[DBOPS_ENV.masterSecretArn] || undefined,
    monitorSecretArn: env[DBOPS_ENV.monitorSecretArn] || undefined,
    secretsEndpoint: env[DBOPS_ENV.secretsEndpoint] || undefined,
    roleKinds,
  };
}

export interface Runtime {
  readonly env: Environment;
  readonly store: SecretsStore;
  readonly log: (line: string) => void;
  readonly now: () => number;
  /** Waits between sign-in attempts. @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
}

const endpointOf = (env: Environment): Endpoint => ({
  host: env.target.host,
  port: env.target.port,
  database: env.target.database,
  ca: readCaBundle(env.caBundle),
});

/** Runs one event against the given runtime (the tests' entry: stand-in store, twin endpoint). */
export async function handle(event: DbOpsEvent, rt: Runtime): Promise<ApplyResult | undefined> {
  const kind = eventKind(event);
  if (kind === "apply") {
    const e = event as ApplyEvent;
    const ctx: ApplyContext = { store: rt.store, endpoint: endpointOf(rt.env), log: rt.log };
    return applyModel(e, ctx);
  }
  if (kind === "rotation") {
    const e = event as RotationEvent;
    if (!rt.env.masterSecretArn)
      throw new Error(
        `${DBOPS_ENV.masterSecretArn}: is not set; rotation signs in as the master user to set passwords.`,
      );
    if (!rt.env.roleKinds)
      throw new Error(
        `${ROLE_KINDS_ENV}: is not set; rotation cannot tell which secrets it manages. Set it from roleKinds(model.roles).`,
      );
    rt.log(`rotation ${e.Step} ${e.SecretId} version ${e.ClientRequestToken}`);
    await rotate(e, {
      store: rt.store,
      endpoint: endpointOf(rt.env),
      masterSecretArn: rt.env.masterSecretArn,
      roleKinds: rt.env.roleKinds,
      log: rt.log,
    });
    return undefined;
  }
  void (event as MetricsEvent);
  if (!rt.env.monitorSecretArn)
    throw new Error(`${DBOPS_ENV.monitorSecretArn}: is not set; metrics sign in as the monitoring role.`);
  const arn = rt.env.monitorSecretArn;
  const snapshot = await withSecretSession(
    rt.store,
    arn,
    endpointOf(rt.env),
    (c) => collectMetrics(c, rt.env.target),
    {
      who: MONITOR_ROLE.name,
      noValue: `${DBOPS_ENV.monitorSecretArn}: ${arn} has no value yet. Run apply first.`,
      // The monitoring role rotates as a single user: a run between setSecret and finishSecret reads the
      // old password. One more read a few seconds later finds the new one.
      retryDelaysMs: [3_000, 6_000],
      log: rt.log,
      sleep: rt.sleep,
    },
  );
  // Each EMF document must be the whole log event, nothing before or after it ("Specification: Embedded
  // metric format", https://docs.aws.amazon.com/AmazonCloudWatch/latest/monitoring/CloudWatch_Embedded_Metric_Format_Specification.html).
  // console.log in the Node.js runtime prefixes a timestamp, request id and level; stdout is sent as is.
  for (const line of toEmf(snapshot, rt.env.target, rt.now())) process.stdout.write(`${line}\n`);
  return undefined;
}

let store: SecretsStore | undefined;

/** The Lambda entry point. */
export const handler = async (event: DbOpsEvent, _context?: unknown): Promise<ApplyResult | undefined> => {
  const env = readEnvironment(process.env);
  store ??= new AwsSecretsStore({ endpoint: env.secretsEndpoint });
  return handle(event, { env, store, log: (l) => console.log(l), now: () => Date.now() });
};
