/**
 * `npm run db:local` leaves nothing behind, whatever stops it: a double Ctrl-C through tsx, SIGTERM to
 * npm or to tsx, `kill -9` on the CLI (local/watchdog.ts), a stale or foreign postmaster.pid, and a
 * --data-dir whose parents the twin creates itself. Real processes on the real embedded PostgreSQL 16.
 */
import { type ChildProcess, spawn } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir, userInfo } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { canConnect } from "../../local/pgbouncer";

const ROOT = path.resolve(__dirname, "../..");
const TSX_CLI = path.join(ROOT, "node_modules/tsx/dist/cli.mjs");
const IS_ROOT = userInfo().uid === 0;

interface Ready {
  readonly port: number;
  readonly dataDir: string;
}

interface CliRun {
  readonly child: ChildProcess;
  stdout: string;
  stderr: string;
  /** Resolves on the ready line; rejects when the process exits first. */
  readonly ready: Promise<Ready>;
  /** The spawned process's exit. */
  readonly exit: Promise<number | null>;
  /** Every process holding its stdout/stderr has exited (the CLI under npm/tsx, the watchdog). */
  readonly closed: Promise<void>;
}

const runs: CliRun[] = [];
const scratch: string[] = [];
/** Every data directory a twin reported, to stop and remove whatever a failed test left behind. */
const seenDataDirs: string[] = [];
const extraPids: number[] = [];

/**
 * Starts the CLI the way a developer would: "npm" (`npm run db:local`), "tsx" (`npx tsx local/cli.ts`:
 * tsx relays signals to a child Node), or "node" (the CLI is the spawned process itself). In its own
 * process group, like a terminal job, so a "Ctrl-C" can reach the whole group.
 */
function startCli(how: "npm" | "tsx" | "node", args: string[] = []): CliRun {
  const [file, argv] =
    how === "npm"
      ? ["npm", ["run", "--silent", "db:local", "--", ...args]]
      : how === "tsx"
        ? [process.execPath, [TSX_CLI, "local/cli.ts", ...args]]
        : [process.execPath, ["--import", "tsx", "local/cli.ts", ...args]];
  const child = spawn(file, argv, { cwd: ROOT, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let onReady: (r: Ready) => void = () => {};
  let onFail: (e: Error) => void = () => {};
  const ready = new Promise<Ready>((resolve, reject) => {
    onReady = resolve;
    onFail = reject;
  });
  ready.catch(() => {});
  const run: CliRun = {
    child,
    stdout: "",
    stderr: "",
    ready,
    exit: new Promise((resolve) => child.once("exit", (code) => resolve(code))),
    closed: Promise.all([
      new Promise((r) => child.stdout?.once("close", r)),
      new Promise((r) => child.stderr?.once("close", r)),
    ]).then(() => {}),
  };
  // Ready: the JSON line on stdout and the line naming the data directory on stderr.
  const checkReady = () => {
    const line = run.stdout.split("\n").find((l) => l.startsWith("{"));
    const logged = /db:local: log file (.+)\/log\/postgresql\.log;/.exec(run.stderr);
    if (line && logged) {
      const urls = (JSON.parse(line) as { urls: Record<string, string> }).urls;
      if (!seenDataDirs.includes(logged[1])) seenDataDirs.push(logged[1]);
      onReady({ port: Number(new URL(Object.values(urls)[0]).port), dataDir: logged[1] });
    }
  };
  child.stdout?.on("data", (d: Buffer) => {
    run.stdout += d.toString("utf8");
    checkReady();
  });
  child.stderr?.on("data", (d: Buffer) => {
    run.stderr += d.toString("utf8");
    checkReady();
  });
  void run.exit.then((code) => onFail(new Error(`exited ${code} before ready:\n${run.stderr}`)));
  runs.push(run);
  return run;
}

const readyOf = (run: CliRun): Promise<Ready> => run.ready;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(what: string, check: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`still not true after ${ms} ms: ${what}`);
    await sleep(200);
  }
}

const listening = canConnect;

/** PIDs of PostgreSQL servers started on a data directory (from /proc: `postgres -D <dir>`). */
function serverPids(dataDir: string): number[] {
  const pids: number[] = [];
  for (const e of readdirSync("/proc")) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const argv = readFileSync(`/proc/${e}/cmdline`, "utf8").split("\0");
      if (argv[0]?.endsWith("/postgres") && argv[1] === "-D" && argv[2] === dataDir) pids.push(Number(e));
    } catch {
      // Exited while we looked.
    }
  }
  return pids;
}

/** Nothing of the twin is left: no server, nothing on its port, and (unless kept) no directory. */
async function expectGone(ready: Ready, opts: { keepDir?: boolean; withinMs?: number } = {}) {
  const keep = opts.keepDir === true;
  await waitFor(
    `the server on ${ready.dataDir} has stopped${keep ? "" : " and the directory is gone"}`,
    () => serverPids(ready.dataDir).length === 0 && existsSync(ready.dataDir) === keep,
    opts.withinMs ?? 30_000,
  );
  expect(await listening(ready.port)).toBe(false);
  expect(existsSync(ready.dataDir)).toBe(keep);
}

const newScratch = (): string => {
  const d = mkdtempSync(path.join(tmpdir(), "dblocal-test-"));
  // Like a project checkout: others may traverse it (the server runs as "postgres" when we are root).
  chmodSync(d, 0o755);
  scratch.push(d);
  return d;
};

const killGroup = (run: CliRun, signal: NodeJS.Signals): boolean => {
  try {
    // The group outlives its leader (npm exits first): signal the group, not the pid.
    process.kill(-(run.child.pid ?? 0), signal);
    return true;
  } catch {
    return false;
  }
};

afterAll(async () => {
  for (const r of runs) {
    if (!killGroup(r, "SIGTERM")) continue;
    await Promise.race([r.closed, sleep(30_000)]);
    killGroup(r, "SIGKILL");
  }
  for (const pid of extraPids) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Gone already.
    }
  }
  const dirs = [
    ...seenDataDirs,
    ...scratch.flatMap((d) => [path.join(d, "db"), path.join(d, ".local", "db")]),
  ];
  for (const d of dirs) for (const pid of serverPids(d)) process.kill(pid, "SIGQUIT");
  await sleep(1000);
  for (const d of [...seenDataDirs, ...scratch]) rmSync(d, { recursive: true, force: true });
}, 120_000);

describe("npm run db:local: stopping", () => {
  /** A terminal's Ctrl-C reaches the whole job (npm, sh, the CLI, PostgreSQL); npm or tsx relay it again. */
  const doubleCtrlC = async (run: CliRun) => {
    process.kill(-(run.child.pid ?? 0), "SIGINT");
    await sleep(30);
    process.kill(-(run.child.pid ?? 0), "SIGINT");
  };

  it("stops cleanly on a double Ctrl-C, every time (3 rounds of what npm run db:local runs)", async () => {
    for (let round = 0; round < 3; round++) {
      const run = startCli("node");
      const ready = await readyOf(run);
      await doubleCtrlC(run);
      expect(await run.exit, run.stderr).toBe(0);
      await run.closed;
      expect(run.stderr).toContain("db:local: SIGINT: shutting down");
      expect(run.stderr).toContain("db:local: SIGINT: already shutting down, ignored");
      expect(run.stderr).toContain(`db:local: stopped; removed ${ready.dataDir}`);
      await expectGone(ready, { withinMs: 5_000 });
    }
  });

  it("leaves nothing behind on a double Ctrl-C under npm run db:local", async () => {
    const run = startCli("npm");
    const ready = await readyOf(run);
    await doubleCtrlC(run);
    // npm reports its own SIGINT (130); the CLI's clean-up is what counts.
    await Promise.race([run.closed, sleep(60_000)]);
    expect(run.stderr).toContain(`db:local: stopped; removed ${ready.dataDir}`);
    await expectGone(ready, { withinMs: 5_000 });
  });

  it("leaves nothing behind on a double Ctrl-C under npx tsx, even when tsx force-kills the CLI (2 rounds)", async () => {
    for (let round = 0; round < 2; round++) {
      const run = startCli("tsx");
      const ready = await readyOf(run);
      await doubleCtrlC(run);
      // tsx SIGKILLs a child that does not acknowledge a signal within 30 ms (then exits 130); under load
      // that happens, and the watchdog finishes the clean-up.
      expect([0, 130]).toContain(await run.exit);
      await expectGone(ready, { withinMs: 30_000 });
    }
  });

  it("stops cleanly when npm gets SIGTERM (npm exits at once; the CLI notices and cleans up)", async () => {
    const run = startCli("npm");
    const ready = await readyOf(run);
    process.kill(run.child.pid ?? 0, "SIGTERM");
    await run.exit;
    // stdout/stderr close once the CLI (tsx's child) has exited too.
    await Promise.race([run.closed, sleep(60_000)]);
    expect(run.stderr).toMatch(/db:local: (process group leader|parent process) \d+ exited: shutting down/);
    expect(run.stderr).toContain(`db:local: stopped; removed ${ready.dataDir}`);
    await expectGone(ready, { withinMs: 5_000 });
  });

  it("stops cleanly when tsx, the CLI's parent, gets SIGTERM", async () => {
    const run = startCli("tsx");
    const ready = await readyOf(run);
    process.kill(run.child.pid ?? 0, "SIGTERM");
    expect(await run.exit, run.stderr).toBe(0);
    expect(run.stderr).toContain("db:local: SIGTERM: shutting down");
    await expectGone(ready, { withinMs: 5_000 });
  });

  it("stops PostgreSQL and removes the throwaway directory when the CLI is killed with SIGKILL", async () => {
    const run = startCli("node");
    const ready = await readyOf(run);
    const [server] = serverPids(ready.dataDir);
    expect(server).toBeGreaterThan(0);
    process.kill(run.child.pid ?? 0, "SIGKILL");
    await run.exit;
    await expectGone(ready, { withinMs: 30_000 });
    await Promise.race([run.closed, sleep(10_000)]);
    expect(run.stderr).toContain(
      `db:local watchdog: process ${run.child.pid} exited without stopping PostgreSQL (PID ${server}); stopping it`,
    );
    expect(run.stderr).toContain(`db:local watchdog: removed ${ready.dataDir}`);
  });
});

describe("npm run db:local: a reused --data-dir", () => {
  let dataDir = "";
  const stopCleanly = async (run: CliRun) => {
    process.kill(run.child.pid ?? 0, "SIGTERM");
    expect(await run.exit, run.stderr).toBe(0);
  };

  it("keeps the data directory usable after the CLI is killed: the next start reuses it", async () => {
    dataDir = path.join(newScratch(), "db");
    const first = startCli("node", ["--data-dir", dataDir]);
    const ready = await readyOf(first);
    process.kill(first.child.pid ?? 0, "SIGKILL");
    await expectGone(ready, { keepDir: true, withinMs: 30_000 });

    const second = startCli("node", ["--data-dir", dataDir]);
    await readyOf(second);
    expect(second.stderr).toContain(`db:local: reusing the cluster in ${dataDir}`);
    await stopCleanly(second);
    expect(existsSync(path.join(dataDir, "postmaster.pid"))).toBe(false);
  });

  it("refuses while another server runs on the directory, naming its PID and how to stop it", async () => {
    const first = startCli("node", ["--data-dir", dataDir]);
    await readyOf(first);
    const pid = Number(readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
    const second = startCli("node", ["--data-dir", dataDir]);
    expect(await second.exit).toBe(2);
    expect(second.stdout).toBe("");
    expect(second.stderr).toContain(
      `db:local: --data-dir: ${dataDir} is in use by PostgreSQL PID ${pid} (from ${dataDir}/postmaster.pid)`,
    );
    expect(second.stderr).toContain(`Stop it with: kill -INT ${pid} (fast shutdown)`);
    // The refused start touched nothing: the first twin still runs.
    expect(serverPids(dataDir)).toContain(pid);
    await stopCleanly(first);
  });

  it("recovers from a stale postmaster.pid whose process is gone", async () => {
    const gone = spawn("true");
    await new Promise((r) => gone.once("exit", r));
    const lock = path.join(dataDir, "postmaster.pid");
    writeFileSync(lock, `${gone.pid}\n${dataDir}\n1700000000\n5432\n\n127.0.0.1\n0 0\nready\n`);
    const run = startCli("node", ["--data-dir", dataDir]);
    await readyOf(run);
    expect(run.stderr).toContain(`db:local: removed a stale ${lock} (PID ${gone.pid} is not running`);
    await stopCleanly(run);
  });

  it("refuses a postmaster.pid naming a live process that is not PostgreSQL, saying how to fix it", async () => {
    const other = spawn("sleep", ["120"], { stdio: "ignore" });
    extraPids.push(other.pid ?? 0);
    const lock = path.join(dataDir, "postmaster.pid");
    writeFileSync(lock, `${other.pid}\n${dataDir}\n`);
    const run = startCli("node", ["--data-dir", dataDir]);
    expect(await run.exit).toBe(2);
    expect(run.stderr).toContain(
      `db:local: --data-dir: ${lock} names PID ${other.pid}, which is running but is "sleep", not PostgreSQL`,
    );
    expect(run.stderr).toContain(`If no PostgreSQL uses ${dataDir}, delete ${lock} and start again.`);
    expect(existsSync(lock)).toBe(true);
    other.kill("SIGKILL");
    rmSync(lock);
  });
});

describe("npm run db:local: creating --data-dir", () => {
  it("creates .local/db under a project directory so the server can use it", async () => {
    const project = newScratch();
    const run = startCli("node", ["--data-dir", path.join(project, ".local", "db")]);
    const ready = await readyOf(run);
    expect(ready.dataDir).toBe(path.join(project, ".local", "db"));
    const mode = (p: string) => statSync(p).mode & 0o777;
    // As root the server runs as "postgres": it must traverse .local, but need not list it.
    expect(mode(path.join(project, ".local"))).toBe(IS_ROOT ? 0o711 : 0o700);
    expect(mode(ready.dataDir)).toBe(0o700);
    if (IS_ROOT) expect(statSync(ready.dataDir).uid).not.toBe(0);
    process.kill(run.child.pid ?? 0, "SIGTERM");
    expect(await run.exit, run.stderr).toBe(0);
    await expectGone(ready, { keepDir: true });
  });

  it(
    IS_ROOT
      ? "refuses a data directory under a parent the server user cannot traverse, naming it and the fix"
      : "accepts a data directory under a private parent (the server runs as you)",
    async () => {
      const privateParent = newScratch();
      chmodSync(privateParent, 0o700);
      mkdirSync(path.join(privateParent, "sub"));
      const dir = path.join(privateParent, "sub", "db");
      const run = startCli("node", ["--data-dir", dir]);
      if (!IS_ROOT) {
        await readyOf(run);
        process.kill(run.child.pid ?? 0, "SIGTERM");
        expect(await run.exit).toBe(0);
        return;
      }
      expect(await run.exit).toBe(2);
      expect(run.stderr).toContain(
        `db:local: --data-dir: the "postgres" user the server runs as cannot reach ${dir}: ${privateParent} (mode 0700) is not searchable by it. Use a data directory outside ${privateParent}, or allow traversal with: chmod o+x ${privateParent}`,
      );
    },
  );
});
