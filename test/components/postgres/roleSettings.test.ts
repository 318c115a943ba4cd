import { describe, expect, it } from "vitest";
import {
  diffSettings,
  resetStatements,
  roleSettingsProvider,
  setStatements,
  updateStatements,
  validateRoleSettings,
} from "../../../components/postgres/roleSettings";

const READ_ONLY = { default_transaction_read_only: "on" };
const conn = {
  host: "db.example",
  port: 5432,
  database: "verscienta_health",
  username: "verscienta_admin",
  password: "pw",
};

describe("setStatements", () => {
  it("sets each parameter on the role with a quoted identifier and a quoted literal", () => {
    expect(setStatements("analytics_readonly", READ_ONLY)).toEqual([
      `ALTER ROLE "analytics_readonly" SET "default_transaction_read_only" = 'on';`,
    ]);
  });

  it("orders statements by parameter name, so the same settings always give the same SQL", () => {
    expect(setStatements("r", { work_mem: "64MB", statement_timeout: "30s" })).toEqual([
      `ALTER ROLE "r" SET "statement_timeout" = '30s';`,
      `ALTER ROLE "r" SET "work_mem" = '64MB';`,
    ]);
  });

  it("doubles quotes in role names and values, so neither can end the statement", () => {
    expect(setStatements('we"ird', { search_path: "x'; DROP ROLE app_user; --" })).toEqual([
      `ALTER ROLE "we""ird" SET "search_path" = 'x''; DROP ROLE app_user; --';`,
    ]);
  });

  it("accepts prefixed custom parameters (pgaudit.log)", () => {
    expect(setStatements("r", { "pgaudit.log": "ddl" })).toEqual([
      `ALTER ROLE "r" SET "pgaudit.log" = 'ddl';`,
    ]);
  });

  it("fails when a setting name is not an identifier", () => {
    for (const bad of [
      'x" = 1; DROP ROLE app_user; --',
      "Default_Transaction_Read_Only",
      "1abc",
      "a-b",
      "",
    ]) {
      expect(() => setStatements("r", { [bad]: "on" })).toThrow(
        `settings: "${bad}" is not a PostgreSQL parameter name. Use lowercase letters, digits, _ and .`,
      );
    }
  });

  it("fails when the role name is empty", () => {
    expect(() => setStatements("", READ_ONLY)).toThrow(/role: "" is not a role name/);
  });

  it("returns nothing for no settings", () => {
    expect(setStatements("r", {})).toEqual([]);
  });
});

describe("resetStatements", () => {
  it("resets each parameter, back to the database or server default", () => {
    expect(resetStatements("analytics_readonly", ["default_transaction_read_only"])).toEqual([
      `ALTER ROLE "analytics_readonly" RESET "default_transaction_read_only";`,
    ]);
  });

  it("fails when a setting name is not an identifier", () => {
    expect(() => resetStatements("r", ["ALL"])).toThrow(/settings: "ALL" is not a PostgreSQL parameter name/);
  });
});

describe("diffSettings", () => {
  it("resets what was removed and sets what was added or changed", () => {
    expect(diffSettings({ a: "1", b: "2", c: "3" }, { b: "2", c: "30", d: "4" })).toEqual({
      reset: ["a"],
      set: { c: "30", d: "4" },
    });
  });

  it("finds nothing to do when the settings are equal", () => {
    expect(diffSettings(READ_ONLY, { ...READ_ONLY })).toEqual({ reset: [], set: {} });
  });
});

describe("updateStatements", () => {
  it("resets removed settings first, then sets every current one (repairing hand edits)", () => {
    expect(updateStatements("r", { a: "1", b: "2" }, { b: "2", c: "3" })).toEqual([
      `ALTER ROLE "r" RESET "a";`,
      `ALTER ROLE "r" SET "b" = '2';`,
      `ALTER ROLE "r" SET "c" = '3';`,
    ]);
  });
});

describe("validateRoleSettings", () => {
  it("collects every problem, each naming the setting and the fix", () => {
    expect(validateRoleSettings("r", { "bad name": "on", ok_name: "on", "x;": "1" })).toEqual([
      `settings: "bad name" is not a PostgreSQL parameter name. Use lowercase letters, digits, _ and . (e.g. default_transaction_read_only).`,
      `settings: "x;" is not a PostgreSQL parameter name. Use lowercase letters, digits, _ and . (e.g. default_transaction_read_only).`,
    ]);
  });
});

describe("roleSettingsProvider (no database needed)", () => {
  const olds = { ...conn, role: "analytics_readonly", settings: READ_ONLY };

  it("fails the check when a setting name is not an identifier", async () => {
    const r = await roleSettingsProvider.check?.(olds, { ...olds, settings: { "a b": "1" } });
    expect(r?.failures).toEqual([
      {
        property: "settings",
        reason: expect.stringContaining(`settings: "a b" is not a PostgreSQL parameter name`),
      },
    ]);
  });

  it("replaces on a role change, updates on a settings change, and does nothing when equal", async () => {
    const diff = roleSettingsProvider.diff;
    if (!diff) throw new Error("diff is not implemented");
    expect(await diff("id", olds, { ...olds, role: "other" })).toMatchObject({
      changes: true,
      replaces: ["role"],
    });
    expect(await diff("id", olds, { ...olds, settings: {} })).toMatchObject({ changes: true, replaces: [] });
    expect(await diff("id", olds, { ...olds })).toMatchObject({ changes: false, replaces: [] });
  });

  it("updates when the master password rotated, so delete later connects with the current one", async () => {
    const diff = roleSettingsProvider.diff;
    if (!diff) throw new Error("diff is not implemented");
    expect(await diff("id", olds, { ...olds, password: "rotated" })).toMatchObject({
      changes: true,
      replaces: [],
    });
  });
});
