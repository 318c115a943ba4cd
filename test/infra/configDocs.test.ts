import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { parse } from "yaml";
import { CONFIG_DEFAULTS, CONFIG_KEYS, parseConfig } from "../../infra/config";
import { DEV_REGION, DEV_VALUES, KEYS } from "../../spec/keys";
import { renderConfigTable, renderDevStackFile, renderPulumiYaml } from "../../tools/configDocs";

const ROOT = path.resolve(__dirname, "../..");
const read = (f: string) => readFileSync(path.join(ROOT, f), "utf8");
const PREFIX = "verscienta-postgres:";

describe("configuration docs", () => {
  it("Pulumi.yaml is generated from spec/keys.ts (run npm run docs:config when this fails)", () => {
    expect(read("Pulumi.yaml")).toBe(renderPulumiYaml());
  });

  it("Pulumi.dev.yaml is generated from spec/keys.ts (run npm run docs:config when this fails)", () => {
    expect(read("Pulumi.dev.yaml")).toBe(renderDevStackFile());
  });

  it("the README configuration table is generated from spec/keys.ts (run npm run docs:config)", () => {
    expect(read("README.md")).toContain(renderConfigTable());
  });

  it("prints a default or dev value of 0 as 0, and only an empty optional default as unset", () => {
    const table = renderConfigTable();
    expect(table).toContain("| `readReplicaCount` | integer | `0` | `0` |");
    expect(table).toContain("| `maxConnections` | integer | unset |  |");
    expect(table).toContain("| `backupRetentionDays` | integer | `35` | `7` |");
  });

  it("declares every key with a type and description, and a default for all but the stack's own choices", () => {
    const declared = parse(read("Pulumi.yaml")).config as Record<
      string,
      { type: string; description: string; default?: unknown }
    >;
    expect(Object.keys(declared).sort()).toEqual([...CONFIG_KEYS].sort());
    const withoutDefault = Object.entries(declared)
      .filter(([, v]) => v.default === undefined)
      .map(([k]) => k);
    expect(withoutDefault.sort()).toEqual(["engineLifecycleSupport", "environment"]);
    for (const key of CONFIG_KEYS) {
      expect(declared[key].type).toBe(KEYS[key].type);
      expect(declared[key].description.length).toBeGreaterThan(10);
    }
  });

  it("declares defaults that the program itself accepts and applies (mocks do not apply Pulumi.yaml defaults)", () => {
    const declared = parse(read("Pulumi.yaml")).config as Record<string, { default?: unknown }>;
    const raw: Record<string, unknown> = {
      environment: "prod",
      engineLifecycleSupport: "open-source-rds-extended-support",
    };
    for (const [k, v] of Object.entries(declared)) if (v.default !== undefined) raw[k] = v.default;
    // Like environment, a subscriber has no default: prod refuses to run without one.
    const onCall = ["oncall@example.org"];
    const fromYaml = parseConfig({ ...raw, alarmEmails: onCall }, "us-east-1");
    const fromCode = parseConfig(
      {
        environment: "prod",
        engineLifecycleSupport: "open-source-rds-extended-support",
        alarmEmails: onCall,
      },
      "us-east-1",
    );
    expect(fromYaml).toEqual(fromCode);
    for (const [k, v] of Object.entries(declared))
      if (v.default !== undefined) expect(v.default).toEqual(CONFIG_DEFAULTS[k]);
  });

  it("the dev stack file states exactly the region and the dev values, and parses to them", () => {
    const devFile = parse(read("Pulumi.dev.yaml")).config as Record<string, unknown>;
    const expected: Record<string, unknown> = { "aws:region": DEV_REGION };
    for (const [k, v] of Object.entries(DEV_VALUES)) expected[`${PREFIX}${k}`] = v;
    expect(devFile).toEqual(expected);
    expect(devFile).toMatchObject({
      "aws:region": "us-east-1",
      [`${PREFIX}environment`]: "dev",
      [`${PREFIX}engineLifecycleSupport`]: "open-source-rds-extended-support-disabled",
      [`${PREFIX}backupRetentionDays`]: 7,
    });
    const raw = Object.fromEntries(
      Object.entries(devFile)
        .filter(([k]) => k.startsWith(PREFIX))
        .map(([k, v]) => [k.slice(PREFIX.length), v]),
    );
    expect(parseConfig(raw, DEV_REGION, "dev")).toMatchObject(DEV_VALUES);
  });

  it("the stack files hold no secure values and no secrets", () => {
    for (const f of ["Pulumi.dev.yaml", "Pulumi.prod.yaml"]) {
      const config = parse(read(f)).config as Record<string, unknown>;
      for (const [k, v] of Object.entries(config)) {
        expect(k).not.toMatch(/password|secret|token/i);
        expect(typeof v === "object" && v !== null && "secure" in v, k).toBe(false);
      }
    }
  });
});

describe("one decision, one line", () => {
  it("moves the prod PITR floor everywhere when spec/hipaa.ts changes it", async () => {
    vi.resetModules();
    vi.doMock("../../spec/hipaa", async (original) => ({
      ...(await original<typeof import("../../spec/hipaa")>()),
      PROD_PITR_DAYS: 30,
    }));
    try {
      const docs = await import("../../tools/configDocs");
      const { parseConfig: parse30 } = await import("../../infra/config/parse");
      const yaml = parse(docs.renderPulumiYaml()).config.backupRetentionDays;
      expect(yaml).toEqual({
        type: "integer",
        description: "Automated backups / point-in-time recovery window, 1–35 days (0 is refused). prod: 30.",
        default: 30,
      });
      expect(docs.renderConfigTable()).toContain("| `backupRetentionDays` | integer | `30` | `7` |");
      const base = {
        environment: "prod",
        engineLifecycleSupport: "open-source-rds-extended-support",
        alarmEmails: ["oncall@example.org"],
      };
      expect(parse30(base, "us-east-1", "prod").backupRetentionDays).toBe(30);
      expect(() => parse30({ ...base, backupRetentionDays: 29 }, "us-east-1", "prod")).toThrow(
        "backupRetentionDays: 29 is below the 30 days prod keeps for point-in-time recovery (HIPAA 164.308(a)(7)(ii)(A)). Set it to 30.",
      );
      // The RDS maximum is AWS's, not the floor: it stays 35.
      expect(parse30({ ...base, backupRetentionDays: 35 }, "us-east-1", "prod").backupRetentionDays).toBe(35);
    } finally {
      vi.doUnmock("../../spec/hipaa");
      vi.resetModules();
    }
  });
});
