/** VPC networking: DB subnet group AZs, and the endpoints an isolated VPC needs for what runs in it. */
import type { PlannedResource, PlanRule } from "../types";
import { ECR_ENDPOINTS } from "./ecs";
import { list, obj, ofType, str, T } from "./util";

/** True when the plan creates a VPC and no route to the internet (no internet or NAT gateway). */
export const isolatedVpc = (rs: readonly PlannedResource[]) =>
  ofType(rs, T.vpc).length > 0 &&
  ofType(rs, T.internetGateway).length === 0 &&
  ofType(rs, T.natGateway).length === 0;

/** Planned VPC endpoints by service suffix (`ecr.api`, `s3`, ...). */
export const endpointFor = (
  rs: readonly PlannedResource[],
  service: string,
  type?: "Interface" | "Gateway",
) =>
  ofType(rs, T.vpcEndpoint).find(
    (e) =>
      String(e.inputs.serviceName ?? "").endsWith(`.${service}`) &&
      (type === undefined || e.inputs.vpcEndpointType === type),
  );

export const dbSubnetGroupAzs: PlanRule = {
  id: "network.dbSubnetGroup.azs",
  level: "plan",
  title: "A DB subnet group covers at least two Availability Zones",
  source: {
    title:
      'Amazon RDS API Reference, CreateDBSubnetGroup, error DBSubnetGroupDoesNotCoverEnoughAZs ("Subnets in the DB subnet group should cover at least two Availability Zones"); Amazon RDS User Guide, "Working with a DB instance in a VPC"',
    url: "https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_CreateDBSubnetGroup.html",
  },
  fix: "Put private subnets from at least two Availability Zones in the group.",
  check: (rs) =>
    ofType(rs, T.subnetGroup).flatMap((g) => {
      const ids = list(g.inputs.subnetIds).map(String);
      const planned = ids.map((id) => ofType(rs, T.subnet).find((s) => s.state?.id === id || s.urn === id));
      const azs = new Set(planned.map((s) => str(s?.inputs.availabilityZone)).filter((a) => a !== undefined));
      const allKnown = planned.every((s) => s !== undefined && str(s.inputs.availabilityZone) !== undefined);
      if (ids.length < 2 || (allKnown && azs.size < 2))
        return [
          {
            resource: g,
            message: `has ${ids.length} subnet(s) in ${allKnown ? azs.size : "unknown"} Availability Zone(s); RDS needs at least two AZs.`,
          },
        ];
      return [];
    }),
};

export const fargateEcrEndpoints: PlanRule = {
  id: "network.fargate.ecrEndpoints",
  level: "plan",
  title:
    "Fargate in an isolated VPC has the ecr.api, ecr.dkr, logs interface endpoints and the S3 gateway endpoint",
  source: ECR_ENDPOINTS,
  fix: "Add interface endpoints ecr.api, ecr.dkr and logs, and the S3 gateway endpoint on the private route tables.",
  check: (rs) => {
    const fargate = ofType(rs, T.ecsService).filter(
      (s) =>
        s.inputs.launchType === "FARGATE" ||
        list(s.inputs.capacityProviderStrategies).some((c) =>
          String(obj(c).capacityProvider).startsWith("FARGATE"),
        ),
    );
    if (fargate.length === 0 || !isolatedVpc(rs)) return [];
    const missing = [
      ["ecr.api", "Interface"],
      ["ecr.dkr", "Interface"],
      ["logs", "Interface"],
      ["s3", "Gateway"],
    ]
      .filter(([svc, type]) => !endpointFor(rs, svc, type as "Interface" | "Gateway"))
      .map(([svc, type]) => `${svc} (${type})`);
    return missing.length
      ? fargate.map((s) => ({
          resource: s,
          message: `runs on Fargate in a VPC without internet access, but the plan has no VPC endpoint for ${missing.join(", ")}; tasks cannot pull the image or ship logs.`,
        }))
      : [];
  },
};
