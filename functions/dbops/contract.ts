/**
 * The events the database operations function accepts and what it returns. Shared by the function
 * (handler.ts), the stack (components/postgres/databaseOps.ts builds the `apply` input and the schedule)
 * and the tests. Holds ARNs, names and the access model; never a password.
 */
import type { AccessModel } from "../../components/postgres/accessModel";

/** Where the database is; the function never asks the RDS API (the isolated VPC has no `rds` endpoint). */
export interface DatabaseTarget {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  /** DBInstanceIdentifier: the dimension of the published metrics. */
  readonly instanceIdentifier: string;
}

/** `aws.lambda.Invocation` sends this whenever the model (or the function's code) changes. */
export interface ApplyEvent {
  readonly action: "apply";
  readonly model: AccessModel;
  /** ARN of the RDS-managed master secret ({username, password}); read inside the VPC only. */
  readonly masterSecretArn: string;
  /** Role name → ARN of its secret, for every password role (IAM roles have none). */
  readonly roleSecretArns: Readonly<Record<string, string>>;
  /** The column-encryption key's secret: given a value on first apply when it has none. */
  readonly columnKeySecretArn?: string;
}

/** The EventBridge schedule sends this. */
export interface MetricsEvent {
  readonly action: "metrics";
}

/** Secrets Manager sends this for each rotation step. */
export interface RotationEvent {
  readonly SecretId: string;
  readonly ClientRequestToken: string;
  readonly Step: "createSecret" | "setSecret" | "testSecret" | "finishSecret";
  readonly RotationToken?: string;
}

export type DbOpsEvent = ApplyEvent | MetricsEvent | RotationEvent;

/** What `apply` did; the Invocation's result (stored in Pulumi state, so names and counts only). */
export interface ApplyResult {
  readonly database: string;
  readonly rolesCreated: readonly string[];
  readonly rolesUpdated: readonly string[];
  readonly extensions: readonly string[];
  /** Password roles whose secret had no password yet and got one generated inside the function. */
  readonly passwordsInitialised: readonly string[];
  /** Clones (`<role>_clone`) brought in line with their role's limits, settings and membership. */
  readonly clonesUpdated: readonly string[];
  readonly columnKeyInitialised: boolean;
  readonly statements: number;
}

/**
 * Where Lambda keeps the Amazon CA certificates (the RDS CAs among them). The Node.js 20+ runtimes do not
 * load them by default; a function that verifies an RDS certificate must point at this file ("Building
 * Lambda functions with Node.js", section on CA certificate loading,
 * https://docs.aws.amazon.com/lambda/latest/dg/lambda-nodejs.html). The stack sets it as `DB_CA_BUNDLE`.
 */
export const LAMBDA_CA_BUNDLE = "/var/runtime/ca-cert.pem";

/** Environment variables the stack sets on the function. */
export const DBOPS_ENV = Object.freeze({
  host: "DB_HOST",
  port: "DB_PORT",
  database: "DB_NAME",
  instanceIdentifier: "DB_INSTANCE_IDENTIFIER",
  masterSecretArn: "MASTER_SECRET_ARN",
  monitorSecretArn: "MONITOR_SECRET_ARN",
  /** JSON object: password role name → its kind (owner, app, analytics, monitor); rotation needs it. */
  roleKinds: "DB_ROLE_KINDS",
  /** PEM bundle the server certificate is verified against (Lambda: /var/runtime/ca-cert.pem). */
  caBundle: "DB_CA_BUNDLE",
  /** Secrets Manager endpoint override (tests' stand-in). Unset in AWS: the SDK's regional endpoint. */
  secretsEndpoint: "SECRETS_MANAGER_ENDPOINT",
} as const);

/**
 * One reading of the guide's monitoring queries (functions/dbops/metrics.ts `collectMetrics`), published
 * as CloudWatch metrics in embedded metric format (`toEmf`). Names and numbers only: no query text, no
 * user or client address (query text can hold PHI).
 */
export interface MetricsSnapshot {
  /** Percent; undefined when the user tables have had no block reads or hits yet (0/0). */
  readonly cacheHitRatioPercent: number | undefined;
  readonly databaseSizeBytes: number;
  /** The largest table in the app schema (0 when there is none). */
  readonly largestTableBytes: number;
  readonly deadTuples: number;
  readonly longRunningQueries: number;
  readonly oldestActiveQuerySeconds: number;
  /** Client backends per state, on the app database and the others (every state the server reports). */
  readonly connectionsByState: Readonly<Record<string, number>>;
}
