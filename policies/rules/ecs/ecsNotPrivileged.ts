import { perContainer } from "../../lib/containers";
import { T } from "../../lib/resourceTypes";
import type { ResourceRule } from "../../lib/types";
import { fail } from "../../lib/values";

/** A privileged container is root on the host. */
export const ecsNotPrivileged: ResourceRule = {
  name: "ecsNotPrivileged",
  kind: "resource",
  description: "No container of an ECS task definition is privileged.",
  resourceTypes: [T.ecsTaskDefinition],
  properties: ["containerDefinitions"],
  hipaa: ["164.312(a)(1)"],
  awsConfigRule: "ecs-containers-nonprivileged",
  severity: "high",
  enforcementLevel: "mandatory",
  remediation: "Remove privileged or set it to false.",
  check: (props) =>
    perContainer(props, (c, name) => (c.privileged === true ? [fail(`${name}: privileged is true.`)] : [])),
};
