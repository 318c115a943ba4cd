import { T } from "../../lib/resourceTypes";
import type { Finding, StackRule } from "../../lib/types";
import { configStrings, fail } from "../../lib/values";

/** Resources whose deletion loses PHI, audit evidence or the key to both. */
export const STATEFUL_TYPES: readonly string[] = [
  T.rdsInstance,
  T.rdsCluster,
  T.kmsKey,
  T.kmsReplicaKey,
  T.logGroup,
  T.backupVault,
];

/** `protect` makes Pulumi refuse to delete or replace the resource, even on `pulumi destroy`. */
export const prodStatefulProtected: StackRule = {
  name: "prodStatefulProtected",
  kind: "stack",
  description:
    "In a production stack every stateful resource (database, key, log group, vault) has the protect option.",
  resourceTypes: STATEFUL_TYPES,
  properties: ["protect"],
  hipaa: ["164.308(a)(7)(ii)(A)", "164.312(c)(1)"],
  severity: "high",
  enforcementLevel: "mandatory",
  costOnly: true,
  configSchema: {
    properties: { productionEnvironments: { type: "array", items: { type: "string" }, default: ["prod"] } },
  },
  remediation:
    "Pass { protect: true } (and retainOnDelete for keys and log groups) when the environment is production.",
  check: (ctx) => {
    const prodEnvs = configStrings(ctx.config, "productionEnvironments", ["prod"]);
    if (!ctx.environment || !prodEnvs.includes(ctx.environment)) return [];
    const out: Finding[] = [];
    for (const r of ctx.resources) {
      if (STATEFUL_TYPES.includes(r.type) && !r.opts.protect)
        out.push(fail(`${r.name} (${r.type}) is not protected.`, r.urn));
    }
    return out;
  },
};
