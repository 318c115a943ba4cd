import { describe, expect, it } from "vitest";
import {
  AUTH_FAILURE_PATTERNS,
  matchSpaceDelimited,
  slowQueryPattern,
  splitFields,
} from "../../../components/monitoring/logPatterns";

// Shaped like RDS lines (log_line_prefix '%t:%r:%u@%d:[%p]:'); the integration test uses real ones.
const SLOW =
  "2026-11-25 20:00:00 UTC:10.0.0.1(51234):app_user@verscienta_health:[4242]:LOG:  duration: 6001.234 ms  statement: select pg_sleep(6)";
const FAST_LOGGED = SLOW.replace("6001.234", "1500.5");
const AUTH =
  '2026-11-25 20:00:01 UTC:10.0.0.1(51240):app_user@verscienta_health:[4250]:FATAL:  password authentication failed for user "app_user"';

describe("slowQueryPattern", () => {
  it("compares the milliseconds field with the threshold in ms", () => {
    expect(slowQueryPattern(5)).toBe(
      '[date, time, session="*:LOG:", label="duration:", ms>=5000, unit="ms", ...]',
    );
  });

  it("fails when the threshold is not a positive whole number of seconds", () => {
    expect(() => slowQueryPattern(0)).toThrow(
      "slowQuerySeconds: 0 is not a positive whole number of seconds",
    );
  });

  it("matches a 6 s duration line and not a 1.5 s one", () => {
    expect(matchSpaceDelimited(slowQueryPattern(5), SLOW)).toEqual({
      matched: true,
      fields: {
        date: "2026-11-25",
        time: "20:00:00",
        session: "UTC:10.0.0.1(51234):app_user@verscienta_health:[4242]:LOG:",
        label: "duration:",
        ms: "6001.234",
        unit: "ms",
      },
    });
    expect(matchSpaceDelimited(slowQueryPattern(5), FAST_LOGGED).matched).toBe(false);
  });

  it("matches exactly at the threshold (>=)", () => {
    expect(matchSpaceDelimited(slowQueryPattern(5), SLOW.replace("6001.234", "5000.000")).matched).toBe(true);
    expect(matchSpaceDelimited(slowQueryPattern(5), SLOW.replace("6001.234", "4999.999")).matched).toBe(
      false,
    );
  });

  it("does not match a duration line at another level, or a statement that quotes 'duration:'", () => {
    expect(matchSpaceDelimited(slowQueryPattern(5), SLOW.replace(":LOG:", ":WARNING:")).matched).toBe(false);
    const quoting =
      "2026-11-25 20:00:00 UTC:10.0.0.1(51234):app_user@verscienta_health:[4242]:LOG:  statement: insert into t values ('duration: 9999 ms')";
    expect(matchSpaceDelimited(slowQueryPattern(5), quoting).matched).toBe(false);
  });

  it("does not match an authentication failure", () => {
    expect(matchSpaceDelimited(slowQueryPattern(5), AUTH).matched).toBe(false);
  });
});

describe("AUTH_FAILURE_PATTERNS", () => {
  it("matches a failed password login and names the method", () => {
    const m = matchSpaceDelimited(AUTH_FAILURE_PATTERNS["auth-failed"], AUTH);
    expect(m.matched).toBe(true);
    expect(m.fields.method).toBe("password");
  });

  it("matches a failed IAM (PAM) login", () => {
    expect(
      matchSpaceDelimited(AUTH_FAILURE_PATTERNS["auth-failed"], AUTH.replace("password auth", "PAM auth"))
        .matched,
    ).toBe(true);
  });

  it("matches RDS's refusal of a non-TLS client", () => {
    const line =
      '2026-11-25 20:00:02 UTC:10.0.0.9(40000):app_user@verscienta_health:[4251]:FATAL:  no pg_hba.conf entry for host "10.0.0.9", user "app_user", database "verscienta_health", no encryption';
    expect(matchSpaceDelimited(AUTH_FAILURE_PATTERNS["no-hba-entry"], line).matched).toBe(true);
  });

  it("does not count a statement whose text mentions an authentication failure", () => {
    const line =
      "2026-11-25 20:00:00 UTC:10.0.0.1(51234):app_user@verscienta_health:[4242]:LOG:  statement: insert into notes values ('password authentication failed')";
    for (const p of Object.values(AUTH_FAILURE_PATTERNS))
      expect(matchSpaceDelimited(p, line).matched).toBe(false);
  });
});

describe("matchSpaceDelimited (CloudWatch semantics)", () => {
  it("treats runs of spaces as one separator and bracketed or quoted fields as one field", () => {
    expect(splitFields('a  b [c d] "e f"  g')).toEqual(["a", "b", "c d", "e f", "g"]);
  });

  it("keeps brackets inside a field as part of it", () => {
    expect(splitFields("UTC:host:[42]:LOG: x")).toEqual(["UTC:host:[42]:LOG:", "x"]);
  });

  it("requires the field count to agree without a trailing ellipsis", () => {
    expect(matchSpaceDelimited("[a, b]", "x y").matched).toBe(true);
    expect(matchSpaceDelimited("[a, b]", "x y z").matched).toBe(false);
    expect(matchSpaceDelimited("[a, b, ...]", "x y").matched).toBe(true);
  });

  it("fails a numeric comparison on a non-number", () => {
    expect(matchSpaceDelimited("[a, n>1]", "x abc").matched).toBe(false);
  });

  it("supports != and * wildcards in strings", () => {
    expect(matchSpaceDelimited('[a="x*", b!="no"]', "xyz yes").matched).toBe(true);
    expect(matchSpaceDelimited('[a="x*", b!="no"]', "xyz no").matched).toBe(false);
  });

  it("fails on a pattern that is not space-delimited", () => {
    expect(() => matchSpaceDelimited("ERROR", "x")).toThrow("not a space-delimited pattern");
  });
});
