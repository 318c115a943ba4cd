import { describe, expect, it } from "vitest";
import {
  AUTH_FAILURE_PATTERNS,
  authFailurePattern,
  matchSpaceDelimited,
  type PatternVariant,
  slowQueryPattern,
  slowQueryPatterns,
  slowQueryVariants,
  splitFields,
  TOKENISATIONS,
  type Tokenisation,
  variantSuffix,
} from "../../../components/monitoring/logPatterns";

// Shaped like RDS lines (log_line_prefix '%t:%r:%u@%d:[%p]:'); the integration test uses real ones.
// PostgreSQL writes two spaces after the level and after "ms".
const PREFIX = "2026-11-25 20:00:00 UTC:10.0.0.1(51234):app_user@verscienta_health:[4242]:";
const SLOW = `${PREFIX}LOG:  duration: 6001.234 ms  statement: select pg_sleep(6)`;
const SLOW_EXTENDED = `${PREFIX}LOG:  duration: 5500.000 ms  execute <unnamed>: select pg_sleep($1)`;
const SLOW_NO_STATEMENT = `${PREFIX}LOG:  duration: 7000.1 ms`; // log_duration = on
const FAST_LOGGED = SLOW.replace("6001.234", "1500.2");
const STATEMENT = `${PREFIX}LOG:  statement: select 1`;
const QUOTING = `${PREFIX}LOG:  statement: insert into t values ('duration: 9999 ms')`;
const QUOTING_SLOW = `${PREFIX}LOG:  duration: 12.5 ms  statement: insert into t values ('duration: 9999 ms')`;
const AUTH = `${PREFIX}FATAL:  password authentication failed for user "app_user"`;
const AUTH_PAM = AUTH.replace("password auth", "PAM auth");
const NO_HBA = `${PREFIX}FATAL:  no pg_hba.conf entry for host "10.0.0.9", user "app_user", database "verscienta_health", no encryption`;
const HBA_REJECTS = `${PREFIX}FATAL:  pg_hba.conf rejects connection for host "10.0.0.9", user "app_user", database "verscienta_health", no encryption`;
const AUTH_QUOTED = `${PREFIX}LOG:  statement: insert into notes values ('password authentication failed')`;
const CONNECTION = `${PREFIX}LOG:  connection authorized: user=app_user database=verscienta_health SSL enabled`;

const SLOW_5S = slowQueryVariants(5);
/** The variants that match `line` when CloudWatch splits it the `mode` way. */
const matching = (variants: readonly PatternVariant[], line: string, mode: Tokenisation) =>
  variants.filter((v) => matchSpaceDelimited(v.pattern, line, mode).matched).map((v) => v.tokenisation);

describe("slowQueryPatterns", () => {
  it("compares the milliseconds field with the threshold in ms, with a gap field in the single variant", () => {
    expect(slowQueryPatterns(5)).toEqual({
      collapse: '[date, time, session="*:LOG:", label="duration:", ms>=5000, unit="ms", ...]',
      single: '[date, time, session="*:LOG:", gap, label="duration:", ms>=5000, unit="ms", ...]',
    });
    expect(slowQueryPattern(5)).toBe(slowQueryPatterns(5).collapse);
    expect(slowQueryPattern(5, "single")).toBe(slowQueryPatterns(5).single);
  });

  it("exposes both variants under one stable name, the single one's filter suffixed -single", () => {
    expect(SLOW_5S.map((v) => [v.name, v.tokenisation, variantSuffix(v)])).toEqual([
      ["slow-queries", "collapse", "slow-queries"],
      ["slow-queries", "single", "slow-queries-single"],
    ]);
  });

  it("fails when the threshold is not a positive whole number of seconds", () => {
    for (const bad of [0, -1, 1.5, Number.NaN])
      expect(() => slowQueryPatterns(bad)).toThrow(
        `slowQuerySeconds: ${bad} is not a positive whole number of seconds`,
      );
    expect(() => slowQueryVariants(0)).toThrow("Use 1 or more.");
  });

  it("extracts the same fields from a slow line with the variant for each tokenisation", () => {
    const expected = {
      date: "2026-11-25",
      time: "20:00:00",
      session: "UTC:10.0.0.1(51234):app_user@verscienta_health:[4242]:LOG:",
      label: "duration:",
      ms: "6001.234",
      unit: "ms",
    };
    expect(matchSpaceDelimited(slowQueryPattern(5), SLOW)).toEqual({ matched: true, fields: expected });
    expect(matchSpaceDelimited(slowQueryPattern(5, "single"), SLOW, "single")).toEqual({
      matched: true,
      fields: { ...expected, gap: "" },
    });
  });

  for (const mode of TOKENISATIONS) {
    describe(`under "${mode}" tokenisation`, () => {
      it("matches each slow line (simple, extended protocol, no statement) with exactly that variant", () => {
        for (const line of [SLOW, SLOW_EXTENDED, SLOW_NO_STATEMENT])
          expect(matching(SLOW_5S, line, mode), line).toEqual([mode]);
      });

      it("matches exactly at the threshold (>=) and not just below it", () => {
        expect(matching(SLOW_5S, SLOW.replace("6001.234", "5000.000"), mode)).toEqual([mode]);
        expect(matching(SLOW_5S, SLOW.replace("6001.234", "4999.999"), mode)).toEqual([]);
      });

      it("matches no variant on a fast logged line, a statement line or statement text quoting 'duration:'", () => {
        for (const line of [FAST_LOGGED, STATEMENT, QUOTING, QUOTING_SLOW, CONNECTION])
          expect(matching(SLOW_5S, line, mode), line).toEqual([]);
        expect(matching(slowQueryVariants(1), FAST_LOGGED, mode)).toEqual([mode]);
      });

      it("matches no variant on a duration line at another level, or on a failed login", () => {
        for (const line of [SLOW.replace(":LOG:", ":WARNING:"), AUTH, NO_HBA, HBA_REJECTS])
          expect(matching(SLOW_5S, line, mode), line).toEqual([]);
      });
    });
  }

  it("fails when a variant is applied to the other tokenisation (the gap meets 'duration:' or '')", () => {
    // collapse variant, single split: label meets the empty field.
    expect(matchSpaceDelimited(slowQueryPattern(5), SLOW, "single").matched).toBe(false);
    // single variant, collapse split: gap takes "duration:", then label meets the number.
    expect(matchSpaceDelimited(slowQueryPattern(5, "single"), SLOW, "collapse").matched).toBe(false);
  });
});

describe("AUTH_FAILURE_PATTERNS", () => {
  it("lists each failed-login pattern in both tokenisations, names stable", () => {
    expect(AUTH_FAILURE_PATTERNS.map((v) => [v.name, v.tokenisation, variantSuffix(v), v.pattern])).toEqual([
      [
        "auth-failed",
        "collapse",
        "auth-failed",
        '[date, time, session="*:FATAL:", method, auth="authentication", failed="failed", ...]',
      ],
      [
        "auth-failed",
        "single",
        "auth-failed-single",
        '[date, time, session="*:FATAL:", gap, method, auth="authentication", failed="failed", ...]',
      ],
      [
        "no-hba-entry",
        "collapse",
        "no-hba-entry",
        '[date, time, session="*:FATAL:", no="no", hba="pg_hba.conf", entry="entry", ...]',
      ],
      [
        "no-hba-entry",
        "single",
        "no-hba-entry-single",
        '[date, time, session="*:FATAL:", gap, no="no", hba="pg_hba.conf", entry="entry", ...]',
      ],
      [
        "hba-rejects",
        "collapse",
        "hba-rejects",
        '[date, time, session="*:FATAL:", hba="pg_hba.conf", rejects="rejects", ...]',
      ],
      [
        "hba-rejects",
        "single",
        "hba-rejects-single",
        '[date, time, session="*:FATAL:", gap, hba="pg_hba.conf", rejects="rejects", ...]',
      ],
    ]);
  });

  it("names the method of a failed password login in both tokenisations", () => {
    expect(matchSpaceDelimited(authFailurePattern("auth-failed"), AUTH).fields.method).toBe("password");
    const single = matchSpaceDelimited(authFailurePattern("auth-failed", "single"), AUTH, "single");
    expect(single.fields).toMatchObject({ gap: "", method: "password" });
  });

  for (const mode of TOKENISATIONS) {
    describe(`under "${mode}" tokenisation`, () => {
      it("matches each failed login with exactly one variant: that tokenisation's, of the right pattern", () => {
        for (const [line, name] of [
          [AUTH, "auth-failed"],
          [AUTH_PAM, "auth-failed"],
          [NO_HBA, "no-hba-entry"],
          [HBA_REJECTS, "hba-rejects"],
        ] as const) {
          const hits = AUTH_FAILURE_PATTERNS.filter(
            (v) => matchSpaceDelimited(v.pattern, line, mode).matched,
          );
          expect(
            hits.map((v) => [v.name, v.tokenisation]),
            line,
          ).toEqual([[name, mode]]);
        }
      });

      it("does not count statements that mention an authentication failure, slow lines or connections", () => {
        for (const line of [AUTH_QUOTED, SLOW, STATEMENT, CONNECTION, AUTH.replace(":FATAL:", ":LOG:")])
          expect(matching(AUTH_FAILURE_PATTERNS, line, mode), line).toEqual([]);
      });
    });
  }

  it("fails when a variant is applied to the other tokenisation", () => {
    for (const line of [AUTH, NO_HBA, HBA_REJECTS]) {
      for (const v of AUTH_FAILURE_PATTERNS) {
        const other: Tokenisation = v.tokenisation === "collapse" ? "single" : "collapse";
        expect(matchSpaceDelimited(v.pattern, line, other).matched, `${variantSuffix(v)} on ${line}`).toBe(
          false,
        );
      }
    }
  });

  it("fails when asked for a pattern that does not exist", () => {
    expect(() => authFailurePattern("nope" as "auth-failed")).toThrow(
      'no collapse variant of the failed-login pattern "nope"',
    );
  });
});

describe("matchSpaceDelimited (CloudWatch semantics)", () => {
  it("collapse: treats runs of spaces as one separator and bracketed or quoted fields as one field", () => {
    expect(splitFields('a  b [c d] "e f"  g')).toEqual(["a", "b", "c d", "e f", "g"]);
    expect(splitFields('a  b [c d] "e f"  g', "collapse")).toEqual(["a", "b", "c d", "e f", "g"]);
    expect(splitFields("  a  ")).toEqual(["a"]);
  });

  it("single: every space separates, two spaces yield an empty field, quoted fields as in collapse", () => {
    expect(splitFields('a  b [c d] "e f"  g', "single")).toEqual(["a", "", "b", "c d", "e f", "", "g"]);
    expect(splitFields(" a ", "single")).toEqual(["", "a", ""]);
    expect(splitFields("a   b", "single")).toEqual(["a", "", "", "b"]);
    expect(splitFields("", "single")).toEqual([]);
    expect(splitFields("", "collapse")).toEqual([]);
  });

  it("single: splits a PostgreSQL line with empty fields after the level and after 'ms'", () => {
    expect(splitFields(SLOW, "single")).toEqual([
      "2026-11-25",
      "20:00:00",
      "UTC:10.0.0.1(51234):app_user@verscienta_health:[4242]:LOG:",
      "",
      "duration:",
      "6001.234",
      "ms",
      "",
      "statement:",
      "select",
      "pg_sleep(6)",
    ]);
  });

  it("keeps brackets inside a field as part of it, and an unclosed quote as an ordinary field", () => {
    for (const mode of TOKENISATIONS) {
      expect(splitFields("UTC:host:[42]:LOG: x", mode)).toEqual(["UTC:host:[42]:LOG:", "x"]);
      expect(splitFields('"a b', mode)).toEqual(['"a', "b"]);
    }
  });

  it("requires the field count to agree without a trailing ellipsis", () => {
    expect(matchSpaceDelimited("[a, b]", "x y").matched).toBe(true);
    expect(matchSpaceDelimited("[a, b]", "x y z").matched).toBe(false);
    expect(matchSpaceDelimited("[a, b, ...]", "x y").matched).toBe(true);
    expect(matchSpaceDelimited("[a, b]", "x  y", "collapse").matched).toBe(true);
    expect(matchSpaceDelimited("[a, b]", "x  y", "single").matched).toBe(false);
    expect(matchSpaceDelimited("[a, gap, b]", "x  y", "single").fields).toEqual({ a: "x", gap: "", b: "y" });
  });

  it("fails a numeric comparison on a non-number or an empty field", () => {
    expect(matchSpaceDelimited("[a, n>1]", "x abc").matched).toBe(false);
    expect(matchSpaceDelimited("[a, n>=0, ...]", "x  5", "single").matched).toBe(false);
  });

  it("supports != and * wildcards in strings", () => {
    expect(matchSpaceDelimited('[a="x*", b!="no"]', "xyz yes").matched).toBe(true);
    expect(matchSpaceDelimited('[a="x*", b!="no"]', "xyz no").matched).toBe(false);
  });

  it("fails on a pattern that is not space-delimited", () => {
    expect(() => matchSpaceDelimited("ERROR", "x")).toThrow("not a space-delimited pattern");
  });
});
