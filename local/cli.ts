/**
 * `npm run db:local`: the local twin for app developers (replaces the guide's `docker run postgres`).
 *
 *   npm run db:local -- [--port 5433] [--data-dir .local/db] [--pooler none|pgbouncer]
 *
 * stdout carries exactly one line, `{"ready":true,"urls":{"<role>":"postgresql://..."}}` (with
 * `--pooler pgbouncer` also `"pooled":{"<role>":"postgresql://..."}`, the same roles through PgBouncer),
 * so scripts can parse it; everything else goes to stderr. Runs until SIGINT, SIGTERM or SIGHUP, or until
 * the process that started it (npm, tsx, a script) goes away, then shuts down cleanly: PgBouncer, then
 * PostgreSQL, then the throwaway directory. Repeated signals during the shutdown are ignored; if this
 * process is killed outright, local/watchdog.ts does the same clean-up.
 * Exit codes: 0 clean shutdown (also when stopped during start-up), 2 bad arguments or a fixable problem
 * (port taken, unusable data dir, data dir in use by another server), 1 anything else.
 */
import { readFileSync } from "node:fs";
import { startPgBouncerForTwin } from "./pgbouncer";
import { startTwin, type Twin, TwinError } from "./twin";

export const POOLER_CHOICES = ["none", "pgbouncer"] as const;
export type PoolerChoice = (typeof POOLER_CHOICES)[number];

export interface CliOptions {
  readonly port?: number;
  readonly dataDir?: string;
  readonly pooler: PoolerChoice;
}

/** A pooler in front of the twin: the URLs clients should use instead, and how to stop it. */
export interface RunningPooler {
  readonly urls: Record<string, string>;
  stop(): Promise<void>;
}

/**
 * Pooler starters. `pgbouncer` is wired by local/pgbouncer.ts (the pooling work): add its starter here,
 * e.g. `pgbouncer: (twin) => startPgBouncer(twin)` adapted to {@link RunningPooler}.
 */
const POOLER_STARTERS: Readonly<Record<PoolerChoice, ((twin: Twin) => Promise<RunningPooler>) | undefined>> =
  {
    none: undefined,
    // The stack's rendered PgBouncer config (components/pooling/pgbouncerConfig.ts), TLS on both sides.
    pgbouncer: (twin) => startPgBouncerForTwin(twin),
  };

export class UsageError extends Error {
  override readonly name = "UsageError";
}

export function parseArgs(argv: readonly string[]): CliOptions {
  let port: number | undefined;
  let dataDir: string | undefined;
  let pooler: PoolerChoice = "none";
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    const value = (): string => {
      const v = inline ?? argv[++i];
      if (v === undefined || v === "") throw new UsageError(`${flag}: needs a value.`);
      return v;
    };
    switch (flag) {
      case "--port": {
        const v = value();
        const n = Number(v);
        if (!/^\d+$/.test(v) || n < 1 || n > 65535) {
          throw new UsageError(
            `--port: "${v}" is not a TCP port. Use 1024 to 65535, or omit it for a free port.`,
          );
        }
        port = n;
        break;
      }
      case "--data-dir":
        dataDir = value();
        break;
      case "--pooler": {
        const v = value();
        if (!(POOLER_CHOICES as readonly string[]).includes(v)) {
          throw new UsageError(`--pooler: "${v}" is not one of ${POOLER_CHOICES.join(", ")}.`);
        }
        pooler = v as PoolerChoice;
        break;
      }
      case "--help":
      case "-h":
        throw new UsageError(
          "usage: npm run db:local -- [--port <port>] [--data-dir <dir>] [--pooler none|pgbouncer]",
        );
      default:
        throw new UsageError(`${flag}: unknown option. Use --port, --data-dir or --pooler.`);
    }
  }
  return { port, dataDir, pooler };
}

const err = (line: string) => process.stderr.write(`${line}\n`);

/** SIGHUP: the terminal went away. */
export const STOP_SIGNALS = ["SIGINT", "SIGTERM", "SIGHUP"] as const;

/** The process group leader (Linux /proc), when it is not us; undefined where we cannot tell. */
function processGroupLeader(): number | undefined {
  try {
    // Fields after the parenthesised command name: state, ppid, pgrp.
    const stat = readFileSync("/proc/self/stat", "utf8");
    const pgrp = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[2]);
    return Number.isInteger(pgrp) && pgrp > 0 && pgrp !== process.pid ? pgrp : undefined;
  } catch {
    return undefined;
  }
}

const exists = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
};

/**
 * Calls `onGone` when whoever started us is gone. Our parent changing means it died (we were
 * re-parented). `npm run` puts sh and tsx between npm and us, and on SIGTERM npm signals only its own
 * child and exits, so tsx and we would live on: the job's process group leader (npm in a terminal)
 * disappearing catches that.
 */
function watchStarter(onGone: (why: string) => void, everyMs = 500): void {
  const parent = process.ppid;
  const leader = processGroupLeader();
  const watchLeader = leader !== undefined && exists(leader);
  const timer = setInterval(() => {
    const why =
      process.ppid !== parent
        ? `parent process ${parent} exited`
        : watchLeader && leader !== undefined && !exists(leader)
          ? `process group leader ${leader} exited`
          : undefined;
    if (why === undefined) return;
    clearInterval(timer);
    onGone(why);
  }, everyMs);
  timer.unref();
}

export async function main(argv: readonly string[]): Promise<number> {
  let opts: CliOptions;
  try {
    opts = parseArgs(argv);
  } catch (e) {
    err(`db:local: ${(e as Error).message}`);
    return 2;
  }
  if (opts.pooler !== "none" && POOLER_STARTERS[opts.pooler] === undefined) {
    err(
      `db:local: --pooler ${opts.pooler}: not available in this build yet (local/pgbouncer.ts is not wired). Use --pooler none.`,
    );
    return 2;
  }

  // Nobody may be left to read our output once the starter is gone: a write error must not end the
  // process before the clean-up.
  for (const stream of [process.stdout, process.stderr]) stream.on("error", () => {});

  let twin: Twin | undefined;
  let pooler: RunningPooler | undefined;
  let stopReason: string | undefined;
  let wake = () => {};
  const stopRequested = new Promise<void>((resolve) => {
    wake = resolve;
  });
  const requestStop = (reason: string) => {
    if (stopReason !== undefined) {
      err(`db:local: ${reason}: already shutting down, ignored`);
      return;
    }
    stopReason = reason;
    err(`db:local: ${reason}: shutting down`);
    wake();
  };
  // Installed for good (never `once`): when a second signal finds no handler, Node (and tsx's relay)
  // exit at once, skipping the clean-up.
  for (const signal of STOP_SIGNALS) process.on(signal, () => requestStop(signal));
  watchStarter(requestStop);

  let shutdownDone: Promise<void> | undefined;
  const shutdown = (): Promise<void> => {
    shutdownDone ??= (async () => {
      await pooler?.stop().catch((e) => err(`db:local: pooler stop failed: ${String(e)}`));
      await twin?.stop().catch((e) => err(`db:local: PostgreSQL stop failed: ${String(e)}`));
    })();
    return shutdownDone;
  };
  const stoppedLine = () =>
    twin === undefined
      ? "db:local: stopped"
      : opts.dataDir !== undefined
        ? `db:local: stopped; data kept in ${twin.dataDir}`
        : `db:local: stopped; removed ${twin.dataDir}`;

  try {
    twin = await startTwin({ port: opts.port, dataDir: opts.dataDir, log: (l) => err(`db:local: ${l}`) });
    if (stopReason === undefined) {
      const starter = POOLER_STARTERS[opts.pooler];
      if (starter) pooler = await starter(twin);
    }
  } catch (e) {
    await shutdown();
    err(`db:local: ${e instanceof Error ? e.message : String(e)}`);
    // Stopped during start-up: the failure is most likely the stop itself (Ctrl-C reaches PostgreSQL too).
    if (stopReason !== undefined) return 0;
    return e instanceof TwinError ? 2 : 1;
  }

  if (stopReason === undefined) {
    process.stdout.write(
      `${JSON.stringify({ ready: true, urls: twin.urls, ...(pooler ? { pooled: pooler.urls } : {}) })}\n`,
    );
    err(`db:local: log file ${twin.logFile}; CA certificate ${twin.caCertPath}. Ctrl-C to stop.`);
    await stopRequested;
  }
  await shutdown();
  err(stoppedLine());
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => {
      err(`db:local: ${String(e)}`);
      process.exit(1);
    },
  );
}
