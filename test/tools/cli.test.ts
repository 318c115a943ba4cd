import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { checkOutputFile, parseArgs, runCli, UsageError } from "../../tools/lib/cli";
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

  it("refuses a value option given twice, naming it and both values", () => {
    expect(() => parseArgs(["--stack", "prod", "--stack", "dev"], spec, "u")).toThrow(
      new UsageError('--stack is given twice ("prod", then "dev"); give it once. u'),
    );
    expect(() => parseArgs(["--stack=prod", "--stack=prod"], spec, "u")).toThrow("--stack is given twice");
  });

  it("accepts a switch given twice (it means the same)", () => {
    expect(parseArgs(["--quiet", "--quiet"], spec, "u").flags).toEqual({ quiet: true });
  });
});

describe("checkOutputFile", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "out-file-"));
  const ours = (t: string) => t.startsWith('{"ours"');

  it("refuses any Pulumi project or stack file, even one that does not exist yet", () => {
    for (const name of ["Pulumi.prod.yaml", "Pulumi.yaml", "pulumi.staging.yml"]) {
      expect(() => checkOutputFile("--json", path.join(dir, name), ours, "a plan")).toThrow(
        new UsageError(
          `--json ${path.join(dir, name)}: refusing to write over a Pulumi project or stack file. Give a new .json path, e.g. artifacts/plan.json.`,
        ),
      );
    }
  });

  it("refuses a source file", () => {
    expect(() => checkOutputFile("--json", "tools/plan.ts", ours, "a plan")).toThrow(
      "--json tools/plan.ts: refusing to write over a source file.",
    );
  });

  it("refuses an existing file that is not a previous output, and leaves it alone", () => {
    const f = path.join(dir, "notes.json");
    writeFileSync(f, '{"mine": true}');
    expect(() => checkOutputFile("--json", f, ours, "a previous plan output")).toThrow(
      `--json ${f}: the file exists and is not a previous plan output; refusing to overwrite it.`,
    );
    expect(readFileSync(f, "utf8")).toBe('{"mine": true}');
  });

  it("accepts a new path and a previous output", () => {
    const f = path.join(dir, "plan.json");
    expect(() => checkOutputFile("--json", f, ours, "a plan")).not.toThrow();
    writeFileSync(f, '{"ours": 1}');
    expect(() => checkOutputFile("--json", f, ours, "a plan")).not.toThrow();
  });
});

describe("runCli", () => {
  const code = process.exitCode;
  afterEach(() => {
    vi.restoreAllMocks();
    process.exitCode = code;
  });
  const stderrOf = async (env: NodeJS.ProcessEnv, error: Error): Promise<string> => {
    let out = "";
    vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
      out += String(chunk);
      return true;
    });
    await runCli(
      "plan",
      async () => {
        throw error;
      },
      env,
    );
    vi.restoreAllMocks();
    return out;
  };

  it("prints a multi-line message line by line and exits 2, without a stack", async () => {
    const out = await stderrOf({}, new UsageError("2 problems:\n  - a\n  - b\n"));
    expect(out).toBe("plan: error: 2 problems:\n  - a\n  - b\n");
    expect(process.exitCode).toBe(2);
  });

  it("adds the stack and the cause's stack when PLAN_DEBUG=1", async () => {
    const cause = new Error("inner");
    const out = await stderrOf({ PLAN_DEBUG: "1" }, new UsageError("outer", { cause }));
    const lines = out.split("\n");
    expect(lines.slice(0, 2)).toEqual(["plan: error: outer", "UsageError: outer"]);
    expect(out).toMatch(/\n {4}at .*test\/tools\/cli\.test\.ts:\d+:\d+/);
    expect(out).toContain("\ncaused by: Error: inner\n    at ");
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
