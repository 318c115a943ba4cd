import { readFileSync } from "node:fs";
import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  roleSettingsProvider as provider,
  type RoleSettingsInputs,
} from "../../components/postgres/roleSettings";
import { startTwin, type Twin } from "../../local/twin";

/**
 * The RoleSettings dynamic provider's create/update/delete against a real PostgreSQL 16 (the local
 * twin), connected the way `pulumi up` connects: TLS, as the master user (the twin's admin user).
 */
const ROLE = "analytics_readonly";
let twin: Twin;
let inputs: (settings: Record<string, string>, role?: string) => RoleSettingsInputs;

beforeAll(async () => {
  twin = await startTwin();
  const u = new URL(twin.adminUrl);
  inputs = (settings, role = ROLE) => ({
    host: u.hostname,
    port: Number(u.port),
    database: decodeURIComponent(u.pathname.slice(1)),
    username: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    role,
    settings,
  });
  // The twin applies the model's SQL, settings included; start from a role as @pulumi/postgresql
  // leaves it on RDS (no settings), with a table analytics may not write to.
  await asAdmin(async (c) => {
    await c.query(`ALTER ROLE ${ROLE} RESET ALL`);
    await c.query("CREATE TABLE public.role_settings_probe (id int)");
  });
});
afterAll(async () => {
  await twin?.stop();
});

/** A session from one of the twin's URLs, verified against the twin's CA. */
async function session<T>(url: string, f: (c: Client) => Promise<T>): Promise<T> {
  const u = new URL(url);
  const c = new Client({
    host: u.hostname,
    port: Number(u.port),
    database: decodeURIComponent(u.pathname.slice(1)),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    ssl: { ca: readFileSync(twin.caCertPath, "utf8") },
  });
  await c.connect();
  try {
    return await f(c);
  } finally {
    await c.end();
  }
}
const asAdmin = <T>(f: (c: Client) => Promise<T>) => session(twin.adminUrl, f);
/** A fresh session as analytics: role settings apply at login. */
const asAnalytics = <T>(f: (c: Client) => Promise<T>) => session(twin.urls[ROLE], f);
const showReadOnly = () =>
  asAnalytics(
    async (c) => (await c.query("SHOW default_transaction_read_only")).rows[0].default_transaction_read_only,
  );
const insertError = () =>
  asAnalytics(async (c) => {
    try {
      await c.query("INSERT INTO public.role_settings_probe VALUES (1)");
      return "ok";
    } catch (e) {
      return (e as Error).message;
    }
  });
/** The role's own settings (all databases), as `pg_db_role_setting` stores them. */
const stored = (role = ROLE) =>
  asAdmin(async (c) => {
    const r = await c.query<{ s: string }>(
      `SELECT unnest(s.setconfig) AS s FROM pg_db_role_setting s JOIN pg_roles r ON r.oid = s.setrole
       WHERE r.rolname = $1 AND s.setdatabase = 0 ORDER BY 1`,
      [role],
    );
    return r.rows.map((x) => x.s);
  });

describe("RoleSettings provider on PostgreSQL 16", () => {
  it("starts from a role without settings: writes fail only for lack of a grant", async () => {
    expect(await stored()).toEqual([]);
    expect(await showReadOnly()).toBe("off");
    expect(await insertError()).toMatch(/permission denied for table role_settings_probe/);
  });

  it("create makes every analytics transaction read-only", async () => {
    const r = await provider.create(inputs({ default_transaction_read_only: "on" }));
    expect(r.id).toBe(ROLE);
    expect(r.outs).toMatchObject({ role: ROLE, settings: { default_transaction_read_only: "on" } });
    expect(await stored()).toEqual(["default_transaction_read_only=on"]);
    expect(await showReadOnly()).toBe("on");
    expect(await insertError()).toBe("cannot execute INSERT in a read-only transaction");
  });

  it("update sets new settings and resets the removed ones", async () => {
    const update = provider.update;
    if (!update) throw new Error("update is not implemented");
    await update(
      ROLE,
      inputs({ default_transaction_read_only: "on" }),
      inputs({ default_transaction_read_only: "on", statement_timeout: "5s" }),
    );
    expect(await stored()).toEqual(["default_transaction_read_only=on", "statement_timeout=5s"]);

    await update(
      ROLE,
      inputs({ default_transaction_read_only: "on", statement_timeout: "5s" }),
      inputs({ statement_timeout: "7s" }),
    );
    expect(await stored()).toEqual(["statement_timeout=7s"]);
    expect(await showReadOnly()).toBe("off");

    await update(ROLE, inputs({ statement_timeout: "7s" }), inputs({ default_transaction_read_only: "on" }));
    expect(await stored()).toEqual(["default_transaction_read_only=on"]);
    expect(await insertError()).toBe("cannot execute INSERT in a read-only transaction");
  });

  it("delete resets the settings it manages and leaves others alone", async () => {
    const del = provider.delete;
    if (!del) throw new Error("delete is not implemented");
    await asAdmin((c) => c.query(`ALTER ROLE ${ROLE} SET work_mem = '8MB'`));
    await del(ROLE, inputs({ default_transaction_read_only: "on" }));
    expect(await stored()).toEqual(["work_mem=8MB"]);
    expect(await showReadOnly()).toBe("off");
    expect(await insertError()).toMatch(/permission denied/);
  });

  it("delete succeeds when the role is already gone (dropped or renamed)", async () => {
    const del = provider.delete;
    if (!del) throw new Error("delete is not implemented");
    await expect(
      del("ghost", inputs({ default_transaction_read_only: "on" }, "ghost")),
    ).resolves.toBeUndefined();
  });

  it("fails, changing nothing, when the master password is wrong", async () => {
    await expect(
      provider.create({ ...inputs({ default_transaction_read_only: "on" }), password: "wrong" }),
    ).rejects.toThrow(/password authentication failed/);
    expect(await stored()).toEqual(["work_mem=8MB"]);
  });
});
