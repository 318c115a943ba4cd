import { perContainer } from "../../lib/containers";
import { T } from "../../lib/resourceTypes";
import type { ResourceRule } from "../../lib/types";
import { fail, show } from "../../lib/values";

/** A writable root lets an intruder persist tools or tamper with the pooler's binaries and config. */
export const ecsReadOnlyRootFilesystem: ResourceRule = {
  name: "ecsReadOnlyRootFilesystem",
  kind: "resource",
  description: "Every container of an ECS task definition has a read-only root filesystem.",
  resourceTypes: [T.ecsTaskDefinition],
  properties: ["containerDefinitions"],
  hipaa: ["164.312(c)(1)", "164.308(a)(5)(ii)(B)"],
  awsConfigRule: "ecs-containers-readonly-access",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediation: "Set readonlyRootFilesystem: true and mount a volume for the few paths that must be writable.",
  check: (props) =>
    perContainer(props, (c, name) =>
      c.readonlyRootFilesystem === true
        ? []
        : [fail(`${name}: readonlyRootFilesystem is ${show(c.readonlyRootFilesystem)}.`)],
    ),
};
