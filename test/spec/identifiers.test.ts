import { describe, expect, it } from "vitest";
import { isPrivateIpv4Cidr as packCopy } from "../../policies/lib/values";
import { isPrivateIpv4Cidr, isProductionStack, PGAUDIT_LOG } from "../../spec/identifiers";

const CASES: [string, boolean][] = [
  ["10.0.0.0/8", true],
  ["10.40.0.0/16", true],
  ["10.0.0.0/7", false],
  ["172.16.0.0/12", true],
  ["172.31.255.0/24", true],
  ["172.15.0.0/16", false],
  ["172.32.0.0/16", false],
  ["172.16.0.0/11", false],
  ["192.168.0.0/16", true],
  ["192.168.0.0/15", false],
  ["192.169.0.0/16", false],
  ["0.0.0.0/0", false],
  ["8.8.8.0/24", false],
  ["10.0.0.256/32", false],
  ["10.0.0.0/33", false],
  ["10.0.0/8", false],
  ["::/0", false],
];

describe("isPrivateIpv4Cidr", () => {
  it.each(CASES)("%s is private: %s", (cidr, expected) => {
    expect(isPrivateIpv4Cidr(cidr)).toBe(expected);
  });

  it("gives the policy pack's own copy the same answers (the pack must stay self-contained)", () => {
    expect(CASES.map(([c]) => packCopy(c))).toEqual(CASES.map(([c]) => isPrivateIpv4Cidr(c)));
  });
});

describe("identifier shapes", () => {
  it("accepts pgaudit class lists and refuses anything else", () => {
    expect(PGAUDIT_LOG.test("ddl,role")).toBe(true);
    expect(PGAUDIT_LOG.test("all,-misc")).toBe(true);
    expect(PGAUDIT_LOG.test("ddl;role")).toBe(false);
    expect(PGAUDIT_LOG.test("ddl,")).toBe(false);
  });

  it("treats prod, production and their prefixed or suffixed names as production stacks", () => {
    expect(["prod", "production", "prod-eu", "eu-prod", "PROD"].map(isProductionStack)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(["dev", "product-demo", "preprod-x"].map(isProductionStack)).toEqual([false, false, false]);
  });
});
