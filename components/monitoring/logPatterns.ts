/**
 * CloudWatch Logs metric-filter patterns for the `postgresql` log group, and a small matcher with
 * CloudWatch's space-delimited semantics so the patterns can be checked against real PostgreSQL 16
 * output (test/integration/logPatterns.test.ts runs them on the local twin's log).
 *
 * RDS writes every line with `log_line_prefix = '%t:%r:%u@%d:[%p]:'`, so a slow statement reads
 *
 *   2026-11-25 20:00:00 UTC:10.0.0.1(51234):app_user@verscienta_health:[4242]:LOG:  duration: 6001.234 ms  statement: ...
 *
 * Split on runs of spaces, the fields are: 1 date, 2 time, 3 "UTC:<host>(<port>):<user>@<db>:[<pid>]:LOG:",
 * 4 "duration:", 5 the milliseconds, 6 "ms", then the statement. The pattern names those positions and
 * compares field 5 as a number, which a plain term pattern cannot do.
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
 */

/**
 * Slow statements: the duration lines `log_min_duration_statement` (1000 ms in the parameter group)
 * writes, at or above `thresholdSeconds`. The session field ends with the level, `LOG:`.
 */
export function slowQueryPattern(thresholdSeconds: number): string {
  if (!Number.isInteger(thresholdSeconds) || thresholdSeconds < 1) {
    throw new Error(
      `slowQuerySeconds: ${thresholdSeconds} is not a positive whole number of seconds. Use 1 or more.`,
    );
  }
  return `[date, time, session="*:LOG:", label="duration:", ms>=${thresholdSeconds * 1000}, unit="ms", ...]`;
}

/**
 * Failed logins (HIPAA 164.308(a)(5)(ii)(C) log-in monitoring), three patterns feeding one metric:
 * - `FATAL:  <method> authentication failed for user "..."`: wrong password (scram/md5 say "password"),
 *   failed IAM token ("PAM");
 * - `FATAL:  no pg_hba.conf entry for host ...`: a client refused outright, e.g. without TLS under
 *   rds.force_ssl (RDS's wording);
 * - `FATAL:  pg_hba.conf rejects connection for host ...`: the same refusal by an explicit `reject`
 *   rule (the local twin's wording for non-TLS clients; RDS may use it for its own rules).
 * Anchored on the FATAL level in the prefix field so statement text that quotes these words never counts.
 */
export const AUTH_FAILURE_PATTERNS = {
  "auth-failed": `[date, time, session="*:FATAL:", method, auth="authentication", failed="failed", ...]`,
  "no-hba-entry": `[date, time, session="*:FATAL:", no="no", hba="pg_hba.conf", entry="entry", ...]`,
  "hba-rejects": `[date, time, session="*:FATAL:", hba="pg_hba.conf", rejects="rejects", ...]`,
} as const;

export type AuthFailurePattern = keyof typeof AUTH_FAILURE_PATTERNS;

// ---------------------------------------------------------------------------------------------------
// A matcher for the subset of the filter-pattern syntax used here.
// ---------------------------------------------------------------------------------------------------

type Op = "=" | "!=" | "<" | "<=" | ">" | ">=";
type Field =
  | { kind: "ellipsis" }
  | { kind: "any"; name: string }
  | { kind: "cmp"; name: string; op: Op; value: string | number };

/** Splits a log line into fields: runs of spaces separate; "..." and [...] are single fields. */
export function splitFields(line: string): string[] {
  const fields: string[] = [];
  let i = 0;
  while (i < line.length) {
    while (line[i] === " " || line[i] === "\t") i++;
    if (i >= line.length) break;
    const open = line[i];
    if (open === '"' || open === "[") {
      const close = open === '"' ? '"' : "]";
      const end = line.indexOf(close, i + 1);
      if (end !== -1 && (end + 1 === line.length || line[end + 1] === " " || line[end + 1] === "\t")) {
        fields.push(line.slice(i + 1, end));
        i = end + 1;
        continue;
      }
    }
    let j = i;
    while (j < line.length && line[j] !== " " && line[j] !== "\t") j++;
    fields.push(line.slice(i, j));
    i = j;
  }
  return fields;
}

function parseFields(pattern: string): Field[] {
  const body = pattern.trim();
  if (!body.startsWith("[") || !body.endsWith("]"))
    throw new Error(`not a space-delimited pattern: ${pattern}`);
  return body
    .slice(1, -1)
    .split(",")
    .map((raw): Field => {
      const f = raw.trim();
      if (f === "...") return { kind: "ellipsis" };
      const m = /^([A-Za-z_][A-Za-z0-9_]*)\s*(!=|<=|>=|=|<|>)\s*(.+)$/.exec(f);
      if (!m) {
        if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(f)) throw new Error(`bad field "${f}" in ${pattern}`);
        return { kind: "any", name: f };
      }
      const rawValue = m[3].trim();
      const value =
        rawValue.startsWith('"') && rawValue.endsWith('"') ? rawValue.slice(1, -1) : Number(rawValue);
      if (typeof value === "number" && Number.isNaN(value))
        throw new Error(`bad value "${rawValue}" in ${pattern}`);
      return { kind: "cmp", name: m[1], op: m[2] as Op, value };
    });
}

const glob = (p: string, s: string): boolean =>
  new RegExp(
    `^${p
      .split("*")
      .map((x) => x.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join(".*")}$`,
    "s",
  ).test(s);

function fieldMatches(f: Field, v: string): boolean {
  if (f.kind !== "cmp") return true;
  if (typeof f.value === "string") {
    const eq = glob(f.value, v);
    return f.op === "=" ? eq : f.op === "!=" ? !eq : false;
  }
  if (v.trim() === "") return false;
  const n = Number(v);
  if (Number.isNaN(n)) return false;
  switch (f.op) {
    case "=":
      return n === f.value;
    case "!=":
      return n !== f.value;
    case "<":
      return n < f.value;
    case "<=":
      return n <= f.value;
    case ">":
      return n > f.value;
    case ">=":
      return n >= f.value;
  }
}

export interface FieldMatch {
  readonly matched: boolean;
  /** Named fields and their values, when matched. */
  readonly fields: Readonly<Record<string, string>>;
}

/**
 * Applies a space-delimited pattern to one log event: fields are matched left to right, `...` takes
 * any number of fields (including none), and without a trailing `...` the field counts must agree.
 */
export function matchSpaceDelimited(pattern: string, line: string): FieldMatch {
  const fields = parseFields(pattern);
  const values = splitFields(line);
  const named: Record<string, string> = {};
  const go = (fi: number, vi: number): boolean => {
    if (fi === fields.length) return vi === values.length;
    const f = fields[fi];
    if (f.kind === "ellipsis") {
      for (let k = vi; k <= values.length; k++) if (go(fi + 1, k)) return true;
      return false;
    }
    if (vi >= values.length || !fieldMatches(f, values[vi])) return false;
    named[f.name] = values[vi];
    return go(fi + 1, vi + 1);
  };
  const matched = go(0, 0);
  return { matched, fields: matched ? named : {} };
}
