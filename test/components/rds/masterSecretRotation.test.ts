import { describe, expect, it } from "vitest";
import { masterSecretRotation } from "../../../components/rds";
import { one, runStack } from "../../../testing/runProgram";

const SECRET = "arn:aws:secretsmanager:us-east-1:123456789012:secret:rds!db-1";

describe("masterSecretRotation", () => {
  it("sets only the schedule of the RDS-managed secret: no rotation Lambda", async () => {
    const r = await runStack({
      stack: "prod",
      program: () => {
        masterSecretRotation("m-rotation", { secretArn: SECRET, days: 30 });
        return {};
      },
    });
    const rot = one(r, "aws:secretsmanager/secretRotation:SecretRotation", "m-rotation");
    // Not at once: the first apply of the database operations function reads the master secret.
    expect(rot.inputs).toEqual({
      secretId: SECRET,
      rotationRules: { automaticallyAfterDays: 30 },
      rotateImmediately: false,
    });
  });

  it.each([0, 366, 1.5])("refuses a rotation every %s days, naming the key and the range", (days) => {
    expect(() => masterSecretRotation("m-rotation", { secretArn: SECRET, days })).toThrow(
      `m-rotation: days ${days} is out of range for the master secret's rotation. Use 1 to 365 (masterPasswordRotationDays).`,
    );
  });
});
