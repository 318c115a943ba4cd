import { describe, expect, it } from "vitest";
import {
  appPoolSettingsPooled,
  assertPoolFit,
  defaultAdminReserve,
  GUIDE_PGBOUNCER,
  maxConnectionsForMemoryMiB,
  pgbouncerNofile,
  poolSettings,
  proxyConnectionPoolConfig,
  validatePoolFit,
} from "../../../components/pooling/poolSettings";
import { APP_POOL, COMMON_DEFAULTS } from "../../../infra/defaults";

const input = {
  pgbouncerMaxClientConn: COMMON_DEFAULTS.pgbouncerMaxClientConn,
  pgbouncerDefaultPoolSize: COMMON_DEFAULTS.pgbouncerDefaultPoolSize,
  pgbouncerMinPoolSize: COMMON_DEFAULTS.pgbouncerMinPoolSize,
  pgbouncerReservePoolSize: COMMON_DEFAULTS.pgbouncerReservePoolSize,
  pgbouncerReservePoolTimeoutSeconds: COMMON_DEFAULTS.pgbouncerReservePoolTimeoutSeconds,
  proxyMaxConnectionsPercent: COMMON_DEFAULTS.proxyMaxConnectionsPercent,
  proxyMaxIdleConnectionsPercent: COMMON_DEFAULTS.proxyMaxIdleConnectionsPercent,
  proxyIdleClientTimeoutSeconds: COMMON_DEFAULTS.proxyIdleClientTimeoutSeconds,
  proxyConnectionBorrowTimeoutSeconds: COMMON_DEFAULTS.proxyConnectionBorrowTimeoutSeconds,
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
  const base = {
    pooler: "pgbouncer" as const,
    pgbouncerTasks: 4,
    pooledRoles: 2,
    defaultPoolSize: 20,
    reservePoolSize: 5,
    proxyMaxConnectionsPercent: 75,
    proxyMaxIdleConnectionsPercent: 50,
  };

  it("accepts the prod defaults on db.r6g.large (16 GiB) and the dev defaults on db.t4g.medium", () => {
    expect(maxConnectionsForMemoryMiB(16_384)).toBe(1622);
    expect(maxConnectionsForMemoryMiB(4096)).toBe(405);
    expect(validatePoolFit({ ...base, maxConnections: 1622 })).toEqual([]);
    expect(validatePoolFit({ ...base, pooler: "rds-proxy", maxConnections: 405 })).toEqual([]);
  });

  it("reserves at least 15 connections for admins and migrations, 10% on large instances", () => {
    expect(defaultAdminReserve(100)).toBe(15);
    expect(defaultAdminReserve(1622)).toBe(163);
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
    expect(problems[0].message).toContain("max_connections 150 leaves 135 after 15 reserved");
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
      proxyMaxConnectionsPercent: 90,
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
      proxyMaxConnectionsPercent: 50,
      proxyMaxIdleConnectionsPercent: 60,
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
