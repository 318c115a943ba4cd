/**
 * `npm run bench:pooling [-- --seconds 5 --trials 3 --clients 100,1000,5000]`: a benchmark script, not a
 * test. Starts the local twin (PostgreSQL 16, TLS) and Debian's PgBouncer with the stack's rendered
 * configuration (TLS on both sides), then for each client count runs the same workload directly against
 * PostgreSQL and through PgBouncer, and prints transactions per second, p95 latency, errors and the
 * most server connections the app role held. Every cell is the median of `--trials` runs.
 *
 * Workload: each client runs one-statement transactions back to back (a primary-key read of a
 * 10,000-row table), the shape of an API request's query. The load generator, PgBouncer and PostgreSQL
 * share this machine's CPU.
 */

import { readFileSync } from "node:fs";
import { cpus } from "node:os";
import { Client, type ClientConfig } from "pg";
import { pgbouncerServerConnectionsPerTask } from "../components/pooling/poolSettings";
import { defaultLocalSettings, type RunningPgBouncer, startPgBouncerForTwin } from "../local/pgbouncer";
import { startTwin } from "../local/twin";

interface Cell {
  readonly mode: "direct" | "pgbouncer";
  readonly clients: number;
  readonly tps: number;
  readonly p95Ms: number;
  readonly errors: number;
  readonly connected: number;
  readonly serverConnections: number;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1] : fallback;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const percentile = (xs: number[], p: number): number => {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};

async function main(): Promise<void> {
  const seconds = Number(arg("seconds", "5"));
  const trials = Number(arg("trials", "3"));
  const counts = arg("clients", "100,1000,5000").split(",").map(Number);
  const log = (l: string) => process.stderr.write(`bench:pooling: ${l}\n`);

  const twin = await startTwin();
  // PgBouncer runs only during its own runs: its idle server connections would otherwise take
  // max_connections slots from the direct runs. The settings are the stack's defaults through the same
  // poolSettings mapping the deployed stack uses; the cap is the same per-task formula the fit check uses.
  const settings = defaultLocalSettings();
  const serverCap = pgbouncerServerConnectionsPerTask(settings, 1);
  let bouncer: RunningPgBouncer | undefined;
  const ca = readFileSync(twin.caCertPath, "utf8");
  const app = twin.roles.find((r) => r.name === "app_user");
  if (!app) throw new Error("the twin has no app_user role");
  const adminUrl = new URL(twin.adminUrl);
  const admin = new Client({
    host: adminUrl.hostname,
    port: Number(adminUrl.port),
    user: decodeURIComponent(adminUrl.username),
    password: decodeURIComponent(adminUrl.password),
    database: twin.database,
    ssl: { ca },
  });
  await admin.connect();
  try {
    await admin.query("CREATE TABLE bench_rows (id int PRIMARY KEY, payload text NOT NULL)");
    await admin.query("INSERT INTO bench_rows SELECT g, md5(g::text) FROM generate_series(1, 10000) g");
    await admin.query("GRANT SELECT ON bench_rows TO app_user");
    await admin.query("ANALYZE bench_rows");
    const maxConn = (await admin.query<{ max_connections: string }>("SHOW max_connections")).rows[0]
      .max_connections;
    log(
      `PostgreSQL max_connections ${maxConn}; PgBouncer pool ${settings.defaultPoolSize}+${settings.reservePoolSize} (at most ${serverCap} server connections for the app role)`,
    );

    const config = (port: number): ClientConfig => ({
      host: "127.0.0.1",
      port,
      database: twin.database,
      user: app.name,
      password: app.password,
      ssl: { ca },
      connectionTimeoutMillis: 60_000,
    });

    const runOnce = async (mode: Cell["mode"], n: number): Promise<Cell> => {
      if (mode === "pgbouncer") bouncer = await startPgBouncerForTwin(twin, { settings });
      const port = mode === "pgbouncer" && bouncer ? bouncer.port : twin.port;
      const clients: Client[] = [];
      let errors = 0;
      const messages = new Set<string>();
      // Connect in waves of 500, as app instances ramp up: a burst of 5000 handshakes at once only
      // measures the listen backlog.
      for (let i = 0; i < n; i += 500) {
        const wave = Array.from({ length: Math.min(500, n - i) }, () => new Client(config(port)));
        const ok = await Promise.all(
          wave.map((c) =>
            c.connect().then(
              () => {
                c.on("error", () => {});
                return true;
              },
              (e: Error) => {
                messages.add(e.message);
                return false;
              },
            ),
          ),
        );
        wave.forEach((c, j) => {
          if (ok[j]) clients.push(c);
          else errors++;
        });
      }
      let serverConnections = 0;
      let sampling = true;
      const sampler = (async () => {
        while (sampling) {
          const r = await admin.query<{ n: string }>(
            "SELECT count(*) AS n FROM pg_stat_activity WHERE usename = 'app_user'",
          );
          serverConnections = Math.max(serverConnections, Number(r.rows[0].n));
          await new Promise((res) => setTimeout(res, 100));
        }
      })();
      const latencies: number[] = [];
      let done = 0;
      const end = Date.now() + seconds * 1000;
      await Promise.all(
        clients.map(async (c) => {
          while (Date.now() < end) {
            const t0 = performance.now();
            try {
              await c.query("SELECT payload FROM bench_rows WHERE id = $1", [
                1 + Math.floor(Math.random() * 10000),
              ]);
              latencies.push(performance.now() - t0);
              done++;
            } catch (e) {
              errors++;
              messages.add((e as Error).message);
              return;
            }
          }
        }),
      );
      sampling = false;
      await sampler;
      await Promise.all(clients.map((c) => c.end().catch(() => {})));
      await bouncer?.stop();
      bouncer = undefined;
      // Let PostgreSQL reap the closed backends before the next run counts connections.
      await new Promise((r) => setTimeout(r, 1000));
      if (messages.size > 0) log(`${mode} ${n}: errors: ${[...messages].join(" | ")}`);
      return {
        mode,
        clients: n,
        tps: done / seconds,
        p95Ms: percentile(latencies, 95),
        errors,
        connected: clients.length,
        serverConnections,
      };
    };

    // Warm up (JIT, caches, TLS session code) once per path; these runs are not reported.
    for (const mode of ["direct", "pgbouncer"] as const) await runOnce(mode, Math.min(100, counts[0] ?? 100));
    // Trials interleave the cells, so a burst of load from a neighbour on a shared machine spreads
    // over all of them instead of skewing one.
    const byCell = new Map<string, Cell[]>();
    for (let t = 0; t < trials; t++) {
      for (const n of counts) {
        for (const mode of ["direct", "pgbouncer"] as const) {
          const c = await runOnce(mode, n);
          log(
            `${mode} ${n} clients, trial ${t + 1}: ${c.tps.toFixed(0)} tps, p95 ${c.p95Ms.toFixed(1)} ms, ${c.errors} errors, ${c.serverConnections} server connections`,
          );
          byCell.set(`${mode}/${n}`, [...(byCell.get(`${mode}/${n}`) ?? []), c]);
        }
      }
    }
    const cells: Cell[] = [];
    for (const n of counts) {
      for (const mode of ["direct", "pgbouncer"] as const) {
        const runs = byCell.get(`${mode}/${n}`) ?? [];
        cells.push({
          mode,
          clients: n,
          tps: median(runs.map((r) => r.tps)),
          p95Ms: median(runs.map((r) => r.p95Ms)),
          errors: median(runs.map((r) => r.errors)),
          connected: median(runs.map((r) => r.connected)),
          serverConnections: median(runs.map((r) => r.serverConnections)),
        });
      }
    }

    const bestDirect = Math.max(...cells.filter((c) => c.mode === "direct").map((c) => c.tps));
    const rows = cells.map((c) => {
      const share = c.mode === "pgbouncer" ? `${Math.round((100 * c.tps) / bestDirect)}%` : "";
      return `| ${c.clients} | ${c.mode} | ${c.tps.toFixed(0)} | ${Number.isNaN(c.p95Ms) ? "-" : c.p95Ms.toFixed(1)} | ${c.errors} | ${c.serverConnections} | ${share} |`;
    });
    const machine = `${cpus().length} × ${cpus()[0]?.model.trim() ?? "cpu"}, Node ${process.version}`;
    process.stdout.write(
      [
        `PgBouncer ${settings.poolMode} pooling (default_pool_size ${settings.defaultPoolSize}, reserve ${settings.reservePoolSize}), TLS on both sides; PostgreSQL 16 (max_connections ${maxConn}), TLS; ${seconds} s per run, median of ${trials}; ${machine}`,
        "",
        "| clients | path | transactions/s | p95 latency (ms) | errors | server connections (app role) | of best direct |",
        "|---:|---|---:|---:|---:|---:|---:|",
        ...rows,
        "",
      ].join("\n"),
    );
  } finally {
    await admin.end().catch(() => {});
    await bouncer?.stop();
    await twin.stop();
  }
}

main().catch((e) => {
  process.stderr.write(`bench:pooling: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exit(1);
});
