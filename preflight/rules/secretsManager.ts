/** AWS Secrets Manager: what Lambda rotation needs to reach the service. */
import type { PlanRule } from "../types";
import { endpointFor, isolatedVpc } from "./network";
import { ofType, str, T } from "./util";

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
