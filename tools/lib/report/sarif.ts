/**
 * SARIF 2.1.0 for GitHub code scanning: one run; `tool.driver.rules` from the pack's metadata (tags are
 * the HIPAA citations); one result per failure (error for mandatory rules, warning for advisory ones),
 * located logically at the resource URN and physically at the stack's config file, which is what a
 * reviewer changes (GitHub needs a physical location to show an alert).
 * @see https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html
 * @see https://docs.github.com/en/code-security/code-scanning/integrating-with-code-scanning/sarif-support-for-code-scanning
 */
import { createHash } from "node:crypto";
import { type Report, type RuleMeta, VERDICT_LABEL } from "./model";

export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

/** GitHub's `security-severity` scale (0–10) for the pack's severities. */
const SECURITY_SEVERITY: Record<string, string> = { critical: "9.5", high: "8.0", medium: "5.5", low: "3.0" };

export interface SarifOptions {
  /** Repository-relative file that results point at. @default `Pulumi.<stack>.yaml`, or `Pulumi.yaml` */
  readonly artifactUri?: string;
  readonly informationUri?: string;
}

/** The rule an incomplete input is reported under, so code scanning shows an alert, not silence. */
export const INCOMPLETE_RULE: RuleMeta = {
  name: "hipaaEvidenceIncomplete",
  description:
    "The report's input is a complete record of the run: it has resources, and an event log was not cut short.",
  hipaa: [],
  severity: "high",
  enforcementLevel: "mandatory",
  remediation:
    "Re-run the plan or preview to completion (`pulumi preview --policy-pack policies --event-log <file>`) and report on the whole output.",
};

export function renderSarif(report: Report, opts: SarifOptions = {}): Record<string, unknown> {
  const uri = opts.artifactUri ?? (report.meta.stack ? `Pulumi.${report.meta.stack}.yaml` : "Pulumi.yaml");
  const rules = [...report.rules];
  if (report.incomplete.length > 0) rules.push(INCOMPLETE_RULE);
  // Failures of rules the metadata does not know still need a rule entry.
  for (const e of report.entries) {
    if (e.status === "fail" && !rules.some((r) => r.name === e.policy)) {
      rules.push({
        name: e.policy,
        description: e.policy,
        hipaa: e.hipaa,
        severity: e.severity,
        enforcementLevel: e.enforcementLevel,
        remediation: "",
      });
    }
  }
  const index = new Map(rules.map((r, i) => [r.name, i]));
  const results = report.entries
    .filter((e) => e.status === "fail")
    .map((e) => ({
      ruleId: e.policy,
      ruleIndex: index.get(e.policy),
      level:
        e.enforcementLevel === "mandatory" ? "error" : e.enforcementLevel === "advisory" ? "warning" : "note",
      message: { text: `${e.resourceName ?? "stack"}: ${e.message}` },
      locations: [
        {
          physicalLocation: { artifactLocation: { uri }, region: { startLine: 1 } },
          logicalLocations: [
            e.urn
              ? { fullyQualifiedName: e.urn, name: e.resourceName ?? e.urn, kind: "resource" }
              : { name: report.meta.stack ?? "stack", kind: "module" },
          ],
        },
      ],
      // One alert per rule × resource, even though they share a file and line.
      partialFingerprints: {
        primaryLocationLineHash: createHash("sha256")
          .update(`${e.policy}\0${e.urn ?? ""}`)
          .digest("hex")
          .slice(0, 32),
      },
      properties: {
        hipaa: [...e.hipaa],
        severity: e.severity,
        enforcementLevel: e.enforcementLevel,
        ...(e.evidence ? { evidence: e.evidence } : {}),
      },
    }));
  if (report.incomplete.length > 0) {
    results.push({
      ruleId: INCOMPLETE_RULE.name,
      ruleIndex: index.get(INCOMPLETE_RULE.name),
      level: "error",
      message: { text: `${VERDICT_LABEL.incomplete}: ${report.incomplete.join("; ")}` },
      locations: [
        {
          physicalLocation: { artifactLocation: { uri }, region: { startLine: 1 } },
          logicalLocations: [{ name: report.meta.stack ?? "stack", kind: "module" }],
        },
      ],
      partialFingerprints: {
        primaryLocationLineHash: createHash("sha256")
          .update(`${INCOMPLETE_RULE.name}\0${report.meta.stack ?? ""}`)
          .digest("hex")
          .slice(0, 32),
      },
      properties: { hipaa: [], severity: INCOMPLETE_RULE.severity, enforcementLevel: "mandatory" },
    });
  }
  return {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: report.meta.packName,
            ...(report.meta.packVersion
              ? { version: report.meta.packVersion, semanticVersion: report.meta.packVersion }
              : {}),
            ...(opts.informationUri ? { informationUri: opts.informationUri } : {}),
            rules: rules.map((r) => ({
              id: r.name,
              name: r.name,
              shortDescription: { text: r.description },
              fullDescription: { text: r.description },
              help: { text: r.remediation || r.description },
              defaultConfiguration: {
                level:
                  r.enforcementLevel === "mandatory"
                    ? "error"
                    : r.enforcementLevel === "advisory"
                      ? "warning"
                      : "none",
              },
              properties: {
                tags: ["security", "hipaa", ...r.hipaa.map((c) => `HIPAA-${c}`)],
                ...(SECURITY_SEVERITY[r.severity]
                  ? { "security-severity": SECURITY_SEVERITY[r.severity] }
                  : {}),
                ...(r.awsConfigRule ? { awsConfigRule: r.awsConfigRule } : {}),
                precision: "very-high",
              },
            })),
          },
        },
        automationDetails: { id: `hipaa/${report.meta.stack ?? "unknown"}/` },
        ...(report.meta.gitCommit
          ? { versionControlProvenance: [{ repositoryUri: ".", revisionId: report.meta.gitCommit }] }
          : {}),
        // An incomplete input is an unsuccessful run of the check, with the reasons as notifications.
        invocations: [
          {
            executionSuccessful: report.incomplete.length === 0,
            toolExecutionNotifications: report.incomplete.map((p) => ({
              level: "error",
              message: { text: p },
              descriptor: { id: INCOMPLETE_RULE.name },
            })),
          },
        ],
        results,
        properties: {
          verdict: report.verdict,
          incomplete: report.incomplete,
          source: report.meta.source,
          stack: report.meta.stack,
          environment: report.meta.environment,
          evidence: report.meta.evidence,
          policyConfig: report.meta.policyConfig,
          evaluatedAt: report.meta.evaluatedAt,
          summary: report.summary,
        },
      },
    ],
  };
}
