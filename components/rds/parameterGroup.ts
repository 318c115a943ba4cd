import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type ParameterOptions, parameterGroupFamily, parameterGroupParameters } from "./parameters";

export interface PostgresParameterGroupArgs extends ParameterOptions {
  /** Engine version ("16" or "16.4"); the family is derived from its major version. */
  readonly engineVersion: string;
  readonly tags?: Record<string, string>;
}

/**
 * The custom parameter group: the guide's logging and autovacuum settings plus TLS and SCRAM hardening
 * (see `parameters.ts`).
 *
 * Major version upgrades: the name is a prefix carrying the family (`<name>-postgres16-<unique>`), so a
 * new major creates a new group first (a same-named replacement would have to delete first), and the instance is modified with
 * the new engine version and the new group in one request, as RDS requires for a major upgrade ("Major
 * version upgrades for RDS for PostgreSQL": a custom group of the new family must be named in the
 * upgrade). The instance applies changes in its maintenance window (`applyImmediately: false`), so right
 * after `pulumi up` it is still a member of the old group, and deleting that group fails with
 * `InvalidDBParameterGroupState: One or more database instances are still members of this parameter
 * group` (terraform-provider-aws#6448, terraform-aws-modules/terraform-aws-rds-aurora#353). The group is
 * therefore retained on delete: Pulumi forgets the old group, RDS keeps it until the instance has moved,
 * and the runbook ("Major version upgrade") deletes it afterwards. A blue/green upgrade is not an option:
 * RDS does not support blue/green deployments while it manages the master password (RDS User Guide,
 * "Limitations for Secrets Manager integration with Amazon RDS").
 */
export class PostgresParameterGroup extends pulumi.ComponentResource {
  readonly name: pulumi.Output<string>;
  readonly family: string;

  constructor(name: string, args: PostgresParameterGroupArgs, opts?: pulumi.ComponentResourceOptions) {
    super("verscienta:rds:PostgresParameterGroup", name, {}, opts);
    this.family = parameterGroupFamily(args.engineVersion);
    const group = new aws.rds.ParameterGroup(
      `${name}-params`,
      {
        // A prefix, not a fixed name: each replacement (a new family) gets a fresh name, and a group
        // retained from an earlier stack never blocks creating this one (DBParameterGroupAlreadyExists).
        namePrefix: `${name}-${this.family}-`,
        family: this.family,
        description: `HIPAA-hardened ${this.family}: TLS only, SCRAM, audit logging`,
        parameters: parameterGroupParameters(args).map((p) => ({
          name: p.name,
          value: p.value,
          applyMethod: p.applyMethod,
        })),
        tags: args.tags,
      },
      { parent: this, retainOnDelete: true },
    );
    this.name = group.name;
    this.registerOutputs({ name: this.name });
  }
}
