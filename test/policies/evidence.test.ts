/**
 * The evidence next to each verdict is the value the rule decided on: one parameter by name, the key
 * policy statements with a "*" principal including their Condition, never a list cut before them.
 */
import { describe, expect, it } from "vitest";
import { evaluateResources, evidenceOf } from "../../policies/lib/evaluate";
import { paramEvidence, UNKNOWN_EVIDENCE, wildcardPrincipalEvidence } from "../../policies/lib/evidence";
import { UNKNOWN } from "../../policies/lib/values";
import { RULES } from "../../policies/roster";
import { compliantStack, mutate, setParam, setProp } from "./fixtures";

const evidence = (policy: string, stack = compliantStack(), name?: string) =>
  evaluateResources(stack).find((r) => r.policy === policy && (!name || r.resourceName === name))?.evidence;

describe("parameter-group evidence", () => {
  it.each([
    ["rdsParamForceSsl", { "parameters[rds.force_ssl]": "1" }],
    ["rdsParamMinTls", { "parameters[ssl_min_protocol_version]": "TLSv1.2" }],
    ["rdsParamScram", { "parameters[password_encryption]": "scram-sha-256" }],
    [
      "rdsParamStatementLogging",
      { "parameters[log_statement]": "mod", "parameters[log_min_duration_statement]": "1000" },
    ],
    [
      "rdsParamConnectionLogging",
      { "parameters[log_connections]": "1", "parameters[log_disconnections]": "1" },
    ],
  ])("%s shows exactly the parameter it decides on, by name", (policy, params) => {
    expect(evidence(policy)).toEqual({ family: "postgres16", ...params });
  });

  it("shows a parameter the rule failed on as unset (null, so it survives JSON)", () => {
    const stack = mutate(compliantStack(), "params", setParam("rds.force_ssl", undefined));
    const r = evaluateResources(stack).find((x) => x.policy === "rdsParamForceSsl")!;
    expect([r.status, r.evidence]).toEqual([
      "fail",
      { family: "postgres16", "parameters[rds.force_ssl]": null },
    ]);
    expect(JSON.parse(JSON.stringify(r.evidence))).toEqual(r.evidence);
  });

  it("shows a wrong value as it is, and an unknown one as unknown", () => {
    const stack = mutate(compliantStack(), "params", setParam("rds.force_ssl", "0"));
    expect(evidence("rdsParamForceSsl", stack)).toEqual({
      family: "postgres16",
      "parameters[rds.force_ssl]": "0",
    });
    expect(paramEvidence("rds.force_ssl")({ family: "postgres16", parameters: UNKNOWN })).toEqual({
      family: "postgres16",
      "parameters[rds.force_ssl]": UNKNOWN_EVIDENCE,
    });
  });

  it("does not redact password_encryption: it names a setting, not a secret", () => {
    expect(evidence("rdsParamScram")?.["parameters[password_encryption]"]).toBe("scram-sha-256");
  });
});

describe("KMS wildcard-principal evidence", () => {
  it("shows each statement with a * principal whole, Condition included", () => {
    expect(evidence("kmsNoWildcardPrincipal")).toEqual({
      "policy.Statement[Sid=ViaService]": {
        Sid: "ViaService",
        Effect: "Allow",
        Principal: { AWS: "*" },
        Action: ["kms:Decrypt"],
        Resource: "*",
        Condition: { StringEquals: { "kms:CallerAccount": "123456789012" } },
      },
    });
  });

  it("shows the statement without a condition that failed the key", () => {
    const policy = JSON.stringify({
      Statement: [
        { Sid: "Root", Effect: "Allow", Principal: { AWS: "arn:aws:iam::1:root" }, Action: "kms:*" },
        { Effect: "Allow", Principal: "*", Action: "kms:Decrypt" },
      ],
    });
    const stack = mutate(compliantStack(), "key", setProp("policy", policy));
    const r = evaluateResources(stack).find((x) => x.policy === "kmsNoWildcardPrincipal")!;
    expect([r.status, r.evidence]).toEqual([
      "fail",
      { "policy.Statement[1]": { Effect: "Allow", Principal: "*", Action: "kms:Decrypt" } },
    ]);
  });

  it("says so when no statement has a * principal, or the policy is unset", () => {
    const policy = JSON.stringify({ Statement: [{ Effect: "Allow", Principal: { AWS: "arn:x" } }] });
    expect(wildcardPrincipalEvidence({ policy })).toEqual({
      'policy.Statement[Principal="*"]': "none of 1 statements",
    });
    expect(wildcardPrincipalEvidence({})).toEqual({ policy: null });
  });
});

describe("evidenceOf", () => {
  it("falls back to the properties a rule reads when it declares no evidence paths", () => {
    const rule = RULES.find((r) => r.name === "rdsStorageEncrypted")!;
    expect(rule.evidence).toBeUndefined();
    expect(evidenceOf(rule, { storageEncrypted: true, other: 1 })).toEqual({ storageEncrypted: true });
  });

  it("redacts secret-looking keys inside declared evidence", () => {
    const rule = { properties: [], evidence: () => ({ "x[y]": { password: "hunter2-hunter2" } }) };
    expect(evidenceOf(rule, {})).toEqual({ "x[y]": { password: "[redacted]" } });
  });
});
