/**
 * The auditor's HTML report in a real headless Chromium (Debian's `chromium`, driven by
 * playwright-core): made from an offline plan of the prod stack, it renders without console or page
 * errors, shows the chart and the matrix, and a screenshot is kept in artifacts/.
 */
import { existsSync, mkdirSync, statSync } from "node:fs";
import * as path from "node:path";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runPlan } from "../../tools/lib/planRun";
import { loadInput } from "../../tools/lib/report/load";
import { buildReport } from "../../tools/lib/report/model";
import { CONTROL_NAMES, packRules } from "../../tools/lib/report/packRules";
import { writeReport } from "../../tools/lib/report/write";

const CHROMIUM = "/usr/bin/chromium";
const OUT = path.resolve(__dirname, "../../artifacts/report-browser");

describe("the HTML report in headless Chromium", () => {
  let browser: Browser;
  let htmlFile: string;
  let failing: number;

  beforeAll(async () => {
    const plan = await runPlan({
      stack: "prod",
      commit: "0000000000000000000000000000000000000000",
      now: () => new Date("2026-01-02T03:04:05Z"),
    });
    const rules = packRules();
    const loaded = loadInput(JSON.stringify(plan), "plan-prod.json", rules);
    const report = buildReport(
      {
        ...loaded.meta,
        input: "plan-prod.json",
        generatedAt: "2026-01-02T03:05:00.000Z",
        packName: plan.packName,
      },
      loaded.entries,
      rules,
      CONTROL_NAMES,
    );
    failing = report.summary.fail;
    mkdirSync(OUT, { recursive: true });
    htmlFile = writeReport(report, OUT).html;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
  });

  it("renders with no console errors, no page errors and no network requests", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    const requests: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error" || m.type() === "warning") problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on("pageerror", (e) => problems.push(`pageerror: ${e.message}`));
    page.on("request", (r) => {
      if (!r.url().startsWith("file://")) requests.push(r.url());
    });
    await page.goto(`file://${htmlFile}`, { waitUntil: "load" });

    expect(await page.locator("h1").textContent()).toBe("HIPAA compliance report: prod");
    await expect.poll(() => page.locator("#chart").isVisible()).toBe(true);
    expect(await page.locator("#chart g.chart-row").count()).toBe(Object.keys(CONTROL_NAMES).length);
    const box = await page.locator("#chart").boundingBox();
    expect(box!.width).toBeGreaterThan(600);
    expect(await page.locator("#matrix").isVisible()).toBe(true);
    expect(await page.locator("#matrix section.control").count()).toBe(Object.keys(CONTROL_NAMES).length);
    expect(await page.locator("#matrix tr.fail").count()).toBeGreaterThanOrEqual(failing);

    const shot = path.join(OUT, "hipaa-report.png");
    await page.screenshot({ path: shot, fullPage: false });
    await page.screenshot({ path: path.join(OUT, "hipaa-report-full.png"), fullPage: true });
    expect(existsSync(shot) && statSync(shot).size > 10_000).toBe(true);
    expect(problems).toEqual([]);
    expect(requests).toEqual([]);
    await page.close();
  });
});
