import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { Client, type ClientConfig } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresParameters } from "../../components/rds/parameters";
import { localParameters, TWIN_PARAMETER_OPTIONS } from "../../local/parameters";
import { availableLibraries, startTwin, type Twin } from "../../local/twin";

/**
 * The access model and the parameter group on a real PostgreSQL 16 (the local twin): no mocks. Each
 * statement below runs on the server; a failure means the stack would create the same hole on RDS.
 */
let twin: Twin;
const open: Client[] = [];
beforeAll(async () => {
  twin = await startTwin();
});
afterAll(async () => {
  for (const c of open) await c.end().catch(() => {});
  await twin?.stop();
});

const ca = () => readFileSync(twin.caCertPath, "utf8");
const password = (role: string) => twin.roles.find((r) => r.name === role)?.password ?? "";
const connect = async (role: string, extra: Partial<ClientConfig> = {}): Promise<Client> => {
  const c = new Client({
    host: twin.host,
    port: twin.port,
    database: twin.database,
    user: role,
    password: password(role),
    ssl: { ca: ca() },
    ...extra,
  });
  await c.connect();
  open.push(c);
  return c;
};
const admin = async () => {
  const c = new Client({ connectionString: twin.adminUrl, ssl: { ca: ca() } });
  await c.connect();
  open.push(c);
  return c;
};
/** The SQLSTATE of a failing statement, or "ok". */
const sqlState = async (c: Client, sql: string): Promise<string> => {
  try {
    await c.query(sql);
    return "ok";
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
};
const INSUFFICIENT_PRIVILEGE = "42501";
const READ_ONLY_TRANSACTION = "25006";

describe("extensions", () => {
  it("installs every extension of the model", async () => {
    const c = await admin();
    const r = await c.query<{ extname: string }>("SELECT extname FROM pg_extension ORDER BY extname");
    expect(r.rows.map((x) => x.extname)).toEqual([
      "cube",
      "earthdistance",
      "pg_stat_statements",
      "pgcrypto",
      "plpgsql",
      "uuid-ossp",
    ]);
  });

  it("works for the app role: pgcrypto round trip, earth_distance, uuid_generate_v4, pg_stat_statements", async () => {
    const c = await connect("app_user");
    const round = await c.query(
      "SELECT pgp_sym_decrypt(pgp_sym_encrypt('PHI: blood type O+', 'k3y'), 'k3y') AS plain",
    );
    expect(round.rows[0].plain).toBe("PHI: blood type O+");
    // New York to Los Angeles, about 3,936 km on the earthdistance sphere.
    const d = await c.query(
      "SELECT earth_distance(ll_to_earth(40.7128, -74.0060), ll_to_earth(34.0522, -118.2437)) AS m",
    );
    expect(Number(d.rows[0].m)).toBeGreaterThan(3_900_000);
    expect(Number(d.rows[0].m)).toBeLessThan(3_990_000);
    const u = await c.query("SELECT uuid_generate_v4()::text AS id");
    expect(u.rows[0].id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const s = await c.query("SELECT count(*)::int AS n FROM pg_stat_statements");
    expect(s.rows[0].n).toBeGreaterThan(0);
  });
});

describe("a table the owner creates after bootstrap (default privileges)", () => {
  beforeAll(async () => {
    const owner = await connect("verscienta_owner");
    await owner.query("CREATE TABLE herbs (id bigserial PRIMARY KEY, name text NOT NULL)");
    await owner.query("INSERT INTO herbs (name) VALUES ('ginseng')");
  });

  it("is owned by the owner role, which owns the schema too", async () => {
    const c = await admin();
    const r = await c.query(
      "SELECT (SELECT tableowner FROM pg_tables WHERE tablename = 'herbs') AS t, (SELECT nspowner::regrole::text FROM pg_namespace WHERE nspname = 'public') AS s",
    );
    expect(r.rows[0]).toEqual({ t: "verscienta_owner", s: "verscienta_owner" });
  });

  it("lets app_user insert, select, update and delete, and use its sequence", async () => {
    const c = await connect("app_user");
    const ins = await c.query("INSERT INTO herbs (name) VALUES ('astragalus') RETURNING id");
    expect(Number(ins.rows[0].id)).toBeGreaterThan(1);
    expect((await c.query("SELECT name FROM herbs ORDER BY id")).rows.map((r) => r.name)).toEqual([
      "ginseng",
      "astragalus",
    ]);
    expect((await c.query("UPDATE herbs SET name = 'huang qi' WHERE name = 'astragalus'")).rowCount).toBe(1);
    expect((await c.query("DELETE FROM herbs WHERE name = 'huang qi'")).rowCount).toBe(1);
    expect(await sqlState(c, "SELECT nextval('herbs_id_seq')")).toBe("ok");
    expect(await sqlState(c, "SELECT currval('herbs_id_seq')")).toBe("ok");
  });

  it("refuses app_user any DDL: CREATE, ALTER, DROP, TRUNCATE, and creating objects in public", async () => {
    const c = await connect("app_user");
    expect(await sqlState(c, "CREATE TABLE evil (id int)")).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await sqlState(c, "CREATE VIEW evil_v AS SELECT 1")).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await sqlState(c, "CREATE FUNCTION evil_f() RETURNS int LANGUAGE sql AS 'SELECT 1'")).toBe(
      INSUFFICIENT_PRIVILEGE,
    );
    expect(await sqlState(c, "ALTER TABLE herbs ADD COLUMN x int")).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await sqlState(c, "DROP TABLE herbs")).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await sqlState(c, "TRUNCATE herbs")).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await sqlState(c, "CREATE SCHEMA evil")).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await sqlState(c, "CREATE TEMP TABLE t (id int)")).toBe(INSUFFICIENT_PRIVILEGE);
  });

  it("leaves app_user owning nothing", async () => {
    const c = await admin();
    const r = await c.query(
      "SELECT count(*)::int AS n FROM pg_class WHERE relowner = 'app_user'::regrole UNION ALL SELECT count(*)::int FROM pg_namespace WHERE nspowner = 'app_user'::regrole",
    );
    expect(r.rows.map((x) => x.n)).toEqual([0, 0]);
  });

  it("lets analytics_readonly SELECT the later table and nothing else", async () => {
    const c = await connect("analytics_readonly");
    expect((await c.query("SELECT name FROM herbs")).rows.map((r) => r.name)).toContain("ginseng");
    const setting = await c.query("SHOW default_transaction_read_only");
    expect(setting.rows[0].default_transaction_read_only).toBe("on");
    expect(await sqlState(c, "INSERT INTO herbs (name) VALUES ('x')")).toBe(READ_ONLY_TRANSACTION);
    // Even with the read-only default switched off, the grants refuse every write.
    await c.query("SET default_transaction_read_only = off");
    expect(await sqlState(c, "INSERT INTO herbs (name) VALUES ('x')")).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await sqlState(c, "UPDATE herbs SET name = 'x'")).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await sqlState(c, "DELETE FROM herbs")).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await sqlState(c, "SELECT nextval('herbs_id_seq')")).toBe(INSUFFICIENT_PRIVILEGE);
    expect(await sqlState(c, "CREATE TABLE evil (id int)")).toBe(INSUFFICIENT_PRIVILEGE);
  });
});

describe("database lock-down", () => {
  it("gives PUBLIC no privilege on the database or the schema", async () => {
    const c = await admin();
    const r = await c.query(
      `SELECT has_database_privilege('public', current_database(), 'CONNECT') AS connect,
              has_database_privilege('public', current_database(), 'TEMP') AS temp,
              has_schema_privilege('public', 'public', 'CREATE') AS create`,
    );
    expect(r.rows[0]).toEqual({ connect: false, temp: false, create: false });
  });

  it("refuses a login role that has no grant", async () => {
    const a = await admin();
    const { scramVerifier } = await import("../../components/postgres/scram");
    await a.query(`CREATE ROLE stranger LOGIN PASSWORD '${scramVerifier("stranger-pass")}'`);
    const c = new Client({
      host: twin.host,
      port: twin.port,
      database: twin.database,
      user: "stranger",
      password: "stranger-pass",
      ssl: { ca: ca() },
    });
    const err = await c.connect().then(
      () => "connected",
      (e: { code?: string }) => e.code,
    );
    await c.end().catch(() => {});
    expect(err).toBe(INSUFFICIENT_PRIVILEGE);
  });

  it("caps each role's connections", async () => {
    const c = await admin();
    const r = await c.query(
      "SELECT rolname, rolconnlimit FROM pg_roles WHERE rolname IN ('verscienta_owner','app_user','analytics_readonly') ORDER BY rolname",
    );
    expect(r.rows).toEqual([
      { rolname: "analytics_readonly", rolconnlimit: 10 },
      { rolname: "app_user", rolconnlimit: 100 },
      { rolname: "verscienta_owner", rolconnlimit: 5 },
    ]);
  });

  it("stores every password as a SCRAM-SHA-256 verifier", async () => {
    const c = await admin();
    const r = await c.query("SELECT rolname, rolpassword FROM pg_authid WHERE rolpassword IS NOT NULL");
    expect(r.rows.length).toBeGreaterThanOrEqual(4);
    for (const row of r.rows) expect(row.rolpassword).toMatch(/^SCRAM-SHA-256\$4096:/);
  });

  it("applies the access SQL idempotently: a second run changes nothing", async () => {
    const { accessModel } = await import("../../components/postgres/accessModel");
    const { renderAccessSql } = await import("../../components/postgres/accessSql");
    const { DEFAULTS: d } = await import("../../spec/keys");
    const c = await admin();
    const snapshot = async () =>
      (
        await c.query(
          "SELECT datacl::text AS a FROM pg_database WHERE datname = current_database() UNION ALL SELECT nspacl::text FROM pg_namespace WHERE nspname = 'public' UNION ALL SELECT relacl::text FROM pg_class WHERE relname = 'herbs' UNION ALL SELECT string_agg(defaclacl::text, ';' ORDER BY defaclobjtype) FROM pg_default_acl",
        )
      ).rows;
    const before = await snapshot();
    const model = accessModel({ ...d, database: twin.database, iamAuthRoles: [] });
    await c.query(renderAccessSql(model));
    expect(await snapshot()).toEqual(before);
  });
});

describe("transport", () => {
  it("accepts a TLS connection verified against the twin's CA (TLS 1.2 or later)", async () => {
    const c = await connect("app_user");
    const r = await c.query("SELECT ssl, version FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
    expect(r.rows[0].ssl).toBe(true);
    expect(["TLSv1.2", "TLSv1.3"]).toContain(r.rows[0].version);
  });

  it("refuses a connection without TLS", async () => {
    const c = new Client({
      host: twin.host,
      port: twin.port,
      database: twin.database,
      user: "app_user",
      password: password("app_user"),
      ssl: false,
    });
    const msg = await c.connect().then(
      () => "connected",
      (e: Error) => e.message,
    );
    await c.end().catch(() => {});
    expect(msg).toMatch(/no encryption|pg_hba\.conf rejects/);
  });

  it("hands out URLs that verify the server (verify-full), one per login role", () => {
    expect(Object.keys(twin.urls).sort()).toEqual([
      "analytics_readonly",
      "app_user",
      "verscienta_monitor",
      "verscienta_owner",
    ]);
    for (const u of Object.values(twin.urls))
      expect(new URL(u).searchParams.get("sslmode")).toBe("verify-full");
  });
});

/** PostgreSQL reports booleans as on/off and sizes/times in a unit; the parameter group uses 1/0 and base units. */
function normalise(name: string, value: string, unit: string | null): string {
  if (value === "1" || value === "true") return "on";
  if (value === "0" || value === "false") return unit ? "0" : "off";
  if (name === "shared_preload_libraries")
    return value
      .split(",")
      .map((s) => s.trim())
      .sort()
      .join(",");
  return value;
}

describe("the parameter group on a real server", () => {
  it("accepts every PostgreSQL-native parameter and shows the intended value in pg_settings", async () => {
    const c = await admin();
    const local = localParameters(availableLibraries());
    const native = postgresParameters(TWIN_PARAMETER_OPTIONS);
    const skipped = new Set(local.skipped.map((s) => s.name));
    let checked = 0;
    for (const [name, intended] of Object.entries(native)) {
      if (skipped.has(name)) continue;
      const r = await c.query<{
        setting: string;
        unit: string | null;
        source: string;
        pending_restart: boolean;
      }>("SELECT setting, unit, source, pending_restart FROM pg_settings WHERE name = $1", [name]);
      expect(r.rowCount, `${name} is not a PostgreSQL 16 parameter`).toBe(1);
      const row = r.rows[0];
      const want = name === "shared_preload_libraries" ? local.settings[name] : intended;
      expect(normalise(name, row.setting, row.unit), name).toBe(normalise(name, want, row.unit));
      expect(row.source, name).toBe("configuration file");
      expect(row.pending_restart, name).toBe(false);
      checked++;
    }
    expect(checked).toBe(Object.keys(native).length - [...skipped].filter((s) => s in native).length);
    expect(checked).toBeGreaterThanOrEqual(12);
  });

  it("skips only pgaudit locally, with a reason, and maps rds.force_ssl to ssl = on", async () => {
    const local = localParameters(availableLibraries());
    expect(local.skipped.map((s) => s.name).sort()).toEqual(
      [
        "pgaudit.log",
        "pgaudit.log_catalog",
        "pgaudit.log_parameter",
        "shared_preload_libraries:pgaudit",
      ].sort(),
    );
    const c = await admin();
    expect((await c.query("SHOW ssl")).rows[0].ssl).toBe("on");
    expect((await c.query("SHOW log_line_prefix")).rows[0].log_line_prefix).toBe("%t:%r:%u@%d:[%p]:");
  });

  it("writes RDS-shaped lines to the log file", async () => {
    await new Promise((r) => setTimeout(r, 500));
    const log = readFileSync(twin.logFile, "utf8");
    expect(log).toMatch(
      /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC:127\.0\.0\.1\(\d+\):app_user@verscienta_health:\[\d+\]:LOG: {2}connection authorized/m,
    );
  });
});

describe("npm run db:local", () => {
  const cli = path.resolve(__dirname, "../../local/cli.ts");
  const run = (args: string[]) =>
    new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
      const p = spawn(process.execPath, ["--import", "tsx", cli, ...args], {
        cwd: path.resolve(__dirname, "../.."),
      });
      let stdout = "";
      let stderr = "";
      p.stdout.on("data", (d) => {
        stdout += d;
        if (stdout.includes("\n")) p.kill("SIGTERM");
      });
      p.stderr.on("data", (d) => {
        stderr += d;
      });
      p.on("exit", (code) => resolve({ code, stdout, stderr }));
    });

  it("prints exactly one ready line with a TLS URL per role, then stops cleanly on SIGTERM", async () => {
    const r = await run([]);
    const lines = r.stdout.trim().split("\n");
    expect(lines).toHaveLength(1);
    const ready = JSON.parse(lines[0]);
    expect(ready.ready).toBe(true);
    expect(Object.keys(ready.urls).sort()).toEqual([
      "analytics_readonly",
      "app_user",
      "verscienta_monitor",
      "verscienta_owner",
    ]);
    expect(r.stderr).toContain("SIGTERM: shutting down");
    expect(r.code).toBe(0);
  });

  it("fails when the port is taken, saying which and how to fix it", async () => {
    const r = await run(["--port", String(twin.port)]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(`--port: ${twin.port} is already in use`);
  });

  it("fails when the data directory is unusable", async () => {
    const r = await run(["--data-dir", "/etc/hostname"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--data-dir: /etc/hostname exists and is not a directory");
  });

  it("fails when --pooler names no pooler", async () => {
    const r = await run(["--pooler", "pgpool"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--pooler: "pgpool" is not one of none, pgbouncer');
  });
});
