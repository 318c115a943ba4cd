import { T } from "../../lib/resourceTypes";
import type { ResourceRule } from "../../lib/types";
import { requireTrue } from "../../lib/values";

/** The proxy is a second front door to the database; it must refuse plaintext clients too. */
export const rdsProxyRequireTls: ResourceRule = {
  name: "rdsProxyRequireTls",
  kind: "resource",
  description: "RDS Proxy requires TLS from clients.",
  resourceTypes: [T.rdsProxy],
  properties: ["requireTls"],
  hipaa: ["164.312(e)(1)", "164.312(e)(2)(ii)"],
  severity: "critical",
  enforcementLevel: "mandatory",
  remediation: "Set requireTls: true.",
  check: (props) =>
    requireTrue(props, "requireTls", "clients could connect to the proxy in plaintext (default false)."),
};
