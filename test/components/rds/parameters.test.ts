import { describe, expect, it } from "vitest";
import {
  parameterGroupFamily,
  postgresParameters,
  rdsOnlyParameters,
} from "../../../components/rds/parameters";

describe("parameters", () => {
  it("derives the family from the major version", () => {
    expect(parameterGroupFamily("16")).toBe("postgres16");
    expect(parameterGroupFamily("16.4")).toBe("postgres16");
    expect(parameterGroupFamily("14.12")).toBe("postgres14");
  });

  it("fails when the engine version has no major version", () => {
    expect(() => parameterGroupFamily("latest")).toThrow(
      'engineVersion: "latest" has no PostgreSQL major version',
    );
  });

  it("keeps RDS-only parameters out of the PostgreSQL-native set", () => {
    const native = postgresParameters({ pgauditEnabled: true, pgauditLog: "ddl,role" });
    expect(Object.keys(native).filter((k) => k.startsWith("rds."))).toEqual([]);
    expect(rdsOnlyParameters()).toEqual({ "rds.force_ssl": "1" });
  });

  it("preloads pgaudit only when enabled, and never logs statement parameters (they can carry PHI)", () => {
    expect(postgresParameters({ pgauditEnabled: true, pgauditLog: "ddl" })).toMatchObject({
      shared_preload_libraries: "pg_stat_statements,pgaudit",
      "pgaudit.log": "ddl",
      "pgaudit.log_parameter": "0",
    });
    expect(postgresParameters({ pgauditEnabled: false, pgauditLog: "ddl" }).shared_preload_libraries).toBe(
      "pg_stat_statements",
    );
  });
});
