import { describe, expect, it } from "vitest";
import {
  appPoolSettingsPooled,
  assertPoolFit,
  defaultAdminReserve,
  GUIDE_PGBOUNCER,
  type PoolSettings,
  pgbouncerNofile,
  pgbouncerServerConnectionsPerTask,
  poolSettings,
  proxyConnectionPoolConfig,
  validatePoolFit,
} from "../../../components/pooling/poolSettings";
import { defaultLocalSettings } from "../../../local/pgbouncer";
import { APP_POOL } from "../../../spec/guide";
import { instanceProfile } from "../../../spec/instanceProfile";
import { DEFAULTS } from "../../../spec/keys";

const input = {
  pgbouncerMaxClientConn: DEFAULTS.pgbouncerMaxClientConn,
  pgbouncerDefaultPoolSize: DEFAULTS.pgbouncerDefaultPoolSize,
  pgbouncerMinPoolSize: DEFAULTS.pgbouncerMinPoolSize,
  pgbouncerReservePoolSize: DEFAULTS.pgbouncerReservePoolSize,
  pgbouncerReservePoolTimeoutSeconds: DEFAULTS.pgbouncerReservePoolTimeoutSeconds,
  proxyMaxConnectionsPercent: DEFAULTS.proxyMaxConnectionsPercent,
  proxyMaxIdleConnectionsPercent: DEFAULTS.proxyMaxIdleConnectionsPercent,
  proxyIdleClientTimeoutSeconds: DEFAULTS.proxyIdleClientTimeoutSeconds,
  proxyConnectionBorrowTimeoutSeconds: DEFAULTS.proxyConnectionBorrowTimeoutSeconds,
  appPool: APP_POOL.prod,
};

describe("poolSettings", () => {
  it("keeps the guide's PgBouncer pool (transaction mode, 20/5/5/3 s) with max_client_conn sized for thousands", () => {
    expect(poolSettings(input).pgbouncer).toEqual({
      poolMode: "transaction",
      maxClientConn: 10_000,
      defaultPoolSize: 20,
      minPoolSize: 5,
      reservePoolSize: 5,
      reservePoolTimeoutSeconds: 3,
    });
    expect(poolSettings(input).pgbouncer).toEqual(GUIDE_PGBOUNCER);
  });

  it("gives RDS Proxy a 5 s borrow timeout, 75% of max_connections and a 30-minute idle client timeout", () => {
    const s = poolSettings(input);
    expect(proxyConnectionPoolConfig(s.proxy)).toEqual({
      connectionBorrowTimeout: 5,
      maxConnectionsPercent: 75,
      maxIdleConnectionsPercent: 50,
    });
    expect(s.proxy.idleClientTimeoutSeconds).toBe(1800);
  });

  it("sizes the open-files limit above max_client_conn plus the server pools", () => {
    expect(pgbouncerNofile(GUIDE_PGBOUNCER, 2)).toBe(10_000 + 25 * 2 + 1024);
  });

  it("counts (default + reserve pool) server connections per pooled role and task, at least one role", () => {
    expect(pgbouncerServerConnectionsPerTask(GUIDE_PGBOUNCER, 2)).toBe(50);
    expect(pgbouncerServerConnectionsPerTask(GUIDE_PGBOUNCER, 0)).toBe(25);
  });

  it("gives the local twin (and the pooling benchmark) the stack defaults through the same mapping", () => {
    expect(defaultLocalSettings()).toEqual(poolSettings({ ...DEFAULTS, appPool: APP_POOL.dev }).pgbouncer);
    expect(defaultLocalSettings()).toEqual(GUIDE_PGBOUNCER);
  });
});

describe("appPoolSettingsPooled", () => {
  it("turns named prepared statements off behind either pooler and keeps the guide's pool", () => {
    for (const pooler of ["pgbouncer", "rds-proxy"] as const) {
      const a = appPoolSettingsPooled(pooler, APP_POOL.prod, "prod");
      expect(a).toMatchObject({
        ...APP_POOL.prod,
        namedPreparedStatements: false,
        prepare: false,
        allowExitOnIdle: false,
      });
    }
    expect(appPoolSettingsPooled("none", APP_POOL.dev, "dev")).toMatchObject({
      namedPreparedStatements: true,
      allowExitOnIdle: true,
    });
  });

  it("verifies every pooler's certificate and host name (verify-full), PgBouncer's included", () => {
    for (const pooler of ["rds-proxy", "pgbouncer", "none"] as const) {
      for (const env of ["dev", "prod"] as const) {
        expect(appPoolSettingsPooled(pooler, APP_POOL[env], env)).toMatchObject({
          ssl: { rejectUnauthorized: true },
          sslmode: "verify-full",
        });
      }
    }
  });
});

describe("validatePoolFit", () => {
  const settings = poolSettings(input);
  const withPool = (
    pg: Partial<PoolSettings["pgbouncer"]>,
    proxy: Partial<PoolSettings["proxy"]> = {},
  ): Pick<PoolSettings, "pgbouncer" | "proxy"> => ({
    pgbouncer: { ...settings.pgbouncer, ...pg },
    proxy: { ...settings.proxy, ...proxy },
  });
  const base = {
    pooler: "pgbouncer" as const,
    pgbouncerTasks: 4,
    pooledRoles: 2,
    settings,
  };

  it("accepts the prod defaults on db.r6g.large (16 GiB) and the dev defaults on db.t4g.medium", () => {
    const prod = instanceProfile("db.r6g.large").maxConnections;
    const dev = instanceProfile("db.t4g.medium").maxConnections;
    expect([prod, dev]).toEqual([1684, 399]);
    expect(validatePoolFit({ ...base, maxConnections: prod })).toEqual([]);
    expect(validatePoolFit({ ...base, pooler: "rds-proxy", maxConnections: dev })).toEqual([]);
  });

  it("reserves at least 15 connections for admins and migrations, 10% on large instances", () => {
    expect(defaultAdminReserve(100)).toBe(15);
    expect(defaultAdminReserve(1684)).toBe(169);
  });

  it("fails when PgBouncer tasks × (default + reserve) exceed max_connections less the admin reserve", () => {
    // 4 tasks × 25 × 2 roles = 200 > 150 - 15
    const problems = validatePoolFit({ ...base, maxConnections: 150 });
    expect(problems).toHaveLength(1);
    expect(problems[0].keys).toEqual([
      "pgbouncerDefaultPoolSize",
      "pgbouncerReservePoolSize",
      "pgbouncerDesiredCount",
      "maxConnections",
    ]);
    expect(problems[0].message).toContain("PgBouncer can open 200 server connections");
    expect(problems[0].message).toContain("(pgbouncerDefaultPoolSize 20 + pgbouncerReservePoolSize 5)");
    expect(problems[0].message).toContain("max_connections 150 leaves 135 after 15 reserved");
  });

  it("counts the pool sizes the settings carry, not the guide's", () => {
    // 4 tasks × (30 + 10) × 2 roles = 320 > 300 - 30
    const problems = validatePoolFit({
      ...base,
      settings: withPool({ defaultPoolSize: 30, reservePoolSize: 10 }),
      maxConnections: 300,
    });
    expect(problems[0].message).toContain("PgBouncer can open 320 server connections");
  });

  it("fits exactly at the boundary", () => {
    expect(validatePoolFit({ ...base, maxConnections: 215, adminReserve: 15 })).toEqual([]);
    expect(validatePoolFit({ ...base, maxConnections: 214, adminReserve: 15 })).toHaveLength(1);
  });

  it("fails when the proxy's share leaves no room for the admin reserve, and says which percent fits", () => {
    const problems = validatePoolFit({
      ...base,
      pooler: "rds-proxy",
      maxConnections: 100,
      settings: withPool({}, { maxConnectionsPercent: 90 }),
    });
    expect(problems.map((p) => p.keys)).toEqual([["proxyMaxConnectionsPercent", "maxConnections"]]);
    expect(problems[0].message).toContain("RDS Proxy may open 90 connections");
    expect(problems[0].message).toContain("Set proxyMaxConnectionsPercent to 85 or less");
  });

  it("fails when proxyMaxIdleConnectionsPercent is above proxyMaxConnectionsPercent", () => {
    const problems = validatePoolFit({
      ...base,
      pooler: "rds-proxy",
      maxConnections: 1000,
      settings: withPool({}, { maxConnectionsPercent: 50, maxIdleConnectionsPercent: 60 }),
    });
    expect(problems.map((p) => p.keys)).toEqual([
      ["proxyMaxIdleConnectionsPercent", "proxyMaxConnectionsPercent"],
    ]);
  });

  it("checks nothing without a pooler", () => {
    expect(validatePoolFit({ ...base, pooler: "none", maxConnections: 20 })).toEqual([]);
  });

  it("throws one error naming every key and number", () => {
    expect(() => assertPoolFit({ ...base, maxConnections: 150 })).toThrow(
      /\[pgbouncerDefaultPoolSize, pgbouncerReservePoolSize, pgbouncerDesiredCount, maxConnections\] PgBouncer can open 200/,
    );
  });
});
