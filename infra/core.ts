/**
 * The core of the stack: the customer-managed key, the network, the parameter group, the primary
 * instance and its read replicas. Every later build step composes with what this returns (Core, in
 * contracts.ts).
 */
import * as aws from "@pulumi/aws";
import { EncryptionKey } from "../components/kms";
import { DatabaseNetwork } from "../components/network";
import { PostgresInstance, PostgresParameterGroup, ReadReplica } from "../components/rds";
import { BASE_TAGS } from "../spec/identifiers";
import type { PlatformConfig } from "./config";
import type { Core } from "./contracts";

/** Interface endpoints a new isolated VPC needs for what runs inside it. */
function endpointsFor(cfg: PlatformConfig): string[] {
  const eps = ["secretsmanager", "logs", "kms", "sts", "monitoring"];
  // PgBouncer on Fargate in a VPC with no internet route: pulling from private ECR needs the `ecr.api`
  // and `ecr.dkr` interface endpoints plus the S3 gateway endpoint (image layers live in S3), and the
  // awslogs driver needs `logs` (Amazon ECR interface VPC endpoints (AWS PrivateLink), Considerations,
  // https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html). DatabaseNetwork adds
  // the S3 gateway whenever it creates interface endpoints; `logs` and `secretsmanager` (the pooled
  // roles' passwords) are above. `acm-pca`: the task issues its server certificate from the stack's
  // private CA (AWS Private CA VPC endpoints (AWS PrivateLink),
  // https://docs.aws.amazon.com/privateca/latest/userguide/vpc-endpoints.html).
  if (cfg.pooler === "pgbouncer") eps.push("ecr.api", "ecr.dkr", "acm-pca");
  return eps;
}

/** Builds the core: key, network, parameter group, primary instance and read replicas. */
export function buildCore(cfg: PlatformConfig, name: string): Core {
  const protect = cfg.environment === "prod";
  const tags = { ...BASE_TAGS, Environment: cfg.environment, Stack: name };
  const identity = aws.getCallerIdentityOutput({});
  const partition = aws.getPartitionOutput({}).partition;

  const key = new EncryptionKey(name, {
    accountId: identity.accountId,
    region: cfg.region,
    partition,
    aliasName: `${name}-postgres`,
    protect,
    tags,
  });

  const network = new DatabaseNetwork(name, {
    accountId: identity.accountId,
    vpcId: cfg.vpcId,
    privateSubnetIds: cfg.vpcId ? [...cfg.privateSubnetIds] : undefined,
    vpcCidr: cfg.vpcCidr,
    availabilityZones: cfg.vpcId ? undefined : aws.getAvailabilityZonesOutput({ state: "available" }).names,
    availabilityZoneCount: cfg.environment === "prod" ? 3 : 2,
    allowedSecurityGroupIds: [...cfg.allowedSecurityGroupIds],
    allowedCidrs: [...cfg.allowedCidrs],
    kmsKeyArn: key.keyArn,
    logRetentionDays: cfg.logRetentionDays,
    interfaceEndpoints: endpointsFor(cfg),
    region: cfg.region,
    protect,
    tags,
  });

  const parameterGroup = new PostgresParameterGroup(name, {
    engineVersion: cfg.engineVersion,
    pgauditEnabled: cfg.pgauditEnabled,
    pgauditLog: cfg.pgauditLog,
    maxConnections: cfg.maxConnections,
    tags,
  });

  const primary = new PostgresInstance(name, {
    accountId: identity.accountId,
    identifier: `${name}-db`,
    engineVersion: cfg.engineVersion,
    instanceClass: cfg.instanceClass,
    allocatedStorageGb: cfg.allocatedStorageGb,
    maxAllocatedStorageGb: cfg.maxAllocatedStorageGb,
    databaseName: cfg.databaseName,
    masterUsername: cfg.masterUsername,
    kmsKeyArn: key.keyArn,
    subnetGroupName: network.subnetGroupName,
    securityGroupIds: [network.securityGroupId],
    parameterGroupName: parameterGroup.name,
    caCertIdentifier: cfg.caCertIdentifier,
    multiAz: cfg.multiAz,
    deletionProtection: cfg.deletionProtection,
    backupRetentionDays: cfg.backupRetentionDays,
    backupWindow: cfg.backupWindow,
    maintenanceWindow: cfg.maintenanceWindow,
    engineLifecycleSupport: cfg.engineLifecycleSupport,
    logRetentionDays: cfg.logRetentionDays,
    monitoringIntervalSeconds: cfg.monitoringIntervalSeconds,
    performanceInsightsRetentionDays: cfg.performanceInsightsRetentionDays,
    databaseInsightsMode: cfg.databaseInsightsMode,
    protect,
    tags,
  });

  const replicas = Array.from(
    { length: cfg.readReplicaCount },
    (_, i) =>
      new ReadReplica(`${name}-replica-${i + 1}`, {
        identifier: `${name}-db-replica-${i + 1}`,
        sourceIdentifier: primary.identifier,
        instanceClass: cfg.instanceClass,
        kmsKeyArn: key.keyArn,
        securityGroupIds: [network.securityGroupId],
        parameterGroupName: parameterGroup.name,
        caCertIdentifier: cfg.caCertIdentifier,
        monitoringRoleArn: primary.monitoringRoleArn,
        monitoringIntervalSeconds: cfg.monitoringIntervalSeconds,
        performanceInsightsRetentionDays: cfg.performanceInsightsRetentionDays,
        databaseInsightsMode: cfg.databaseInsightsMode,
        maintenanceWindow: cfg.maintenanceWindow,
        deletionProtection: cfg.deletionProtection,
        logRetentionDays: cfg.logRetentionDays,
        maxAllocatedStorageGb: cfg.maxAllocatedStorageGb,
        protect,
        tags,
      }),
  );

  return {
    name,
    cfg,
    tags,
    accountId: identity.accountId,
    partition,
    key,
    network,
    parameterGroup,
    primary,
    replicas,
    protect,
  };
}
