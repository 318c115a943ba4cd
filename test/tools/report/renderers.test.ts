import { describe, expect, it } from "vitest";
import { esc, renderChart, renderHtml } from "../../../tools/lib/report/html";
import { renderJunit, xmlEsc } from "../../../tools/lib/report/junit";
import { mdCell, renderMarkdown, textBar } from "../../../tools/lib/report/markdown";
import { INCOMPLETE_RULE, renderSarif, SARIF_SCHEMA } from "../../../tools/lib/report/sarif";
import { renderJson } from "../../../tools/lib/report/write";
import { DB, ENTRIES, REPLICA, sampleReport } from "./sample";

describe("renderMarkdown", () => {
  const md = renderMarkdown(sampleReport());

  it("starts with the stack, environment, evidence, policy config, source, time, commit and pack version", () => {
    expect(md.split("\n").slice(0, 14)).toEqual([
      "# HIPAA compliance report: stack `prod`",
      "",
      "| | |",
      "|---|---|",
      "| Stack | prod |",
      "| Environment | prod |",
      "| Evidence | offline plan: the program run under mocks on a mock AWS account (account 123456789012); ARNs, ids and endpoints are the mock's, not a real account's |",
      "| Policy config | assumed: the default for dev |",
      "| Relaxed rules | rdsStorageEncrypted: advisory (pack default mandatory)<br>rdsMultiAz.minimumDays: 7 (pack default 35) |",
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
    expect(html).toContain(
      '<span id="verdict" class="verdict fail" data-verdict="fail">FAIL: 1 mandatory failure</span>',
    );
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
      '<testsuites name="HIPAA policy pack verscienta-hipaa on prod" tests="8" failures="2" errors="0" skipped="2">',
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

describe("an INCOMPLETE report, in every format", () => {
  const passesOnly = ENTRIES.filter((e) => e.status !== "fail");
  const gap = "no summaryEvent: the run never finished (the engine writes one at the end of every run)";
  const report = sampleReport(passesOnly, [gap]);

  it("is INCOMPLETE, not PASS, in Markdown, with the reason", () => {
    const md = renderMarkdown(report);
    expect(md).toContain("**INCOMPLETE**: 2 passed, 0 failed (0 mandatory), 1 not applicable");
    expect(md).toContain(`so this is not a pass:\n\n- ${gap}\n`);
    expect(md).not.toMatch(/\*\*PASS/);
  });

  it("is INCOMPLETE in HTML, in its own colour", () => {
    const html = renderHtml(report);
    expect(html).toContain(
      '<span id="verdict" class="verdict incomplete" data-verdict="incomplete">INCOMPLETE: not a pass, the input is not a complete record</span>',
    );
    expect(html).toContain(`<ul class="incomplete-list"><li>${esc(gap)}</li></ul>`);
    expect(html).toContain(".verdict.incomplete{background:var(--incomplete)}");
  });

  it("is an unsuccessful run with an error result in SARIF", () => {
    const run = (renderSarif(report) as { runs: Record<string, unknown>[] }).runs[0] as {
      invocations: {
        executionSuccessful: boolean;
        toolExecutionNotifications: { message: { text: string } }[];
      }[];
      results: { ruleId: string; level: string; message: { text: string } }[];
      properties: { verdict: string };
    };
    expect(run.invocations[0].executionSuccessful).toBe(false);
    expect(run.invocations[0].toolExecutionNotifications.map((n) => n.message.text)).toEqual([gap]);
    expect(run.results.map((r) => [r.ruleId, r.level, r.message.text])).toEqual([
      [INCOMPLETE_RULE.name, "error", `INCOMPLETE: ${gap}`],
    ]);
    expect(run.properties.verdict).toBe("incomplete");
  });

  it("is an error (not a failure) in JUnit", () => {
    const xml = renderJunit(report);
    expect(xml).toContain('tests="6" failures="0" errors="1" skipped="2">');
    expect(xml).toContain(
      `<testsuite name="Evidence completeness: INCOMPLETE" tests="1" failures="0" errors="1" skipped="0">`,
    );
    expect(xml).toContain(`<error message="${xmlEsc(gap)}" type="incomplete"/>`);
    expect(xml).toContain('<property name="verdict" value="incomplete"/>');
  });

  it("is the verdict field of the JSON", () => {
    const json = JSON.parse(renderJson(report)) as { verdict: string; incomplete: string[] };
    expect([json.verdict, json.incomplete]).toEqual(["incomplete", [gap]]);
  });
});

describe("evidence of the values a verdict rests on", () => {
  const PARAMS = "urn:pulumi:prod::verscienta-postgres::aws:rds/parameterGroup:ParameterGroup::params";
  const KEY = "urn:pulumi:prod::verscienta-postgres::aws:kms/key:Key::key";
  const statement = {
    Sid: "AwsServicesForThisAccount",
    Effect: "Allow",
    Principal: { AWS: "*" },
    Action: ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"],
    Resource: "*",
    Condition: {
      StringEquals: {
        "kms:CallerAccount": "123456789012",
        "kms:ViaService": ["rds.us-east-1.amazonaws.com"],
      },
    },
  };
  const report = sampleReport([
    ...ENTRIES,
    {
      ...ENTRIES[0],
      policy: "rdsParamForceSsl",
      urn: PARAMS,
      resourceName: "params",
      type: "aws:rds/parameterGroup:ParameterGroup",
      evidence: { family: "postgres16", "parameters[rds.force_ssl]": "1" },
    },
    {
      ...ENTRIES[0],
      policy: "kmsNoWildcardPrincipal",
      urn: KEY,
      resourceName: "key",
      type: "aws:kms/key:Key",
      evidence: { "policy.Statement[Sid=AwsServicesForThisAccount]": statement },
    },
  ]);
  const whole = JSON.stringify(statement);

  it("shows rds.force_ssl by name in Markdown and HTML", () => {
    expect(renderMarkdown(report)).toContain('family="postgres16", parameters[rds.force_ssl]="1"');
    expect(renderHtml(report)).toContain(
      '<div><span class="ek">parameters[rds.force_ssl]</span>: &quot;1&quot;</div>',
    );
  });

  it("shows the wildcard-principal statement whole, Condition included, in every format", () => {
    expect(renderMarkdown(report)).toContain(`policy.Statement[Sid=AwsServicesForThisAccount]=${whole}`);
    expect(renderHtml(report)).toContain(esc(whole));
    expect(whole).toContain('"Condition":{"StringEquals":{"kms:CallerAccount":"123456789012"');
  });

  it("keeps the evidence of the primary instance next to its verdict", () => {
    expect(report.entries.find((e) => e.urn === DB && e.policy === "rdsStorageEncrypted")?.evidence).toEqual({
      storageEncrypted: true,
    });
  });
});
