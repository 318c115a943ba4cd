/**
 * Database access: the role secrets, the column-encryption key's secret, the master secret's rotation
 * schedule, and the database operations function (components/postgres/databaseOps.ts), which applies the
 * access model from inside the VPC, gives each secret its value there, rotates the role secrets and
 * publishes the SQL metrics.
 *
 * Pulumi never connects to the database and never reads a database password: previews and refreshes
 * need no network path to the database and no access to the master secret. The first `pulumi up` from
 * any runner (a GitHub-hosted one included) creates everything, roles and grants too (docs/deploying.md).
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  ColumnKeySecret,
  DatabaseOpsFunction,
  type OpsRoleSecret,
  passwordRoles,
  RoleSecret,
} from "../components/postgres";
import { masterSecretRotation } from "../components/rds";
import { stackAccessModel } from "./accessModel";
import type { AccessResult, Core, DisasterRecovery, LoginSecret } from "./contracts";

/**
 * In an existing VPC (`vpcId`), the function reaches Secrets Manager through the VPC's interface endpoint
 * for `com.amazonaws.<region>.secretsmanager` with private DNS on (Secrets Manager User Guide, "Using an
 * AWS Secrets Manager VPC endpoint", https://docs.aws.amazon.com/secretsmanager/latest/userguide/vpc-endpoint-overview.html).
 * Checked at plan time: DescribeVpcEndpoints answers "no matching EC2 VPC Endpoint found" through the
 * provider when there is none, and that becomes a message that names vpcId and the fix.
 */
export function requireSecretsManagerEndpoint(vpcId: string, region: string): pulumi.Output<string> {
  const serviceName = `com.amazonaws.${region}.secretsmanager`;
  const fix =
    `Create an interface VPC endpoint for ${serviceName} in ${vpcId} with private DNS enabled, in the ` +
    'database\'s private subnets, admitting HTTPS (443) from the VPC (docs/deploying.md, "Existing VPC").';
  return pulumi.output(
    aws.ec2.getVpcEndpoint({ vpcId, serviceName, state: "available" }).then(
      (e) => {
        if (e.privateDnsEnabled !== true)
          throw new Error(
            `vpcId: "${vpcId}" has a ${serviceName} endpoint (${e.id}) without private DNS; the database operations function resolves the regional Secrets Manager name and would leave the VPC. Enable private DNS on it.`,
          );
        return e.id;
      },
      (err: unknown) => {
        const m = String((err as Error)?.message ?? err);
        if (!/no matching EC2 VPC Endpoint found/i.test(m)) throw err;
        throw new Error(
          `vpcId: "${vpcId}" has no available ${serviceName} interface endpoint; the database operations function could not read any secret. ${fix}`,
        );
      },
    ),
  );
}

export function buildAccess(core: Core, dr: DisasterRecovery | undefined): AccessResult {
  const { cfg, name, primary, key, network, tags } = core;
  const model = stackAccessModel(cfg);

  // RDS manages the master password (manageMasterUserPassword); this only sets how often it rotates.
  masterSecretRotation(`${name}-master-rotation`, {
    secretArn: primary.masterSecretArn,
    days: cfg.masterPasswordRotationDays,
  });

  // One secret per role (IAM roles' describe the connection only); none holds a password from Pulumi.
  const secrets: Record<string, RoleSecret> = {};
  for (const r of model.roles) {
    secrets[r.name] = new RoleSecret(`${name}-${r.name}`, {
      roleName: r.name,
      secretName: `${name}/postgres/${r.name}`,
      kmsKeyArn: key.keyArn,
      host: primary.address,
      port: primary.port,
      database: model.database,
      iamAuth: r.iamAuth,
      recoveryWindowInDays: 30,
      protect: core.protect,
      tags,
    });
  }

  const columnKey = new ColumnKeySecret(`${name}-column-key`, {
    secretName: `${name}/postgres/column-encryption-key`,
    kmsKeyArn: key.keyArn,
    region: cfg.region,
    replica: dr ? { region: dr.region, kmsKeyArn: dr.keyArn } : undefined,
    recoveryWindowInDays: 30,
    protect: core.protect,
    tags,
  });

  // HTTPS egress: to the endpoints' group in a VPC the stack created; in an existing VPC to its CIDR,
  // once the Secrets Manager endpoint is known to exist (the plan fails otherwise, naming the fix).
  const vpcCidr =
    cfg.vpcId !== undefined
      ? pulumi
          .all([
            aws.ec2.getVpcOutput({ id: cfg.vpcId }).cidrBlock,
            requireSecretsManagerEndpoint(cfg.vpcId, cfg.region),
          ])
          .apply(([cidr]) => cidr)
      : network.vpcCidr.apply((c) => c ?? "");

  const ops = new DatabaseOpsFunction(`${name}-dbops`, {
    functionName: `${name}-dbops`,
    accountId: core.accountId,
    partition: core.partition,
    region: cfg.region,
    model,
    database: {
      host: primary.address,
      port: primary.port,
      instanceIdentifier: primary.identifier,
      instance: primary.instance,
      masterSecretArn: primary.masterSecretArn,
    },
    network: {
      vpcId: network.vpcId,
      subnetIds: network.subnetIds,
      databaseSecurityGroupId: network.securityGroupId,
      endpointSecurityGroupId: network.endpointSecurityGroupId,
      endpoints: network.interfaceEndpoints,
      vpcCidr,
      // The database admits the function the way it admits the poolers: the network owns the rule.
      admitOnDatabase: (ruleName, sg, description) =>
        network.allowFromSecurityGroup(ruleName, sg, description),
    },
    roleSecrets: Object.fromEntries(
      passwordRoles(model).map((r): [string, OpsRoleSecret] => [
        r.name,
        { secretArn: secrets[r.name].secretArn, ready: secrets[r.name].initialVersion },
      ]),
    ),
    columnKeySecret: { secretArn: columnKey.secretArn, ready: columnKey.secret },
    columnKeyReplica: dr ? { region: dr.region, kmsKeyArn: dr.keyArn } : undefined,
    kmsKeyArn: key.keyArn,
    rotationDays: cfg.appPasswordRotationDays,
    logRetentionDays: cfg.logRetentionDays,
    protect: core.protect,
    tags,
  });

  // The proxy serves the application-facing roles; the owner role is for migrations, run directly.
  const loginSecrets: LoginSecret[] = [cfg.appRoleName, cfg.analyticsRoleName].map((role) => ({
    roleName: role,
    secretArn: secrets[role].secretArn,
    iamAuth: cfg.iamAuthRoles.includes(role),
  }));

  return {
    loginSecrets,
    opsFunctionName: ops.functionName,
    databaseReady: ops.applied,
    outputs: {
      roleSecretArns: Object.fromEntries(Object.entries(secrets).map(([role, s]) => [role, s.secretArn])),
      columnEncryptionKeySecretArn: columnKey.secretArn,
      databaseOpsFunctionName: ops.functionName,
      databaseOpsLogGroupName: ops.logGroupName,
      // What the last `apply` did: names and counts only (ApplyResult), never a password.
      databaseObjectsApplied: ops.applyResult.apply((r) => (r ? (JSON.parse(r) as unknown) : undefined)),
    },
  };
}
