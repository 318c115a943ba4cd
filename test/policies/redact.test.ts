import { describe, expect, it } from "vitest";
import { redact } from "../../policies/lib/evaluate";

describe("evidence redaction", () => {
  it("hides values held under secret-looking keys and passwords inside URLs", () => {
    expect(
      redact({
        password: "hunter2",
        masterPassword: "x",
        secretString: '{"password":"p"}',
        authToken: "t",
        url: "postgresql://app_user:s3cret@db:5432/verscienta_health",
      }),
    ).toEqual({
      password: "[redacted]",
      masterPassword: "[redacted]",
      secretString: "[redacted]",
      authToken: "[redacted]",
      url: "postgresql://app_user:[redacted]@db:5432/verscienta_health",
    });
  });

  it("keeps the evidence an auditor needs: booleans, ARNs, ids and auth types", () => {
    const evidence = {
      manageMasterUserPassword: true,
      masterUserSecretKmsKeyId: "arn:aws:kms:us-east-1:123456789012:key/abc",
      auths: [{ clientPasswordAuthType: "POSTGRES_SCRAM_SHA_256", secretArn: "arn:aws:secretsmanager:x" }],
      recoveryWindowInDays: 30,
    };
    expect(redact(evidence)).toEqual(evidence);
  });
});
