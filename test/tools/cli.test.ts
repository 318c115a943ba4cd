import { describe, expect, it } from "vitest";
import { oneLine, parseArgs, UsageError } from "../../tools/lib/cli";
import { parseUrn } from "../../tools/lib/urn";

const spec = { values: ["stack", "json"], switches: ["quiet"] };

describe("parseArgs", () => {
  it("reads --key value, --key=value, switches and positionals", () => {
    expect(
      parseArgs(["in.json", "--stack", "prod", "--json=out.json", "--quiet", "--", "x"], spec, "usage"),
    ).toEqual({
      flags: { stack: "prod", json: "out.json", quiet: true },
      positionals: ["in.json", "x"],
    });
  });

  it("fails when an option is unknown", () => {
    expect(() => parseArgs(["--josn", "x"], spec, "usage: plan --stack <s>")).toThrow(
      new UsageError("unknown option --josn. usage: plan --stack <s>"),
    );
  });

  it("fails when a value option has no value", () => {
    expect(() => parseArgs(["--stack"], spec, "u")).toThrow("--stack needs a value. u");
    expect(() => parseArgs(["--stack", "--quiet"], spec, "u")).toThrow("--stack needs a value. u");
  });

  it("fails when a switch is given a value", () => {
    expect(() => parseArgs(["--quiet=yes"], spec, "u")).toThrow("--quiet takes no value. u");
  });
});

describe("oneLine", () => {
  it("joins a multi-line message into one line", () => {
    expect(oneLine("Pulumi.dev.yaml: 2 problems\n  - a\n\n  - b\n")).toBe(
      "Pulumi.dev.yaml: 2 problems; - a; - b",
    );
  });
});

describe("parseUrn", () => {
  it("reads stack, project, the resource's own type and name", () => {
    expect(
      parseUrn("urn:pulumi:prod::proj::verscienta:rds:PostgresInstance$aws:rds/instance:Instance::db::x"),
    ).toEqual({
      stack: "prod",
      project: "proj",
      type: "aws:rds/instance:Instance",
      name: "db::x",
    });
  });

  it("returns undefined for anything else", () => {
    expect(parseUrn("arn:aws:rds:us-east-1:1:db:x")).toBeUndefined();
    expect(parseUrn("urn:pulumi:prod::proj")).toBeUndefined();
  });
});
