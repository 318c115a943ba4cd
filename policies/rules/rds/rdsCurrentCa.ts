import { T } from "../../lib/resourceTypes";
import type { ResourceRule } from "../../lib/types";
import { configStrings, fail, isUnknown, show, unknown } from "../../lib/values";

/**
 * Clients verify the server against this CA (sslmode=verify-full); an expired CA (rds-ca-2019 expired
 * August 2024) breaks verification and invites clients to turn it off. Unset is non-compliant: the
 * default depends on an account-level override the stack cannot see.
 * @see https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/UsingWithRDS.SSL-certificate-rotation.html
 */
export const rdsCurrentCa: ResourceRule = {
  name: "rdsCurrentCa",
  kind: "resource",
  description: "RDS instance names a current certificate authority for its TLS certificate.",
  resourceTypes: [T.rdsInstance],
  properties: ["caCertIdentifier"],
  hipaa: ["164.312(e)(1)", "164.312(e)(2)(ii)"],
  severity: "high",
  enforcementLevel: "mandatory",
  configSchema: {
    properties: {
      allowedCas: {
        type: "array",
        items: { type: "string" },
        default: ["rds-ca-rsa2048-g1", "rds-ca-rsa4096-g1", "rds-ca-ecc384-g1"],
      },
    },
  },
  remediation:
    'Set caCertIdentifier to a current CA such as "rds-ca-rsa2048-g1" and ship the matching bundle to clients.',
  check: (props, ctx) => {
    const allowed = configStrings(ctx.config, "allowedCas", [
      "rds-ca-rsa2048-g1",
      "rds-ca-rsa4096-g1",
      "rds-ca-ecc384-g1",
    ]);
    const v = props.caCertIdentifier;
    if (isUnknown(v)) return [unknown("caCertIdentifier")];
    return typeof v === "string" && allowed.includes(v)
      ? []
      : [fail(`caCertIdentifier is ${show(v)}; use one of ${allowed.join(", ")}.`)];
  },
};
