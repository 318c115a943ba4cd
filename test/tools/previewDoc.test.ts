import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parsePreviewDocument } from "../../tools/lib/previewDoc";

const FIXTURE = path.join(__dirname, "../fixtures/preview-prod.json");
const text = readFileSync(FIXTURE, "utf8");
const INSTANCE =
  "urn:pulumi:prod::verscienta-postgres::verscienta:rds:PostgresInstance$aws:rds/instance:Instance::verscienta-prod-instance";

describe("parsePreviewDocument", () => {
  it("takes every step's newState except deletes and the root stack", () => {
    const doc = parsePreviewDocument(text, "preview.json");
    expect(doc.resources.map((r) => r.name)).toEqual([
      "verscienta-prod",
      "verscienta-prod-key",
      "verscienta-prod-instance",
      "verscienta-prod-replica-1-instance",
    ]);
    expect(doc.skippedSteps).toBe(2);
    expect(doc.stack).toBe("prod");
    expect(doc.changeSummary).toEqual({ create: 1, delete: 1, same: 3, update: 1 });
  });

  it("maps type, urn, inputs and resource options", () => {
    const r = parsePreviewDocument(text, "preview.json").resources.find((x) => x.urn === INSTANCE)!;
    expect(r.type).toBe("aws:rds/instance:Instance");
    expect(r.props.storageEncrypted).toBe(true);
    expect(r.props.username).toBe("[secret]");
    expect(r.opts).toEqual({
      protect: true,
      parent: "urn:pulumi:prod::verscienta-postgres::verscienta:rds:PostgresInstance::verscienta-prod",
      dependencies: [
        "urn:pulumi:prod::verscienta-postgres::verscienta:kms:EncryptionKey$aws:kms/key:Key::verscienta-prod-key",
      ],
      retainOnDelete: false,
    });
  });

  it("keeps the last state when a URN appears in several steps (replacements)", () => {
    const doc = {
      steps: [
        {
          op: "create-replacement",
          urn: INSTANCE,
          newState: { type: "aws:rds/instance:Instance", urn: INSTANCE, inputs: { a: 1 } },
        },
        {
          op: "replace",
          urn: INSTANCE,
          newState: { type: "aws:rds/instance:Instance", urn: INSTANCE, inputs: { a: 2 } },
        },
        {
          op: "delete-replaced",
          urn: INSTANCE,
          newState: { type: "aws:rds/instance:Instance", urn: INSTANCE, inputs: { a: 0 } },
        },
      ],
    };
    const parsed = parsePreviewDocument(JSON.stringify(doc), "p.json");
    expect(parsed.resources.map((r) => r.props)).toEqual([{ a: 2 }]);
  });

  it("accepts a preview with no changes (no steps, only a change summary)", () => {
    expect(parsePreviewDocument('{"changeSummary":{"same":3}}', "p.json").resources).toEqual([]);
  });

  it("fails when the file is not JSON, naming the file", () => {
    expect(() => parsePreviewDocument("{oops", "out/preview.json")).toThrow(
      /^out\/preview\.json: not valid JSON \(.*\); expected the output of `pulumi preview --json`/,
    );
  });

  it("fails when the document is an array", () => {
    expect(() => parsePreviewDocument("[]", "p.json")).toThrow(
      "p.json: expected the output of `pulumi preview --json` (an object with a `steps` array), found an array",
    );
  });

  it("fails when steps is not an array", () => {
    expect(() => parsePreviewDocument('{"steps":{}}', "p.json")).toThrow(
      "p.json: `steps` is an object; expected an array of preview steps",
    );
  });

  it("fails when a step's newState has no type, naming the step", () => {
    const doc = { steps: [{ op: "create", urn: INSTANCE, newState: { urn: INSTANCE, inputs: {} } }] };
    expect(() => parsePreviewDocument(JSON.stringify(doc), "p.json")).toThrow(
      "p.json: steps[0].newState.type is missing; expected a type token like aws:rds/instance:Instance",
    );
  });

  it("fails when a step's URN is not a Pulumi URN", () => {
    const doc = {
      steps: [{ op: "create", urn: "x", newState: { type: "aws:rds/instance:Instance", urn: "arn:aws:x" } }],
    };
    expect(() => parsePreviewDocument(JSON.stringify(doc), "p.json")).toThrow(
      'p.json: steps[0].newState.urn is the string "arn:aws:x"; expected a urn:pulumi:... URN',
    );
  });

  it("fails when inputs is not an object", () => {
    const doc = {
      steps: [{ op: "create", urn: INSTANCE, newState: { type: "t:m:T", urn: INSTANCE, inputs: [1] } }],
    };
    expect(() => parsePreviewDocument(JSON.stringify(doc), "p.json")).toThrow(
      "p.json: steps[0].newState.inputs is an array; expected an object",
    );
  });
});
