import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type ParameterOptions, parameterGroupFamily, parameterGroupParameters } from "./parameters";

export interface PostgresParameterGroupArgs extends ParameterOptions {
  /** Engine version ("16" or "16.4"); the family is derived from its major version. */
  readonly engineVersion: string;
  readonly tags?: Record<string, string>;
}

/**
 * The custom parameter group: the seed's logging and autovacuum settings plus TLS and SCRAM hardening
 * (see `parameters.ts`). Its name carries the family (`<name>-postgres16`): a major upgrade changes the
 * name, so Pulumi creates the new group, points the instance at it, and only then deletes the old one
 * (a group in use cannot be deleted, and a same-named replacement would have to delete first).
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
        name: `${name}-${this.family}`,
        family: this.family,
        description: `HIPAA-hardened ${this.family}: TLS only, SCRAM, audit logging`,
        parameters: parameterGroupParameters(args).map((p) => ({
          name: p.name,
          value: p.value,
          applyMethod: p.applyMethod,
        })),
        tags: args.tags,
      },
      { parent: this },
    );
    this.name = group.name;
    this.registerOutputs({ name: this.name });
  }
}
