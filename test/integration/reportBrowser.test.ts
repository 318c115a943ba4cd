/**
 * The auditor's HTML report in a real headless Chromium (Debian's `chromium`, driven by
 * playwright-core): made from an offline plan of the prod stack, it renders without console or page
 * errors, shows the chart and the matrix, and a screenshot is kept in artifacts/.
 */
import { existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { type Browser, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM_BIN } from "../../local/systemBinaries";
import { MOCK_ACCOUNT } from "../../testing/mockCloud";
import { policyConfigFor } from "../../tools/lib/pack";
import { runPlan } from "../../tools/lib/planRun";
import { loadInput } from "../../tools/lib/report/load";
import { makeReport } from "../../tools/lib/report/make";
import { CONTROL_NAMES, packEvidence, packRules } from "../../tools/lib/report/packRules";
import { writeReport } from "../../tools/lib/report/write";

const OUT = path.resolve(__dirname, "../../artifacts/report-browser");

describe("the HTML report in headless Chromium", () => {
  let browser: Browser;
  let htmlFile: string;
  let incompleteFile: string;
  let failing: number;

  beforeAll(async () => {
    const plan = await runPlan({
      stack: "prod",
      commit: "0000000000000000000000000000000000000000",
      now: () => new Date("2026-01-02T03:04:05Z"),
    });
    const rules = packRules();
    const make = (text: string, input: string) =>
      makeReport(loadInput(text, input, rules, { evidence: packEvidence }), {
        input,
        generatedAt: "2026-01-02T03:05:00.000Z",
        rules,
        controlNames: CONTROL_NAMES,
        packName: plan.packName,
        defaultPolicyConfig: policyConfigFor,
        mockAccount: MOCK_ACCOUNT,
      });
    const report = make(JSON.stringify(plan), "plan-prod.json");
    failing = report.summary.fail;
    mkdirSync(OUT, { recursive: true });
    htmlFile = writeReport(report, OUT).html;
    // The recorded event log cut before the replica's verdicts: what is left passes.
    const events = readFileSync(path.resolve(__dirname, "../fixtures/events-prod.ndjson"), "utf8");
    const cut = make(`${events.split("\n").slice(0, 7).join("\n")}\n`, "events-cut.ndjson");
    incompleteFile = writeReport(cut, path.join(OUT, "incomplete")).html;
    browser = await chromium.launch({
      executablePath: CHROMIUM_BIN,
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

  it("shows the exact parameter and key-policy statement each verdict rests on, and the context", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`file://${htmlFile}`, { waitUntil: "load" });
    const forceSsl = page.locator("tr", { hasText: "rdsParamForceSsl" }).locator("td.evidence").first();
    await forceSsl.scrollIntoViewIfNeeded();
    expect(await forceSsl.isVisible()).toBe(true);
    expect(await forceSsl.innerText()).toBe('family: "postgres16"\nparameters[rds.force_ssl]: "1"');
    const kms = page.locator("tr", { hasText: "kmsNoWildcardPrincipal" }).locator("td.evidence").first();
    expect(await kms.innerText()).toMatch(
      /"Principal":\{"AWS":"\*"\}.*"Condition":\{"StringEquals":\{"kms:CallerAccount"/s,
    );
    const meta = await page.locator("dl.meta").innerText();
    expect(meta).toContain(`mock AWS account (account ${MOCK_ACCOUNT})`);
    expect(meta).toContain("Environment\nprod");
    await page.close();
  });

  it("shows an incomplete input as INCOMPLETE, in its own colour, never as PASS", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await page.goto(`file://${incompleteFile}`, { waitUntil: "load" });
    const verdict = page.locator("#verdict");
    expect(await verdict.isVisible()).toBe(true);
    expect(await verdict.innerText()).toBe("INCOMPLETE: not a pass, the input is not a complete record");
    // A function, not a string: Playwright only invokes a string that is a function expression for
    // page.evaluate, and a locator's string expression evaluates to the function itself (undefined here).
    const background = (e: unknown): string =>
      (
        globalThis as unknown as { getComputedStyle(el: unknown): { backgroundColor: string } }
      ).getComputedStyle(e).backgroundColor;
    expect(await verdict.evaluate(background)).toBe("rgb(130, 80, 223)");
    expect(await page.locator("#incomplete li").allInnerTexts()).toContain(
      "pack verscienta-hipaa: 1 of 3 resources have no policy summary (policyAnalyzeSummaryEvent): verscienta-prod-replica-1-instance",
    );
    expect(await page.locator("body").innerText()).not.toMatch(/\bPASS\b/);
    await page.screenshot({ path: path.join(OUT, "hipaa-report-incomplete.png"), fullPage: false });
    await page.close();
  });
});
