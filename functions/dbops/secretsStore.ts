/**
 * The Secrets Manager operations the function uses, as an interface (so rotation and apply read as
 * plain logic) with one implementation over @aws-sdk/client-secrets-manager. The tests run that same
 * implementation against testing/secretsManagerStandIn.ts through `endpoint`.
 */
import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  type SecretsManagerClientConfig,
  UpdateSecretVersionStageCommand,
} from "@aws-sdk/client-secrets-manager";

/** Secrets Manager's staging labels the function reads and moves. */
export const AWSCURRENT = "AWSCURRENT";
export const AWSPENDING = "AWSPENDING";

export interface SecretVersion {
  readonly versionId: string;
  readonly secretString: string;
  readonly versionStages: readonly string[];
}

export interface SecretDescription {
  readonly rotationEnabled: boolean;
  /** VersionId → staging labels, for every version that has a label. */
  readonly versionIdsToStages: Readonly<Record<string, readonly string[]>>;
}

export interface SecretsStore {
  /**
   * GetSecretValue. `undefined` where AWS answers ResourceNotFoundException for a missing version or
   * stage (a secret with no value yet, or no AWSPENDING version), so callers can tell "none" from a
   * failure; every other error is thrown.
   */
  getSecretValue(
    secretId: string,
    opts?: { readonly versionId?: string; readonly versionStage?: string },
  ): Promise<SecretVersion | undefined>;
  /** PutSecretValue; `clientRequestToken` becomes the VersionId. Stages default to AWSCURRENT (AWS). */
  putSecretValue(
    secretId: string,
    secretString: string,
    opts?: {
      readonly clientRequestToken?: string;
      readonly versionStages?: readonly string[];
      /** The rotation event's RotationToken, passed on as AWS's rotation templates do. */
      readonly rotationToken?: string;
    },
  ): Promise<{ readonly versionId: string }>;
  describeSecret(secretId: string): Promise<SecretDescription>;
  updateSecretVersionStage(
    secretId: string,
    versionStage: string,
    opts: { readonly moveToVersionId?: string; readonly removeFromVersionId?: string },
  ): Promise<void>;
}

export interface AwsSecretsStoreOptions {
  /** Endpoint override (the tests' stand-in). Unset: the SDK's regional endpoint (the VPC endpoint's DNS). */
  readonly endpoint?: string;
  /** Extra client configuration (the tests' region and dummy credentials). */
  readonly client?: SecretsManagerClientConfig;
}

/** The SecretsStore over the AWS SDK v3 client. */
export class AwsSecretsStore implements SecretsStore {
  private readonly sm: SecretsManagerClient;

  constructor(opts: AwsSecretsStoreOptions = {}) {
    this.sm = new SecretsManagerClient({
      ...opts.client,
      ...(opts.endpoint ? { endpoint: opts.endpoint } : {}),
    });
  }

  async getSecretValue(
    secretId: string,
    opts: { readonly versionId?: string; readonly versionStage?: string } = {},
  ): Promise<SecretVersion | undefined> {
    try {
      const r = await this.sm.send(
        new GetSecretValueCommand({
          SecretId: secretId,
          VersionId: opts.versionId,
          VersionStage: opts.versionStage,
        }),
      );
      if (r.SecretString === undefined) {
        throw new Error(
          `secret ${secretId}: version ${r.VersionId} holds binary data; the function stores and reads SecretString only.`,
        );
      }
      return {
        versionId: r.VersionId ?? "",
        secretString: r.SecretString,
        versionStages: r.VersionStages ?? [],
      };
    } catch (e) {
      if (e instanceof ResourceNotFoundException) return undefined;
      throw e;
    }
  }

  async putSecretValue(
    secretId: string,
    secretString: string,
    opts: {
      readonly clientRequestToken?: string;
      readonly versionStages?: readonly string[];
      readonly rotationToken?: string;
    } = {},
  ): Promise<{ readonly versionId: string }> {
    const r = await this.sm.send(
      new PutSecretValueCommand({
        SecretId: secretId,
        SecretString: secretString,
        ClientRequestToken: opts.clientRequestToken,
        VersionStages: opts.versionStages ? [...opts.versionStages] : undefined,
        RotationToken: opts.rotationToken,
      }),
    );
    return { versionId: r.VersionId ?? "" };
  }

  async describeSecret(secretId: string): Promise<SecretDescription> {
    const r = await this.sm.send(new DescribeSecretCommand({ SecretId: secretId }));
    return { rotationEnabled: r.RotationEnabled === true, versionIdsToStages: r.VersionIdsToStages ?? {} };
  }

  async updateSecretVersionStage(
    secretId: string,
    versionStage: string,
    opts: { readonly moveToVersionId?: string; readonly removeFromVersionId?: string },
  ): Promise<void> {
    await this.sm.send(
      new UpdateSecretVersionStageCommand({
        SecretId: secretId,
        VersionStage: versionStage,
        MoveToVersionId: opts.moveToVersionId,
        RemoveFromVersionId: opts.removeFromVersionId,
      }),
    );
  }
}
