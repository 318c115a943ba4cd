import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/** AWS's published alternating-users rotation function for PostgreSQL (Serverless Application Repository). */
export const MULTI_USER_ROTATION_APP =
  "arn:aws:serverlessrepo:us-east-1:297356227824:applications/SecretsManagerRDSPostgreSQLRotationMultiUser";

/**
 * Where the rotation function runs. The database's side (admitting the function on 5432) is the
 * caller's: `DatabaseNetwork.allowFromSecurityGroup` with `securityGroupId`, as for every other client.
 */
export interface RotationNetwork {
  readonly vpcId: pulumi.Input<string>;
  readonly subnetIds: pulumi.Input<pulumi.Input<string>[]>;
  /** CIDR of the VPC: the Secrets Manager interface endpoint lives inside it. */
  readonly vpcCidr: pulumi.Input<string>;
  readonly databaseSecurityGroupId: pulumi.Input<string>;
}

export interface RotationFunctionArgs {
  /** Lambda function name (also the CloudFormation stack's name). */
  readonly functionName: string;
  readonly region: string;
  readonly network: RotationNetwork;
  /** Key that encrypts the role secrets (the function decrypts and re-encrypts them). */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** The RDS-managed master secret: the function signs in with it to create the `_clone` user. */
  readonly masterSecretArn: pulumi.Input<string>;
  /** Key of the master secret. */
  readonly masterSecretKmsKeyArn: pulumi.Input<string>;
  readonly tags?: Record<string, string>;
}

const PG_PORT = 5432;

/**
 * The AWS-published alternating-users rotation function for PostgreSQL, deployed inside the VPC.
 *
 * Alternating users: each rotation sets a new password on the *other* of `<role>` / `<role>_clone`
 * (the clone is created on first rotation as a member of the role, so it has the same privileges) and
 * points the secret at it, so connections opened with the previous password keep working until the
 * next rotation. Its security group may reach only PostgreSQL on the database and HTTPS inside the VPC
 * (the Secrets Manager endpoint); the caller admits `securityGroupId` on the database's 5432.
 */
export class RotationFunction extends pulumi.ComponentResource {
  readonly lambdaArn: pulumi.Output<string>;
  readonly securityGroupId: pulumi.Output<string>;

  constructor(name: string, args: RotationFunctionArgs, opts?: pulumi.ComponentResourceOptions) {
    super("verscienta:postgres:RotationFunction", name, {}, opts);
    // Lambda names: 64 characters, letters, digits, - and _.
    if (!/^[A-Za-z0-9-_]{1,64}$/.test(args.functionName)) {
      throw new Error(
        `functionName: "${args.functionName}" is not a Lambda function name. Use up to 64 letters, digits, - or _.`,
      );
    }

    const sg = new aws.ec2.SecurityGroup(
      `${name}-sg`,
      {
        name: `${args.functionName}-sg`,
        description: "Secrets Manager rotation function: PostgreSQL and HTTPS inside the VPC only",
        vpcId: args.network.vpcId,
        // No inline rules: the standalone rules below are the only ones (no default allow-all egress).
        tags: { ...args.tags, Name: `${args.functionName}-sg` },
      },
      { parent: this },
    );
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-to-db`,
      {
        securityGroupId: sg.id,
        ipProtocol: "tcp",
        fromPort: PG_PORT,
        toPort: PG_PORT,
        referencedSecurityGroupId: args.network.databaseSecurityGroupId,
        description: "PostgreSQL on the database only",
      },
      { parent: this },
    );
    new aws.vpc.SecurityGroupEgressRule(
      `${name}-to-endpoints`,
      {
        securityGroupId: sg.id,
        ipProtocol: "tcp",
        fromPort: 443,
        toPort: 443,
        cidrIpv4: args.network.vpcCidr,
        description: "HTTPS to the Secrets Manager interface endpoint inside the VPC",
      },
      { parent: this },
    );

    const stack = new aws.serverlessrepository.CloudFormationStack(
      `${name}-app`,
      {
        name: args.functionName,
        applicationId: MULTI_USER_ROTATION_APP,
        // The application creates its IAM role and the resource policy that lets Secrets Manager invoke it.
        capabilities: ["CAPABILITY_IAM", "CAPABILITY_RESOURCE_POLICY"],
        parameters: {
          functionName: args.functionName,
          endpoint: `https://secretsmanager.${args.region}.amazonaws.com`,
          vpcSubnetIds: pulumi.output(args.network.subnetIds).apply((ids) => ids.join(",")),
          vpcSecurityGroupIds: sg.id,
          kmsKeyArn: args.kmsKeyArn,
          masterSecretArn: args.masterSecretArn,
          masterSecretKmsKeyArn: args.masterSecretKmsKeyArn,
        },
        tags: args.tags,
      },
      { parent: this },
    );

    this.lambdaArn = stack.outputs.apply((o) => {
      const arn = o?.RotationLambdaARN;
      if (!arn)
        throw new Error(
          `${args.functionName}: the rotation application returned no RotationLambdaARN output.`,
        );
      return arn;
    });
    this.securityGroupId = sg.id;
    this.registerOutputs({ lambdaArn: this.lambdaArn, securityGroupId: this.securityGroupId });
  }

  /**
   * Rotates `secretId` with this function every `days` days. Pass the database role in `dependsOn`:
   * Secrets Manager rotates once right away, and the role must exist by then.
   */
  rotate(
    name: string,
    secretId: pulumi.Input<string>,
    days: number,
    dependsOn: pulumi.Input<pulumi.Resource>[] = [],
  ): aws.secretsmanager.SecretRotation {
    if (!Number.isInteger(days) || days < 1 || days > 365) {
      throw new Error(`${name}: rotation every ${days} days is out of range. Use 1 to 365.`);
    }
    return new aws.secretsmanager.SecretRotation(
      name,
      { secretId, rotationLambdaArn: this.lambdaArn, rotationRules: { automaticallyAfterDays: days } },
      { parent: this, dependsOn },
    );
  }
}
