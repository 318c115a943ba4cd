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
 * Why every pattern comes in two variants. PostgreSQL writes TWO spaces after the level (`LOG:  `,
 * `FATAL:  `) and after `ms`. The CloudWatch documentation does not say whether a space-delimited
 * filter treats a run of spaces as one separator ("collapse") or splits at every space, so that two
 * spaces yield an empty field "" ("single"), and this could not be checked offline. Under "single"
 * every collapse pattern would silently never match and the slow-query and HIPAA log-in monitoring
 * alarms would never fire. So each pattern has a "collapse" variant and a "single" variant that puts a
 * bare `gap` field where the extra space is (after the session field; the trailing `...` already takes
 * the one after `ms`). Both are registered as metric filters feeding the same metric, and they are
 * built so that on every real line exactly one of them matches, whichever tokenisation CloudWatch uses:
 * - under "collapse" the single variant's `gap` takes the first word of the message ("duration:",
 *   "password", "no", "pg_hba.conf"), so the next named field meets the second word (the number,
 *   "authentication", "pg_hba.conf", "rejects") and its literal comparison fails;
 * - under "single" the collapse variant's first field after the session meets the empty field "",
 *   which equals none of its literals ("duration:", "authentication" two fields on, "no", "pg_hba.conf").
 * The metric is therefore never counted twice. (Under "collapse" the single variant could only match a
 * LOG/FATAL message shaped like a real one shifted one word right, e.g. `LOG:  x duration: 9999 ms` or
 * `FATAL:  x pg_hba.conf rejects`; no PostgreSQL or pgaudit message has that shape, and a logged
 * statement cannot start with "duration:" because it has to parse first.)
 *
 * Verifying and cleaning up. Run each variant against a real line from the RDS log group:
 *
 *   aws logs test-metric-filter \
 *     --filter-pattern '[date, time, session="*:LOG:", label="duration:", ms>=5000, unit="ms", ...]' \
 *     --log-event-messages '2026-11-25 20:00:00 UTC:10.0.0.1(51234):app_user@verscienta_health:[4242]:LOG:  duration: 6001.234 ms  statement: select pg_sleep(6)'
 *
 * (and the same with the "single" pattern, which adds `gap,` after `session=...`). Exactly one of the
 * two should report a match (if neither does, CloudWatch splits fields in a third way and both
 * variants need rework). If the collapse variant matches, CloudWatch collapses runs of spaces: delete the
 * "single" variants (the entries with `tokenisation: "single"` and their `-single` metric filters). If
 * the single variant matches, delete the "collapse" ones instead, keeping the single ones' resource
 * names (or alias them) so the filters are not replaced. Do the same for a FATAL log-in line.
 *
 * @see https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html
 */

/**
 * How CloudWatch splits a log event into space-delimited fields, which is not documented (see above):
 * - "collapse": a run of spaces is one separator (no empty fields);
 * - "single": every space separates, so two consecutive spaces yield an empty field "".
 * In both, a field that starts with `"` or `[` runs to the matching `"` or `]` (if that is followed by a
 * space or the end of the line) and is one field without its quotes or brackets.
 */
export type Tokenisation = "collapse" | "single";
export const TOKENISATIONS: readonly Tokenisation[] = ["collapse", "single"];

/** One metric-filter pattern for one tokenisation. */
export interface PatternVariant {
  /** The pattern's stable name; the metric filter's suffix is `variantSuffix(...)`. */
  readonly name: string;
  readonly tokenisation: Tokenisation;
  readonly pattern: string;
}

/** The metric filter's name suffix: the pattern's name, plus `-single` for the "single" variant. */
export const variantSuffix = (v: Pick<PatternVariant, "name" | "tokenisation">): string =>
  v.tokenisation === "collapse" ? v.name : `${v.name}-single`;

/** Inserts a bare `gap` field after the session field: the "single" variant of a collapse pattern. */
const withGap = (collapsePattern: string): string => {
  const single = collapsePattern.replace(/^(\[date, time, session="[^"]*", )/, "$1gap, ");
  if (single === collapsePattern) throw new Error(`no session field to follow in ${collapsePattern}`);
  return single;
};

/**
 * Slow statements: the duration lines `log_min_duration_statement` (1000 ms in the parameter group)
 * writes, at or above `thresholdSeconds`. The session field ends with the level, `LOG:`.
 * Both variants; the trailing `...` takes the statement (and, under "single", the empty field after `ms`).
 */
export function slowQueryPatterns(thresholdSeconds: number): Readonly<Record<Tokenisation, string>> {
  if (!Number.isInteger(thresholdSeconds) || thresholdSeconds < 1) {
    throw new Error(
      `slowQuerySeconds: ${thresholdSeconds} is not a positive whole number of seconds. Use 1 or more.`,
    );
  }
  const collapse = `[date, time, session="*:LOG:", label="duration:", ms>=${thresholdSeconds * 1000}, unit="ms", ...]`;
  return { collapse, single: withGap(collapse) };
}

/** One variant of the slow-query pattern (the "collapse" one unless told). */
export function slowQueryPattern(thresholdSeconds: number, tokenisation: Tokenisation = "collapse"): string {
  return slowQueryPatterns(thresholdSeconds)[tokenisation];
}

/** The slow-query variants as data, named "slow-queries" (filters `slow-queries`, `slow-queries-single`). */
export function slowQueryVariants(thresholdSeconds: number): PatternVariant[] {
  const patterns = slowQueryPatterns(thresholdSeconds);
  return TOKENISATIONS.map((tokenisation) => ({
    name: "slow-queries",
    tokenisation,
    pattern: patterns[tokenisation],
  }));
}

const AUTH_FAILURE_COLLAPSE = {
  "auth-failed": `[date, time, session="*:FATAL:", method, auth="authentication", failed="failed", ...]`,
  "no-hba-entry": `[date, time, session="*:FATAL:", no="no", hba="pg_hba.conf", entry="entry", ...]`,
  "hba-rejects": `[date, time, session="*:FATAL:", hba="pg_hba.conf", rejects="rejects", ...]`,
} as const;

export type AuthFailurePatternName = keyof typeof AUTH_FAILURE_COLLAPSE;

/**
 * Failed logins (HIPAA 164.308(a)(5)(ii)(C) log-in monitoring), three patterns feeding one metric,
 * each in both tokenisations (six metric filters):
 * - `FATAL:  <method> authentication failed for user "..."`: wrong password (scram/md5 say "password"),
 *   failed IAM token ("PAM");
 * - `FATAL:  no pg_hba.conf entry for host ...`: a client refused outright, e.g. without TLS under
 *   rds.force_ssl (RDS's wording);
 * - `FATAL:  pg_hba.conf rejects connection for host ...`: the same refusal by an explicit `reject`
 *   rule (the local twin's wording for non-TLS clients; RDS may use it for its own rules).
 * Anchored on the FATAL level in the prefix field so statement text that quotes these words never counts.
 */
export const AUTH_FAILURE_PATTERNS: readonly PatternVariant[] = (
  Object.entries(AUTH_FAILURE_COLLAPSE) as [AuthFailurePatternName, string][]
).flatMap(([name, collapse]) => [
  { name, tokenisation: "collapse" as const, pattern: collapse },
  { name, tokenisation: "single" as const, pattern: withGap(collapse) },
]);

/** One variant of a failed-login pattern (the "collapse" one unless told). */
export function authFailurePattern(
  name: AuthFailurePatternName,
  tokenisation: Tokenisation = "collapse",
): string {
  const found = AUTH_FAILURE_PATTERNS.find((v) => v.name === name && v.tokenisation === tokenisation);
  if (!found) throw new Error(`no ${tokenisation} variant of the failed-login pattern "${name}"`);
  return found.pattern;
}

// ---------------------------------------------------------------------------------------------------
// A matcher for the subset of the filter-pattern syntax used here.
// ---------------------------------------------------------------------------------------------------

type Op = "=" | "!=" | "<" | "<=" | ">" | ">=";
type Field =
  | { kind: "ellipsis" }
  | { kind: "any"; name: string }
  | { kind: "cmp"; name: string; op: Op; value: string | number };

const isSpace = (c: string | undefined): boolean => c === " " || c === "\t";

/**
 * Splits a log line into fields (see `Tokenisation`): under "collapse" runs of spaces separate and
 * leading or trailing spaces are ignored; under "single" every space separates, so two spaces yield an
 * empty field "". In both, "..." and [...] are single fields.
 */
export function splitFields(line: string, mode: Tokenisation = "collapse"): string[] {
  const fields: string[] = [];
  if (mode === "single" && line === "") return fields;
  let i = 0;
  while (i <= line.length) {
    if (mode === "collapse") {
      while (isSpace(line[i])) i++;
      if (i >= line.length) break;
    }
    // One field from i: quoted or bracketed, or up to the next space (empty if line[i] is a space).
    const open = line[i];
    let field: string | undefined;
    if (open === '"' || open === "[") {
      const end = line.indexOf(open === '"' ? '"' : "]", i + 1);
      if (end !== -1 && (end + 1 === line.length || isSpace(line[end + 1]))) {
        field = line.slice(i + 1, end);
        i = end + 1;
      }
    }
    if (field === undefined) {
      let j = i;
      while (j < line.length && !isSpace(line[j])) j++;
      field = line.slice(i, j);
      i = j;
    }
    fields.push(field);
    if (mode === "single") {
      if (i >= line.length) break;
      i++; // exactly one separator; a following space starts an empty field
    }
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
 * `mode` is how the line is split into fields (see `Tokenisation`).
 */
export function matchSpaceDelimited(
  pattern: string,
  line: string,
  mode: Tokenisation = "collapse",
): FieldMatch {
  const fields = parseFields(pattern);
  const values = splitFields(line, mode);
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
