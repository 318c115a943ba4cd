/** AWS Secrets Manager: what Lambda rotation needs to reach the service. */
import type { PlanRule } from "../types";
import { endpointFor, isolatedVpc } from "./network";
import { list, num, obj, ofType, regionOf, str, T } from "./util";

export const rotationLambdaEndpoint: PlanRule = {
  id: "secretsManager.rotation.endpoint",
  level: "plan",
  title: "Lambda rotation inside a VPC without internet reaches Secrets Manager through its VPC endpoint",
  source: {
    title:
      'AWS Secrets Manager User Guide, "Network access for Lambda rotation function" (a rotation function in a VPC without internet access needs a Secrets Manager VPC endpoint)',
    url: "https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotation-function-network-access.html",
  },
  fix: "Add the secretsmanager interface endpoint (private DNS on) to the VPC the rotation function runs in.",
  check: (rs) => {
    if (!isolatedVpc(rs) || endpointFor(rs, "secretsmanager", "Interface")) return [];
    return ofType(rs, T.secretRotation)
      .filter((r) => str(r.inputs.rotationLambdaArn) !== undefined)
      .map((r) => ({
        resource: r,
        message:
          "rotates with a Lambda function in a VPC without internet access and without a secretsmanager endpoint; every rotation will fail.",
      }));
  },
};

export const rotationDays: PlanRule = {
  id: "secretsManager.rotation.days",
  level: "plan",
  title: "A rotation schedule's automaticallyAfterDays is 1–1000",
  source: {
    title: "AWS Secrets Manager API Reference, RotationRulesType (AutomaticallyAfterDays: 1 to 1000)",
    url: "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_RotationRulesType.html",
  },
  fix: "Set appPasswordRotationDays (and masterPasswordRotationDays) between 1 and 1000.",
  check: (rs) =>
    ofType(rs, T.secretRotation).flatMap((r) => {
      const d = num(obj(r.inputs.rotationRules).automaticallyAfterDays);
      return d !== undefined && (d < 1 || d > 1000)
        ? [{ resource: r, message: `automaticallyAfterDays ${d} is outside 1–1000.` }]
        : [];
    }),
};

export const replicaRegion: PlanRule = {
  id: "secretsManager.replica.region",
  level: "plan",
  title: "A secret's replica lives in another region than the secret",
  source: {
    title:
      "AWS Secrets Manager API Reference, CreateSecret, AddReplicaRegions (a replica Region other than the secret's)",
    url: "https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_CreateSecret.html",
  },
  fix: "Replicate to the DR region (drRegion), which differs from aws:region.",
  check: (rs, ctx) =>
    ofType(rs, "aws:secretsmanager/secret:Secret").flatMap((s) =>
      list(s.inputs.replicas)
        .map((x) => str(obj(x).region))
        .filter((region) => region !== undefined && region === regionOf(s, ctx))
        .map((region) => ({ resource: s, message: `replicates to ${region}, its own region.` })),
    ),
};
