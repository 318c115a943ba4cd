/** Renders a report in every format and writes the files into one directory. */
import { mkdirSync, writeFileSync } from "node:fs";
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

/** Writes all formats; returns the paths written. */
export function writeReport(report: Report, outDir: string): Record<keyof typeof REPORT_FILES, string> {
  try {
    mkdirSync(outDir, { recursive: true });
  } catch (e) {
    throw new UsageError(
      `--out ${outDir}: cannot create the directory (${(e as NodeJS.ErrnoException).code ?? String(e)})`,
    );
  }
  const contents: Record<keyof typeof REPORT_FILES, string> = {
    markdown: renderMarkdown(report),
    html: renderHtml(report),
    json: `${JSON.stringify({ meta: report.meta, summary: report.summary, controls: report.controls, rules: report.rules }, null, 2)}\n`,
    sarif: `${JSON.stringify(renderSarif(report), null, 2)}\n`,
    junit: renderJunit(report),
  };
  const written = {} as Record<keyof typeof REPORT_FILES, string>;
  for (const [k, file] of Object.entries(REPORT_FILES) as [keyof typeof REPORT_FILES, string][]) {
    const p = path.join(outDir, file);
    writeFileSync(p, contents[k]);
    written[k] = p;
  }
  return written;
}
