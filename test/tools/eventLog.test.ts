import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { enforcementOf, parseEventLog, stripColors } from "../../tools/lib/eventLog";

const text = readFileSync(path.join(__dirname, "../fixtures/events-prod.ndjson"), "utf8");
const S = "urn:pulumi:prod::verscienta-postgres::";
const REPLICA = `${S}verscienta:rds:ReadReplica$aws:rds/instance:Instance::verscienta-prod-replica-1-instance`;

describe("parseEventLog", () => {
  it("turns summary events into pass and fail verdicts with the violation's message and level", () => {
    const log = parseEventLog(text, "events.json");
    expect(
      log.verdicts.map((v) => [v.policy, v.resourceName ?? "(stack)", v.status, v.enforcementLevel ?? "-"]),
    ).toEqual([
      ["kmsKeyRotation", "verscienta-prod-key", "pass", "-"],
      ["rdsStorageEncrypted", "verscienta-prod-instance", "pass", "-"],
      ["rdsMultiAz", "verscienta-prod-instance", "pass", "-"],
      ["rdsDeletionProtection", "verscienta-prod-instance", "pass", "-"],
      ["rdsDeletionProtection", "verscienta-prod-replica-1-instance", "pass", "-"],
      ["rdsStorageEncrypted", "verscienta-prod-replica-1-instance", "fail", "mandatory"],
      ["rdsMultiAz", "verscienta-prod-replica-1-instance", "fail", "advisory"],
      ["rdsAlarmCoverage", "(stack)", "pass", "-"],
    ]);
    const fail = log.verdicts.find((v) => v.status === "fail" && v.policy === "rdsStorageEncrypted")!;
    expect(fail).toEqual({
      policy: "rdsStorageEncrypted",
      status: "fail",
      urn: REPLICA,
      type: "aws:rds/instance:Instance",
      resourceName: "verscienta-prod-replica-1-instance",
      enforcementLevel: "mandatory",
      message: "storageEncrypted is false; PHI at rest must be encrypted (the provider default is false).",
      policyPackName: "verscienta-hipaa",
      policyPackVersion: "0.1.0",
    });
  });

  it("reads the stack, start time, packs and resource inputs", () => {
    const log = parseEventLog(text, "events.json");
    expect(log.stack).toBe("prod");
    expect(log.startedAt).toBe("2025-11-25T20:00:00.000Z");
    expect(log.isPreview).toBe(true);
    expect(log.packs).toEqual({ "verscienta-hipaa": "0.1.0" });
    expect(log.resources.get(REPLICA)?.inputs).toEqual({
      storageEncrypted: false,
      replicateSourceDb: "verscienta-prod-db",
    });
    expect(log.eventCount).toBe(14);
  });

  it("counts a violation no summary covers (older CLIs) as a failure", () => {
    const line = JSON.stringify({
      sequence: 1,
      timestamp: 1,
      policyEvent: {
        resourceUrn: REPLICA,
        message: "bad",
        color: "never",
        policyName: "rdsMultiAz",
        policyPackName: "p",
        policyPackVersion: "1",
        enforcementLevel: "warning",
      },
    });
    expect(parseEventLog(line, "e.json").verdicts).toEqual([
      {
        policy: "rdsMultiAz",
        status: "fail",
        urn: REPLICA,
        type: "aws:rds/instance:Instance",
        resourceName: "verscienta-prod-replica-1-instance",
        enforcementLevel: "advisory",
        message: "bad",
        policyPackName: "p",
        policyPackVersion: "1",
      },
    ]);
  });

  it("fails when a line is not JSON, naming file and line", () => {
    expect(() => parseEventLog('{"sequence":0}\n\nnot json\n', "events.json")).toThrow(
      /^events\.json:3: not valid JSON \(.*\); expected newline-delimited engine events/,
    );
  });

  it("fails when an event has no sequence", () => {
    expect(() => parseEventLog('{"timestamp":1}\n', "events.json")).toThrow(
      "events.json:1: an object without a numeric `sequence`; expected newline-delimited engine events from `pulumi preview --event-log <file>`",
    );
  });

  it("fails when the log is empty", () => {
    expect(() => parseEventLog("\n\n", "events.json")).toThrow(
      "events.json: empty; expected newline-delimited",
    );
  });

  it("fails when a resource summary names no resource", () => {
    const line = JSON.stringify({
      sequence: 0,
      policyAnalyzeSummaryEvent: { policyPackName: "p", passed: ["a"] },
    });
    expect(() => parseEventLog(line, "e.json")).toThrow(
      "e.json:1: policyAnalyzeSummaryEvent.resourceUrn is missing; expected a URN",
    );
  });
});

describe("enforcementOf", () => {
  it("maps the engine's levels onto the pack's", () => {
    expect(
      ["mandatory", "remediate", "warning", "advisory", "none", "disabled", "odd"].map(enforcementOf),
    ).toEqual(["mandatory", "mandatory", "advisory", "advisory", "disabled", "disabled", undefined]);
  });
});

describe("stripColors", () => {
  it("drops the engine's colour tags", () => {
    expect(stripColors("<{%fg 1%}>bad<{%reset%}> value\n")).toBe("bad value");
  });
});
