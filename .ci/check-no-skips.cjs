// Fails CI when vitest skipped anything or when the integration tests did not run at all.
const fs = require("node:fs");
const file = process.argv[2];
const report = JSON.parse(fs.readFileSync(file, "utf8"));
const skipped = [];
let integration = 0;
for (const suite of report.testResults) {
  const isIntegration = suite.name.includes("/test/integration/");
  for (const t of suite.assertionResults) {
    if (isIntegration && t.status === "passed") integration++;
    if (t.status === "skipped" || t.status === "pending" || t.status === "todo" || t.status === "disabled") {
      skipped.push(`${suite.name.replace(process.cwd(), ".")} > ${t.fullName}`);
    }
  }
}
if (skipped.length > 0) {
  console.error(
    `CI: ${skipped.length} test(s) were skipped; integration tests must run here:\n  ${skipped.join("\n  ")}`,
  );
  process.exit(1);
}
if (integration === 0) {
  console.error("CI: no integration test ran (test/integration/**): the real-server tests are required.");
  process.exit(1);
}
if (report.numFailedTests > 0 || !report.success) {
  console.error(`CI: ${report.numFailedTests} failed test(s).`);
  process.exit(1);
}
console.log(`${integration} integration tests ran against real servers; none skipped.`);
// The plain closing line CI reads: "N passed, N failed" alone on a line.
console.log(`CI: ${report.numPassedTests} passed, ${report.numFailedTests} failed`);
