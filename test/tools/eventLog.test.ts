import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { enforcementOf, parseEventLog, sequenceProblems, stripColors } from "../../tools/lib/eventLog";

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

describe("completeness of an event log", () => {
  const lines = text.trimEnd().split("\n");
  const cut = (n: number) => `${lines.slice(0, n).join("\n")}\n`;
  const line = (o: Record<string, unknown>) => JSON.stringify(o);

  it("finds nothing missing in the complete log", () => {
    expect(parseEventLog(text, "events.json").problems).toEqual([]);
  });

  it.each(lines.slice(0, -1).map((_, i) => i + 1))(
    "fails when the log is cut after %i of its 14 events",
    (n) => {
      expect(parseEventLog(cut(n), "events.json").problems).toContain(
        "the log does not end with a cancelEvent, the engine's last event of a finished run",
      );
    },
  );

  it("fails when the log is cut before the replica's verdicts, which then look like passes", () => {
    const log = parseEventLog(cut(7), "events.json");
    expect(log.verdicts.every((v) => v.status === "pass")).toBe(true);
    expect(log.problems).toEqual([
      "no summaryEvent: the run never finished (the engine writes one at the end of every run)",
      "the log does not end with a cancelEvent, the engine's last event of a finished run",
      "pack verscienta-hipaa: 1 of 3 resources have no policy summary (policyAnalyzeSummaryEvent): verscienta-prod-replica-1-instance",
      "pack verscienta-hipaa: no stack-policy summary (policyAnalyzeStackSummaryEvent); stack rules never ran",
    ]);
  });

  it("fails when the last line was cut while being written, without refusing the log", () => {
    const partial = text.slice(0, text.indexOf('"sequence": 8') + 40);
    const log = parseEventLog(partial, "events.json");
    expect(log.problems[0]).toBe(
      "line 9, the last, is an incomplete event (not valid JSON, no newline): the log was cut off while being written",
    );
    expect(log.eventCount).toBe(8);
  });

  it("fails when events are missing in the middle or at the start, or repeated", () => {
    const withoutSeq7 = [...lines.slice(0, 7), ...lines.slice(8)].join("\n");
    expect(parseEventLog(withoutSeq7, "events.json").problems).toEqual([
      "event 7 is missing (the sequence jumps from 6 to 8)",
    ]);
    expect(parseEventLog(lines.slice(3).join("\n"), "events.json").problems[0]).toBe(
      "events 0–2 are missing (the first event's sequence is 3)",
    );
    expect(parseEventLog([...lines, lines[13]].join("\n"), "events.json").problems).toContain(
      "sequence 13 appears more than once",
    );
  });

  it("fails when the run was cancelled, or failed without a mandatory violation", () => {
    const withSummary = (summary: Record<string, unknown>, extra: string[] = []) =>
      [
        ...lines.slice(0, 7),
        line({ sequence: 7, timestamp: 1, diagnosticEvent: { message: "error: boom\n", severity: "error" } }),
        ...extra,
      ]
        .concat([
          line({
            sequence: 8,
            policyAnalyzeSummaryEvent: {
              resourceUrn: REPLICA,
              policyPackName: "verscienta-hipaa",
              policyPackVersion: "0.1.0",
            },
          }),
          line({
            sequence: 9,
            policyAnalyzeStackSummaryEvent: {
              policyPackName: "verscienta-hipaa",
              policyPackVersion: "0.1.0",
            },
          }),
          line({ sequence: 10, summaryEvent: { isPreview: true, ...summary } }),
          line({ sequence: 11, cancelEvent: {} }),
        ])
        .join("\n");
    expect(parseEventLog(withSummary({ result: "canceled" }), "e.json").problems).toEqual([
      'summaryEvent.result is "canceled": the run was cancelled before every resource was checked',
    ]);
    expect(parseEventLog(withSummary({ result: "failed" }), "e.json").problems).toEqual([
      'summaryEvent.result is "failed" with no mandatory policy violation: the run stopped on an error (error: boom), and resources after it were never checked',
    ]);
    expect(parseEventLog(withSummary({ result: "succeeded" }), "e.json").problems).toEqual([]);
  });

  it("fails when no policy pack ran", () => {
    const noPolicy = lines
      .filter((l) => !l.includes('"policy'))
      .map((l, i) => l.replace(/"sequence": \d+/, `"sequence": ${i}`));
    expect(parseEventLog(noPolicy.join("\n"), "e.json").problems).toEqual([
      "no policy event at all: no policy pack ran (run `pulumi preview --policy-pack policies --event-log <file>`)",
    ]);
  });

  it("requires a summary only for the resource types the caller names", () => {
    const log = parseEventLog(cut(7), "e.json", { analyzedTypes: new Set(["aws:kms/key:Key"]) });
    expect(log.problems.some((p) => p.includes("have no policy summary"))).toBe(false);
  });

  it("reads the environment from the stack config of the prelude", () => {
    expect(parseEventLog(text, "e.json").environment).toBe("prod");
  });
});

describe("sequenceProblems", () => {
  it("accepts 0, 1, 2, ... and names each gap", () => {
    expect(sequenceProblems([0, 1, 2])).toEqual([]);
    expect(sequenceProblems([0, 1, 4, 6])).toEqual([
      "events 2–3 are missing (the sequence jumps from 1 to 4)",
      "event 5 is missing (the sequence jumps from 4 to 6)",
    ]);
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
