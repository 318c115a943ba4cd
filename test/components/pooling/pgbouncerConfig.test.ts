import { describe, expect, it } from "vitest";
import {
  pgbouncerStartScript,
  renderPgbouncerIni,
  renderUserlist,
  userlistLine,
} from "../../../components/pooling/pgbouncerConfig";
import { SEED_PGBOUNCER } from "../../../components/pooling/poolSettings";

const opts = {
  serverHost: "db.example.internal",
  database: "verscienta_health",
  roles: ["app_user", "analytics_readonly"],
  authFile: "/run/pgb/userlist.txt",
  serverTlsCaFile: "/etc/pgbouncer/rds-ca/global-bundle.pem",
  clientTlsCertFile: "/run/pgb/client.crt",
  clientTlsKeyFile: "/run/pgb/client.key",
};

/** The ini as key → value for the [pgbouncer] section. */
function settingsOf(ini: string): Record<string, string> {
  const section = ini.split("[pgbouncer]")[1];
  return Object.fromEntries(
    section
      .split("\n")
      .filter((l) => l.includes("=") && !l.startsWith(";"))
      .map((l) => [l.split("=")[0].trim(), l.slice(l.indexOf("=") + 1).trim()]),
  );
}

describe("renderPgbouncerIni", () => {
  const ini = renderPgbouncerIni(SEED_PGBOUNCER, opts);
  const s = settingsOf(ini);

  it("pools by transaction with the seed's sizes and max_client_conn 10000", () => {
    expect(s).toMatchObject({
      pool_mode: "transaction",
      max_client_conn: "10000",
      default_pool_size: "20",
      min_pool_size: "5",
      reserve_pool_size: "5",
      reserve_pool_timeout: "3",
    });
  });

  it("requires TLS from clients and verifies PostgreSQL's certificate and host name", () => {
    expect(s).toMatchObject({
      client_tls_sslmode: "require",
      client_tls_protocols: "tlsv1.2,tlsv1.3",
      server_tls_sslmode: "verify-full",
      server_tls_ca_file: "/etc/pgbouncer/rds-ca/global-bundle.pem",
      server_tls_protocols: "tlsv1.2,tlsv1.3",
    });
  });

  it("authenticates with SCRAM against auth_file and has no Unix socket", () => {
    expect(s).toMatchObject({
      auth_type: "scram-sha-256",
      auth_file: "/run/pgb/userlist.txt",
      unix_socket_dir: "",
    });
    expect(ini).not.toMatch(/auth_query|auth_user|password/);
  });

  it("routes the one database to the server and caps each role at default + reserve", () => {
    expect(ini).toContain("verscienta_health = host=db.example.internal port=5432 dbname=verscienta_health");
    expect(ini).toContain("app_user = max_user_connections=25");
    expect(ini).toContain("analytics_readonly = max_user_connections=25");
  });

  it("logs connections but never query text", () => {
    expect(s).toMatchObject({
      log_connections: "1",
      log_disconnections: "1",
      application_name_add_host: "0",
    });
    expect(ini).not.toMatch(/verbose|log_stats_query/);
  });

  it("fails when a value would break out of its line", () => {
    expect(() =>
      renderPgbouncerIni(SEED_PGBOUNCER, { ...opts, serverHost: "db\nauth_type = trust" }),
    ).toThrow(/serverHost/);
    expect(() => renderPgbouncerIni(SEED_PGBOUNCER, { ...opts, authFile: "/x;y" })).toThrow(/authFile/);
  });

  it("fails when min_pool_size is above default_pool_size or no role is pooled", () => {
    expect(() => renderPgbouncerIni({ ...SEED_PGBOUNCER, minPoolSize: 30 }, opts)).toThrow(/minPoolSize: 30/);
    expect(() => renderPgbouncerIni(SEED_PGBOUNCER, { ...opts, roles: [] })).toThrow(/roles: is empty/);
  });
});

describe("auth_file", () => {
  it("quotes both fields and doubles embedded quotes", () => {
    expect(userlistLine("app_user", 'pa"ss')).toBe('"app_user" "pa""ss"');
    expect(renderUserlist([{ name: "a", password: "b" }])).toBe('"a" "b"\n');
  });

  it("fails when a password holds a newline", () => {
    expect(() => userlistLine("a", "x\ny")).toThrow(/newline/);
  });
});

describe("pgbouncerStartScript", () => {
  const script = pgbouncerStartScript({
    runDir: "/var/run/pgbouncer",
    iniEnv: "PGBOUNCER_INI",
    roles: [{ name: "app_user", usernameEnv: "U0", passwordEnv: "P0" }],
  });

  it("writes the auth_file with umask 077 and drops the password variables", () => {
    expect(script.split("\n").slice(0, 2)).toEqual(["set -eu", "umask 077"]);
    expect(script).toContain(
      `printf '"%s" "%s"\\n' "$(q "$U0")" "$(q "$P0")" >> /var/run/pgbouncer/userlist.txt; unset U0 P0`,
    );
  });

  it("turns ECS's SIGTERM into PgBouncer's graceful SIGINT", () => {
    expect(script).toContain(`trap 'kill -INT "$pid" 2>/dev/null || true' TERM INT`);
  });

  it("fails when a variable name or run directory could inject shell", () => {
    expect(() => pgbouncerStartScript({ runDir: "/tmp; rm -rf /", iniEnv: "I", roles: [] })).toThrow(
      /runDir/,
    );
    expect(() =>
      pgbouncerStartScript({
        runDir: "/r",
        iniEnv: "I",
        roles: [{ name: "a", usernameEnv: "U$(x)", passwordEnv: "P" }],
      }),
    ).toThrow(/not valid/);
  });
});
