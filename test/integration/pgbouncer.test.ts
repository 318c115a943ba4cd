import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import {
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir, userInfo } from "node:os";
import * as path from "node:path";
import { Client, type ClientConfig } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pgbouncerStartScript, renderPgbouncerIni } from "../../components/pooling/pgbouncerConfig";
import { GUIDE_PGBOUNCER, type PgBouncerPoolSettings } from "../../components/pooling/poolSettings";
import { cloneStatements, passwordStatement } from "../../components/postgres/accessSql";
import { scramVerifier } from "../../components/postgres/scram";
import { stackAccessModel } from "../../infra/accessModel";
import { type RunningPgBouncer, startPgBouncerForTwin } from "../../local/pgbouncer";
import { stackConfig } from "../../local/stackConfig";
import { findFreePort, startTwin, type Twin } from "../../local/twin";
import { CLONE_SUFFIX } from "../../spec/databaseOps";

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
    const expected = renderPgbouncerIni(GUIDE_PGBOUNCER, {
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
    expect(max).toBeLessThanOrEqual(GUIDE_PGBOUNCER.defaultPoolSize + GUIDE_PGBOUNCER.reservePoolSize);
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

/**
 * fixtures/fake-aws.sh: a stand-in for the AWS CLI on PATH, doing what `aws acm-pca` does for the three calls the script makes
 * (AWS CLI Command Reference, acm-pca issue-certificate / wait certificate-issued / get-certificate):
 * issue-certificate signs the CSR with a CA made here by openssl, copying the CSR's subjectAltName as the
 * EndEntityServerAuthCertificate/V1 template does, adds serverAuth, and prints the certificate ARN
 * (`--query CertificateArn --output text`); the waiter prints nothing; get-certificate prints the PEM
 * (`--query Certificate --output text`). Like IAM with the task role's policy, it answers
 * AccessDeniedException (exit 254, the CLI's code for a service error) for any other CA or template, and
 * for everything when `deny` exists. `FAKE_PCA_DAYS` makes it issue shorter than asked: a certificate
 * that has already aged, so the renewer's path can run in seconds.
 */
const FAKE_AWS = path.join(__dirname, "fixtures/fake-aws.sh");

const CA_ARN =
  "arn:aws:acm-pca:us-east-1:123456789012:certificate-authority/0f3c3a1e-1111-4222-8333-944445555666";
const TEMPLATE_ARN = "arn:aws:acm-pca:::template/EndEntityServerAuthCertificate/V1";
const NLB_NAME = "verscienta-dev-pgb-0123456789abcdef.elb.us-east-1.amazonaws.com";
const SERVICE_NAME = "verscienta-dev-pgbouncer";
const APP_SECRET_ARN =
  "arn:aws:secretsmanager:us-east-1:123456789012:secret:verscienta-dev/postgres/app_user-AbC1dE";

/** A role's SecretString as the stack writes it (the function adds the password). */
const secretString = (username: string, pw: string) =>
  JSON.stringify({
    username,
    password: pw,
    engine: "postgres",
    host: "db",
    port: 5432,
    dbname: "verscienta_health",
  });

let stageVersion = 0;
/**
 * Sets the fake secret's version stages the way Secrets Manager's finishSecret leaves them: each stage's
 * SecretString in a new version directory, then the secret's directory swapped to it in one rename, so
 * every single GetSecretValue sees either the old or the new labels (two calls may still straddle a
 * move, as with the real service).
 */
function setSecretStages(pcaDir: string, arn: string, stages: { AWSCURRENT: string; AWSPREVIOUS?: string }) {
  const root = path.join(pcaDir, "secrets");
  mkdirSync(root, { recursive: true });
  const id = arn.replace(/[^A-Za-z0-9._-]/g, "_");
  const version = path.join(root, `${id}.v${++stageVersion}`);
  mkdirSync(version);
  for (const [stage, value] of Object.entries(stages))
    if (value !== undefined) writeFileSync(path.join(version, stage), value);
  const link = path.join(root, `${id}.next`);
  symlinkSync(version, link);
  renameSync(link, path.join(root, id));
}

interface StartedScript {
  readonly runDir: string;
  readonly pcaDir: string;
  readonly port: number;
  readonly caPem: string;
  readonly log: () => string;
  readonly pid: number | undefined;
  readonly exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

/** Runs the ECS start script as the task would, with the fake `aws` first on PATH and a local CA. */
async function startEcsScript(
  o: {
    deny?: boolean;
    pcaDays?: number;
    validityDays?: number;
    renewBeforeSeconds?: number;
    /** @default GUIDE_PGBOUNCER */
    pool?: PgBouncerPoolSettings;
    /** @default 60, as in the task */
    metricsIntervalSeconds?: number;
    /** CloudWatch refuses every put-metric-data. */
    denyMetrics?: boolean;
    /** @default 300, as in the task */
    refreshSeconds?: number;
    /** Secrets Manager refuses every get-secret-value. */
    denySecrets?: boolean;
    /** Seconds each fake get-secret-value takes. */
    secretsDelaySeconds?: number;
    /**
     * AWSPREVIOUS before the first rotation: "pulumi" is what a deploy leaves (Pulumi's first version, no
     * password, labelled AWSPREVIOUS once apply put the password); "none" is a secret written once.
     * @default "pulumi"
     */
    previous?: "pulumi" | "none";
  } = {},
): Promise<StartedScript> {
  const asRoot = userInfo().uid === 0;
  const id = (flag: string) => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }));
  const owner = asRoot ? { uid: id("-u"), gid: id("-g") } : undefined;
  const runDir = mkdtempSync(path.join(tmpdir(), "verscienta-pgb-ecs-"));
  const pcaDir = mkdtempSync(path.join(tmpdir(), "verscienta-fake-pca-"));
  const bin = path.join(pcaDir, "bin");
  mkdirSync(bin);
  writeFileSync(path.join(bin, "aws"), readFileSync(FAKE_AWS), { mode: 0o755 });
  execFileSync(
    "openssl",
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-days",
      "2",
      "-subj",
      "/CN=test pooler CA",
      "-keyout",
      path.join(pcaDir, "ca.key"),
      "-out",
      path.join(pcaDir, "ca.crt"),
    ],
    { stdio: ["ignore", "ignore", "pipe"] },
  );
  if (o.deny) writeFileSync(path.join(pcaDir, "deny"), "");
  if (o.denyMetrics) writeFileSync(path.join(pcaDir, "deny-cloudwatch"), "");
  if (o.denySecrets) writeFileSync(path.join(pcaDir, "deny-secrets"), "");
  // Before the first rotation, as a deploy leaves it: AWSCURRENT has the password apply generated, and
  // AWSPREVIOUS is the version Pulumi wrote without one (or there is none at all).
  const { password: _none, ...pulumiVersion } = JSON.parse(secretString(APP, "x")) as Record<string, unknown>;
  setSecretStages(pcaDir, APP_SECRET_ARN, {
    AWSCURRENT: secretString(APP, password(APP)),
    ...((o.previous ?? "pulumi") === "pulumi" ? { AWSPREVIOUS: JSON.stringify(pulumiVersion) } : {}),
  });
  if (owner) {
    for (const f of [runDir, pcaDir, bin, path.join(bin, "aws"), path.join(pcaDir, "ca.key")])
      chownSync(f, owner.uid, owner.gid);
  }
  const port = await findFreePort();
  const ini = renderPgbouncerIni(o.pool ?? GUIDE_PGBOUNCER, {
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
    adminSocketDir: runDir,
  });
  const script = pgbouncerStartScript({
    runDir,
    iniEnv: "PGBOUNCER_INI",
    roles: [{ name: APP, secretArnEnv: "PGBOUNCER_SECRET_0_ARN" }],
    refreshSeconds: o.refreshSeconds,
    credentialRetrySeconds: 1,
    tls: {
      validityDays: o.validityDays ?? 6,
      renewBeforeSeconds: o.renewBeforeSeconds ?? 3 * 86_400,
      checkIntervalSeconds: 1,
      // The refusal test waits out every retry; the real task pauses 5 s (the default) between them.
      retrySeconds: 1,
    },
    metrics: { port, intervalSeconds: o.metricsIntervalSeconds ?? 60 },
  });
  const output: string[] = [];
  const child: ChildProcess = spawn("/bin/sh", ["-c", script], {
    uid: owner?.uid,
    gid: owner?.gid,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      PATH: `${bin}:/usr/sbin:/usr/bin:/bin`,
      PGBOUNCER_INI: ini,
      PGBOUNCER_SECRET_0_ARN: APP_SECRET_ARN,
      PGBOUNCER_TLS_CA_ARN: CA_ARN,
      PGBOUNCER_TLS_TEMPLATE_ARN: TEMPLATE_ARN,
      PGBOUNCER_TLS_HOSTNAME: NLB_NAME,
      AWS_REGION: "us-east-1",
      FAKE_PCA_DIR: pcaDir,
      FAKE_PCA_CA_ARN: CA_ARN,
      FAKE_PCA_TEMPLATE_ARN: TEMPLATE_ARN,
      PGBOUNCER_SERVICE_NAME: SERVICE_NAME,
      // What the task role's metrics policy allows (cloudwatch:namespace condition).
      FAKE_CW_NAMESPACE: "Verscienta/PgBouncer",
      ...(o.pcaDays ? { FAKE_PCA_DAYS: String(o.pcaDays) } : {}),
      ...(o.secretsDelaySeconds ? { FAKE_SM_DELAY: String(o.secretsDelaySeconds) } : {}),
    },
  });
  child.stdout?.on("data", (c: Buffer) => output.push(c.toString("utf8")));
  child.stderr?.on("data", (c: Buffer) => output.push(c.toString("utf8")));
  const exited = new Promise<number | null>((r) => child.once("exit", (code) => r(code)));
  return {
    runDir,
    pcaDir,
    port,
    caPem: readFileSync(path.join(pcaDir, "ca.crt"), "utf8"),
    log: () => output.join(""),
    pid: child.pid,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
      const code = await exited;
      rmSync(runDir, { recursive: true, force: true });
      rmSync(pcaDir, { recursive: true, force: true });
      return code;
    },
  };
}

/** node-postgres's equivalent of libpq's sslmode=verify-full: the chain and the host name are checked. */
async function verifyFullClient(s: StartedScript, o: { servername: string; ca?: string }): Promise<Client> {
  let last: Error | undefined;
  for (let i = 0; i < 150; i++) {
    const c = new Client(
      pooledConfig({
        port: s.port,
        ssl: { ca: o.ca ?? s.caPem, servername: o.servername, rejectUnauthorized: true },
      }),
    );
    try {
      await c.connect();
      return c;
    } catch (e) {
      last = e as Error;
      await c.end().catch(() => {});
      // A refused connection means "not listening yet"; a TLS verdict is final.
      if (!/ECONNREFUSED/.test(last.message)) throw last;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw last ?? new Error("no connection");
}

/** Serial number of the certificate PgBouncer presents now (openssl's STARTTLS for PostgreSQL). */
function servedSerial(port: number): string {
  const served = spawnSync(
    "openssl",
    ["s_client", "-connect", `127.0.0.1:${port}`, "-starttls", "postgres"],
    { input: "", encoding: "utf8" },
  ).stdout;
  return spawnSync("openssl", ["x509", "-noout", "-serial"], {
    input: served,
    encoding: "utf8",
  }).stdout.trim();
}

describe("the ECS container's start script (real PgBouncer, AWS Private CA stubbed)", () => {
  let s: StartedScript;
  beforeAll(async () => {
    s = await startEcsScript();
  });
  afterAll(async () => {
    // SIGTERM becomes PgBouncer's graceful SIGINT; the script exits 0 when PgBouncer does.
    expect(await s?.stop()).toBe(0);
  });

  it("gets its certificate from the CA for the NLB's name, and a verify-full client connects", async () => {
    const c = await verifyFullClient(s, { servername: NLB_NAME });
    try {
      const r = await c.query<{ u: string }>("SELECT current_user AS u");
      expect(r.rows[0].u).toBe(APP);
    } finally {
      await c.end();
    }
    const calls = readFileSync(path.join(s.pcaDir, "calls.log"), "utf8").trim().split("\n");
    expect(calls[0]).toBe(
      `acm-pca issue-certificate --region us-east-1 --certificate-authority-arn ${CA_ARN} --csr fileb://${s.runDir}/next.csr ` +
        `--signing-algorithm SHA256WITHECDSA --template-arn ${TEMPLATE_ARN} --validity Value=6,Type=DAYS --query CertificateArn --output text`,
    );
    expect(calls.map((l) => l.split(" ").slice(0, 2).join(" "))).toEqual([
      "acm-pca issue-certificate",
      "acm-pca wait",
      "acm-pca get-certificate",
    ]);
  });

  it("refuses a verify-full client that expects another host name, or trusts another CA", async () => {
    await expect(verifyFullClient(s, { servername: "db.attacker.example" })).rejects.toThrow(
      /does not match certificate's altnames/,
    );
    await expect(verifyFullClient(s, { servername: NLB_NAME, ca })).rejects.toThrow(
      /unable to verify|self[- ]signed|unable to get local issuer/i,
    );
  });

  it("keeps the key and auth_file 0600 in the run directory and never logs a key or a password", () => {
    expect(statSync(`${s.runDir}/userlist.txt`).mode & 0o777).toBe(0o600);
    expect(statSync(`${s.runDir}/client-tls.key`).mode & 0o777).toBe(0o600);
    // Before the first rotation AWSPREVIOUS is Pulumi's version, with no password: no previous login.
    expect(readFileSync(`${s.runDir}/userlist.txt`, "utf8")).toBe(`"${APP}" "${password(APP)}"\n`);
    expect(readFileSync(path.join(s.pcaDir, "secretsmanager.log"), "utf8").split("\n").slice(0, 2)).toEqual([
      `${APP_SECRET_ARN} AWSCURRENT`,
      `${APP_SECRET_ARN} AWSPREVIOUS`,
    ]);
    expect(s.log()).toContain(`pgbouncer-auth: auth_file has logins "${APP}"\n`);
    expect(existsSync(`${s.runDir}/next.key`)).toBe(false);
    const log = s.log();
    expect(log).toContain(`pgbouncer-tls: using ${CA_ARN}/certificate/`);
    expect(log).not.toMatch(/PRIVATE KEY/);
    expect(log).not.toContain(password(APP));
  });
});

describe("the start script's certificate lifecycle", () => {
  it("renews before expiry and PgBouncer serves the new certificate without restarting", async () => {
    // 2-day certificates that the fake issues for 1 day (already half-aged), renewed under 100 000 s left.
    const s = await startEcsScript({ validityDays: 2, renewBeforeSeconds: 100_000, pcaDays: 1 });
    try {
      const c = await verifyFullClient(s, { servername: NLB_NAME });
      const pid = readFileSync(`${s.runDir}/pgbouncer.pid`, "utf8").trim();
      const first = servedSerial(s.port);
      expect(first).toMatch(/^serial=[0-9A-F]+$/);
      let now = first;
      for (let i = 0; i < 100 && now === first; i++) {
        await new Promise((r) => setTimeout(r, 100));
        now = servedSerial(s.port);
      }
      expect(now).toMatch(/^serial=[0-9A-F]+$/);
      expect(now).not.toBe(first);
      // Same PgBouncer process, and the client connected before the renewal is still served.
      expect(readFileSync(`${s.runDir}/pgbouncer.pid`, "utf8").trim()).toBe(pid);
      expect((await c.query<{ one: number }>("SELECT 1 AS one")).rows[0].one).toBe(1);
      await c.end();
      const c2 = await verifyFullClient(s, { servername: NLB_NAME });
      await c2.end();
      expect(s.log()).toContain("pgbouncer-tls: using");
    } finally {
      expect(await s.stop()).toBe(0);
    }
  });

  it("fails when AWS Private CA refuses the request: the task stops before PgBouncer listens", async () => {
    const s = await startEcsScript({ deny: true });
    try {
      expect(await s.exited).toBe(1);
      expect(s.log()).toContain("AccessDeniedException");
      expect(s.log()).toContain("pgbouncer-tls: no certificate from AWS Private CA; stopping");
      expect(existsSync(`${s.runDir}/pgbouncer.pid`)).toBe(false);
      const calls = readFileSync(path.join(s.pcaDir, "calls.log"), "utf8").trim().split("\n");
      expect(calls).toHaveLength(3); // three attempts, then it gives up
    } finally {
      await s.stop();
    }
  });
});

/** One accepted put-metric-data call, as fixtures/fake-aws.sh records it. */
interface MetricCall {
  /** When the fake CLI ran (epoch seconds), right after the publisher read SHOW POOLS. */
  readonly at: number;
  readonly region: string;
  readonly namespace: string;
  readonly metricData: {
    MetricName: string;
    Dimensions: { Name: string; Value: string }[];
    Value: number;
    Unit: string;
  }[];
}

const metricCalls = (s: StartedScript): MetricCall[] => {
  const f = path.join(s.pcaDir, "cloudwatch.log");
  if (!existsSync(f)) return [];
  return readFileSync(f, "utf8")
    .trim()
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as MetricCall);
};
const metricValue = (c: MetricCall, name: string) => c.metricData.find((m) => m.MetricName === name)?.Value;

/** Polls `find` every 100 ms until it returns a value or `ms` pass (a bound, not a timed assertion). */
async function waitFor<T>(find: () => T | undefined, ms: number, what: string): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = find();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`no ${what} within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("the start script's pool-saturation metrics (real PgBouncer, CloudWatch stubbed)", () => {
  // Two server connections and no reserve, so a third client at once has to queue.
  const SMALL_POOL: PgBouncerPoolSettings = {
    ...GUIDE_PGBOUNCER,
    defaultPoolSize: 2,
    minPoolSize: 0,
    reservePoolSize: 0,
  };
  const HOLD_SECONDS = 4;

  it("publishes ClientsWaiting and a matching MaxWaitSeconds while clients queue, and 0 once idle", async () => {
    const s = await startEcsScript({ pool: SMALL_POOL, metricsIntervalSeconds: 1 });
    const clients: Client[] = [];
    try {
      for (let i = 0; i < 5; i++) clients.push(await verifyFullClient(s, { servername: NLB_NAME }));
      const [h1, h2, ...waiters] = clients;
      // The two holders take both server connections for HOLD_SECONDS ...
      const holders = [h1, h2].map((c) => c.query("SELECT pg_sleep($1)", [HOLD_SECONDS]));
      await new Promise((r) => setTimeout(r, 300));
      // ... and the three others queue behind them from here on.
      const queuedFrom = Date.now() / 1000;
      const served = waiters.map((c) => c.query<{ one: number }>("SELECT 1 AS one"));
      const queuedBy = Date.now() / 1000;

      // A round taken after the waiters have queued for over a second.
      const busy = await waitFor(
        () =>
          metricCalls(s).find((c) => c.at > queuedBy + 1.2 && (metricValue(c, "ClientsWaiting") ?? 0) > 0),
        (HOLD_SECONDS + 2) * 1000,
        "round with clients waiting",
      );
      expect(busy.region).toBe("us-east-1");
      expect(busy.namespace).toBe("Verscienta/PgBouncer");
      const dims = [{ Name: "ServiceName", Value: SERVICE_NAME }];
      expect(busy.metricData).toEqual([
        { MetricName: "ClientsWaiting", Dimensions: dims, Value: 3, Unit: "Count" },
        { MetricName: "MaxWaitSeconds", Dimensions: dims, Value: expect.any(Number), Unit: "Seconds" },
      ]);
      // The oldest waiter queued between queuedFrom and queuedBy, and SHOW POOLS was read just before the
      // fake CLI recorded `at`: its wait lies between (at - queuedBy) less the read-to-record gap and
      // (at - queuedFrom).
      const maxWait = metricValue(busy, "MaxWaitSeconds") ?? -1;
      expect(maxWait).toBeLessThanOrEqual(busy.at - queuedFrom + 0.01);
      expect(maxWait).toBeGreaterThan(busy.at - queuedBy - 0.5);
      expect(maxWait).toBeGreaterThan(1);

      await Promise.all(holders);
      expect((await Promise.all(served)).map((r) => r.rows[0].one)).toEqual([1, 1, 1]);
      const idleFrom = Date.now() / 1000;
      const idle = await waitFor(
        () => metricCalls(s).find((c) => c.at > idleFrom + 0.2),
        5000,
        "round after the queue drained",
      );
      expect(idle.metricData.map((m) => [m.MetricName, m.Value])).toEqual([
        ["ClientsWaiting", 0],
        ["MaxWaitSeconds", 0],
      ]);
      // The publisher came in over the Unix socket as PgBouncer's own uid, never over TCP.
      expect(s.log()).toContain("pgbouncer access from unix socket");
      expect(s.log()).toMatch(
        /pgbouncer\/pgbouncer@unix\(\d+\):\d+ login attempt: db=pgbouncer user=pgbouncer tls=no/,
      );
      expect(s.log()).not.toMatch(/pgbouncer\/pgbouncer@127\.0\.0\.1/);
      expect(s.log()).not.toContain("pgbouncer-metrics:");
    } finally {
      await Promise.all(clients.map((c) => c.end().catch(() => {})));
      expect(await s.stop()).toBe(0);
    }
  });

  it("refuses the admin console over TCP, with or without TLS, to pgbouncer and to the pooled role", async () => {
    const s = await startEcsScript();
    try {
      await verifyFullClient(s, { servername: NLB_NAME }).then((c) => c.end());
      for (const user of ["pgbouncer", APP]) {
        for (const ssl of [{ ca: s.caPem, servername: NLB_NAME }, false] as const) {
          const c = new Client(pooledConfig({ port: s.port, database: "pgbouncer", user, ssl }));
          await expect(c.connect(), `${user} tls=${ssl !== false}`).rejects.toThrow(
            /not allowed|SSL required/,
          );
          await c.end().catch(() => {});
        }
      }
      expect(s.log()).toMatch(/pgbouncer\/pgbouncer@127\.0\.0\.1:\d+ closing because: not allowed/);
      expect(s.log()).toMatch(
        new RegExp(`pgbouncer/${APP}@127\\.0\\.0\\.1:\\d+ closing because: not allowed`),
      );
    } finally {
      expect(await s.stop()).toBe(0);
    }
  });

  it("fails soft when CloudWatch refuses the data: logs the refusal each round and keeps serving", async () => {
    const s = await startEcsScript({ metricsIntervalSeconds: 1, denyMetrics: true });
    try {
      await waitFor(
        () =>
          (s.log().match(/pgbouncer-metrics: nothing published this round/g)?.length ?? 0) >= 2 || undefined,
        10_000,
        "two refused rounds",
      );
      expect(s.log()).toContain("An error occurred (AccessDenied) when calling the PutMetricData operation");
      expect(metricCalls(s)).toEqual([]);
      const c = await verifyFullClient(s, { servername: NLB_NAME });
      expect((await c.query<{ one: number }>("SELECT 1 AS one")).rows[0].one).toBe(1);
      await c.end();
    } finally {
      expect(await s.stop()).toBe(0);
    }
  });
});

/** Signs in through the script's PgBouncer (verify-full) as `user`; resolves to current_user. */
async function loginAs(s: StartedScript, user: string, pw: string): Promise<string> {
  const c = new Client(
    pooledConfig({
      port: s.port,
      user,
      password: pw,
      ssl: { ca: s.caPem, servername: NLB_NAME, rejectUnauthorized: true },
      connectionTimeoutMillis: 5000,
    }),
  );
  try {
    await c.connect();
    return (await c.query<{ u: string }>("SELECT current_user AS u")).rows[0].u;
  } finally {
    await c.end().catch(() => {});
  }
}

/** Retries `f` every 100 ms until it resolves or `ms` pass; returns its value and how long it took. */
async function eventually<T>(f: () => Promise<T>, ms: number): Promise<{ value: T; tookMs: number }> {
  const start = Date.now();
  for (;;) {
    try {
      return { value: await f(), tookMs: Date.now() - start };
    } catch (e) {
      if (Date.now() - start > ms) throw e;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Every command line `ps` shows while it runs (every 25 ms), to prove no password is ever on one. */
function sampleProcessList(): { stop: () => Set<string> } {
  const seen = new Set<string>();
  const take = () => {
    const out = spawnSync("ps", ["-eww", "-o", "args"], { encoding: "utf8" }).stdout ?? "";
    for (const l of out.split("\n")) seen.add(l);
  };
  const timer = setInterval(take, 25);
  return {
    stop: () => {
      clearInterval(timer);
      take();
      return seen;
    },
  };
}

describe("the start script follows the alternating-users rotation (real PgBouncer, Secrets Manager stubbed)", () => {
  const REFRESH_SECONDS = 1;
  const CLONE = `${APP}${CLONE_SUFFIX}`;

  /** As the rotation function's setSecret does it: one transaction as the master user, SCRAM verifiers only. */
  async function onTwin(statements: string[]) {
    const admin = await adminClient();
    try {
      await admin.query(["BEGIN;", ...statements, "COMMIT;"].join("\n"));
    } finally {
      await admin.end();
    }
  }

  it("admits both logins within one refresh of each rotation, refuses the oldest password, never shows one", async () => {
    const appRole = stackAccessModel({ ...stackConfig(), iamAuthRoles: [] }).roles.find(
      (r) => r.name === APP,
    );
    if (!appRole) throw new Error(`${APP} is not in the access model`);
    const p0 = password(APP);
    const [p1, p2] = [randomBytes(20).toString("hex"), randomBytes(20).toString("hex")];
    // min_pool_size 0: with warm connections kept, PgBouncer would open a new app_user server connection
    // with the old password in the moments between the database's change and the next refresh, and
    // then hold that login back for server_login_retry (15 s; see the README's known limitations).
    const s = await startEcsScript({
      refreshSeconds: REFRESH_SECONDS,
      secretsDelaySeconds: 0.05,
      pool: { ...GUIDE_PGBOUNCER, minPoolSize: 0 },
    });
    const ps = sampleProcessList();
    const auth = () => readFileSync(`${s.runDir}/userlist.txt`, "utf8");
    try {
      // Started before any rotation: app_user only.
      const early = await verifyFullClient(s, { servername: NLB_NAME });
      early.on("error", () => {});
      expect(await loginAs(s, APP, p0)).toBe(APP);
      const pgbouncerPid = readFileSync(`${s.runDir}/pgbouncer.pid`, "utf8").trim();

      // First rotation: setSecret creates the clone with the new password, finishSecret moves the labels.
      await onTwin(cloneStatements(appRole, { verifier: scramVerifier(p1) }));
      setSecretStages(s.pcaDir, APP_SECRET_ARN, {
        AWSCURRENT: secretString(CLONE, p1),
        AWSPREVIOUS: secretString(APP, p0),
      });
      const first = await eventually(() => loginAs(s, CLONE, p1), 4 * REFRESH_SECONDS * 1000);
      expect(first.value).toBe(CLONE);
      // The previous secret version still signs in, through PgBouncer, to PostgreSQL.
      expect(await loginAs(s, APP, p0)).toBe(APP);
      expect(auth()).toBe(`"${CLONE}" "${p1}"\n"${APP}" "${p0}"\n`);
      expect(statSync(`${s.runDir}/userlist.txt`).mode & 0o777).toBe(0o600);
      expect(s.log()).toContain(
        `pgbouncer-auth: auth_file now has logins "${CLONE}" "${APP}"; PgBouncer reloaded`,
      );

      // Second rotation: app_user gets a new password; the clone keeps p1 (now AWSPREVIOUS).
      await onTwin([passwordStatement(APP, scramVerifier(p2))]);
      setSecretStages(s.pcaDir, APP_SECRET_ARN, {
        AWSCURRENT: secretString(APP, p2),
        AWSPREVIOUS: secretString(CLONE, p1),
      });
      const second = await eventually(() => loginAs(s, APP, p2), 4 * REFRESH_SECONDS * 1000);
      expect(second.value).toBe(APP);
      expect(await loginAs(s, CLONE, p1)).toBe(CLONE);
      // Refused by PgBouncer itself (its auth_file now holds p2 for app_user), before PostgreSQL is asked.
      await expect(loginAs(s, APP, p0)).rejects.toThrow(/SASL authentication failed/);
      expect(auth()).toBe(`"${APP}" "${p2}"\n"${CLONE}" "${p1}"\n`);

      // Same PgBouncer process throughout, and the client from before both rotations is still served.
      expect(readFileSync(`${s.runDir}/pgbouncer.pid`, "utf8").trim()).toBe(pgbouncerPid);
      expect((await early.query<{ one: number }>("SELECT 1 AS one")).rows[0].one).toBe(1);
      await early.end();

      // A refresh that fails keeps the file, logs one line per round, and the task carries on.
      writeFileSync(path.join(s.pcaDir, "deny-secrets"), "");
      const failed = "pgbouncer-auth: refresh failed, keeping the previous auth_file: AWSCURRENT of";
      await eventually(
        async () => {
          if (!s.log().includes(failed)) throw new Error("no failed refresh yet");
        },
        4 * REFRESH_SECONDS * 1000,
      );
      const line =
        s
          .log()
          .split("\n")
          .find((l) => l.includes(failed)) ?? "";
      expect(line).toBe(
        `${failed} ${APP_SECRET_ARN}: aws exit 254: An error occurred (AccessDeniedException) when calling the GetSecretValue operation: User: arn:aws:sts::123456789012:assumed-role/pgbouncer-task/fake is not authorized to perform: secretsmanager:GetSecretValue on resource: ${APP_SECRET_ARN}`,
      );
      expect(auth()).toBe(`"${APP}" "${p2}"\n"${CLONE}" "${p1}"\n`);
      expect(await loginAs(s, APP, p2)).toBe(APP);
      rmSync(path.join(s.pcaDir, "deny-secrets"));

      // No password in the task's log, on any command line, or in the environment of the script or PgBouncer.
      const commandLines = ps.stop();
      expect([...commandLines].some((l) => l.includes(`secretsmanager get-secret-value`))).toBe(true);
      const environ = [s.pid, Number(pgbouncerPid)].map((pid) =>
        readFileSync(`/proc/${pid}/environ`, "utf8"),
      );
      for (const pw of [p0, p1, p2]) {
        expect(s.log()).not.toContain(pw);
        expect([...commandLines].filter((l) => l.includes(pw))).toEqual([]);
        for (const e of environ) expect(e).not.toContain(pw);
      }
    } finally {
      ps.stop();
      // The twin's app_user gets its own password back for the tests after this one.
      await onTwin([passwordStatement(APP, scramVerifier(p0))]);
      expect(await s.stop()).toBe(0);
    }
  });

  it("starts on a secret with no AWSPREVIOUS at all (ResourceNotFoundException is not an error)", async () => {
    const s = await startEcsScript({ previous: "none" });
    try {
      await waitFor(
        () => (s.log().includes("pgbouncer-auth: auth_file has logins") ? true : undefined),
        15_000,
        "the first auth_file",
      );
      expect(readFileSync(`${s.runDir}/userlist.txt`, "utf8")).toBe(`"${APP}" "${password(APP)}"\n`);
      expect(s.log()).toContain(`pgbouncer-auth: auth_file has logins "${APP}"\n`);
      expect(s.log()).not.toContain("cannot read the pooled roles' secrets");
    } finally {
      await s.stop();
    }
  });

  it("stops at start when Secrets Manager refuses the secret: PgBouncer never starts without logins", async () => {
    const s = await startEcsScript({ denySecrets: true });
    try {
      expect(await s.exited).toBe(1);
      expect(s.log()).toContain("AccessDeniedException");
      expect(
        s.log().match(/pgbouncer-auth: cannot read the pooled roles' secrets: AWSCURRENT of/g),
      ).toHaveLength(3);
      expect(s.log()).toContain("pgbouncer-auth: no credentials from Secrets Manager; stopping");
      expect(existsSync(`${s.runDir}/pgbouncer.pid`)).toBe(false);
      expect(existsSync(`${s.runDir}/userlist.txt`)).toBe(false);
    } finally {
      await s.stop();
    }
  });
});
