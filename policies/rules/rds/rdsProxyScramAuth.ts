import { T } from "../../lib/resourceTypes";
import type { Finding, ResourceRule } from "../../lib/types";
import { fail, isUnknown, recordsOf, show, unknown } from "../../lib/values";

/** Client-to-proxy authentication defaults to md5 for PostgreSQL; SCRAM matches the database. */
export const rdsProxyScramAuth: ResourceRule = {
  name: "rdsProxyScramAuth",
  kind: "resource",
  description: "Every RDS Proxy auth entry uses SCRAM-SHA-256 client password authentication.",
  resourceTypes: [T.rdsProxy],
  properties: ["auths", "defaultAuthScheme"],
  hipaa: ["164.312(d)", "164.308(a)(5)(ii)(D)"],
  severity: "high",
  enforcementLevel: "mandatory",
  remediation: 'Set clientPasswordAuthType: "POSTGRES_SCRAM_SHA_256" on every auths entry.',
  check: (props) => {
    if (isUnknown(props.auths)) return [unknown("auths")];
    const auths = recordsOf(props.auths);
    // End-to-end IAM (defaultAuthScheme IAM_AUTH): the proxy signs in to the database with IAM, no
    // secrets and no auths at all (RDS API reference, DBProxy, DefaultAuthScheme: "When set to IAM_AUTH,
    // the proxy uses end-to-end IAM authentication to connect to the database",
    // https://docs.aws.amazon.com/AmazonRDS/latest/APIReference/API_DBProxy.html). Nothing to check here.
    if (auths.length === 0 && props.defaultAuthScheme === "IAM_AUTH") return [];
    if (auths.length === 0) return [fail("auths is empty; the proxy needs at least one SCRAM auth entry.")];
    const out: Finding[] = [];
    auths.forEach((a, i) => {
      if (isUnknown(a.clientPasswordAuthType)) out.push(unknown(`auths[${i}].clientPasswordAuthType`));
      else if (a.clientPasswordAuthType !== "POSTGRES_SCRAM_SHA_256") {
        out.push(
          fail(
            `auths[${i}].clientPasswordAuthType is ${show(a.clientPasswordAuthType)}; must be "POSTGRES_SCRAM_SHA_256" (unset means md5).`,
          ),
        );
      }
    });
    return out;
  },
};
