import { readFileSync } from "node:fs";
import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DatabaseTarget, MetricsSnapshot } from "../../functions/dbops/contract";
import { collectMetrics, toEmf } from "../../functions/dbops/metrics";
import { startTwin, type Twin } from "../../local/twin";
import { LONG_QUERY_SECONDS, MONITOR_ROLE } from "../../spec/databaseOps";

/**
 * The function's monitoring queries on a real PostgreSQL 16 (the local twin), signed in as the monitoring
 * role, side by side with the guide's own queries run by the bootstrap superuser on the same data.
 *
 * Cumulative statistics reach other sessions asynchronously (PostgreSQL 16, "The Cumulative Statistics
 * System", https://www.postgresql.org/docs/16/monitoring-stats.html#MONITORING-STATS-SETUP): a backend
 * flushes its pending counters when it goes idle, at most about once a second, and
 * `pg_stat_force_next_flush()` asks for the flush at the next opportunity; a reader outside a
 * transaction sees a fresh snapshot each statement (`pg_stat_clear_snapshot()` discards one inside a
 * transaction). So the writer asks for the flush and the test waits until the reader sees it.
 */

// The guide's "Monitoring" queries, verbatim except where noted (they are run, never shown to users).
const GUIDE = {
  connectionPool: `SELECT
  numbackends AS active_connections,
  max_conn - numbackends AS available_connections,
  max_conn AS max_connections
FROM (
  SELECT count(*) AS numbackends FROM pg_stat_activity
) a,
(SELECT setting::int AS max_conn FROM pg_settings WHERE name='max_connections') b`,
  databaseSize: `SELECT
  pg_database.datname AS database,
  pg_size_pretty(pg_database_size(pg_database.datname)) AS size
FROM pg_database
ORDER BY pg_database_size(pg_database.datname) DESC`,
  tableSizes: `SELECT
  schemaname,
  tablename,
  pg_size_pretty(pg_total_relation_size(schemaname||'.'||tablename)) AS size
FROM pg_tables
WHERE schemaname = 'public'
ORDER BY pg_total_relation_size(schemaname||'.'||tablename) DESC
LIMIT 10`,
  activeQueries: `SELECT
  pid,
  usename,
  application_name,
  client_addr,
  state,
  query,
  query_start
FROM pg_stat_activity
WHERE state != 'idle'
ORDER BY query_start`,
  cacheHitRatio: `SELECT
  sum(heap_blks_read) as heap_read,
  sum(heap_blks_hit) as heap_hit,
  sum(heap_blks_hit) / (sum(heap_blks_hit) + sum(heap_blks_read)) as cache_ratio
FROM pg_statio_user_tables`,
  // Troubleshooting, "check for table bloat".
  bloat: "SELECT * FROM pg_stat_user_tables WHERE n_dead_tup > 1000",
  // Troubleshooting, "check for runaway queries", with the guide's slow-query threshold for its 1 minute.
  runaway: `SELECT * FROM pg_stat_activity WHERE state = 'active' AND query_start < now() - interval '${LONG_QUERY_SECONDS} seconds'`,
} as const;

let twin: Twin;
const open: Client[] = [];
const ca = () => readFileSync(twin.caCertPath, "utf8");
const password = (role: string): string => {
  const p = twin.roles.find((r) => r.name === role)?.password;
  if (!p)
    throw new Error(`the twin lists no password for ${role}; the access model must make it a login role.`);
  return p;
};
const connect = async (role: string): Promise<Client> => {
  const c = new Client({
    host: twin.host,
    port: twin.port,
    database: twin.database,
    user: role,
    password: password(role),
    ssl: { ca: ca() },
  });
  await c.connect();
  open.push(c);
  return c;
};
const admin = async (): Promise<Client> => {
  const c = new Client({ connectionString: twin.adminUrl, ssl: { ca: ca() } });
  await c.connect();
  open.push(c);
  return c;
};
const target = (): DatabaseTarget => ({
  host: twin.host,
  port: twin.port,
  database: twin.database,
  instanceIdentifier: "verscienta-dev-db",
});
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/** Polls `check` (every 200 ms, up to 15 s) until it returns true: statistics arrive asynchronously. */
const until = async (what: string, check: () => Promise<boolean>): Promise<void> => {
  for (let i = 0; i < 75; i++) {
    if (await check()) return;
    await sleep(200);
  }
  throw new Error(`timed out waiting for ${what}`);
};

beforeAll(async () => {
  twin = await startTwin();
});
afterAll(async () => {
  for (const c of open) await c.end().catch(() => {});
  await twin?.stop();
});

describe("the monitoring role", () => {
  it("is a login role whose only membership is pg_monitor, without superuser or bypass attributes", async () => {
    const c = await admin();
    const r = await c.query(
      `SELECT r.rolcanlogin, r.rolsuper, r.rolcreaterole, r.rolcreatedb, r.rolbypassrls, r.rolconnlimit,
              array(SELECT g.rolname::text FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid
                    WHERE m.member = r.oid ORDER BY 1) AS member_of
       FROM pg_roles r WHERE r.rolname = $1`,
      [MONITOR_ROLE.name],
    );
    expect(r.rows).toEqual([
      {
        rolcanlogin: true,
        rolsuper: false,
        rolcreaterole: false,
        rolcreatedb: false,
        rolbypassrls: false,
        rolconnlimit: MONITOR_ROLE.connectionLimit,
        member_of: ["pg_monitor"],
      },
    ]);
  });
});

describe("before any user table is read", () => {
  it("reports no cache hit ratio where the guide's query divides 0 by 0 (NULL)", async () => {
    const guide = (await (await admin()).query(GUIDE.cacheHitRatio)).rows[0];
    expect(guide.cache_ratio).toBeNull();
    const s = await collectMetrics(await connect(MONITOR_ROLE.name), target());
    expect(s.cacheHitRatioPercent).toBeUndefined();
    expect(s.largestTableBytes).toBe(0);
    expect(s.deadTuples).toBe(0);
    const [doc] = toEmf(s, target(), Date.now()).map((l) => JSON.parse(l));
    expect(doc).not.toHaveProperty("CacheHitRatio");
  });
});

describe("on tables with reads, hits, dead tuples and a long query", () => {
  let snapshot: MetricsSnapshot;
  let monitor: Client;
  let ref: Client;
  let monitorPid: number;
  let refPid: number;
  let sleeper: Promise<unknown>;

  beforeAll(async () => {
    {
      const owner = await connect("verscienta_owner");
      // Autovacuum off on these tables: it would read their pages and remove dead tuples between the
      // two readings being compared.
      await owner.query(
        "CREATE TABLE metrics_big (id bigint PRIMARY KEY, payload text NOT NULL) WITH (autovacuum_enabled = false)",
      );
      await owner.query(
        "CREATE TABLE metrics_small (id bigint PRIMARY KEY, note text) WITH (autovacuum_enabled = false)",
      );
      await owner.query(
        "INSERT INTO metrics_big SELECT g, repeat(md5(g::text), 4) FROM generate_series(1, 20000) g",
      );
      await owner.query("INSERT INTO metrics_small SELECT g, 'n' FROM generate_series(1, 200) g");
      // > 1000 dead tuples in metrics_big (the guide's bloat line), fewer in metrics_small.
      await owner.query("DELETE FROM metrics_big WHERE id % 4 = 0");
      await owner.query("UPDATE metrics_small SET note = 'changed' WHERE id <= 100");
      await owner.query("SELECT pg_stat_force_next_flush()");
    }
    // A restart empties shared buffers, so the next scan reads heap blocks (heap_blks_read) and the
    // scans after it hit them (heap_blks_hit). Statistics survive a clean shutdown.
    // Sessions opened so far would be terminated by the restart (57P01): close them first.
    for (const c of open.splice(0)) await c.end();
    await twin.restart();
    const owner = await connect("verscienta_owner");
    for (let i = 0; i < 3; i++) {
      await owner.query("SELECT count(*) FROM metrics_small");
      await owner.query("SELECT count(*) FROM metrics_big WHERE payload <> ''");
    }
    await owner.query("SELECT pg_stat_force_next_flush()");

    ref = await admin();
    await until("heap reads, hits and dead tuples to be flushed", async () => {
      const r = (await ref.query(GUIDE.cacheHitRatio)).rows[0];
      const b = await ref.query(GUIDE.bloat);
      return Number(r.heap_read) > 0 && Number(r.heap_hit) > 0 && b.rowCount === 1;
    });

    // Sessions in three states: a long query (active), a transaction left open (idle in transaction),
    // and an idle connection.
    const busy = await connect("app_user");
    sleeper = busy.query(`SELECT pg_sleep(${LONG_QUERY_SECONDS + 15})`).catch(() => undefined);
    const inTransaction = await connect("app_user");
    await inTransaction.query("BEGIN");
    await inTransaction.query("SELECT 1");
    await connect("analytics_readonly");
    await until(`the long query to pass ${LONG_QUERY_SECONDS} s`, async () => {
      const r = await ref.query(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep%' AND now() - query_start > make_interval(secs => $1)",
        [LONG_QUERY_SECONDS + 0.5],
      );
      return r.rows[0].n === 1;
    });

    monitor = await connect(MONITOR_ROLE.name);
    monitorPid = (await monitor.query("SELECT pg_backend_pid() AS pid")).rows[0].pid;
    refPid = (await ref.query("SELECT pg_backend_pid() AS pid")).rows[0].pid;
    snapshot = await collectMetrics(monitor, target());
  }, 120_000);

  afterAll(async () => {
    await ref?.query(
      "SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE query LIKE 'SELECT pg_sleep%'",
    );
    await sleeper;
  });

  it("equals the guide's cache hit ratio (heap blocks of the user tables), as a percentage", async () => {
    const g = (await ref.query(GUIDE.cacheHitRatio)).rows[0];
    expect(Number(g.heap_read)).toBeGreaterThan(0);
    expect(Number(g.heap_hit)).toBeGreaterThan(0);
    expect(snapshot.cacheHitRatioPercent).toBeCloseTo(Number(g.cache_ratio) * 100, 9);
    expect(snapshot.cacheHitRatioPercent).toBeGreaterThan(0);
    expect(snapshot.cacheHitRatioPercent).toBeLessThan(100);
  });

  it("equals the guide's database size for the app database, in bytes and as pg_size_pretty shows it", async () => {
    const pretty = (await ref.query(GUIDE.databaseSize)).rows.find((r) => r.database === twin.database);
    const bytes = (
      await ref.query(
        "SELECT pg_database_size(pg_database.datname)::text AS b FROM pg_database WHERE datname = $1",
        [twin.database],
      )
    ).rows[0].b;
    expect(snapshot.databaseSizeBytes).toBe(Number(bytes));
    const mine = (await ref.query("SELECT pg_size_pretty($1::bigint) AS s", [snapshot.databaseSizeBytes]))
      .rows[0].s;
    expect(mine).toBe(pretty.size);
  });

  it("equals the top entry of the guide's table sizes: metrics_big", async () => {
    const top = (await ref.query(GUIDE.tableSizes)).rows[0];
    expect([top.schemaname, top.tablename]).toEqual(["public", "metrics_big"]);
    const bytes = (await ref.query("SELECT pg_total_relation_size('public'||'.'||'metrics_big')::text AS b"))
      .rows[0].b;
    expect(snapshot.largestTableBytes).toBe(Number(bytes));
    const mine = (await ref.query("SELECT pg_size_pretty($1::bigint) AS s", [snapshot.largestTableBytes]))
      .rows[0].s;
    expect(mine).toBe(top.size);
  });

  it("sums the n_dead_tup the guide's bloat check reads, which flags metrics_big", async () => {
    const flagged = (await ref.query(GUIDE.bloat)).rows;
    expect(flagged.map((r) => r.relname)).toEqual(["metrics_big"]);
    const all = (await ref.query("SELECT relname, n_dead_tup FROM pg_stat_user_tables")).rows;
    const sum = all.reduce((n, r) => n + Number(r.n_dead_tup), 0);
    expect(snapshot.deadTuples).toBe(sum);
    expect(snapshot.deadTuples).toBeGreaterThan(1000);
  });

  it(`counts the guide's runaway queries at its ${LONG_QUERY_SECONDS} s slow-query threshold: the one pg_sleep`, async () => {
    const runaway = (await ref.query(GUIDE.runaway)).rows;
    expect(runaway.map((r) => r.usename)).toEqual(["app_user"]);
    expect(snapshot.longRunningQueries).toBe(runaway.length);
  });

  it("reports the age of the oldest active query in the guide's active-query list (within the second between readings)", async () => {
    const rows = (await ref.query(GUIDE.activeQueries)).rows.filter((r) => r.state === "active");
    const oldest = (Date.now() - new Date(rows[0].query_start).getTime()) / 1000;
    expect(snapshot.oldestActiveQuerySeconds).toBeGreaterThan(LONG_QUERY_SECONDS);
    expect(snapshot.oldestActiveQuerySeconds).toBeLessThanOrEqual(oldest);
    expect(oldest - snapshot.oldestActiveQuerySeconds).toBeLessThan(2);
  });

  it("counts client connections by state as pg_stat_activity lists them, summing to the guide's count without server processes", async () => {
    // What the monitoring session saw while it asked: itself active, the reference session idle.
    const rows = (
      await ref.query<{ pid: number; state: string | null }>(
        "SELECT pid, state FROM pg_stat_activity WHERE backend_type = 'client backend'",
      )
    ).rows;
    const expected: Record<string, number> = {};
    for (const r of rows) {
      const state = r.pid === monitorPid ? "active" : r.pid === refPid ? "idle" : (r.state ?? "unknown");
      expected[state] = (expected[state] ?? 0) + 1;
    }
    expect(snapshot.connectionsByState).toEqual(expected);
    expect(snapshot.connectionsByState).toMatchObject({ active: 2, "idle in transaction": 1 });
    const pool = (await ref.query(GUIDE.connectionPool)).rows[0];
    const server = (
      await ref.query(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE backend_type <> 'client backend'",
      )
    ).rows[0].n;
    const total = Object.values(snapshot.connectionsByState).reduce((a, b) => a + b, 0);
    expect(total).toBe(Number(pool.active_connections) - server);
  });

  it("publishes the snapshot as EMF lines that hold no query text, user name or client address", () => {
    const lines = toEmf(snapshot, target(), Date.now());
    expect(lines).toHaveLength(1 + Object.keys(snapshot.connectionsByState).length);
    for (const l of lines) {
      expect(l).not.toContain("pg_sleep");
      expect(l).not.toContain("app_user");
      expect(l).not.toContain("127.0.0.1");
    }
  });

  it("cannot read table data: permission denied (no USAGE on the schema, no SELECT on any table)", async () => {
    // Unqualified, the schema it may not use is not even searched; qualified, PostgreSQL refuses it.
    await expect(monitor.query("SELECT * FROM public.metrics_big LIMIT 1")).rejects.toMatchObject({
      code: "42501",
      message: "permission denied for schema public",
    });
    await expect(monitor.query("SELECT count(*) FROM metrics_small")).rejects.toMatchObject({
      code: "42P01",
    });
    const grants = await ref.query(
      `SELECT c.relname, has_table_privilege($1, c.oid, 'SELECT') AS can_select
       FROM pg_class c WHERE c.relname IN ('metrics_big', 'metrics_small') ORDER BY 1`,
      [MONITOR_ROLE.name],
    );
    expect(grants.rows).toEqual([
      { relname: "metrics_big", can_select: false },
      { relname: "metrics_small", can_select: false },
    ]);
  });
});
