import { describe, expect, it } from "vitest";
import { assumeRolePolicy } from "../../../components/iam";

const value = (o: { apply: (f: (v: string) => void) => unknown }) => new Promise<string>((r) => o.apply(r));

describe("assumeRolePolicy", () => {
  it("admits one service principal acting for this account only", async () => {
    expect(JSON.parse(await value(assumeRolePolicy("rds.amazonaws.com", "123456789012")))).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Effect: "Allow",
          Principal: { Service: "rds.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
        },
      ],
    });
  });

  it("fails when the principal is not an AWS service", () => {
    expect(() => assumeRolePolicy("*", "123456789012")).toThrow(
      'service: "*" is not an AWS service principal',
    );
  });
});
