/**
 * Value schemas for config keys. Pulumi hands every config value over as a string (objects and arrays
 * as JSON), so each schema accepts the string form too. Messages complete the sentence
 * "<key>: <value> ...".
 */
import { z } from "zod";

/** Pulumi's string form to the value it stands for: "true", "14", '["a"]'. Anything else unchanged. */
export const fromString = (v: unknown): unknown => {
  if (typeof v !== "string") return v;
  const t = v.trim();
  if (t === "true") return true;
  if (t === "false") return false;
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  if (t.startsWith("[") || t.startsWith("{")) {
    try {
      return JSON.parse(t);
    } catch {
      return v;
    }
  }
  return v;
};

export const int = (min: number, max: number, fix: string) =>
  z.preprocess(
    fromString,
    z
      .number({ error: `is not a number. ${fix}` })
      .int({ error: `is not a whole number. ${fix}` })
      .min(min, { error: `is below the minimum of ${min}. ${fix}` })
      .max(max, { error: `is above the maximum of ${max}. ${fix}` }),
  );

export const oneOfNumbers = (allowed: readonly number[], what: string) =>
  z.preprocess(
    fromString,
    z
      .number({ error: `is not a number. Use one of ${allowed.join(", ")}.` })
      .refine((n) => allowed.includes(n), {
        error: `is not ${what}. Use one of ${allowed.join(", ")}.`,
      }),
  );

export const bool = () =>
  z.preprocess(fromString, z.boolean({ error: "is not a boolean. Use true or false." }));

export const str = (pattern: RegExp, fix: string) =>
  z.preprocess(
    (v) => (typeof v === "number" ? String(v) : v),
    z.string({ error: `is not a string. ${fix}` }).regex(pattern, { error: `is not valid. ${fix}` }),
  );

export const oneOf = <T extends string>(allowed: readonly [T, ...T[]]) =>
  z.enum(allowed, { error: `is not one of ${allowed.join(", ")}. Use one of them.` });

/**
 * A list. A bare or comma-separated string ("10.0.0.0/8, 10.1.0.0/16") is the usual slip: show it as a
 * list. Items are judged one by one (zod reports each bad index), so one bad item hides none of the others.
 */
export const list = (item: z.ZodType<string>, fix: string) =>
  z.preprocess(
    (v) => (typeof v === "string" ? fromString(v) : v),
    z.array(item, {
      error: (issue) =>
        typeof issue.input === "string" && issue.input.trim() !== ""
          ? `is not a list. ${fix} Write it as a YAML list: [${issue.input
              .split(",")
              .map((s) => JSON.stringify(s.trim()))
              .join(", ")}].`
          : `is not a list. ${fix}`,
    }),
  );
