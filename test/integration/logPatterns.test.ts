/**
 * The metric-filter patterns against real PostgreSQL 16 output: the local twin runs with RDS's
 * log_line_prefix ('%t:%r:%u@%d:[%p]:') and the parameter group's logging settings
 * (log_min_duration_statement = 1000, log_connections, ...). We run slow, logged-but-fast and fast
 * queries and failed logins, read the server log, and apply each pattern with CloudWatch's
 * space-delimited semantics (components/monitoring/logPatterns.ts) under both tokenisations CloudWatch
 * might use ("collapse": runs of spaces are one separator; "single": two spaces yield an empty field):
 * in each, the union of a pattern's variants must count every expected line exactly once.
 */
import { readFileSync } from "node:fs";
import { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  AUTH_FAILURE_PATTERNS,
  authFailurePattern,
  matchSpaceDelimited,
  type PatternVariant,
  slowQueryPattern,
  slowQueryVariants,
  splitFields,
  TOKENISATIONS,
  type Tokenisation,
  variantSuffix,
} from "../../components/monitoring/logPatterns";
import { startTwin, type Twin } from "../../local/twin";
import { DEFAULTS as COMMON_DEFAULTS } from "../../spec/keys";

const APP = COMMON_DEFAULTS.appRoleName;
const DB = COMMON_DEFAULTS.databaseName;
/** The session field: "UTC:" (end of %t) + %r + ":" + %u@%d + ":[" + %p + "]:" + the level. */
const session = (level: string) =>
  new RegExp(`^UTC:127\\.0\\.0\\.1\\(\\d+\\):${APP}@${DB}:\\[\\d+\\]:${level}:$`);

let twin: Twin;
let lines: string[] = [];
const withMarker = (marker: string) => lines.filter((l) => l.includes(marker));
/** The variants (by filter suffix) that match `line` when split the `mode` way. */
const hits = (variants: readonly PatternVariant[], line: string, mode: Tokenisation) =>
  variants.filter((v) => matchSpaceDelimited(v.pattern, line, mode).matched).map(variantSuffix);
const durationLine = (marker: string) => {
  const found = withMarker(marker).filter((l) => l.includes("duration:"));
  expect(found, `duration lines for ${marker}`).toHaveLength(1);
  return found[0];
};

beforeAll(async () => {
  twin = await startTwin();
  const password = twin.roles.find((r) => r.name === APP)?.password;
  if (!password) throw new Error(`the twin has no ${APP} login role`);
  const app = new Client({ connectionString: twin.urls[APP] });
  await app.connect();
  try {
    await app.query("select pg_sleep(6) /* slow-simple */"); // simple protocol: "statement:"
    await app.query("select pg_sleep($1) /* slow-extended */", [5.5]); // extended protocol: "execute <unnamed>:"
    await app.query("select pg_sleep(1.5) /* logged-not-slow */"); // above log_min_duration_statement only
    await app.query("select 1 /* fast */");
  } finally {
    await app.end();
  }
  const ca = readFileSync(twin.caCertPath, "utf8");
  const wrongPassword = new Client({
    host: twin.host,
    port: twin.port,
    user: APP,
    database: DB,
    password: `${password}x`,
    ssl: { ca },
  });
  await expect(wrongPassword.connect()).rejects.toThrow(/password authentication failed/);
  const noTls = new Client({
    host: twin.host,
    port: twin.port,
    user: APP,
    database: DB,
    password,
    ssl: false,
  });
  await expect(noTls.connect()).rejects.toThrow(/pg_hba\.conf/);

  // The logging collector writes asynchronously: wait for the last event we caused.
  for (let i = 0; i < 50; i++) {
    lines = readFileSync(twin.logFile, "utf8").split("\n");
    if (lines.some((l) => l.includes("pg_hba.conf rejects") || l.includes("no pg_hba.conf entry"))) break;
    await new Promise((r) => setTimeout(r, 200));
  }
}, 180_000);

afterAll(async () => {
  await twin?.stop();
});

describe("slow-query metric filter on real PostgreSQL 16 lines", () => {
  it("splits a simple-protocol slow line into date, time, session, 'duration:', milliseconds, 'ms'", () => {
    const f = splitFields(durationLine("slow-simple"));
    expect(f[0]).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(f[1]).toMatch(/^\d{2}:\d{2}:\d{2}$/);
    expect(f[2]).toMatch(session("LOG"));
    expect(f[3]).toBe("duration:");
    expect(Number(f[4])).toBeGreaterThanOrEqual(6000);
    expect(f[4]).toMatch(/^\d+\.\d{3}$/);
    expect(f[5]).toBe("ms");
    expect(f[6]).toBe("statement:");
  });

  it("matches the 6 s query with the 5 s threshold and extracts its duration", () => {
    const m = matchSpaceDelimited(slowQueryPattern(5), durationLine("slow-simple"));
    expect(m.matched).toBe(true);
    expect(m.fields.label).toBe("duration:");
    expect(m.fields.unit).toBe("ms");
    expect(Number(m.fields.ms)).toBeGreaterThanOrEqual(6000);
  });

  it("matches the 5.5 s query sent with the extended protocol (drivers with parameters)", () => {
    const line = durationLine("slow-extended");
    expect(line).toContain("execute <unnamed>:");
    expect(matchSpaceDelimited(slowQueryPattern(5), line).matched).toBe(true);
  });

  it("does not count a 1.5 s query that log_min_duration_statement logs", () => {
    const line = durationLine("logged-not-slow");
    expect(matchSpaceDelimited(slowQueryPattern(5), line).matched).toBe(false);
    expect(matchSpaceDelimited(slowQueryPattern(1), line).matched).toBe(true);
  });

  it("writes no duration line for the fast query", () => {
    expect(withMarker("/* fast */").filter((l) => l.includes("duration:"))).toEqual([]);
  });

  it("splits the real slow line with an empty field after the level and after 'ms' under \"single\"", () => {
    const f = splitFields(durationLine("slow-simple"), "single");
    expect(f[2]).toMatch(session("LOG"));
    expect(f.slice(3, 5)).toEqual(["", "duration:"]);
    expect(f.slice(6, 9)).toEqual(["ms", "", "statement:"]);
    const m = matchSpaceDelimited(slowQueryPattern(5, "single"), durationLine("slow-simple"), "single");
    expect(m.matched).toBe(true);
    expect(m.fields.gap).toBe("");
    expect(Number(m.fields.ms)).toBeGreaterThanOrEqual(6000);
  });

  for (const mode of TOKENISATIONS) {
    it(`counts exactly the two slow statements in the whole log under "${mode}", each with one variant`, () => {
      const variants = slowQueryVariants(5);
      const matched = lines.filter((l) => hits(variants, l, mode).length > 0);
      expect(matched).toHaveLength(2);
      expect(matched.every((l) => l.includes("slow-"))).toBe(true);
      // No double counting: each line is matched by exactly one variant, the one for this tokenisation.
      const only = mode === "collapse" ? "slow-queries" : "slow-queries-single";
      for (const l of matched) expect(hits(variants, l, mode), l).toEqual([only]);
      const notSlow = durationLine("logged-not-slow");
      expect(hits(variants, notSlow, mode)).toEqual([]);
      expect(hits(slowQueryVariants(1), notSlow, mode)).toHaveLength(1);
    });
  }
});

describe("failed-login metric filters on real PostgreSQL 16 lines", () => {
  const fatal = (text: string) => {
    const found = lines.filter((l) => l.includes(text));
    expect(found, text).toHaveLength(1);
    return found[0];
  };

  it("matches a wrong password: FATAL in the session field, then '<method> authentication failed'", () => {
    const line = fatal("password authentication failed for user");
    const f = splitFields(line);
    expect(f[2]).toMatch(session("FATAL"));
    expect(f.slice(3, 6)).toEqual(["password", "authentication", "failed"]);
    const m = matchSpaceDelimited(authFailurePattern("auth-failed"), line);
    expect(m.matched).toBe(true);
    expect(m.fields.method).toBe("password");
  });

  it("matches a client refused by pg_hba.conf for not using TLS", () => {
    const line = fatal("pg_hba.conf rejects connection");
    expect(splitFields(line)[2]).toMatch(session("FATAL"));
    expect(line).toContain("no encryption");
    expect(matchSpaceDelimited(authFailurePattern("hba-rejects"), line).matched).toBe(true);
  });

  it("matches RDS's 'no pg_hba.conf entry' wording behind the same real prefix", () => {
    // The twin's pg_hba.conf rejects explicitly; RDS under rds.force_ssl has no entry instead.
    const real = fatal("pg_hba.conf rejects connection");
    const prefix = real.slice(0, real.indexOf("FATAL:") + "FATAL:".length);
    const rds = `${prefix}  no pg_hba.conf entry for host "10.0.0.5", user "${APP}", database "${DB}", no encryption`;
    expect(matchSpaceDelimited(authFailurePattern("no-hba-entry"), rds).matched).toBe(true);
    for (const mode of TOKENISATIONS)
      expect(hits(AUTH_FAILURE_PATTERNS, rds, mode)).toEqual([
        mode === "collapse" ? "no-hba-entry" : "no-hba-entry-single",
      ]);
  });

  for (const mode of TOKENISATIONS) {
    it(`counts exactly the two failed logins in the whole log under "${mode}", and no slow-query line`, () => {
      const matched = lines.filter((l) => hits(AUTH_FAILURE_PATTERNS, l, mode).length > 0);
      expect(matched).toHaveLength(2);
      expect(matched.some((l) => l.includes("duration:"))).toBe(false);
      // Each failure is counted once: no line matches two of the six filters feeding the same metric,
      // and the one that matches is this tokenisation's variant.
      const suffix = mode === "collapse" ? "" : "-single";
      expect(matched.map((l) => hits(AUTH_FAILURE_PATTERNS, l, mode))).toEqual([
        [`auth-failed${suffix}`],
        [`hba-rejects${suffix}`],
      ]);
    });
  }
});
