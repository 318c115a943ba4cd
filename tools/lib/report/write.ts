/** Renders a report in every format and writes the files into one directory. */
import { mkdirSync, statSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { UsageError } from "../cli";
import { renderHtml } from "./html";
import { renderJunit } from "./junit";
import { renderMarkdown } from "./markdown";
import type { Report } from "./model";
import { renderSarif } from "./sarif";

export const REPORT_FILES = {
  markdown: "hipaa-report.md",
  html: "hipaa-report.html",
  json: "hipaa-report.json",
  sarif: "hipaa-report.sarif",
  junit: "hipaa-report.junit.xml",
} as const;

const codeOf = (e: unknown): string => (e as NodeJS.ErrnoException).code ?? String(e);

/**
 * Creates `dir` and its missing parents one level at a time. Not `mkdirSync(dir, { recursive: true })`:
 * under /proc (and other pseudo file systems) mkdir of a new entry fails with ENOENT although the parent
 * exists, and Node's recursive mkdir answers ENOENT by re-creating the parent, forever, in C++: 100 % CPU,
 * deaf to SIGTERM (`--out /proc/x` did that; the mechanism is described in Kewton/CommandMate#1774 and
 * openclaw/openclaw#130807). Here each level is tried once and a failure is an error naming it.
 */
export function makeDirectory(dir: string, option = "--out"): void {
  const missing: string[] = [];
  for (let p = path.resolve(dir); ; p = path.dirname(p)) {
    let isDir: boolean | undefined;
    try {
      isDir = statSync(p).isDirectory();
    } catch (e) {
      // ENOTDIR: an ancestor is a file; walking up names it below.
      if (codeOf(e) !== "ENOENT" && codeOf(e) !== "ENOTDIR")
        throw new UsageError(`${option} ${dir}: cannot use ${p} (${codeOf(e)})`);
    }
    if (isDir === false) throw new UsageError(`${option} ${dir}: ${p} exists and is not a directory`);
    if (isDir === true) break;
    missing.unshift(p);
    if (path.dirname(p) === p) break;
  }
  for (const p of missing) {
    try {
      mkdirSync(p);
    } catch (e) {
      if (codeOf(e) === "EEXIST" && statSync(p).isDirectory()) continue;
      throw new UsageError(
        `${option} ${dir}: cannot create the directory ${p} (${codeOf(e)}); give a writable directory, e.g. artifacts/report`,
      );
    }
  }
}

/** The report as JSON: verdict, why it is incomplete, context, counts, controls, rules. */
export function renderJson(report: Report): string {
  return `${JSON.stringify(
    {
      verdict: report.verdict,
      incomplete: report.incomplete,
      meta: report.meta,
      summary: report.summary,
      controls: report.controls,
      rules: report.rules,
    },
    null,
    2,
  )}\n`;
}

/** Writes all formats; returns the paths written. */
export function writeReport(report: Report, outDir: string): Record<keyof typeof REPORT_FILES, string> {
  makeDirectory(outDir);
  const contents: Record<keyof typeof REPORT_FILES, string> = {
    markdown: renderMarkdown(report),
    html: renderHtml(report),
    json: renderJson(report),
    sarif: `${JSON.stringify(renderSarif(report), null, 2)}\n`,
    junit: renderJunit(report),
  };
  const written = {} as Record<keyof typeof REPORT_FILES, string>;
  for (const [k, file] of Object.entries(REPORT_FILES) as [keyof typeof REPORT_FILES, string][]) {
    const p = path.join(outDir, file);
    try {
      writeFileSync(p, contents[k]);
    } catch (e) {
      throw new UsageError(`--out ${outDir}: cannot write ${p} (${codeOf(e)}); give a writable directory`);
    }
    written[k] = p;
  }
  return written;
}
