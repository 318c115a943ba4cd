import { T } from "../../lib/resourceTypes";
import type { Finding, StackRule } from "../../lib/types";
import { fail } from "../../lib/values";

/**
 * A PostgreSQL provider connects from wherever `pulumi` runs: the database must be reachable from that
 * machine (a tunnel, a public path or a runner in the VPC) and the master password must be in Pulumi's
 * config or state. In-database objects belong to the database operations function inside the VPC
 * (components/postgres/databaseOps.ts), which reads the master secret there and nowhere else.
 */
export const noDatabaseProviderFromDeployer: StackRule = {
  name: "noDatabaseProviderFromDeployer",
  kind: "stack",
  description:
    "The stack has no PostgreSQL provider (nor its resources): nothing connects to the database from the deploying machine.",
  // "*": a stack with no PostgreSQL provider is the compliant case, so the rule always applies.
  resourceTypes: ["*", T.postgresqlProvider],
  properties: ["type"],
  hipaa: ["164.312(a)(1)", "164.312(e)(1)", "164.308(a)(5)(ii)(D)"],
  severity: "high",
  enforcementLevel: "mandatory",
  remediation:
    "Remove the @pulumi/postgresql provider and its resources; let the database operations function apply the access model from inside the VPC.",
  check: (ctx) => {
    const out: Finding[] = [];
    for (const r of ctx.resources)
      if (r.type === T.postgresqlProvider || r.type.startsWith("postgresql:"))
        out.push(
          fail(`${r.name} (${r.type}) connects to the database from the machine running Pulumi.`, r.urn),
        );
    return out;
  },
};
