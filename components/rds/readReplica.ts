import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { type InstanceHardeningArgs, instanceHardening, logGroupsFor } from "./hardening";

/** The primary's hardening (kmsKeyArn is Performance Insights' key: storage always uses the source's). */
export interface ReadReplicaArgs extends InstanceHardeningArgs {
  readonly identifier: string;
  /** Identifier of the primary (same region). */
  readonly sourceIdentifier: pulumi.Input<string>;
  readonly instanceClass: string;
  readonly logRetentionDays: number;
  readonly protect?: boolean;
  readonly tags?: Record<string, string>;
}

/**
 * A read replica with the primary's protections: encrypted with the source's key, same parameter group,
 * monitoring, Performance Insights, log exports, not public. RDS takes no final snapshot of a replica
 * and keeps no automated backups of it: the primary's backups cover the data.
 */
export class ReadReplica extends pulumi.ComponentResource {
  readonly instance: aws.rds.Instance;
  readonly identifier: pulumi.Output<string>;
  readonly address: pulumi.Output<string>;
  readonly logGroupNames: pulumi.Output<string[]>;

  constructor(name: string, args: ReadReplicaArgs, opts?: pulumi.ComponentResourceOptions) {
    super("verscienta:rds:ReadReplica", name, {}, opts);
    const logGroups = logGroupsFor(this, name, args.identifier, args);
    this.logGroupNames = pulumi.all(logGroups.map((g) => g.name));
    this.instance = new aws.rds.Instance(
      `${name}-instance`,
      {
        ...instanceHardening(args),
        identifier: args.identifier,
        replicateSourceDb: args.sourceIdentifier,
        instanceClass: args.instanceClass,
        // No kmsKeyId: a same-region replica is always encrypted with the source's key, and the
        // CreateDBInstanceReadReplica API reference says not to specify KmsKeyId in the same Region.
        // The standby belongs to the primary; RDS keeps no final snapshot or automated backups of a
        // replica (the primary's backups cover the data).
        multiAz: false,
        skipFinalSnapshot: true,
        backupRetentionPeriod: 0,
        tags: { ...args.tags, Role: "read-replica" },
      },
      { parent: this, protect: args.protect, dependsOn: logGroups },
    );
    this.identifier = this.instance.identifier;
    this.address = this.instance.address;
    this.registerOutputs({ identifier: this.identifier, address: this.address });
  }
}
