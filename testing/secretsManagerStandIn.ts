/**
 * A stand-in AWS Secrets Manager for the tests: an HTTP server on 127.0.0.1 that speaks the service's real
 * wire protocol (AWS JSON 1.1: `POST /`, `X-Amz-Target: secretsmanager.<Operation>`, JSON bodies, errors
 * as HTTP 400 with `{"__type": "<Exception>", "message": ...}`), so the code under test uses the real
 * `@aws-sdk/client-secrets-manager` client with an endpoint override and dummy credentials.
 *
 * It answers like AWS, refusals included, for the operations the database operations function and its
 * tests use; each behaviour cites the Secrets Manager API reference page it follows. Signatures are not
 * checked (dummy credentials). Secrets live in memory for the life of the server.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";

export const AWSCURRENT = "AWSCURRENT";
export const AWSPENDING = "AWSPENDING";
export const AWSPREVIOUS = "AWSPREVIOUS";

interface Version {
  readonly id: string;
  /** undefined: the version RotateSecret creates before createSecret has stored a value. */
  value: string | undefined;
  readonly stages: Set<string>;
  readonly created: number;
}

interface Secret {
  readonly arn: string;
  readonly name: string;
  rotationEnabled: boolean;
  readonly versions: Map<string, Version>;
}

class AwsError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

export interface SecretsManagerStandIn {
  /** `http://127.0.0.1:<port>`: pass as the client's `endpoint`. */
  readonly endpoint: string;
  readonly region: string;
  /** Test hook: creates a secret (CreateSecret without or with a first AWSCURRENT value); returns its ARN. */
  createSecret(name: string, opts?: { value?: string; rotationEnabled?: boolean }): string;
  /** Test hook: every SecretString ever stored in any version of any secret, in order. */
  allValuesEverStored(): readonly string[];
  /** Test hook: the value of the version holding `stage` (default AWSCURRENT), if any. */
  valueAt(arn: string, stage?: string): string | undefined;
  /** Test hook: version id → labels (every version, labelled or not). */
  versions(arn: string): Record<string, string[]>;
  close(): Promise<void>;
}

const ACCOUNT = "123456789012";

/** Starts the stand-in on a free port of 127.0.0.1. */
export async function startSecretsManagerStandIn(region = "us-east-1"): Promise<SecretsManagerStandIn> {
  const secrets = new Map<string, Secret>();
  const everStored: string[] = [];

  /**
   * SecretId: "The ARN or name of the secret" (every operation's request parameters). Unknown:
   * ResourceNotFoundException, "Secrets Manager can't find the specified secret."
   */
  const find = (id: unknown): Secret => {
    if (typeof id !== "string" || id === "")
      throw new AwsError("InvalidParameterException", "You must provide a value for the SecretId parameter.");
    const s = secrets.get(id) ?? [...secrets.values()].find((x) => x.name === id);
    if (!s)
      throw new AwsError("ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
    return s;
  };
  const holding = (s: Secret, stage: string): Version | undefined =>
    [...s.versions.values()].find((v) => v.stages.has(stage));

  /**
   * Attaches `stage` to `to`, removing it from wherever it was; moving AWSCURRENT also moves AWSPREVIOUS to
   * the version AWSCURRENT left ("Whenever you move AWSCURRENT, Secrets Manager automatically moves the
   * label AWSPREVIOUS to the version that AWSCURRENT was removed from", API_UpdateSecretVersionStage.html
   * and API_PutSecretValue.html VersionStages).
   */
  const attach = (s: Secret, stage: string, to: Version) => {
    const from = holding(s, stage);
    if (from === to) return;
    from?.stages.delete(stage);
    to.stages.add(stage);
    if (stage === AWSCURRENT && from) {
      holding(s, AWSPREVIOUS)?.stages.delete(AWSPREVIOUS);
      from.stages.add(AWSPREVIOUS);
    }
  };

  const newVersion = (s: Secret, id: string, value: string | undefined): Version => {
    const v: Version = { id, value, stages: new Set(), created: Date.now() / 1000 };
    s.versions.set(id, v);
    if (value !== undefined) everStored.push(value);
    return v;
  };

  const ops: Record<string, (b: Record<string, unknown>) => unknown> = {
    /**
     * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_GetSecretValue.html: VersionId and/or
     * VersionStage; neither: AWSCURRENT. Both: they must refer to the same version. A version or label that
     * does not exist, or a version with no value yet: ResourceNotFoundException ("Secrets Manager can't
     * find the specified secret value for staging label: AWSPENDING"), as AWS's rotation templates expect
     * in createSecret.
     */
    GetSecretValue(b) {
      const s = find(b.SecretId);
      const versionId = b.VersionId as string | undefined;
      const stage = (b.VersionStage as string | undefined) ?? (versionId ? undefined : AWSCURRENT);
      let v: Version | undefined;
      if (versionId !== undefined) {
        v = s.versions.get(versionId);
        if (!v || (stage !== undefined && !v.stages.has(stage)))
          throw new AwsError(
            "ResourceNotFoundException",
            `Secrets Manager can't find the specified secret value for VersionId: ${versionId}${stage ? ` and staging label: ${stage}` : ""}`,
          );
      } else if (stage !== undefined) {
        v = holding(s, stage);
        if (!v)
          throw new AwsError(
            "ResourceNotFoundException",
            `Secrets Manager can't find the specified secret value for staging label: ${stage}`,
          );
      }
      if (!v || v.value === undefined)
        throw new AwsError(
          "ResourceNotFoundException",
          `Secrets Manager can't find the specified secret value for ${versionId ? `VersionId: ${versionId}` : `staging label: ${stage}`}`,
        );
      return {
        ARN: s.arn,
        Name: s.name,
        VersionId: v.id,
        SecretString: v.value,
        VersionStages: [...v.stages],
        CreatedDate: v.created,
      };
    },

    /**
     * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_PutSecretValue.html:
     * ClientRequestToken becomes the VersionId (the SDK generates one when omitted). A version with this
     * token and the same SecretString: "the request is ignored. The operation is idempotent"; a different
     * SecretString: fails (ResourceExistsException), "you can't modify a secret version". VersionStages:
     * each label is moved here from any other version; none given: AWSCURRENT.
     */
    PutSecretValue(b) {
      const s = find(b.SecretId);
      const value = b.SecretString;
      if (typeof value !== "string")
        throw new AwsError(
          "InvalidParameterException",
          "You must provide either SecretString or SecretBinary.",
        );
      const token = (b.ClientRequestToken as string | undefined) ?? randomUUID();
      if (token.length < 32 || token.length > 64)
        throw new AwsError(
          "ValidationException",
          "1 validation error detected: Value at 'clientRequestToken' failed to satisfy constraint: Member must have length between 32 and 64",
        );
      const stages = (b.VersionStages as string[] | undefined) ?? [AWSCURRENT];
      let v = s.versions.get(token);
      if (v?.value !== undefined) {
        if (v.value !== value)
          throw new AwsError(
            "ResourceExistsException",
            `You can't modify an existing version, you can only create new versions. VersionId: ${token}`,
          );
        return { ARN: s.arn, Name: s.name, VersionId: v.id, VersionStages: [...v.stages] };
      }
      if (v) {
        v.value = value;
        everStored.push(value);
      } else v = newVersion(s, token, value);
      for (const st of stages) attach(s, st, v);
      return { ARN: s.arn, Name: s.name, VersionId: v.id, VersionStages: [...v.stages] };
    },

    /**
     * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_DescribeSecret.html: RotationEnabled
     * and VersionIdsToStages, "A list of the versions of the secret that have staging labels attached.
     * Versions that don't have staging labels are considered deprecated".
     */
    DescribeSecret(b) {
      const s = find(b.SecretId);
      const versionIdsToStages: Record<string, string[]> = {};
      for (const v of s.versions.values()) if (v.stages.size > 0) versionIdsToStages[v.id] = [...v.stages];
      return {
        ARN: s.arn,
        Name: s.name,
        RotationEnabled: s.rotationEnabled,
        VersionIdsToStages: versionIdsToStages,
      };
    },

    /**
     * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_UpdateSecretVersionStage.html:
     * RemoveFromVersionId "If the staging label is attached to a different version than the version
     * specified in this parameter, this operation fails" (InvalidParameterException); MoveToVersionId "If
     * the staging label is already attached to a different version of the secret, then you must also
     * specify the RemoveFromVersionId parameter". AWSCURRENT cannot be removed without being moved.
     */
    UpdateSecretVersionStage(b) {
      const s = find(b.SecretId);
      const stage = b.VersionStage;
      if (typeof stage !== "string" || stage === "")
        throw new AwsError(
          "InvalidParameterException",
          "You must provide a value for the VersionStage parameter.",
        );
      const moveTo = b.MoveToVersionId as string | undefined;
      const removeFrom = b.RemoveFromVersionId as string | undefined;
      const at = holding(s, stage);
      if (removeFrom !== undefined && at?.id !== removeFrom)
        throw new AwsError(
          "InvalidParameterException",
          `The staging label ${stage} is currently not attached to the version ${removeFrom}.`,
        );
      if (moveTo === undefined) {
        if (stage === AWSCURRENT)
          throw new AwsError(
            "InvalidParameterException",
            "You can't remove the staging label AWSCURRENT from a version. Move it to another version instead.",
          );
        at?.stages.delete(stage);
        return { ARN: s.arn, Name: s.name };
      }
      const to = s.versions.get(moveTo);
      if (!to)
        throw new AwsError(
          "ResourceNotFoundException",
          `Secrets Manager can't find the specified secret version: ${moveTo}`,
        );
      if (at && at !== to && removeFrom === undefined)
        throw new AwsError(
          "InvalidParameterException",
          `The staging label ${stage} is currently attached to version ${at.id}, so you must explicitly reference that version in RemoveFromVersionId.`,
        );
      attach(s, stage, to);
      return { ARN: s.arn, Name: s.name };
    },

    /**
     * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_RotateSecret.html: creates the
     * AWSPENDING version (ClientRequestToken, no value yet) and turns rotation on. "If the AWSPENDING
     * staging label is present but not attached to the same version as AWSCURRENT, then any later
     * invocation of RotateSecret assumes that a previous rotation request is still in progress and returns
     * an error." The stand-in invokes no function: the test sends the four steps itself.
     */
    RotateSecret(b) {
      const s = find(b.SecretId);
      const pending = holding(s, AWSPENDING);
      if (pending && !pending.stages.has(AWSCURRENT))
        throw new AwsError(
          "InvalidRequestException",
          "A previous rotation isn't complete. That rotation will be reattempted.",
        );
      const token = (b.ClientRequestToken as string | undefined) ?? randomUUID();
      s.rotationEnabled = true;
      attach(s, AWSPENDING, s.versions.get(token) ?? newVersion(s, token, undefined));
      return { ARN: s.arn, Name: s.name, VersionId: token };
    },

    /**
     * https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CancelRotateSecret.html: turns
     * rotation off; the labels stay where they are ("You might need to remove the staging label
     * AWSPENDING from the partially created version").
     */
    CancelRotateSecret(b) {
      const s = find(b.SecretId);
      s.rotationEnabled = false;
      return { ARN: s.arn, Name: s.name };
    },
  };

  const read = (req: IncomingMessage): Promise<string> =>
    new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
      req.on("error", reject);
    });

  const reply = (res: ServerResponse, status: number, body: unknown, errorType?: string) => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      "Content-Type": "application/x-amz-json-1.1",
      "Content-Length": Buffer.byteLength(text),
      "x-amzn-RequestId": randomUUID(),
      ...(errorType ? { "x-amzn-ErrorType": errorType } : {}),
    });
    res.end(text);
  };

  const server: Server = createServer(async (req, res) => {
    const target = String(req.headers["x-amz-target"] ?? "");
    const body = await read(req);
    const op = target.startsWith("secretsmanager.") ? ops[target.slice("secretsmanager.".length)] : undefined;
    if (req.method !== "POST" || !op) {
      reply(
        res,
        400,
        { __type: "UnknownOperationException", message: `Unknown operation ${target}` },
        "UnknownOperationException",
      );
      return;
    }
    try {
      reply(res, 200, op(body ? (JSON.parse(body) as Record<string, unknown>) : {}));
    } catch (e) {
      if (e instanceof AwsError) reply(res, 400, { __type: e.type, message: e.message }, e.type);
      else reply(res, 500, { __type: "InternalServiceError", message: String(e) }, "InternalServiceError");
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    region,
    createSecret(name, opts = {}) {
      const arn = `arn:aws:secretsmanager:${region}:${ACCOUNT}:secret:${name}-${randomBytes(3).toString("hex")}`;
      const s: Secret = { arn, name, rotationEnabled: opts.rotationEnabled ?? false, versions: new Map() };
      secrets.set(arn, s);
      if (opts.value !== undefined) attach(s, AWSCURRENT, newVersion(s, randomUUID(), opts.value));
      return arn;
    },
    allValuesEverStored: () => [...everStored],
    valueAt(arn, stage = AWSCURRENT) {
      const s = secrets.get(arn);
      return s ? holding(s, stage)?.value : undefined;
    },
    versions(arn) {
      const s = find(arn);
      return Object.fromEntries([...s.versions.values()].map((v) => [v.id, [...v.stages]]));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
