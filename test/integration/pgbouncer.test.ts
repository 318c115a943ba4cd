import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { chownSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir, userInfo } from "node:os";
import * as path from "node:path";
import { Client, type ClientConfig } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pgbouncerStartScript, renderPgbouncerIni } from "../../components/pooling/pgbouncerConfig";
import { SEED_PGBOUNCER } from "../../components/pooling/poolSettings";
import { type RunningPgBouncer, startPgBouncerForTwin } from "../../local/pgbouncer";
import { startTwin, type Twin } from "../../local/twin";

/**
 * A real PgBouncer (Debian's) in front of the twin's real PostgreSQL 16, configured by the stack's
 * renderPgbouncerIni, TLS on both sides: thousands of clients, a small server pool, a restart under load.
 */
const APP = "app_user";
let twin: Twin;
let bouncer: RunningPgBouncer;
let ca: string;
beforeAll(async () => {
  twin = await startTwin();
  bouncer = await startPgBouncerForTwin(twin);
  ca = readFileSync(twin.caCertPath, "utf8");
  const admin = await adminClient();
  try {
    await admin.query(
      "CREATE TABLE pool_probe (id bigint PRIMARY KEY, client int NOT NULL, at timestamptz NOT NULL DEFAULT now())",
    );
    await admin.query(`GRANT SELECT, INSERT ON pool_probe TO ${APP}`);
  } finally {
    await admin.end();
  }
});
afterAll(async () => {
  await bouncer?.stop();
  await twin?.stop();
});

const password = (role: string) => twin.roles.find((r) => r.name === role)?.password ?? "";
const adminClient = async () => {
  const c = new Client({ connectionString: twin.adminUrl, ssl: { ca } });
  await c.connect();
  return c;
};
/** A client of PgBouncer; TLS verified against the twin's CA (PgBouncer presents the twin's certificate). */
const pooledConfig = (extra: Partial<ClientConfig> = {}): ClientConfig => ({
  host: "127.0.0.1",
  port: bouncer.port,
  database: twin.database,
  user: APP,
  password: password(APP),
  ssl: { ca },
  connectionTimeoutMillis: 60_000,
  ...extra,
});

/** Samples PostgreSQL's connections of the app role while `work` runs; returns the maximum seen. */
async function maxServerConnections<T>(
  work: () => Promise<T>,
): Promise<{ result: T; max: number; samples: number }> {
  const admin = await adminClient();
  let max = 0;
  let samples = 0;
  let done = false;
  const sampler = (async () => {
    while (!done) {
      const r = await admin.query<{ n: string }>(
        "SELECT count(*) AS n FROM pg_stat_activity WHERE usename = $1",
        [APP],
      );
      max = Math.max(max, Number(r.rows[0].n));
      samples++;
      await new Promise((res) => setTimeout(res, 25));
    }
  })();
  try {
    const result = await work();
    return { result, max, samples };
  } finally {
    done = true;
    await sampler;
    await admin.end();
  }
}

let nextId = 1;

describe("PgBouncer in front of the twin", () => {
  it("runs the stack's rendered configuration (only hosts, ports, paths and certificates differ)", () => {
    const ini = readFileSync(bouncer.iniPath, "utf8");
    const expected = renderPgbouncerIni(SEED_PGBOUNCER, {
      listenAddr: "127.0.0.1",
      listenPort: bouncer.port,
      serverHost: twin.host,
      serverPort: twin.port,
      database: twin.database,
      roles: ["app_user", "analytics_readonly"],
      authFile: path.join(path.dirname(bouncer.iniPath), "userlist.txt"),
      serverTlsCaFile: twin.caCertPath,
      clientTlsCertFile: twin.serverCertPath,
      clientTlsKeyFile: twin.serverKeyPath,
      pidFile: path.join(path.dirname(bouncer.iniPath), "pgbouncer.pid"),
      logFile: bouncer.logFile,
    });
    expect(ini).toBe(expected);
  });

  it("refuses a plain (non-TLS) client connection", async () => {
    const c = new Client(pooledConfig({ ssl: false }));
    await expect(c.connect()).rejects.toThrow(/SSL required/);
    await c.end().catch(() => {});
  });

  it("talks TLS to PostgreSQL too", async () => {
    const c = new Client(pooledConfig());
    await c.connect();
    try {
      const r = await c.query<{ ssl: boolean }>("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()");
      expect(r.rows[0].ssl).toBe(true);
    } finally {
      await c.end();
    }
  });

  it("serves 1000 concurrent clients with 0 errors on at most default + reserve (25) server connections", async () => {
    const clients = Array.from({ length: 1000 }, () => new Client(pooledConfig()));
    const errors: string[] = [];
    const { max, samples } = await maxServerConnections(async () => {
      await Promise.all(
        clients.map((c) => c.connect().catch((e: Error) => errors.push(`connect: ${e.message}`))),
      );
      await Promise.all(
        clients.map(async (c, i) => {
          for (let t = 0; t < 3; t++) {
            try {
              await c.query("BEGIN");
              await c.query("INSERT INTO pool_probe (id, client) VALUES ($1, $2)", [nextId++, i]);
              await c.query("SELECT pg_sleep(0.001)");
              await c.query("COMMIT");
            } catch (e) {
              errors.push((e as Error).message);
            }
          }
        }),
      );
    });
    await Promise.all(clients.map((c) => c.end().catch(() => {})));
    expect(errors).toEqual([]);
    expect(samples).toBeGreaterThan(3);
    expect(max).toBeGreaterThan(0);
    expect(max).toBeLessThanOrEqual(SEED_PGBOUNCER.defaultPoolSize + SEED_PGBOUNCER.reservePoolSize);
    const admin = await adminClient();
    const n = await admin.query<{ n: string }>("SELECT count(DISTINCT client) AS n FROM pool_probe");
    await admin.end();
    expect(Number(n.rows[0].n)).toBe(1000);
  });

  it("loses no committed transaction when PostgreSQL restarts under load, and the clients recover", async () => {
    const CLIENTS = 200;
    const committed: number[] = [];
    const failures: string[] = [];
    const commitsAfterRestart = new Set<number>();
    let restarted = false;
    let stop = false;

    const worker = async (i: number) => {
      let c: Client | undefined;
      while (!stop) {
        try {
          if (!c) {
            c = new Client(pooledConfig({ connectionTimeoutMillis: 10_000 }));
            c.on("error", () => {});
            await c.connect();
          }
          const id = nextId++;
          await c.query("BEGIN");
          await c.query("INSERT INTO pool_probe (id, client) VALUES ($1, $2)", [id, i]);
          await c.query("COMMIT");
          committed.push(id);
          if (restarted) commitsAfterRestart.add(i);
        } catch (e) {
          // PgBouncer drops the client whose server connection died; reconnect and carry on.
          failures.push((e as Error).message);
          await c?.end().catch(() => {});
          c = undefined;
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      await c?.end().catch(() => {});
    };

    const workers = Array.from({ length: CLIENTS }, (_, i) => worker(i));
    // Restart in the middle of the load: once every client is connected and committing.
    const warmDeadline = Date.now() + 20_000;
    while (Date.now() < warmDeadline) {
      if (committed.length >= CLIENTS * 3) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    const before = committed.length;
    await twin.restart();
    restarted = true;
    // Clients recover: every one of them commits again after the restart.
    const deadline = Date.now() + 30_000;
    while (commitsAfterRestart.size < CLIENTS && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 100));
    stop = true;
    await Promise.all(workers);

    expect(before).toBeGreaterThanOrEqual(CLIENTS * 3);
    expect(failures.length).toBeGreaterThan(0); // the restart did hit transactions in flight
    expect(commitsAfterRestart.size).toBe(CLIENTS);
    const admin = await adminClient();
    const found = await admin.query<{ n: string }>(
      "SELECT count(*) AS n FROM pool_probe WHERE id = ANY($1::bigint[])",
      [committed],
    );
    await admin.end();
    expect(Number(found.rows[0].n)).toBe(committed.length);
  });
});

describe("the ECS container's start script", () => {
  it("writes a 0600 auth_file from the injected variables and serves TLS with a throwaway key", async () => {
    const runDir = mkdtempSync(path.join(tmpdir(), "verscienta-pgb-ecs-"));
    const owner =
      userInfo().uid === 0 ? Number(execFileSync("id", ["-u", "postgres"], { encoding: "utf8" })) : undefined;
    const group =
      userInfo().uid === 0 ? Number(execFileSync("id", ["-g", "postgres"], { encoding: "utf8" })) : undefined;
    if (owner !== undefined && group !== undefined) chownSync(runDir, owner, group);
    const port = bouncer.port + 1;
    const ini = renderPgbouncerIni(SEED_PGBOUNCER, {
      listenAddr: "127.0.0.1",
      listenPort: port,
      serverHost: twin.host,
      serverPort: twin.port,
      database: twin.database,
      roles: [APP],
      authFile: `${runDir}/userlist.txt`,
      serverTlsCaFile: twin.caCertPath,
      clientTlsCertFile: `${runDir}/client-tls.crt`,
      clientTlsKeyFile: `${runDir}/client-tls.key`,
      pidFile: `${runDir}/pgbouncer.pid`,
      logFile: "",
    });
    const script = pgbouncerStartScript({
      runDir,
      iniEnv: "PGBOUNCER_INI",
      roles: [{ name: APP, usernameEnv: "PGBOUNCER_USERNAME_0", passwordEnv: "PGBOUNCER_PASSWORD_0" }],
    });
    const child: ChildProcess = spawn("/bin/sh", ["-c", script], {
      uid: owner,
      gid: group,
      stdio: ["ignore", "ignore", "pipe"],
      env: {
        PATH: "/usr/sbin:/usr/bin:/bin",
        PGBOUNCER_INI: ini,
        PGBOUNCER_USERNAME_0: APP,
        PGBOUNCER_PASSWORD_0: password(APP),
      },
    });
    const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
    try {
      let c: Client | undefined;
      for (let i = 0; i < 100 && !c; i++) {
        const attempt = new Client(pooledConfig({ port, ssl: { rejectUnauthorized: false } }));
        try {
          await attempt.connect();
          c = attempt;
        } catch {
          await new Promise((r) => setTimeout(r, 100));
        }
      }
      expect(c).toBeDefined();
      const r = await c!.query<{ u: string }>("SELECT current_user AS u");
      expect(r.rows[0].u).toBe(APP);
      await c!.end();
      expect(statSync(`${runDir}/userlist.txt`).mode & 0o777).toBe(0o600);
      expect(statSync(`${runDir}/client-tls.key`).mode & 0o777).toBe(0o600);
      expect(readFileSync(`${runDir}/userlist.txt`, "utf8")).toBe(`"${APP}" "${password(APP)}"\n`);
    } finally {
      child.kill("SIGTERM");
      // SIGTERM becomes PgBouncer's graceful SIGINT; the script exits when PgBouncer does.
      const code = await exited;
      expect(code).toBe(0);
      rmSync(runDir, { recursive: true, force: true });
    }
  });
});
