/**
 * `npm run db:local`: the local twin for app developers (replaces the seed's `docker run postgres`).
 *
 *   npm run db:local -- [--port 5433] [--data-dir .local/db] [--pooler none|pgbouncer]
 *
 * stdout carries exactly one line, `{"ready":true,"urls":{"<role>":"postgresql://..."}}` (with
 * `--pooler pgbouncer` also `"pooled":{"<role>":"postgresql://..."}`, the same roles through PgBouncer),
 * so scripts can parse it; everything else goes to stderr. Runs until SIGINT or SIGTERM, then shuts down cleanly.
 * Exit codes: 0 clean shutdown, 2 bad arguments or a fixable problem (port taken, unusable data dir),
 * 1 anything else.
 */
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

  let twin: Twin | undefined;
  let pooler: RunningPooler | undefined;
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    err(`db:local: ${signal}: shutting down`);
    await pooler?.stop().catch((e) => err(`db:local: pooler stop failed: ${String(e)}`));
    await twin?.stop().catch((e) => err(`db:local: PostgreSQL stop failed: ${String(e)}`));
  };
  const stopped = new Promise<string>((resolve) => {
    process.once("SIGINT", () => resolve("SIGINT"));
    process.once("SIGTERM", () => resolve("SIGTERM"));
  });

  try {
    twin = await startTwin({ port: opts.port, dataDir: opts.dataDir, log: (l) => err(`db:local: ${l}`) });
    const starter = POOLER_STARTERS[opts.pooler];
    if (starter) pooler = await starter(twin);
  } catch (e) {
    await shutdown("start-up failed");
    err(`db:local: ${e instanceof Error ? e.message : String(e)}`);
    return e instanceof TwinError ? 2 : 1;
  }

  process.stdout.write(
    `${JSON.stringify({ ready: true, urls: twin.urls, ...(pooler ? { pooled: pooler.urls } : {}) })}\n`,
  );
  err(`db:local: log file ${twin.logFile}; CA certificate ${twin.caCertPath}. Ctrl-C to stop.`);
  await shutdown(await stopped);
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
