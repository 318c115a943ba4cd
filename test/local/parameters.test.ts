import { describe, expect, it } from "vitest";
import { postgresParameters } from "../../components/rds/parameters";
import { localParameters, TWIN_PARAMETER_OPTIONS } from "../../local/parameters";

const withoutPgaudit = new Set(["pg_stat_statements", "pgcrypto"]);

describe("localParameters", () => {
  it("keeps every native parameter except pgaudit's when the library is missing", () => {
    const l = localParameters(withoutPgaudit);
    const native = postgresParameters(TWIN_PARAMETER_OPTIONS);
    for (const [k, v] of Object.entries(native)) {
      if (k.startsWith("pgaudit.") || k === "shared_preload_libraries") continue;
      expect(l.settings[k]).toBe(v);
    }
    expect(l.settings.shared_preload_libraries).toBe("pg_stat_statements");
    expect(l.skipped.map((s) => s.name)).toEqual([
      "shared_preload_libraries:pgaudit",
      "pgaudit.log",
      "pgaudit.log_parameter",
      "pgaudit.log_catalog",
    ]);
  });

  it("keeps pgaudit where the library exists", () => {
    const l = localParameters(new Set([...withoutPgaudit, "pgaudit"]));
    expect(l.settings.shared_preload_libraries).toBe("pg_stat_statements,pgaudit");
    expect(l.skipped).toEqual([]);
  });

  it("maps rds.force_ssl = 1 to ssl = on with hostssl-only pg_hba.conf", () => {
    const l = localParameters(withoutPgaudit);
    expect(l.settings.ssl).toBe("on");
    expect(l.hostsslOnly).toBe(true);
    expect(l.mapped.map((m) => m.name)).toEqual(["rds.force_ssl"]);
    expect(l.settings["rds.force_ssl"]).toBeUndefined();
  });
});
