import { describe, expect, it } from "vitest";
import {
  buildReport,
  compareCitations,
  controlStatus,
  count,
  evidenceText,
  UNMAPPED,
} from "../../../tools/lib/report/model";
import { CONTROLS, DB, ENTRIES, RULES, sampleReport } from "./sample";

describe("buildReport", () => {
  it("groups verdicts control → rule → resource in the regulation's order", () => {
    const r = sampleReport();
    expect(r.controls.map((c) => [c.citation, c.name, c.status, c.counts])).toEqual([
      [
        "164.308(a)(7)(i)",
        "Contingency plan",
        "warn",
        { pass: 0, fail: 1, notApplicable: 0, mandatoryFail: 0 },
      ],
      [
        "164.312(a)(2)(iv)",
        "Encryption and decryption",
        "fail",
        { pass: 2, fail: 1, notApplicable: 1, mandatoryFail: 1 },
      ],
      [
        "164.312(d)",
        "Person or entity authentication",
        "pass",
        { pass: 1, fail: 0, notApplicable: 1, mandatoryFail: 0 },
      ],
    ]);
    const enc = r.controls[1];
    expect(
      enc.rules.map((x) => [x.rule.name, x.entries.map((e) => `${e.resourceName}:${e.status}`)]),
    ).toEqual([
      ["rdsStorageEncrypted", ["db-primary:pass", "db-replica:fail"]],
      ["rdsManagedMasterPassword", ["db-primary:pass", "db-replica:not-applicable"]],
    ]);
  });

  it("summarises verdicts, resources and failing controls", () => {
    expect(sampleReport().summary).toEqual({
      pass: 2,
      fail: 2,
      notApplicable: 1,
      mandatoryFail: 1,
      resources: 2,
      controls: 3,
      controlsFailing: 1,
    });
  });

  it("redacts secret evidence", () => {
    const e = sampleReport().entries.find((x) => x.policy === "rdsManagedMasterPassword" && x.urn === DB)!;
    expect(e.evidence).toEqual({ manageMasterUserPassword: true, password: "[redacted]" });
  });

  it("lists a rule with no verdict under its control so the gap is visible", () => {
    const r = buildReport(
      sampleReport().meta,
      ENTRIES.filter((e) => e.policy !== "rdsMultiAz"),
      RULES,
      CONTROLS,
    );
    const c = r.controls.find((x) => x.citation === "164.308(a)(7)(i)")!;
    expect([c.status, c.rules.map((x) => [x.rule.name, x.entries.length])]).toEqual([
      "not-applicable",
      [["rdsMultiAz", 0]],
    ]);
  });

  it("puts verdicts of rules without metadata under 'unmapped', last", () => {
    const r = buildReport(
      sampleReport().meta,
      [
        {
          policy: "mystery",
          status: "fail",
          enforcementLevel: "mandatory",
          severity: "high",
          message: "m",
          hipaa: [],
        },
      ],
      RULES,
      CONTROLS,
    );
    expect(r.controls.map((c) => c.citation)).toEqual([
      "164.308(a)(7)(i)",
      "164.312(a)(2)(iv)",
      "164.312(d)",
      UNMAPPED,
    ]);
    expect(r.controls[3].rules[0].rule.description).toBe("(not in this pack's metadata)");
  });
});

describe("compareCitations", () => {
  it("orders numerically, section by section", () => {
    expect(
      ["164.312(e)(1)", "164.312(a)(2)(iv)", "164.308(a)(10)", "164.308(a)(7)(ii)(A)", "164.308(a)(7)"].sort(
        compareCitations,
      ),
    ).toEqual([
      "164.308(a)(7)",
      "164.308(a)(7)(ii)(A)",
      "164.308(a)(10)",
      "164.312(a)(2)(iv)",
      "164.312(e)(1)",
    ]);
  });
});

describe("controlStatus", () => {
  it("fails on mandatory failures, warns on advisory ones", () => {
    expect(controlStatus({ pass: 3, fail: 1, notApplicable: 0, mandatoryFail: 1 })).toBe("fail");
    expect(controlStatus({ pass: 3, fail: 1, notApplicable: 0, mandatoryFail: 0 })).toBe("warn");
    expect(controlStatus({ pass: 3, fail: 0, notApplicable: 2, mandatoryFail: 0 })).toBe("pass");
    expect(controlStatus(count([]))).toBe("not-applicable");
  });
});

describe("evidenceText", () => {
  it("shows key=value pairs, JSON-encoded, truncated", () => {
    expect(evidenceText({ a: true, b: "x", c: undefined, d: "[redacted]" })).toBe(
      'a=true, b="x", c=unset, d=[redacted]',
    );
    expect(evidenceText({ long: "y".repeat(50) }, 20)).toBe('long="yyyyyyyyyyyyy…');
  });
});
