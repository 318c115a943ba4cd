import { paramEvidence } from "../../lib/evidence";
import { postgresOnly, requireParam } from "../../lib/parameters";
import { T } from "../../lib/resourceTypes";
import type { ResourceRule } from "../../lib/types";

/** TLS 1.0/1.1 are deprecated (RFC 8996); NIST SP 800-52r2 asks for 1.2 or later. */
export const rdsParamMinTls: ResourceRule = {
  name: "rdsParamMinTls",
  kind: "resource",
  description: "PostgreSQL parameter group sets ssl_min_protocol_version to TLSv1.2 or TLSv1.3.",
  resourceTypes: [T.rdsParameterGroup],
  properties: ["family", "parameters"],
  evidence: paramEvidence("ssl_min_protocol_version"),
  hipaa: ["164.312(e)(1)", "164.312(e)(2)(ii)"],
  severity: "high",
  enforcementLevel: "mandatory",
  remediation: 'Add { name: "ssl_min_protocol_version", value: "TLSv1.2" }.',
  notApplicable: postgresOnly,
  check: (props) =>
    requireParam(
      props,
      "ssl_min_protocol_version",
      (v) => v === "TLSv1.2" || v === "TLSv1.3",
      '"TLSv1.2" or "TLSv1.3"',
    ),
};
