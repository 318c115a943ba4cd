import { describe, expect, it } from "vitest";
import {
  isSecretKey,
  REDACTED,
  redactEvidence,
  redactText,
  stringsIn,
} from "../../../tools/lib/report/redact";

describe("isSecretKey", () => {
  it("flags keys that hold a secret value", () => {
    expect(
      ["password", "masterPassword", "secretString", "authToken", "privateKey", "apiKey", "credentials"].map(
        isSecretKey,
      ),
    ).toEqual([true, true, true, true, true, true, true]);
  });

  it("does not flag references to secrets or settings about them", () => {
    expect(
      [
        "masterUserSecretKmsKeyId",
        "secretArn",
        "passwordLength",
        "manageMasterUserPassword",
        "storageEncrypted",
      ].map(isSecretKey),
    ).toEqual([false, false, false, true, false]);
  });
});

describe("redactEvidence", () => {
  it("replaces values of secret-looking keys at any depth but keeps booleans and references", () => {
    expect(
      redactEvidence({
        password: "hunter2-hunter2",
        manageMasterUserPassword: true,
        masterUserSecretKmsKeyId: "arn:aws:kms:us-east-1:1:key/k",
        nested: { connection: { token: "abc" }, list: [{ secretString: "s" }] },
        storageEncrypted: true,
        unset: undefined,
      }),
    ).toEqual({
      password: REDACTED,
      manageMasterUserPassword: true,
      masterUserSecretKmsKeyId: "arn:aws:kms:us-east-1:1:key/k",
      nested: { connection: { token: REDACTED }, list: [{ secretString: REDACTED }] },
      storageEncrypted: true,
      unset: undefined,
    });
  });

  it("replaces values of inputs marked secret whatever their key", () => {
    expect(redactEvidence({ username: "admin", port: 5432 }, new Set(["username"]))).toEqual({
      username: REDACTED,
      port: 5432,
    });
  });

  it("blanks known secret values inside other strings", () => {
    expect(redactEvidence({ url: "postgres://u:s3cr3tpw@h/db" }, new Set(), ["s3cr3tpw"])).toEqual({
      url: `postgres://u:${REDACTED}@h/db`,
    });
  });

  it("leaves the engine's [secret] placeholder as it is", () => {
    expect(redactEvidence({ password: "[secret]" })).toEqual({ password: "[secret]" });
  });
});

describe("redactText", () => {
  it("ignores secret values shorter than 4 characters (too likely to match innocently)", () => {
    expect(redactText("value abc and s3cr3t", ["abc", "s3cr3t"])).toBe(`value abc and ${REDACTED}`);
  });
});

describe("stringsIn", () => {
  it("collects strings and numbers at any depth", () => {
    expect(stringsIn({ a: "x", b: [1, { c: "y" }], d: true })).toEqual(["x", "1", "y"]);
  });
});
