import { describe, expect, it } from "vitest";
import {
  buildReport,
  compareCitations,
  controlStatus,
  count,
  EXIT_CODES,
  evidenceText,
  UNMAPPED,
  verdictOf,
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
  it("shows key=value pairs, JSON-encoded, unset for undefined and null", () => {
    expect(evidenceText({ a: true, b: "x", c: undefined, n: null, d: "[redacted]" })).toBe(
      'a=true, b="x", c=unset, n=unset, d=[redacted]',
    );
  });

  it("never cuts a value, however long, so the deciding value is always whole", () => {
    const long = "y".repeat(5000);
    expect(evidenceText({ first: long, "parameters[rds.force_ssl]": "1" })).toBe(
      `first="${long}", parameters[rds.force_ssl]="1"`,
    );
  });
});

describe("verdicts", () => {
  const meta = sampleReport().meta;

  it("refuses to call an empty input a pass: INCOMPLETE", () => {
    const stackOnly = [{ ...ENTRIES[0], urn: undefined, resourceName: undefined }];
    for (const entries of [[], stackOnly]) {
      const r = buildReport(meta, entries, RULES, CONTROLS);
      expect([r.verdict, r.incomplete]).toEqual([
        "incomplete",
        ["no resource was checked: the input holds no resource verdicts"],
      ]);
    }
  });

  it("refuses a pass when the input reports gaps and no mandatory rule failed: INCOMPLETE", () => {
    const passes = ENTRIES.filter((e) => e.status !== "fail");
    const r = buildReport(meta, passes, RULES, CONTROLS, ["no summaryEvent"]);
    expect([r.verdict, r.incomplete]).toEqual(["incomplete", ["no summaryEvent"]]);
  });

  it("says FAIL when a mandatory rule failed, incomplete or not, and keeps the gaps", () => {
    const r = buildReport(meta, ENTRIES, RULES, CONTROLS, ["no summaryEvent"]);
    expect([r.verdict, r.incomplete]).toEqual(["fail", ["no summaryEvent"]]);
  });

  it("maps verdicts to exit codes 0, 0, 1 and 3", () => {
    expect(EXIT_CODES).toEqual({ pass: 0, "pass-advisory": 0, fail: 1, incomplete: 3 });
    expect(verdictOf(count([]), [])).toBe("pass");
  });
});
