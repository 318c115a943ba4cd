import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { readStackFile, runStack, StackFileError } from "../../testing/runProgram";

const root = mkdtempSync(path.join(tmpdir(), "stack-file-"));
const stackFile = (stack: string, text: string): string => {
  const file = path.join(root, `Pulumi.${stack}.yaml`);
  writeFileSync(file, text);
  return file;
};
const problemsOf = (stack: string): readonly string[] => {
  try {
    readStackFile(stack, root);
  } catch (e) {
    if (e instanceof StackFileError) return e.problems;
    throw e;
  }
  throw new Error("expected a StackFileError");
};

describe("readStackFile", () => {
  it("reads config as Pulumi passes it on, with the line of every key and list item", () => {
    stackFile(
      "ok",
      [
        "# comment",
        "config:",
        "  aws:region: us-east-1",
        "  verscienta-postgres:multiAz: false",
        "  verscienta-postgres:allowedCidrs:",
        "    - 10.0.0.0/8",
        "    - 10.1.0.0/16",
        "",
      ].join("\n"),
    );
    expect(readStackFile("ok", root)).toEqual({
      config: {
        "aws:region": "us-east-1",
        "verscienta-postgres:multiAz": "false",
        "verscienta-postgres:allowedCidrs": '["10.0.0.0/8","10.1.0.0/16"]',
      },
      sources: {
        stackFile: path.join(root, "Pulumi.ok.yaml"),
        lines: { "aws:region": 3, multiAz: 4, allowedCidrs: 5, "allowedCidrs[0]": 6, "allowedCidrs[1]": 7 },
      },
    });
  });

  it("fails when the YAML is malformed, naming file:line:column", () => {
    const file = stackFile(
      "syntax",
      ["config:", "  aws:region: us-east-1", "  verscienta-postgres:environment: [prod", "  x: y", ""].join(
        "\n",
      ),
    );
    expect(problemsOf("syntax")).toEqual([
      `${file}:4:3: Flow sequence in block collection must be sufficiently indented and end with a ]`,
    ]);
  });

  it("fails when a key is repeated, naming its line", () => {
    const file = stackFile(
      "dup",
      ["config:", "  aws:region: us-east-1", "  aws:region: us-west-2", ""].join("\n"),
    );
    expect(problemsOf("dup")).toEqual([`${file}:3:3: Map keys must be unique`]);
  });

  it('fails with one problem when config is a string (config: "hello"), not one per letter', () => {
    const file = stackFile("hello", 'config: "hello"\n');
    expect(problemsOf("hello")).toEqual([
      `${file}:1: config: "hello" is a string, not a mapping. Put one "<namespace>:<key>: <value>" per line under "config:", e.g. "  verscienta-postgres:environment: dev".`,
    ]);
  });

  it("fails when the file is a list, not a mapping", () => {
    const file = stackFile("list", "- aws:region: us-east-1\n");
    expect(problemsOf("list")).toEqual([
      `${file}:1: the file is a list; a stack file is a mapping whose "config:" key holds one "<namespace>:<key>: <value>" per line.`,
    ]);
  });

  it("fails on every secure value at once, each with its line", () => {
    const file = stackFile(
      "secure",
      [
        "config:",
        "  aws:region: us-east-1",
        "  verscienta-postgres:masterPassword:",
        "    secure: AAABAx==",
        "  verscienta-postgres:appPassword:",
        "    secure: AAABAy==",
        "",
      ].join("\n"),
    );
    const why =
      "a secure value; this project needs none (passwords are generated or managed by RDS). Remove it.";
    expect(problemsOf("secure")).toEqual([
      `${file}:3: masterPassword: ${why}`,
      `${file}:5: appPassword: ${why}`,
    ]);
  });

  it("reads an empty file or an empty config block as no config", () => {
    stackFile("empty", "");
    stackFile("emptyConfig", "config:\n");
    expect(readStackFile("empty", root).config).toEqual({});
    expect(readStackFile("emptyConfig", root).config).toEqual({});
  });

  it("puts the whole problem list in the error message, one per line", () => {
    const file = stackFile("two", "config:\n  a: [\n  b: {\n");
    expect(() => readStackFile("two", root)).toThrow(StackFileError);
    try {
      readStackFile("two", root);
    } catch (e) {
      const lines = (e as Error).message.split("\n");
      expect(lines[0]).toMatch(
        new RegExp(
          `^${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")} is not a valid stack file \\(\\d+ problems?\\); nothing was provisioned:$`,
        ),
      );
      expect(lines.slice(1).every((l) => l.startsWith(`  - ${file}:`))).toBe(true);
    }
  });
});

describe("runStack warnings", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("keeps the program's warnings in the result instead of printing them", async () => {
    const warn = vi.spyOn(console, "warn");
    const r = await runStack({ stack: "dev" });
    expect(r.error).toBeUndefined();
    expect(r.warnings).toEqual([
      "dev relaxation in effect: multiAz=false: single AZ (weakens HIPAA 164.308(a)(7) contingency plan). prod refuses it.",
      "dev relaxation in effect: deletionProtection=false (weakens HIPAA 164.312(c)(1) integrity). prod refuses it.",
      "dev relaxation in effect: backupRetentionDays=7 (weakens HIPAA 164.308(a)(7)(ii)(A) data backup plan). prod refuses it.",
      "dev relaxation in effect: alarmEmails and alarmHttpsEndpoints are empty: alarms reach nobody (weakens HIPAA 164.308(a)(6)(ii) response and reporting). prod refuses it.",
    ]);
    expect(warn).not.toHaveBeenCalled();
    expect(console.warn).toBe(warn); // restored after the run
  });

  it("still prints warnings that are not the program's", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const r = await runStack({
      stack: "prod",
      program: () => {
        console.warn("not from pulumi.log");
        return {};
      },
    });
    expect([r.error, r.warnings]).toEqual([undefined, []]);
    expect(warn).toHaveBeenCalledWith("not from pulumi.log");
  });
});
