import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import {
  hardeningFlags,
  RUNBOOK_OUTPUTS,
  renderOutputVariables,
  renderRestoreCommand,
} from "../../../components/backup/runbookCommands";
import { REPO_ROOT } from "../../../testing/runProgram";

const flat = (s: string) =>
  s
    .split("\n")
    .map((l) => l.trim())
    .join("\n");
const RUNBOOK = flat(readFileSync(path.join(REPO_ROOT, "docs/runbooks.md"), "utf8"));

describe("runbook commands", () => {
  it("restores every path private, IAM-authenticated, TLS-only, protected and tagged as PHI", () => {
    for (const kind of ["point-in-time", "snapshot", "cross-region"] as const) {
      const cmd = renderRestoreCommand(kind);
      for (const flag of [
        "--no-publicly-accessible",
        "--enable-iam-database-authentication",
        "--deletion-protection",
        "--copy-tags-to-snapshot",
        "--db-parameter-group-name",
        "--vpc-security-group-ids",
        "--db-subnet-group-name",
        "Key=DataClassification,Value=phi",
      ]) {
        expect([kind, cmd.includes(flag)]).toEqual([kind, true]);
      }
    }
  });

  it("pins the stack's key for point-in-time restores and the DR key in the DR region", () => {
    expect(renderRestoreCommand("point-in-time")).toContain('--kms-key-id "$KMS_KEY"');
    expect(renderRestoreCommand("cross-region")).toContain('--kms-key-id "$DR_KMS_KEY"');
    expect(renderRestoreCommand("cross-region")).toContain(
      '--source-db-instance-automated-backups-arn "$REPLICATION_ARN"',
    );
    expect(renderRestoreCommand("cross-region")).toContain('--region "$DR_REGION"');
  });

  it("renders single-AZ restores for dev", () => {
    expect(hardeningFlags({ subnetGroup: "s", securityGroup: "g", parameterGroup: "p" }, false)).toContain(
      "--no-multi-az",
    );
  });

  it("reads every name from a stack output the program exports", () => {
    expect(renderOutputVariables().split("\n")[2]).toBe('KMS_KEY="$(pulumi stack output kmsKeyArn)"');
    expect(Object.values(RUNBOOK_OUTPUTS)).toContain("drAutomatedBackupsReplicationArn");
  });

  it("appears verbatim in docs/runbooks.md (the document cannot drift from the code)", () => {
    expect(RUNBOOK).toContain(flat(renderOutputVariables()));
    for (const kind of ["point-in-time", "snapshot", "cross-region"] as const) {
      expect([kind, RUNBOOK.includes(flat(renderRestoreCommand(kind)))]).toEqual([kind, true]);
    }
  });
});
