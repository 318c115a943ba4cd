import { containersOf } from "../../lib/containers";
import { T } from "../../lib/resourceTypes";
import type { Finding, StackRule } from "../../lib/types";
import { fail, isAwsManagedKey, isRecord, isUnknown, show, unknown } from "../../lib/values";

/** Pooler logs name clients and databases; they must land in an encrypted group this stack controls. */
export const ecsLogsEncrypted: StackRule = {
  name: "ecsLogsEncrypted",
  kind: "stack",
  description:
    "Every ECS container logs with awslogs to a log group of this stack encrypted with a customer-managed key.",
  resourceTypes: [T.ecsTaskDefinition, T.logGroup],
  properties: ["containerDefinitions", "kmsKeyId"],
  hipaa: ["164.312(b)", "164.312(a)(2)(iv)"],
  awsConfigRule: "ecs-task-definition-log-configuration",
  severity: "medium",
  enforcementLevel: "mandatory",
  remediation:
    'Set logConfiguration { logDriver: "awslogs", options: { "awslogs-group": <encrypted group> } } on each container.',
  check: (ctx) => {
    const out: Finding[] = [];
    const groups = ctx.resources.filter((r) => r.type === T.logGroup);
    for (const td of ctx.resources.filter((r) => r.type === T.ecsTaskDefinition)) {
      const cs = containersOf(td.props);
      if (!Array.isArray(cs)) {
        out.push({ ...cs, urn: td.urn });
        continue;
      }
      cs.forEach((c, i) => {
        const name = typeof c.name === "string" ? c.name : `container ${i}`;
        const lc = c.logConfiguration;
        const opts = isRecord(lc) && isRecord(lc.options) ? lc.options : {};
        if (!isRecord(lc) || lc.logDriver !== "awslogs") {
          out.push(
            fail(`${td.name}/${name}: logConfiguration is ${show(lc)}; use the awslogs driver.`, td.urn),
          );
          return;
        }
        const groupName = opts["awslogs-group"];
        if (isUnknown(groupName)) {
          out.push(unknown(`${name}.logConfiguration.options.awslogs-group`, td.urn));
          return;
        }
        const group = groups.find((g) => (g.props.name ?? g.name) === groupName);
        if (!group && groups.some((g) => isUnknown(g.props.name))) {
          out.push(unknown(`${name}.logConfiguration: a log group name`, td.urn));
          return;
        }
        if (!group) {
          out.push(
            fail(`${td.name}/${name}: log group ${show(groupName)} is not created by this stack.`, td.urn),
          );
          return;
        }
        const key = group.props.kmsKeyId;
        if (isUnknown(key)) out.push(unknown(`${group.name}.kmsKeyId`, td.urn));
        else if (typeof key !== "string" || key === "" || isAwsManagedKey(key)) {
          out.push(
            fail(
              `${td.name}/${name}: log group ${group.name} is not encrypted with a customer-managed key.`,
              td.urn,
            ),
          );
        }
      });
    }
    return out;
  },
};
