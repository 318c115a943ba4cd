import { readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { CONFIG_DEFAULTS, CONFIG_KEYS, parseConfig } from "../../infra/config";
import { CONFIG_DOCS } from "../../infra/configDocs";
import { PROFILE_DEFAULTS } from "../../infra/defaults";
import { renderConfigTable, renderPulumiYaml } from "../../tools/configDocs";

const ROOT = path.resolve(__dirname, "../..");
const read = (f: string) => readFileSync(path.join(ROOT, f), "utf8");

describe("configuration docs", () => {
  it("Pulumi.yaml is generated from the schema (run npm run docs:config when this fails)", () => {
    expect(read("Pulumi.yaml")).toBe(renderPulumiYaml());
  });

  it("the README configuration table is generated from the schema", () => {
    expect(read("README.md")).toContain(renderConfigTable());
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
      expect(declared[key].type).toBe(CONFIG_DOCS[key].type);
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

  it("the dev stack file states exactly the dev profile", () => {
    const devFile = parse(read("Pulumi.dev.yaml")).config as Record<string, unknown>;
    for (const [k, v] of Object.entries(PROFILE_DEFAULTS.dev)) {
      expect(devFile[`verscienta-postgres:${k}`], k).toEqual(v);
    }
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
