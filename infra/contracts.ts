/**
 * What each build step hands to the next, in the order `buildPlatform` (program.ts) composes them:
 * core → disaster recovery (the DR region's provider and key) → access (role secrets, the database
 * operations function) → pooling (RDS Proxy or PgBouncer) → monitoring (topic, alarms) → backups (vault,
 * plans, DR copies; notifications to the alarm topic).
 */
import type * as pulumi from "@pulumi/pulumi";
import type { EncryptionKey } from "../components/kms";
import type { DatabaseNetwork } from "../components/network";
import type { PostgresInstance, PostgresParameterGroup, ReadReplica } from "../components/rds";
import type { PlatformConfig } from "./config";

/** Stack outputs a part contributes (merged into the stack's outputs). */
export type StackOutputs = Record<string, pulumi.Input<unknown>>;

/** What core.ts builds: everything later parts of the stack (access, pooling, monitoring, backups) compose with. */
export interface Core {
  readonly name: string;
  readonly cfg: PlatformConfig;
  readonly tags: Record<string, string>;
  readonly accountId: pulumi.Output<string>;
  readonly partition: pulumi.Output<string>;
  readonly key: EncryptionKey;
  readonly network: DatabaseNetwork;
  readonly parameterGroup: PostgresParameterGroup;
  readonly primary: PostgresInstance;
  readonly replicas: ReadReplica[];
  /** Protect stateful resources (prod). */
  readonly protect: boolean;
}

/** A login role's Secrets Manager secret (JSON: username, password, engine, host, port, dbname). */
export interface LoginSecret {
  readonly roleName: string;
  readonly secretArn: pulumi.Output<string>;
  /** The role logs in with IAM tokens (member of rds_iam) rather than a password. */
  readonly iamAuth: boolean;
}

/**
 * What the disaster-recovery region offers the steps before backup (infra/backup.ts
 * `buildDisasterRecovery`, built right after core): the column-encryption key's secret is replicated
 * there, encrypted with the DR key.
 */
export interface DisasterRecovery {
  readonly region: string;
  readonly keyArn: pulumi.Output<string>;
}

export interface AccessResult {
  /** Secrets of the application-facing login roles (app, analytics); the proxy authenticates with them. */
  readonly loginSecrets: readonly LoginSecret[];
  /** The database operations function (monitoring alarms on its errors and its SQL metrics). */
  readonly opsFunctionName: pulumi.Output<string>;
  /**
   * The function's `apply` Invocation: once it has run, the roles exist and every password role's secret
   * holds a password. Poolers wait for it (ECS injects `<secret>:password::` at task start and fails when
   * the key is missing; RDS Proxy signs in with each secret's password).
   */
  readonly databaseReady: pulumi.Resource;
  readonly outputs: StackOutputs;
}

/** What monitoring needs to alarm on the pooler. */
export type PoolerTarget =
  | { readonly kind: "none" }
  | {
      readonly kind: "rds-proxy";
      readonly proxyName: pulumi.Output<string>;
      readonly securityGroupId: pulumi.Output<string>;
    }
  | {
      readonly kind: "pgbouncer";
      readonly clusterName: pulumi.Output<string>;
      readonly serviceName: pulumi.Output<string>;
      readonly loadBalancerArnSuffix: pulumi.Output<string>;
      readonly targetGroupArnSuffix: pulumi.Output<string>;
      readonly securityGroupId: pulumi.Output<string>;
    };

export interface PoolingResult {
  readonly target: PoolerTarget;
  readonly outputs: StackOutputs;
}

export interface MonitoringResult {
  /** ARN of the encrypted alarm topic (backup job failures and restore tests report here too). */
  readonly topicArn: pulumi.Output<string>;
  readonly outputs: StackOutputs;
}

export interface BackupResult {
  readonly outputs: StackOutputs;
}
