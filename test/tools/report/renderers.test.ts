import { describe, expect, it } from "vitest";
import { esc, renderChart, renderHtml } from "../../../tools/lib/report/html";
import { renderJunit, xmlEsc } from "../../../tools/lib/report/junit";
import { mdCell, renderMarkdown, textBar } from "../../../tools/lib/report/markdown";
import { renderSarif, SARIF_SCHEMA } from "../../../tools/lib/report/sarif";
import { REPLICA, sampleReport } from "./sample";

describe("renderMarkdown", () => {
  const md = renderMarkdown(sampleReport());

  it("starts with the stack, source, time, commit and pack version", () => {
    expect(md.split("\n").slice(0, 10)).toEqual([
      "# HIPAA compliance report: stack `prod`",
      "",
      "| | |",
      "|---|---|",
      "| Stack | prod |",
      "| Source | offline-plan (plan.json) |",
      "| Evaluated at | 2026-01-02T03:04:05.000Z |",
      "| Report generated | 2026-01-02T03:05:00.000Z |",
      "| Git commit | 0123456789abcdef0123456789abcdef01234567 |",
      "| Policy pack | verscienta-hipaa 0.1.0 |",
    ]);
  });

  it("gives the verdict and a per-control summary chart", () => {
    expect(md).toContain(
      "**FAIL**: 2 passed, 2 failed (1 mandatory), 1 not applicable, over 2 checked resources and 3 HIPAA controls.",
    );
    expect(md).toContain(
      "| 164.312(a)(2)(iv) | Encryption and decryption | ❌ fail | 2 | 1 | 1 | 🟥🟥🟥🟩🟩🟩🟩🟩🟩🟩 |",
    );
  });

  it("lists each verdict with its evidence, escaping table syntax and HTML", () => {
    expect(md).toContain(
      "| `rdsStorageEncrypted` | db-replica (aws:rds/instance:Instance) | ❌ fail | mandatory | storageEncrypted=false | storageEncrypted is false &lt;script&gt;alert(1)&lt;/script&gt; \\| pipe |",
    );
    expect(md).toContain("manageMasterUserPassword=true, password=[redacted]");
    expect(md).not.toContain("hunter2");
  });

  it("ends with remediation for each failing rule", () => {
    expect(md).toContain(
      "## Remediation\n\n- `rdsMultiAz`: Set multiAz: true.\n- `rdsStorageEncrypted`: Set storageEncrypted: true.\n",
    );
  });
});

describe("mdCell and textBar", () => {
  it("escapes pipes, backslashes and newlines", () => {
    expect(mdCell("a|b\\c\nd")).toBe("a\\|b\\\\c<br>d");
  });
  it("shows at least one red cell for any failure", () => {
    expect(textBar(99, 1, 4)).toBe("🟥🟩🟩🟩");
    expect(textBar(0, 0, 3)).toBe("···");
  });
});

describe("renderHtml", () => {
  const html = renderHtml(sampleReport());

  it("is self-contained: a CSP forbidding fetches, no script, no external URL", () => {
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`);
    expect(html).not.toMatch(/<script|<link|src=|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  });

  it("escapes every value", () => {
    expect(html).toContain("storageEncrypted is false &lt;script&gt;alert(1)&lt;/script&gt; | pipe");
    expect(html).not.toContain("<script>alert(1)");
    expect(html).not.toContain("hunter2");
  });

  it("has the verdict, the chart and one matrix section per control", () => {
    expect(html).toContain('<span id="verdict" class="verdict fail">FAIL: 1 mandatory failure</span>');
    expect(html.match(/<section class="card control"/g)?.length).toBe(3);
    expect(html).toContain(`title="${REPLICA}"`);
  });
});

describe("renderChart", () => {
  it("draws one row per control with proportional segments", () => {
    const svg = renderChart(sampleReport().controls);
    expect(svg.match(/<g class="chart-row"/g)?.length).toBe(3);
    // Encryption control: 2 pass of at most 4 verdicts → half of the 560px bar.
    expect(svg).toContain(
      '<rect x="330.0" y="30" width="280.0" height="18" fill="#1a7f37"><title>164.312(a)(2)(iv): 2 pass</title></rect>',
    );
    expect(svg).toContain('fill="#cf222e"><title>164.312(a)(2)(iv): 1 mandatory fail</title>');
  });
});

describe("esc", () => {
  it("escapes the five HTML-significant characters", () => {
    expect(esc(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });
});

describe("renderSarif", () => {
  const sarif = renderSarif(sampleReport()) as {
    $schema: string;
    version: string;
    runs: {
      tool: { driver: { name: string; version: string; rules: Record<string, unknown>[] } };
      results: Record<string, unknown>[];
    }[];
  };

  it("is SARIF 2.1.0 with one run whose rules come from the pack metadata", () => {
    expect([sarif.$schema, sarif.version, sarif.runs.length]).toEqual([SARIF_SCHEMA, "2.1.0", 1]);
    const driver = sarif.runs[0].tool.driver;
    expect([driver.name, driver.version]).toEqual(["verscienta-hipaa", "0.1.0"]);
    expect(driver.rules[0]).toEqual({
      id: "rdsStorageEncrypted",
      name: "rdsStorageEncrypted",
      shortDescription: { text: "RDS storage is encrypted at rest." },
      fullDescription: { text: "RDS storage is encrypted at rest." },
      help: { text: "Set storageEncrypted: true." },
      defaultConfiguration: { level: "error" },
      properties: {
        tags: ["security", "hipaa", "HIPAA-164.312(a)(2)(iv)"],
        "security-severity": "9.5",
        awsConfigRule: "rds-storage-encrypted",
        precision: "very-high",
      },
    });
  });

  it("reports failures only: error for mandatory, warning for advisory, located at the URN", () => {
    const results = sarif.runs[0].results;
    expect(results.map((r) => [r.ruleId, r.ruleIndex, r.level])).toEqual([
      ["rdsStorageEncrypted", 0, "error"],
      ["rdsMultiAz", 1, "warning"],
    ]);
    expect(results[0].locations).toEqual([
      {
        physicalLocation: { artifactLocation: { uri: "Pulumi.prod.yaml" }, region: { startLine: 1 } },
        logicalLocations: [{ fullyQualifiedName: REPLICA, name: "db-replica", kind: "resource" }],
      },
    ]);
    expect(results[0].message).toEqual({
      text: "db-replica: storageEncrypted is false <script>alert(1)</script> | pipe",
    });
  });

  it("gives each rule × resource its own fingerprint", () => {
    const fps = sarif.runs[0].results.map(
      (r) => (r.partialFingerprints as Record<string, string>).primaryLocationLineHash,
    );
    expect(new Set(fps).size).toBe(2);
  });
});

describe("renderJunit", () => {
  const xml = renderJunit(sampleReport());

  it("has one suite per control with counts", () => {
    expect(xml).toContain(
      '<testsuites name="HIPAA policy pack verscienta-hipaa on prod" tests="7" failures="2" errors="0" skipped="2">',
    );
    expect(xml).toContain(
      '<testsuite name="HIPAA 164.312(a)(2)(iv) Encryption and decryption" tests="4" failures="1" errors="0" skipped="1" timestamp="2026-01-02T03:04:05.000Z">',
    );
  });

  it("has a failure element per failing rule × resource, escaped", () => {
    expect(xml).toContain(
      '<testcase name="rdsStorageEncrypted › db-replica" classname="164.312(a)(2)(iv) Encryption and decryption">\n      <failure message="storageEncrypted is false &lt;script&gt;alert(1)&lt;/script&gt; | pipe" type="mandatory">',
    );
    expect(xml).toContain(
      '<testcase name="rdsStorageEncrypted › db-primary" classname="164.312(a)(2)(iv) Encryption and decryption"/>',
    );
    expect(xml).toContain('<skipped message="read replica"/>');
    expect(xml).not.toContain("hunter2");
  });
});

describe("xmlEsc", () => {
  it("escapes markup and drops characters XML cannot carry", () => {
    expect(xmlEsc("a<b>&\"'\u0001c")).toBe("a&lt;b&gt;&amp;&quot;&apos;c");
  });
});
