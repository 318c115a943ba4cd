import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { gitCommit, packVersion, policyConfigFor, readPolicyConfig } from "../../tools/lib/pack";
import { quietErrors } from "../../tools/lib/quietErrors";

const tmp = mkdtempSync(path.join(tmpdir(), "pack-test-"));
const file = (name: string, text: string) => {
  const p = path.join(tmp, name);
  writeFileSync(p, text);
  return p;
};

describe("readPolicyConfig", () => {
  it("turns bare levels into objects and keeps parameters", () => {
    expect(
      readPolicyConfig(
        file("c.json", '{"a":"advisory","b":{"enforcementLevel":"disabled","minimumDays":7}}'),
      ),
    ).toEqual({
      a: { enforcementLevel: "advisory" },
      b: { enforcementLevel: "disabled", minimumDays: 7 },
    });
  });

  it("fails when a rule's entry is neither a level nor an object", () => {
    const p = file("bad.json", '{"a": 3}');
    expect(() => readPolicyConfig(p)).toThrow(
      `${p}: "a" is number 3; expected an enforcement level or an object`,
    );
  });

  it("fails when the file is missing", () => {
    expect(() => readPolicyConfig(path.join(tmp, "none.json"))).toThrow(
      `${path.join(tmp, "none.json")}: no such file`,
    );
  });
});

describe("policyConfigFor", () => {
  it("uses the dev policy config for dev and the pack's levels for prod", () => {
    expect(policyConfigFor("dev")?.rdsMultiAz).toEqual({ enforcementLevel: "advisory" });
    expect(policyConfigFor("prod")).toBeUndefined();
  });
});

describe("gitCommit and packVersion", () => {
  it("prefers GITHUB_SHA", () => {
    expect(gitCommit(tmp, { GITHUB_SHA: "f".repeat(40) })).toBe("f".repeat(40));
  });
  it("is undefined outside a repository and without GITHUB_SHA", () => {
    expect(gitCommit(tmp, {})).toBeUndefined();
  });
  it("is undefined when the pack has no package.json", () => {
    expect(packVersion(tmp)).toBeUndefined();
  });
});

describe("quietErrors", () => {
  const limit = Error.stackTraceLimit;
  afterEach(() => {
    Error.stackTraceLimit = limit;
  });

  it("turns stack capture off unless PLAN_DEBUG=1", () => {
    expect(quietErrors({ PLAN_DEBUG: "1" })).toBe(false);
    expect(Error.stackTraceLimit).toBe(limit);
    expect(quietErrors({})).toBe(true);
    expect(Error.stackTraceLimit).toBe(0);
  });
});
