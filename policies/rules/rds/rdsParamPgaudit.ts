import { paramEvidence } from "../../lib/evidence";
import { paramValue, postgresOnly } from "../../lib/parameters";
import { T } from "../../lib/resourceTypes";
import type { Finding, ResourceRule } from "../../lib/types";
import { fail, show, unknown } from "../../lib/values";

/** The pgaudit classes the platform requires: schema changes and role/privilege changes. */
const REQUIRED_CLASSES = ["ddl", "role"] as const;

/**
 * `log_statement=mod` records data changes, but a GRANT, an ALTER ROLE or a DROP hidden in a function
 * body or a DO block escapes it; pgaudit logs them by class. It works only when preloaded (RDS User Guide,
 * "Using pgAudit to log database activity": shared_preload_libraries must include pgaudit, then pgaudit.log
 * chooses the classes).
 */
export const rdsParamPgaudit: ResourceRule = {
  name: "rdsParamPgaudit",
  kind: "resource",
  description:
    "PostgreSQL parameter group preloads pgaudit and sets pgaudit.log to include the ddl and role classes.",
  resourceTypes: [T.rdsParameterGroup],
  properties: ["family", "parameters"],
  evidence: paramEvidence("shared_preload_libraries", "pgaudit.log"),
  hipaa: ["164.312(b)", "164.308(a)(1)(ii)(D)"],
  severity: "high",
  enforcementLevel: "mandatory",
  // dev may turn pgaudit off (config pgauditEnabled, printed as a relaxation); prod's config refuses it.
  costOnly: true,
  remediation:
    'Set pgauditEnabled: true (shared_preload_libraries includes "pgaudit", pgaudit.log "ddl,role"); the change needs a reboot.',
  notApplicable: postgresOnly,
  check: (props) => {
    const out: Finding[] = [];
    const libs = paramValue(props, "shared_preload_libraries");
    if (libs.kind === "unknown") out.push(unknown("parameters[shared_preload_libraries]"));
    else if (
      libs.kind === "unset" ||
      !libs.value
        .split(",")
        .map((s) => s.trim())
        .includes("pgaudit")
    )
      out.push(
        fail(
          `shared_preload_libraries is ${libs.kind === "set" ? show(libs.value) : "not set"}; it must include pgaudit.`,
        ),
      );
    const log = paramValue(props, "pgaudit.log");
    if (log.kind === "unknown") out.push(unknown("parameters[pgaudit.log]"));
    else {
      const classes = log.kind === "set" ? log.value.split(",").map((s) => s.trim().toLowerCase()) : [];
      const missing = REQUIRED_CLASSES.filter((c) => !classes.includes(c) && !classes.includes("all"));
      if (missing.length > 0)
        out.push(
          fail(
            `pgaudit.log is ${log.kind === "set" ? show(log.value) : "not set"}; it must include ${missing.join(" and ")}.`,
          ),
        );
    }
    return out;
  },
};
