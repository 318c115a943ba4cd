import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { isPrivateIpv4Cidr, POSTGRES_PORT } from "../../spec/identifiers";
import { assumeRolePolicy, managedRolePolicy } from "../iam";

export interface DatabaseNetworkArgs {
  /** Account that owns the service roles (their trust policies admit only this account). */
  readonly accountId: pulumi.Input<string>;
  /** Existing VPC. Unset: an isolated VPC is created. */
  readonly vpcId?: pulumi.Input<string>;
  /** Existing private subnets (at least 2 AZs); required with `vpcId`. */
  readonly privateSubnetIds?: pulumi.Input<string>[];
  /** CIDR of the VPC created when `vpcId` is unset. @default "10.40.0.0/16" */
  readonly vpcCidr?: string;
  /** AZ names to draw the created subnets from (e.g. `aws.getAvailabilityZonesOutput().names`). */
  readonly availabilityZones?: pulumi.Input<string[]>;
  /** How many private subnets (one per AZ) a new VPC gets. @default 2 */
  readonly availabilityZoneCount?: number;
  /** Security groups (poolers, apps) admitted on 5432. @default [] */
  readonly allowedSecurityGroupIds?: pulumi.Input<string>[];
  /** Private CIDRs admitted on 5432; public ranges are refused. @default [] */
  readonly allowedCidrs?: string[];
  /** Key for the flow-log group. */
  readonly kmsKeyArn: pulumi.Input<string>;
  /** Flow-log retention (days). */
  readonly logRetentionDays: number;
  /** Interface endpoints created in a new VPC (short service names: "secretsmanager", "logs"...). */
  readonly interfaceEndpoints?: string[];
  readonly region: pulumi.Input<string>;
  /** Protect the flow-log group. @default false */
  readonly protect?: boolean;
  readonly tags?: Record<string, string>;
}

// The port and the private-range check live in spec/identifiers.ts; re-exported for this folder's users.
export { isPrivateIpv4Cidr, POSTGRES_PORT };

/** Splits a /16–/24 VPC CIDR into /N+4 subnets and returns the first `count`. */
export function subnetCidrs(vpcCidr: string, count: number): string[] {
  const [base, bitsStr] = vpcCidr.split("/");
  const bits = Number(bitsStr);
  const sub = bits + 4;
  const start = base.split(".").reduce((acc, o) => acc * 256 + Number(o), 0);
  const size = 2 ** (32 - sub);
  return Array.from({ length: count }, (_, i) => {
    const n = start + i * size;
    return `${[24, 16, 8, 0].map((s) => (n >>> s) & 255).join(".")}/${sub}`;
  });
}

/**
 * Where the database lives: an existing VPC's private subnets, or a new isolated VPC (private subnets
 * in at least 2 AZs, no internet gateway, default security group closed, flow logs to an encrypted
 * group); a DB subnet group; and the database security group, which admits 5432 only from listed
 * security groups or private CIDRs (HIPAA 164.312(a)(1), 164.312(e)(1)).
 */
export class DatabaseNetwork extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  readonly subnetIds: pulumi.Output<string[]>;
  readonly subnetGroupName: pulumi.Output<string>;
  readonly securityGroupId: pulumi.Output<string>;
  readonly vpcCidr: pulumi.Output<string | undefined>;
  readonly flowLogGroupName?: pulumi.Output<string>;
  /**
   * The security group of the interface endpoints this component created (a new VPC with
   * `interfaceEndpoints`); undefined in an existing VPC. Clients that call AWS APIs (the database
   * operations function) send HTTPS to this group only.
   */
  readonly endpointSecurityGroupId?: pulumi.Output<string>;
  /**
   * The interface endpoints created in a new VPC (none in an existing one). What runs inside the VPC
   * reaches AWS APIs only through them, so it waits for them (the database operations function's apply).
   */
  readonly interfaceEndpoints: aws.ec2.VpcEndpoint[] = [];

  private readonly securityGroup: aws.ec2.SecurityGroup;

  constructor(name: string, args: DatabaseNetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("verscienta:network:DatabaseNetwork", name, {}, opts);
    validateNetworkArgs(args);

    let subnetIds: pulumi.Input<string>[];
    if (args.vpcId !== undefined) {
      this.vpcId = pulumi.output(args.vpcId);
      subnetIds = args.privateSubnetIds ?? [];
      this.vpcCidr = pulumi.output(undefined);
    } else {
      const cidr = args.vpcCidr ?? "10.40.0.0/16";
      const azs = pulumi.output(args.availabilityZones ?? []);
      const vpc = new aws.ec2.Vpc(
        `${name}-vpc`,
        {
          cidrBlock: cidr,
          enableDnsHostnames: true,
          enableDnsSupport: true,
          tags: { ...args.tags, Name: `${name}-vpc` },
        },
        { parent: this },
      );
      // The default security group of a new VPC allows all traffic between its members: close it.
      new aws.ec2.DefaultSecurityGroup(
        `${name}-default-sg`,
        { vpcId: vpc.id, ingress: [], egress: [], tags: { ...args.tags, Name: `${name}-default-closed` } },
        { parent: this },
      );
      // Private subnets only: no internet gateway and no NAT; the route table holds the local route.
      const routeTable = new aws.ec2.RouteTable(
        `${name}-private-rt`,
        { vpcId: vpc.id, tags: { ...args.tags, Name: `${name}-private` } },
        { parent: this },
      );
      const subnets = subnetCidrs(cidr, args.availabilityZoneCount ?? 2).map(
        (c, i) =>
          new aws.ec2.Subnet(
            `${name}-private-${i}`,
            {
              vpcId: vpc.id,
              cidrBlock: c,
              availabilityZone: azs.apply((a) => {
                if (a.length <= i)
                  throw new Error(`availabilityZones: the region offers ${a.length} AZs, ${i + 1} needed.`);
                return a[i];
              }),
              mapPublicIpOnLaunch: false,
              tags: { ...args.tags, Name: `${name}-private-${i}`, Tier: "private" },
            },
            { parent: this },
          ),
      );
      for (const [i, s] of subnets.entries()) {
        new aws.ec2.RouteTableAssociation(
          `${name}-private-${i}`,
          { subnetId: s.id, routeTableId: routeTable.id },
          { parent: this },
        );
      }
      subnetIds = subnets.map((s) => s.id);

      // VPC flow logs (HIPAA 164.312(b)): every accepted and rejected flow, encrypted, retained.
      const flowLogGroup = new aws.cloudwatch.LogGroup(
        `${name}-flow-logs`,
        {
          name: `/verscienta/${name}/vpc-flow-logs`,
          kmsKeyId: args.kmsKeyArn,
          retentionInDays: args.logRetentionDays,
          tags: args.tags,
        },
        { parent: this, protect: args.protect, retainOnDelete: args.protect },
      );
      const flowRole = new aws.iam.Role(
        `${name}-flow-logs`,
        {
          name: `${name}-flow-logs`,
          assumeRolePolicy: assumeRolePolicy("vpc-flow-logs.amazonaws.com", args.accountId),
          tags: args.tags,
        },
        { parent: this },
      );
      managedRolePolicy(
        `${name}-flow-logs`,
        {
          role: flowRole.name,
          policyName: `${name}-flow-logs`,
          description: "VPC flow logs: write to the stack's encrypted flow-log group only",
          tags: args.tags,
          policy: flowLogGroup.arn.apply((arn) =>
            JSON.stringify({
              Version: "2012-10-17",
              Statement: [
                {
                  Effect: "Allow",
                  Action: ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"],
                  Resource: [arn, `${arn}:*`],
                },
              ],
            }),
          ),
        },
        { parent: this },
      );
      new aws.ec2.FlowLog(
        `${name}-flow-log`,
        {
          vpcId: vpc.id,
          trafficType: "ALL",
          logDestinationType: "cloud-watch-logs",
          logDestination: flowLogGroup.arn,
          iamRoleArn: flowRole.arn,
          maxAggregationInterval: 60,
          tags: args.tags,
        },
        { parent: this },
      );
      this.flowLogGroupName = flowLogGroup.name;

      // With no internet path, AWS APIs are reached through interface endpoints (Secrets Manager for
      // rotation, Logs and ECR for PgBouncer tasks, ...), admitted on 443 from inside the VPC only.
      const endpoints = args.interfaceEndpoints ?? [];
      if (endpoints.length > 0) {
        const endpointSg = new aws.ec2.SecurityGroup(
          `${name}-endpoints-sg`,
          {
            vpcId: vpc.id,
            description: "AWS interface endpoints: HTTPS from inside the VPC only",
            ingress: [
              {
                protocol: "tcp",
                fromPort: 443,
                toPort: 443,
                cidrBlocks: [cidr],
                description: "HTTPS from the VPC",
              },
            ],
            tags: { ...args.tags, Name: `${name}-endpoints` },
          },
          { parent: this },
        );
        this.endpointSecurityGroupId = endpointSg.id;
        for (const svc of endpoints) {
          const ep = new aws.ec2.VpcEndpoint(
            `${name}-${svc.replace(/\./g, "-")}`,
            {
              vpcId: vpc.id,
              serviceName: pulumi.interpolate`com.amazonaws.${args.region}.${svc}`,
              vpcEndpointType: "Interface",
              privateDnsEnabled: true,
              subnetIds,
              securityGroupIds: [endpointSg.id],
              tags: { ...args.tags, Name: `${name}-${svc}` },
            },
            { parent: this },
          );
          this.interfaceEndpoints.push(ep);
        }
        // ECR image layers come from S3: a gateway endpoint on the private route table. Without it a
        // Fargate task in these subnets cannot pull from private ECR even with the ecr.api/ecr.dkr
        // interface endpoints: "Amazon ECS tasks hosted on Fargate using platform version 1.4.0 or later
        // require both Amazon ECR VPC endpoints and the Amazon S3 gateway endpoints" (Amazon ECR interface
        // VPC endpoints (AWS PrivateLink), Considerations,
        // https://docs.aws.amazon.com/AmazonECR/latest/userguide/vpc-endpoints.html).
        new aws.ec2.VpcEndpoint(
          `${name}-s3`,
          {
            vpcId: vpc.id,
            serviceName: pulumi.interpolate`com.amazonaws.${args.region}.s3`,
            vpcEndpointType: "Gateway",
            routeTableIds: [routeTable.id],
            tags: { ...args.tags, Name: `${name}-s3` },
          },
          { parent: this },
        );
      }
      this.vpcId = vpc.id;
      this.vpcCidr = pulumi.output(cidr);
    }
    this.subnetIds = pulumi.all(subnetIds);

    const subnetGroup = new aws.rds.SubnetGroup(
      `${name}-subnets`,
      {
        name: `${name}-subnets`,
        description: "Private subnets of the PostgreSQL database",
        subnetIds: this.subnetIds,
        tags: args.tags,
      },
      { parent: this },
    );
    this.subnetGroupName = subnetGroup.name;

    // No inline rules: each admitted source is its own ingress rule, so poolers can add theirs, and no
    // egress rule at all (the database initiates nothing).
    this.securityGroup = new aws.ec2.SecurityGroup(
      `${name}-db-sg`,
      {
        name: `${name}-db`,
        description: "PostgreSQL: 5432 only from listed security groups and private CIDRs",
        vpcId: this.vpcId,
        revokeRulesOnDelete: true,
        tags: { ...args.tags, Name: `${name}-db` },
      },
      { parent: this },
    );
    this.securityGroupId = this.securityGroup.id;

    for (const [i, sg] of (args.allowedSecurityGroupIds ?? []).entries()) {
      this.allowFromSecurityGroup(`${name}-db-from-sg-${i}`, sg, "listed security group");
    }
    (args.allowedCidrs ?? []).forEach((cidr, i) => {
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-db-from-cidr-${i}`,
        {
          securityGroupId: this.securityGroupId,
          ipProtocol: "tcp",
          fromPort: POSTGRES_PORT,
          toPort: POSTGRES_PORT,
          cidrIpv4: cidr,
          description: `PostgreSQL from private range ${cidr}`,
        },
        { parent: this },
      );
    });
    this.registerOutputs({
      vpcId: this.vpcId,
      subnetIds: this.subnetIds,
      securityGroupId: this.securityGroupId,
    });
  }

  /** Admits 5432 from a security group (a pooler, an app). Returns the rule. */
  allowFromSecurityGroup(
    ruleName: string,
    sourceSecurityGroupId: pulumi.Input<string>,
    description: string,
  ): aws.vpc.SecurityGroupIngressRule {
    return new aws.vpc.SecurityGroupIngressRule(
      ruleName,
      {
        securityGroupId: this.securityGroupId,
        ipProtocol: "tcp",
        fromPort: POSTGRES_PORT,
        toPort: POSTGRES_PORT,
        referencedSecurityGroupId: sourceSecurityGroupId,
        description: `PostgreSQL from ${description}`,
      },
      { parent: this },
    );
  }
}

export function validateNetworkArgs(args: DatabaseNetworkArgs): void {
  const problems: string[] = [];
  if (args.vpcId !== undefined && (args.privateSubnetIds ?? []).length < 2) {
    problems.push(
      `privateSubnetIds: ${JSON.stringify(args.privateSubnetIds ?? [])} must list private subnets in at least 2 AZs when vpcId is set.`,
    );
  }
  if (args.vpcId === undefined && (args.availabilityZoneCount ?? 2) < 2) {
    problems.push(
      `availabilityZoneCount: ${args.availabilityZoneCount} must be at least 2: RDS Multi-AZ and the subnet group need two AZs.`,
    );
  }
  for (const c of args.allowedCidrs ?? []) {
    if (!isPrivateIpv4Cidr(c))
      problems.push(
        `allowedCidrs: "${c}" is not a private (RFC 1918) range. Admit a private CIDR or a security group.`,
      );
  }
  if (problems.length) throw new Error(`DatabaseNetwork: ${problems.join(" ")}`);
}
