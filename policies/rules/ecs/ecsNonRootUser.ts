import { perContainer } from "../../lib/containers";
import { T } from "../../lib/resourceTypes";
import type { ResourceRule } from "../../lib/types";
import { fail, show } from "../../lib/values";

const ROOT = /^(root|0)(:.*)?$/;

/** Least privilege inside the container: a compromised pooler process is not root. */
export const ecsNonRootUser: ResourceRule = {
  name: "ecsNonRootUser",
  kind: "resource",
  description: "Every container of an ECS task definition runs as a named non-root user.",
  resourceTypes: [T.ecsTaskDefinition],
  properties: ["containerDefinitions"],
  hipaa: ["164.312(a)(1)", "164.308(a)(4)(ii)(B)"],
  awsConfigRule: "ecs-task-definition-user-for-host-mode-check",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediation: 'Set user to a non-root UID (e.g. "70:70" for the postgres/pgbouncer user).',
  check: (props) =>
    perContainer(props, (c, name) =>
      typeof c.user === "string" && c.user !== "" && !ROOT.test(c.user)
        ? []
        : [fail(`${name}: user is ${show(c.user)}; unset runs as the image's user, usually root.`)],
    ),
};
