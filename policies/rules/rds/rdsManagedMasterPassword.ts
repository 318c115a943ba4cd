import { T } from "../../lib/resourceTypes";
import type { Finding, ResourceRule } from "../../lib/types";
import { fail, isReadReplica, isUnknown, requireCmk, show, unknown } from "../../lib/values";

/**
 * An RDS-managed master password never appears in config, state or plans, rotates in Secrets Manager,
 * and is encrypted with our key. A plain `password` input ends up in the state file.
 */
export const rdsManagedMasterPassword: ResourceRule = {
  name: "rdsManagedMasterPassword",
  kind: "resource",
  description:
    "RDS primary's master password is managed by RDS in Secrets Manager with a customer-managed key; no plain password input.",
  resourceTypes: [T.rdsInstance],
  properties: ["manageMasterUserPassword", "masterUserSecretKmsKeyId", "password", "replicateSourceDb"],
  hipaa: ["164.308(a)(5)(ii)(D)", "164.312(d)", "164.312(a)(2)(iv)"],
  severity: "critical",
  enforcementLevel: "mandatory",
  remediation:
    "Remove password; set manageMasterUserPassword: true and masterUserSecretKmsKeyId to the stack's key.",
  notApplicable: (props) =>
    isReadReplica(props) ? "read replica: the master user comes from the primary" : undefined,
  check: (props) => {
    const out: Finding[] = [];
    if (props.password !== undefined && props.password !== null && !isUnknown(props.password)) {
      out.push(
        fail("password is set: the master password would sit in stack config and state; let RDS manage it."),
      );
    }
    if (isUnknown(props.manageMasterUserPassword)) out.push(unknown("manageMasterUserPassword"));
    else if (props.manageMasterUserPassword !== true) {
      out.push(fail(`manageMasterUserPassword is ${show(props.manageMasterUserPassword)}; must be true.`));
    } else out.push(...requireCmk(props, "masterUserSecretKmsKeyId", "the master user secret"));
    return out;
  },
};
