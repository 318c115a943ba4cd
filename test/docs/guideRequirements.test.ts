import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
// The same sources tools/guideDocs.ts reads: the guide's numbers in spec/, the functions that apply them
// in components/. When a constant moves, change these imports and the generator's.
import { RESTORE_TEST_SCHEDULE } from "../../components/backup/defaults";
import { PGBOUNCER_PORT } from "../../components/pooling/pgbouncerConfig";
import { appPoolSettingsPooled } from "../../components/pooling/poolSettings";
import { accessModel } from "../../components/postgres/accessModel";
import { postgresParameters, rdsOnlyParameters } from "../../components/rds/parameters";
import { RDS_LIMITS } from "../../spec/awsLimits";
import { CACHE_HIT_RATIO_MIN_PERCENT, COLUMN_KEY_BYTES } from "../../spec/databaseOps";
import {
  ALLOWED_EXTENSIONS,
  APP_POOL,
  DEFAULT_DR_REGIONS,
  GUIDE_DATABASE,
  GUIDE_EXTENSIONS,
  GUIDE_PGBOUNCER,
  GUIDE_PROXY,
  GUIDE_ROLES,
  GUIDE_THRESHOLDS,
} from "../../spec/guide";
import { AUDIT_RETENTION_DAYS, DAILY_BACKUP_MIN_DAYS, PROD_PITR_DAYS } from "../../spec/hipaa";
import { maxConnectionsForMemoryMiB } from "../../spec/instanceProfile";
import { KEYS } from "../../spec/keys";
import {
  BLOCK_END,
  BLOCK_START,
  GUIDE_AREAS,
  GUIDE_DOC,
  type GuideArea,
  type GuideRequirement,
  README_DEPARTURES,
  replaceGuideBlock,
  sameGuideValue,
  slug,
} from "../../tools/guideDocs";

const ROOT = path.resolve(__dirname, "../..");
const read = (p: string) => readFileSync(path.join(ROOT, p), "utf8");
const DOC = readFileSync(GUIDE_DOC, "utf8");
const ROWS = GUIDE_AREAS.flatMap((a) => a.rows);

/**
 * What the page must show on our side, read here again from each source rather than from the catalog,
 * so a row wired to the wrong constant fails too. Arrays are compared comma-joined.
 */
const params = postgresParameters({ pgauditEnabled: true, pgauditLog: KEYS.pgauditLog.default ?? "" });
const model = accessModel({
  database: GUIDE_DATABASE.name,
  extensions: GUIDE_EXTENSIONS,
  ownerRoleName: GUIDE_ROLES.owner.name,
  appRoleName: GUIDE_ROLES.app.name,
  analyticsRoleName: GUIDE_ROLES.analytics.name,
  ownerConnectionLimit: GUIDE_ROLES.owner.connectionLimit,
  appConnectionLimit: GUIDE_ROLES.app.connectionLimit,
  analyticsConnectionLimit: GUIDE_ROLES.analytics.connectionLimit,
});
const [owner, app, analytics] = (["owner", "app", "analytics"] as const).map(
  (k) => model.roles.find((r) => r.kind === k)!,
);
type Shown = string | number | boolean | readonly string[];
const EXPECTED_OURS: Readonly<Record<string, Shown | undefined>> = {
  "engine.minimum": RDS_LIMITS.minEngineMajor,
  "migrations.columnEncryption": COLUMN_KEY_BYTES,
  "monitoring.cacheHitRatio": CACHE_HIT_RATIO_MIN_PERCENT,
  "engine.default": KEYS.engineVersion.default,
  "database.name": GUIDE_DATABASE.name,
  "extensions.default": GUIDE_EXTENSIONS,
  "extensions.preload": params.shared_preload_libraries,
  "extensions.postgis": ALLOWED_EXTENSIONS.includes("postgis") ? "allowed, opt-in" : "refused",
  "pool.app.prod.max": APP_POOL.prod.max,
  "pool.app.dev.max": APP_POOL.dev.max,
  "pool.app.prod.min": APP_POOL.prod.min,
  "pool.app.dev.min": APP_POOL.dev.min,
  "pool.app.idleTimeout": APP_POOL.prod.idleTimeoutMillis,
  "pool.app.connectTimeout": APP_POOL.prod.connectionTimeoutMillis,
  "pool.app.maxUses": APP_POOL.prod.maxUses,
  "pool.app.prod.allowExitOnIdle": appPoolSettingsPooled("rds-proxy", APP_POOL.prod, "prod").allowExitOnIdle,
  "pool.app.dev.allowExitOnIdle": appPoolSettingsPooled("rds-proxy", APP_POOL.dev, "dev").allowExitOnIdle,
  // The prod default class, db.r6g.large, has 16 GiB.
  "pool.app.budget": maxConnectionsForMemoryMiB(16 * 1024),
  "pooler.dedicated": KEYS.pooler.default,
  "pgbouncer.poolMode": GUIDE_PGBOUNCER.poolMode,
  "pgbouncer.maxClientConn": GUIDE_PGBOUNCER.maxClientConn,
  "pgbouncer.defaultPoolSize": GUIDE_PGBOUNCER.defaultPoolSize,
  "pgbouncer.minPoolSize": GUIDE_PGBOUNCER.minPoolSize,
  "pgbouncer.reservePoolSize": GUIDE_PGBOUNCER.reservePoolSize,
  "pgbouncer.reservePoolTimeout": GUIDE_PGBOUNCER.reservePoolTimeoutSeconds,
  "pgbouncer.port": PGBOUNCER_PORT,
  "pgbouncer.urlFlag": appPoolSettingsPooled("pgbouncer", APP_POOL.prod, "prod").prepare,
  "pooler.borrowTimeout": GUIDE_PROXY.connectionBorrowTimeoutSeconds,
  "perf.slowStatementLog": Number(params.log_min_duration_statement),
  "perf.autovacuum": params.autovacuum,
  "security.tls.force": rdsOnlyParameters()["rds.force_ssl"],
  "security.tls.minVersion": params.ssl_min_protocol_version,
  "security.tls.sslmode": appPoolSettingsPooled("pgbouncer", APP_POOL.prod, "prod").sslmode,
  "security.tls.certificate": KEYS.caCertIdentifier.default,
  "security.password": params.password_encryption,
  "roles.single": owner.name,
  "roles.owner.connectionLimit": owner.connectionLimit,
  "roles.app.name": app.name,
  "roles.app.access": [...app.databasePrivileges, ...app.schemaPrivileges],
  "roles.app.tables": app.tablePrivileges,
  "roles.app.sequences": app.sequencePrivileges,
  "roles.app.connectionLimit": app.connectionLimit,
  "roles.analytics.name": analytics.name,
  "roles.analytics.tables": analytics.tablePrivileges,
  "roles.analytics.login": analytics.login,
  "roles.analytics.readOnly": analytics.settings.default_transaction_read_only,
  "roles.analytics.connectionLimit": analytics.connectionLimit,
  "roles.public": model.revokeFromPublic.database && model.revokeFromPublic.schema,
  "audit.logStatement": params.log_statement,
  "audit.logConnections": params.log_connections,
  "audit.logDisconnections": params.log_disconnections,
  "audit.pgaudit": KEYS.pgauditLog.default,
  // The rows say "HIPAA: six years"; prod keeps exactly the floor.
  "audit.retention": AUDIT_RETENTION_DAYS,
  "backups.retention": PROD_PITR_DAYS,
  "backups.daily": KEYS.backupWindow.default,
  "backups.awsBackupDaily": DAILY_BACKUP_MIN_DAYS,
  "backups.monthly": AUDIT_RETENTION_DAYS,
  "backups.immutable": KEYS.backupVaultLockMode.default,
  "dr.testedMonthly": RESTORE_TEST_SCHEDULE,
  "dr.separateRegion": DEFAULT_DR_REGIONS["us-east-1"],
  "alarm.cpu": GUIDE_THRESHOLDS.cpuPercent,
  "alarm.cpuMinutes": GUIDE_THRESHOLDS.cpuMinutes,
  "alarm.memory": GUIDE_THRESHOLDS.freeableMemoryPercent,
  "alarm.storage": GUIDE_THRESHOLDS.freeStoragePercent,
  "alarm.connections": GUIDE_THRESHOLDS.connectionsPercent,
  "alarm.replicaLag": GUIDE_THRESHOLDS.replicaLagSeconds,
  "alarm.slowQuery": GUIDE_THRESHOLDS.slowQuerySeconds,
};

const show = (v: Shown | undefined) => (Array.isArray(v) ? v.join(",") : String(v));

/** Splits a markdown table row on its unescaped pipes. */
const cells = (line: string) =>
  line
    .slice(1, -1)
    .split(/(?<!\\)\|/)
    .map((c) => c.trim());

/** The requirement rows of the generated block, by id: the backticked values of the guide and ours cells. */
function docRows(docText: string): Map<string, { guide: string; ours: string; status: string }> {
  const a = docText.indexOf(BLOCK_START);
  const b = docText.indexOf(BLOCK_END);
  const rows = new Map<string, { guide: string; ours: string; status: string }>();
  const values = (c: string) => [...c.matchAll(/`([^`]*)`/g)].map((m) => m[1]).join(",");
  for (const line of docText.slice(a, b).split("\n")) {
    if (!line.startsWith("| `")) continue;
    const [id, , guide, ours, , status] = cells(line);
    rows.set(id.replace(/`/g, ""), { guide: values(guide), ours: values(ours), status });
  }
  return rows;
}

/** Every disagreement between the page's "ours" column and the code. */
function oursProblems(docText: string): string[] {
  const rows = docRows(docText);
  const problems: string[] = [];
  for (const [id, r] of rows) {
    if (r.ours === "") continue;
    if (!(id in EXPECTED_OURS)) problems.push(`${id}: shows ${r.ours}, which this test does not check`);
    else if (r.ours !== show(EXPECTED_OURS[id])) {
      problems.push(`${id}: shows ${r.ours}, the code uses ${show(EXPECTED_OURS[id])}`);
    }
  }
  for (const id of Object.keys(EXPECTED_OURS)) {
    if (!rows.get(id)?.ours) problems.push(`${id}: the page shows no value for it`);
  }
  return problems;
}

/** Rows that claim the guide's value but do not have it, or claim a departure in value that is not one. */
function valueProblems(areas: readonly GuideArea[]): string[] {
  const problems: string[] = [];
  for (const r of areas.flatMap((a) => a.rows)) {
    if (r.guide === undefined || r.ours === undefined) continue;
    const same = sameGuideValue(r.guide, r.ours);
    if (!r.differs && !same) {
      problems.push(`${r.id}: the guide says ${show(r.guide)}, the code uses ${show(r.ours)}`);
    }
    if (r.differs && same) problems.push(`${r.id}: marked as differing, yet both are ${show(r.ours)}`);
    if (r.differs && r.status !== "departs") problems.push(`${r.id}: differs but is not a departure`);
  }
  return problems;
}

/** Numbers written in the hand-made prose that the generated tables do not state. */
function proseNumberProblems(docText: string): string[] {
  const a = docText.indexOf(BLOCK_START);
  const b = docText.indexOf(BLOCK_END) + BLOCK_END.length;
  const numbers = (s: string) => new Set(s.match(/\d+(?:[.,]\d+)*/g) ?? []);
  const stated = numbers(docText.slice(a, b));
  // URLs carry version and section numbers that are not claims.
  const prose = (docText.slice(0, a) + docText.slice(b)).replace(/\]\([^)]*\)/g, "]");
  return [...numbers(prose)].filter((n) => !stated.has(n)).map((n) => `${n}: not in the generated tables`);
}

const readmeDepartures = (() => {
  const readme = read("README.md");
  const start = readme.indexOf(`## ${README_DEPARTURES}`);
  const end = readme.indexOf("\n## ", start + 1);
  return start < 0 ? "" : readme.slice(start, end < 0 ? undefined : end);
})();

const headings = (text: string) =>
  text
    .split("\n")
    .filter((l) => /^#{1,6} /.test(l))
    .map((l) => slug(l.replace(/^#+ /, "")));

function placeProblems(r: GuideRequirement, configKeys: ReadonlySet<string>): string[] {
  const problems: string[] = [];
  for (const p of r.where) {
    if ("key" in p) {
      if (!configKeys.has(p.key)) problems.push(`${r.id}: config key ${p.key} is not in Pulumi.yaml`);
    } else if ("file" in p) {
      if (!existsSync(path.join(ROOT, p.file))) problems.push(`${r.id}: ${p.file} does not exist`);
      else if (p.symbol) {
        const name = p.symbol.split(".")[0];
        const exported = new RegExp(
          `export\\s+(?:declare\\s+)?(?:async\\s+)?(?:const|let|function|class|interface|type|enum)\\s+${name}\\b|export\\s*\\{[^}]*\\b${name}\\b[^}]*\\}`,
        );
        if (!exported.test(read(p.file))) problems.push(`${r.id}: ${p.file} does not export ${name}`);
      }
    } else {
      if (!existsSync(path.join(ROOT, p.doc))) problems.push(`${r.id}: ${p.doc} does not exist`);
      else if (p.heading && !headings(read(p.doc)).includes(slug(p.heading))) {
        problems.push(`${r.id}: ${p.doc} has no heading "${p.heading}"`);
      }
    }
  }
  return problems;
}

/** Source and documentation files of the repository (no dependencies, no build output). */
function repositoryFiles(dir = ROOT): string[] {
  const skip = new Set(["node_modules", ".git", "bin", "artifacts", ".local"]);
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (skip.has(name)) continue;
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) out.push(...repositoryFiles(full));
    else if (/\.(ts|md|yaml|yml|json|cjs|sh)$/.test(name) && !name.endsWith("package-lock.json"))
      out.push(full);
  }
  return out;
}

describe("docs/guide-requirements.md", () => {
  it("is generated from tools/guideDocs.ts and not stale (npm run docs:guide)", () => {
    expect(DOC.indexOf(BLOCK_START)).toBeGreaterThan(0);
    expect(DOC).toBe(replaceGuideBlock(DOC));
  });

  it("shows, for each value on our side, the value of the constant the code uses", () => {
    expect(docRows(DOC).size).toBe(ROWS.length);
    expect(oursProblems(DOC)).toEqual([]);
    // Spot checks of the values a reviewer looks for first, straight from the page.
    const rows = docRows(DOC);
    expect(rows.get("pgbouncer.defaultPoolSize")?.ours).toBe("20");
    expect(rows.get("alarm.cpu")?.ours).toBe("80");
    expect(rows.get("pool.app.prod.max")?.ours).toBe("20");
    expect(rows.get("backups.monthly")?.ours).toBe("2192");
  });

  it("fails when the page states a value the code does not use", () => {
    const doctored = DOC.replace("| `80` % | `80` % |", "| `80` % | `85` % |");
    expect(doctored).not.toBe(DOC);
    expect(oursProblems(doctored)).toEqual(["alarm.cpu: shows 85, the code uses 80"]);
  });

  it("keeps the guide's value in every row that does not declare a departure in value", () => {
    expect(valueProblems(GUIDE_AREAS)).toEqual([]);
  });

  it("fails when a constant drifts from the guide's number without a departure", () => {
    const drifted: GuideArea[] = [
      {
        title: "t",
        rows: [
          { id: "alarm.cpu", asks: "a", guide: 80, ours: 85, where: [], status: "as the guide" },
          { id: "x.same", asks: "a", guide: "on", ours: "1", where: [], status: "as the guide" },
          { id: "x.fake", asks: "a", guide: 100, ours: 100, where: [], status: "departs", differs: true },
        ],
      },
    ];
    expect(valueProblems(drifted)).toEqual([
      "alarm.cpu: the guide says 80, the code uses 85",
      "x.fake: marked as differing, yet both are 100",
    ]);
  });

  it("gives a reason for every departure and says what is missing for every open or partial row", () => {
    const missing = ROWS.filter(
      (r) =>
        (r.status === "departs" && !r.readme && !r.note) ||
        ((r.status === "open" || r.status === "partial") && !r.note),
    ).map((r) => r.id);
    expect(missing).toEqual([]);
  });

  it("marks the open work honestly: the ten largest tables by name stay partial; the rest of #11/#12 is done", () => {
    const status = (id: string) => ROWS.find((r) => r.id === id)?.status;
    // Done by the database operations function (functions/dbops), proved on the twin.
    expect(status("monitoring.cacheHitRatio")).toBe("as the guide");
    expect(status("monitoring.databaseSize")).toBe("as the guide");
    expect(status("security.rls")).toBe("as the guide");
    // The key is not an environment variable: it is generated into a secret (a departure, with its note).
    expect(status("migrations.columnEncryption")).toBe("departs");
    // Only the largest table's size is a metric; names stay a runbook query.
    expect(status("monitoring.tableSizes")).toBe("partial");
    const open = DOC.slice(DOC.indexOf("### Open work"), DOC.indexOf(BLOCK_END));
    expect(open).toContain("`monitoring.tableSizes`");
    for (const id of ["monitoring.cacheHitRatio", "migrations.columnEncryption", "security.rls"]) {
      expect(open).not.toContain(`\`${id}\``);
    }
  });

  it("points only at README departures that are in the README table", () => {
    expect(readmeDepartures).not.toBe("");
    const gone = ROWS.filter((r) => r.readme && !readmeDepartures.includes(r.readme)).map((r) => r.id);
    expect(gone).toEqual([]);
    expect(DOC).toContain(`../README.md#${slug(README_DEPARTURES)}`);
  });

  it("names only files, exports, config keys and headings that exist", () => {
    const config = (parse(read("Pulumi.yaml")) as { config: Record<string, unknown> }).config;
    const keys = new Set(Object.keys(config));
    expect(ROWS.flatMap((r) => placeProblems(r, keys))).toEqual([]);
  });

  it("fails when a named export is gone", () => {
    const keys = new Set<string>();
    const row: GuideRequirement = {
      id: "x",
      asks: "a",
      where: [{ file: "components/monitoring/thresholds.ts", symbol: "GUIDE_NOT_THERE" }, { key: "nope" }],
      status: "as the guide",
    };
    expect(placeProblems(row, keys)).toEqual([
      "x: components/monitoring/thresholds.ts does not export GUIDE_NOT_THERE",
      "x: config key nope is not in Pulumi.yaml",
    ]);
  });

  it("writes no number in its prose that the generated tables do not state", () => {
    expect(proseNumberProblems(DOC)).toEqual([]);
    const doctored = DOC.replace("## How to read the tables", "## How to read the tables (45 of them)");
    expect(proseNumberProblems(doctored)).toEqual(["45: not in the generated tables"]);
  });

  it("refuses a pointer to the guide's file outside the repository anywhere in the repository", () => {
    // Built from pieces so this file does not match itself.
    const patterns = [
      ["shared", "seed"].join("/"),
      ["database-guide", "md"].join("."),
      ["/work", "shared"].join("/"),
    ];
    const hits = repositoryFiles().flatMap((f) => {
      const text = readFileSync(f, "utf8");
      return patterns.filter((p) => text.includes(p)).map((p) => `${path.relative(ROOT, f)}: ${p}`);
    });
    expect(hits).toEqual([]);
  });

  it("is linked from the README where the guide is introduced", () => {
    expect(read("README.md")).toContain("(docs/guide-requirements.md)");
  });
});
