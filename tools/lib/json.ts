/** Reading JSON input files with errors that name the file and say what was expected. */
import { readFileSync } from "node:fs";
import { UsageError } from "./cli";

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: unknown };

export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Reads a text file, or throws a UsageError naming it. */
export function readText(file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT") throw new UsageError(`${file}: no such file`);
    if (code === "EISDIR") throw new UsageError(`${file}: is a directory, expected a file`);
    throw new UsageError(`${file}: cannot read (${code ?? String(e)})`);
  }
}

/** Parses JSON text, or throws a UsageError naming the file and what it should have been. */
export function parseJson(text: string, file: string, expected: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    const why = e instanceof Error ? e.message : String(e);
    throw new UsageError(`${file}: not valid JSON (${why}); expected ${expected}`);
  }
}

/** A short description of a JSON value for error messages. */
export function describe(v: unknown): string {
  if (v === undefined) return "missing";
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return "an object";
  if (typeof v === "string")
    return `the string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}...` : v)}`;
  return `${typeof v} ${String(v)}`;
}
