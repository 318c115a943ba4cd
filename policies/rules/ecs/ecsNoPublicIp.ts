import { T } from "../../lib/resourceTypes";
import type { ResourceRule } from "../../lib/types";
import { fail, isRecord, isUnknown, unknown } from "../../lib/values";

/** The pooler holds database sessions; it must not be reachable from the internet. */
export const ecsNoPublicIp: ResourceRule = {
  name: "ecsNoPublicIp",
  kind: "resource",
  description: "ECS service tasks get no public IP address.",
  resourceTypes: [T.ecsService],
  properties: ["networkConfiguration"],
  hipaa: ["164.312(e)(1)", "164.312(a)(1)"],
  awsConfigRule: "ecs-service-assign-public-ip-disabled",
  severity: "high",
  enforcementLevel: "mandatory",
  remediation: "Set networkConfiguration.assignPublicIp: false and run tasks in private subnets.",
  check: (props) => {
    const n = props.networkConfiguration;
    if (isUnknown(n)) return [unknown("networkConfiguration")];
    if (!isRecord(n)) return [];
    if (isUnknown(n.assignPublicIp)) return [unknown("networkConfiguration.assignPublicIp")];
    // The provider default (false) is secure.
    return n.assignPublicIp === true ? [fail("networkConfiguration.assignPublicIp is true.")] : [];
  },
};
