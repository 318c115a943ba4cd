/**
 * Database access: roles, extensions and grants inside the database, their secrets, and rotation.
 *
 * Always: one Secrets Manager secret per login role (RDS Proxy authenticates with them), the master
 * secret's rotation schedule. Only with `manageDatabaseObjects` (the default): the @pulumi/postgresql
 * provider, the roles, grants and extensions, and the alternating-users rotation of the role secrets
 * (it needs the roles to exist). Pulumi must reach the private database for those: through an SSM or
 * bastion tunnel (`databaseTunnelHost`/`databaseTunnelPort`) or by running inside the VPC.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import {
  type AccessModel,
  DatabaseAccess,
  postgresProvider,
  RoleSecret,
  RotationFunction,
} from "../components/postgres";
import { masterSecretRotation } from "../components/rds";
import { stackAccessModel } from "./accessModel";
import type { AccessResult, Core, LoginSecret } from "./contracts";

/** The warning `pulumi up` prints when in-database objects are left out. */
export function unmanagedObjectsWarning(name: string, m: AccessModel): string {
  return (
    `${name}: manageDatabaseObjects is false, so Pulumi created no roles (${m.roles.map((r) => r.name).join(", ")}), ` +
    `no extensions (${m.extensions.join(", ")}), no grants and no rotation of the role secrets; the role secrets ` +
    "exist but their roles do not. To enable: open a tunnel to the database and set databaseTunnelHost and " +
    "databaseTunnelPort, or run `pulumi up` from inside the VPC, then set manageDatabaseObjects to true " +
    '(README, "Reaching a private database").'
  );
}

/** The RDS-managed master secret holds `{"username": ..., "password": ...}`. */
export function parseMasterSecret(secretString: string): { username: string; password: string } {
  let v: unknown;
  try {
    v = JSON.parse(secretString);
  } catch {
    throw new Error(
      "masterSecretArn: the master secret is not JSON. Expected the RDS-managed {username, password}.",
    );
  }
  const o = v as Record<string, unknown>;
  if (typeof o?.username !== "string" || typeof o?.password !== "string") {
    throw new Error(
      "masterSecretArn: the master secret has no username/password. Expected the RDS-managed secret.",
    );
  }
  return { username: o.username, password: o.password };
}

export function buildAccess(core: Core): AccessResult {
  const { cfg, name, primary, key, network, tags } = core;
  const model = stackAccessModel(cfg);

  // RDS manages the master password (manageMasterUserPassword); this only sets how often it rotates.
  masterSecretRotation(`${name}-master-rotation`, {
    secretArn: primary.masterSecretArn,
    days: cfg.masterPasswordRotationDays,
  });

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
      masterSecretArn: primary.masterSecretArn,
      recoveryWindowInDays: 30,
      protect: core.protect,
      tags,
    });
  }

  if (cfg.manageDatabaseObjects) {
    const master = aws.secretsmanager
      .getSecretVersionOutput({ secretId: primary.masterSecretArn })
      .apply((v) => parseMasterSecret(v.secretString));
    // One connection for the @pulumi/postgresql provider and the RoleSettings dynamic resources.
    const connection = {
      host: cfg.databaseTunnelHost ?? primary.address,
      port: cfg.databaseTunnelPort ?? primary.port,
      username: master.apply((m) => m.username),
      password: pulumi.secret(master.apply((m) => m.password)),
    };
    const provider = postgresProvider(`${name}-postgres`, {
      ...connection,
      database: model.database,
      engineMajor: cfg.engineMajor,
    });
    const access = new DatabaseAccess(`${name}-access`, {
      model,
      provider,
      connection,
      passwords: Object.fromEntries(
        Object.entries(secrets).flatMap(([role, s]) => (s.password ? [[role, s.password]] : [])),
      ),
    });

    const passwordRoles = model.roles.filter((r) => !r.iamAuth);
    if (passwordRoles.length > 0) {
      const rotation = new RotationFunction(`${name}-rotation`, {
        functionName: `${name}-pg-rotation`,
        region: cfg.region,
        network: {
          vpcId: network.vpcId,
          subnetIds: network.subnetIds,
          // An existing VPC (vpcId) has no CIDR in config: ask EC2.
          vpcCidr: pulumi
            .all([network.vpcCidr, network.vpcId])
            .apply(([cidr, vpcId]): Promise<string> | string =>
              cidr !== undefined ? cidr : aws.ec2.getVpc({ id: vpcId }).then((v) => v.cidrBlock),
            ) as pulumi.Output<string>,
          databaseSecurityGroupId: network.securityGroupId,
        },
        kmsKeyArn: key.keyArn,
        masterSecretArn: primary.masterSecretArn,
        masterSecretKmsKeyArn: key.keyArn,
        tags,
      });
      // The database admits the function the way it admits the poolers: the network owns the rule.
      network.allowFromSecurityGroup(
        `${name}-rotation-db-from-rotation`,
        rotation.securityGroupId,
        "the Secrets Manager rotation function",
      );
      for (const r of passwordRoles) {
        rotation.rotate(
          `${name}-${r.name}-rotation`,
          secrets[r.name].secretArn,
          cfg.appPasswordRotationDays,
          [access.roles[r.name]],
        );
      }
    }
  } else {
    pulumi.log.warn(unmanagedObjectsWarning(name, model));
  }

  // The proxy serves the application-facing roles; the owner role is for migrations, run directly.
  const loginSecrets: LoginSecret[] = [cfg.appRoleName, cfg.analyticsRoleName].map((role) => ({
    roleName: role,
    secretArn: secrets[role].secretArn,
    iamAuth: cfg.iamAuthRoles.includes(role),
  }));

  return {
    loginSecrets,
    outputs: {
      roleSecretArns: Object.fromEntries(Object.entries(secrets).map(([role, s]) => [role, s.secretArn])),
      databaseObjectsManaged: cfg.manageDatabaseObjects,
    },
  };
}
