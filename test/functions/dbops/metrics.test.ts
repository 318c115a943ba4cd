import { describe, expect, it } from "vitest";
import type { DatabaseTarget, MetricsSnapshot } from "../../../functions/dbops/contract";
import { toEmf } from "../../../functions/dbops/metrics";
import { DB_METRICS, DB_METRICS_DIMENSION, DB_METRICS_NAMESPACE } from "../../../spec/databaseOps";

const target: DatabaseTarget = {
  host: "verscienta-prod-db.abc.us-east-1.rds.amazonaws.com",
  port: 5432,
  database: "verscienta_health",
  instanceIdentifier: "verscienta-prod-db",
};
const snapshot: MetricsSnapshot = {
  cacheHitRatioPercent: 99.25,
  databaseSizeBytes: 8_000_000,
  largestTableBytes: 65_536,
  deadTuples: 12,
  longRunningQueries: 1,
  oldestActiveQuerySeconds: 7.5,
  connectionsByState: { idle: 4, active: 2, "idle in transaction": 1 },
};
const T = 1_700_000_000_123;
const docs = (s: MetricsSnapshot = snapshot) => toEmf(s, target, T).map((l) => JSON.parse(l));

describe("toEmf (CloudWatch embedded metric format)", () => {
  it("writes the instance metrics as one document with dimension DBInstanceIdentifier, each with its unit", () => {
    const [doc] = docs();
    expect(doc).toEqual({
      _aws: {
        Timestamp: T,
        CloudWatchMetrics: [
          {
            Namespace: "Verscienta/PostgreSQL",
            Dimensions: [["DBInstanceIdentifier"]],
            Metrics: [
              { Name: "CacheHitRatio", Unit: "Percent" },
              { Name: "DatabaseSizeBytes", Unit: "Bytes" },
              { Name: "LargestTableBytes", Unit: "Bytes" },
              { Name: "DeadTuples", Unit: "Count" },
              { Name: "LongRunningQueries", Unit: "Count" },
              { Name: "OldestActiveQuerySeconds", Unit: "Seconds" },
            ],
          },
        ],
      },
      DBInstanceIdentifier: "verscienta-prod-db",
      CacheHitRatio: 99.25,
      DatabaseSizeBytes: 8_000_000,
      LargestTableBytes: 65_536,
      DeadTuples: 12,
      LongRunningQueries: 1,
      OldestActiveQuerySeconds: 7.5,
    });
  });

  it("publishes connections as one document per state, dimensions [DBInstanceIdentifier, State], sorted by state", () => {
    const [, ...rest] = docs();
    expect(rest).toEqual(
      [
        ["active", 2],
        ["idle", 4],
        ["idle in transaction", 1],
      ].map(([state, n]) => ({
        _aws: {
          Timestamp: T,
          CloudWatchMetrics: [
            {
              Namespace: DB_METRICS_NAMESPACE,
              Dimensions: [[DB_METRICS_DIMENSION, "State"]],
              Metrics: [{ Name: "Connections", Unit: "Count" }],
            },
          ],
        },
        DBInstanceIdentifier: "verscienta-prod-db",
        State: state,
        Connections: n,
      })),
    );
  });

  it("uses exactly the names and units of spec/databaseOps.ts DB_METRICS", () => {
    const all = docs().flatMap((d) => d._aws.CloudWatchMetrics[0].Metrics);
    const byName = Object.fromEntries(all.map((m: { Name: string; Unit: string }) => [m.Name, m.Unit]));
    expect(byName).toEqual(Object.fromEntries(Object.values(DB_METRICS).map((m) => [m.name, m.unit])));
  });

  it("omits the cache hit ratio, from the directive and the root, when nothing was read or hit yet (0/0)", () => {
    const [doc] = docs({ ...snapshot, cacheHitRatioPercent: undefined });
    expect(doc._aws.CloudWatchMetrics[0].Metrics.map((m: { Name: string }) => m.Name)).not.toContain(
      "CacheHitRatio",
    );
    expect(doc).not.toHaveProperty("CacheHitRatio");
    expect(doc.DatabaseSizeBytes).toBe(8_000_000);
  });

  it("references only members present on the root, with numeric values (the spec's target members)", () => {
    for (const d of docs()) {
      const directive = d._aws.CloudWatchMetrics[0];
      for (const set of directive.Dimensions) for (const k of set) expect(typeof d[k], k).toBe("string");
      for (const m of directive.Metrics) expect(typeof d[m.Name], m.Name).toBe("number");
    }
  });

  it("carries no text but the instance identifier and the state name: no host, database, query or user", () => {
    const lines = toEmf(snapshot, target, T);
    for (const [i, d] of docs().entries()) {
      const { _aws, ...root } = d;
      const strings = Object.entries(root).filter(([, v]) => typeof v === "string");
      expect(strings.map(([k]) => k).sort(), lines[i]).toEqual(
        i === 0 ? ["DBInstanceIdentifier"] : ["DBInstanceIdentifier", "State"],
      );
    }
    for (const l of lines) {
      expect(l).not.toContain(target.host);
      expect(l).not.toContain(target.database);
      expect(l).not.toContain("\n");
    }
  });

  it("publishes a document with only the instance metrics when no client is connected", () => {
    expect(toEmf({ ...snapshot, connectionsByState: {} }, target, T)).toHaveLength(1);
  });

  it("fails when the timestamp is not milliseconds since the epoch", () => {
    expect(() => toEmf(snapshot, target, 1.5)).toThrow(
      "toEmf: timestampMs: 1.5 is not milliseconds since the epoch. Pass Date.now().",
    );
  });

  it("fails when the instance identifier is empty", () => {
    expect(() => toEmf(snapshot, { ...target, instanceIdentifier: "" }, T)).toThrow(
      "target.instanceIdentifier is empty; set the DB_INSTANCE_IDENTIFIER environment variable",
    );
  });
});
