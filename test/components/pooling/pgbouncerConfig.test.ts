import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import {
  METRICS_ENV,
  PGBOUNCER_CREDENTIAL_REFRESH_SECONDS,
  PGBOUNCER_METRICS,
  pgbouncerStartScript,
  renderPgbouncerIni,
  renderUserlist,
  userlistLine,
} from "../../../components/pooling/pgbouncerConfig";
import { GUIDE_PGBOUNCER } from "../../../components/pooling/poolSettings";

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
  const ini = renderPgbouncerIni(GUIDE_PGBOUNCER, opts);
  const s = settingsOf(ini);

  it("pools by transaction with the guide's sizes and max_client_conn 10000", () => {
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

  it("authenticates with SCRAM against auth_file and has no Unix socket unless asked for one", () => {
    expect(s).toMatchObject({
      auth_type: "scram-sha-256",
      auth_file: "/run/pgb/userlist.txt",
      unix_socket_dir: "",
    });
    expect(ini).not.toMatch(/auth_query|auth_user|password/);
  });

  it("names no admin or stats user, so nobody reaches the admin console over TCP", () => {
    expect(s).toMatchObject({ admin_users: "", stats_users: "" });
    const withSocket = settingsOf(
      renderPgbouncerIni(GUIDE_PGBOUNCER, { ...opts, adminSocketDir: "/var/run/pgbouncer" }),
    );
    expect(withSocket).toMatchObject({
      unix_socket_dir: "/var/run/pgbouncer",
      unix_socket_mode: "0600",
      admin_users: "",
      stats_users: "",
      listen_addr: "0.0.0.0",
      client_tls_sslmode: "require",
    });
  });

  it("fails when adminSocketDir is not an absolute plain path that fits a socket address", () => {
    for (const dir of ["run/pgb", "/run/p gb", `/${"a".repeat(90)}`]) {
      expect(() => renderPgbouncerIni(GUIDE_PGBOUNCER, { ...opts, adminSocketDir: dir })).toThrow(
        `adminSocketDir: "${dir}" must be an absolute plain path of at most 90 characters`,
      );
    }
  });

  it("routes the one database to the server and caps each role at default + reserve", () => {
    expect(ini).toContain("verscienta_health = host=db.example.internal port=5432 dbname=verscienta_health");
    expect(ini).toContain("app_user = max_user_connections=25");
    expect(ini).toContain("analytics_readonly = max_user_connections=25");
  });

  it("caps each role's rotation clone the same, since the auth_file admits both logins of a rotated secret", () => {
    const users = ini.split("[users]\n")[1].split("\n\n")[0].split("\n");
    expect(users).toEqual([
      "app_user = max_user_connections=25",
      "app_user_clone = max_user_connections=25",
      "analytics_readonly = max_user_connections=25",
      "analytics_readonly_clone = max_user_connections=25",
    ]);
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
      renderPgbouncerIni(GUIDE_PGBOUNCER, { ...opts, serverHost: "db\nauth_type = trust" }),
    ).toThrow(/serverHost/);
    expect(() => renderPgbouncerIni(GUIDE_PGBOUNCER, { ...opts, authFile: "/x;y" })).toThrow(/authFile/);
  });

  it("fails when min_pool_size is above default_pool_size or no role is pooled", () => {
    expect(() => renderPgbouncerIni({ ...GUIDE_PGBOUNCER, minPoolSize: 30 }, opts)).toThrow(
      /minPoolSize: 30/,
    );
    expect(() => renderPgbouncerIni(GUIDE_PGBOUNCER, { ...opts, roles: [] })).toThrow(/roles: is empty/);
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
  const tls = { validityDays: 6, renewBeforeSeconds: 3 * 86_400 };
  const script = pgbouncerStartScript({
    runDir: "/var/run/pgbouncer",
    iniEnv: "PGBOUNCER_INI",
    roles: [
      { name: "app_user", secretArnEnv: "S0_ARN" },
      { name: "analytics_readonly", secretArnEnv: "S1_ARN" },
    ],
    tls,
    metrics: { port: 6432 },
  });
  const lines = script.split("\n");

  it("reads AWSCURRENT and AWSPREVIOUS of each pooled role's secret by ARN, through the CLI's stdout only", () => {
    expect(lines.slice(0, 2)).toEqual(["set -eu", "umask 077"]);
    expect(script).toContain(
      'aws secretsmanager get-secret-value --region "$AWS_REGION" --cli-connect-timeout 10 --cli-read-timeout 20 --secret-id "$1" --version-stage "$2" --query SecretString --output text 2> /var/run/pgbouncer/secret.err',
    );
    expect(script).toContain('cur=$(secret "$2" AWSCURRENT) ||');
    expect(script).toContain('if prev=$(secret "$2" AWSPREVIOUS); then');
    expect(script).toContain('  creds app_user "$S0_ARN" && creds analytics_readonly "$S1_ARN" || ok=1');
    // Both ARNs and the region must be set, or the task stops at once.
    expect(script).toContain(
      `for v in "\${AWS_REGION:-}" "\${S0_ARN:-}" "\${S1_ARN:-}"; do [ -n "$v" ] || { echo "pgbouncer-auth: AWS_REGION, S0_ARN, S1_ARN are required" >&2; exit 1; }; done`,
    );
  });

  it("tolerates exactly ResourceNotFoundException (exit 254) for AWSPREVIOUS, and nothing for AWSCURRENT", () => {
    expect(script).toContain(
      `    [ "$rc" -eq 254 ] && grep -q '(ResourceNotFoundException)' /var/run/pgbouncer/secret.err || { cli_error "AWSPREVIOUS of $2" "$rc"; return 1; }`,
    );
    expect(script.match(/ResourceNotFoundException/g)).toHaveLength(1);
  });

  it("skips a round whose AWSCURRENT moved between its reads, rather than mix two labellings", () => {
    expect(script).toContain(
      '  [ "$cur2" = "$cur" ] || { why="$2 rotated while it was read; next round"; return 1; }',
    );
  });

  it("never puts a secret on a command line: the SecretString goes to python3 on stdin via the printf builtin", () => {
    expect(script).toContain(`cl=$(printf '%s' "$cur" | line "$1") ||`);
    expect(script).toContain(`pl=$(printf '%s' "$prev" | line "$1") ||`);
    const py = /^line\(\) \{ python3 -c '([^']+)' "\$1" 2>\/dev\/null; \}$/m.exec(script);
    expect(py, "line() runs python3 with the role name as its only argument").not.toBeNull();
    // The variables holding values are only ever printed by the printf builtin into a pipe or the new
    // auth_file, or cut to their username (`${cl%% *}`): never exported, echoed or passed to a program.
    const holders = lines.filter((l) => /\$\{?(cur2?|prev|cl|pl)\b/.test(l));
    expect(holders.length).toBeGreaterThan(3);
    for (const l of holders) {
      const rest = l
        .replace(/\$\{(cl|pl)%% \*\}/g, "")
        .replace(/printf '%s(\\n)?' "\$(cur|prev|cl|pl)"/g, "")
        // Compared with the `[` builtin: AWSCURRENT read again must equal the first read.
        .replace('[ "$cur2" = "$cur" ]', "");
      expect(rest, l).not.toMatch(/\$\{?(cur2?|prev|cl|pl)\b/);
    }
    expect(script).toContain("  cur= cur2= cl= prev= pl=");
  });

  it("turns a SecretString into one auth_file line, refusing other users and unusable passwords", () => {
    const py = /python3 -c '([^']+)'/.exec(script)?.[1] ?? "";
    const run = (input: string, role = "app_user") =>
      spawnSync("python3", ["-c", py, role], {
        input,
        encoding: "utf8",
        // Debian's python3, as in the image (not a version manager's shim first on PATH).
        env: { PATH: "/usr/bin:/bin" },
      });
    const ok = run(JSON.stringify({ username: "app_user_clone", password: 'a"b', engine: "postgres" }));
    expect([ok.status, ok.stdout]).toEqual([0, '"app_user_clone" "a""b"\n']);
    expect(run(JSON.stringify({ username: "app_user", password: "x" })).stdout).toBe('"app_user" "x"\n');
    expect(run(JSON.stringify({ username: "postgres", password: "x" })).status).toBe(3);
    expect(run(JSON.stringify({ username: "app_user", password: "x\ny" })).status).toBe(4);
    expect(run(JSON.stringify({ username: "app_user", password: "" })).status).toBe(4);
    const bad = run("not json SeCrEt");
    expect(bad.status).toBe(1);
    expect(bad.stdout + bad.stderr).not.toContain("SeCrEt");
    // No password key at all: Pulumi's own version (AWSPREVIOUS until the first rotation), exit 5.
    expect(run(JSON.stringify({ username: "app_user", engine: "postgres" })).status).toBe(5);
  });

  it("replaces the auth_file atomically, only when it changed, and reloads PgBouncer then", () => {
    expect(script).toContain(
      "  if cmp -s /var/run/pgbouncer/userlist.next /var/run/pgbouncer/userlist.txt; then rm -f /var/run/pgbouncer/userlist.next; return 0; fi",
    );
    expect(script).toContain("  mv -f /var/run/pgbouncer/userlist.next /var/run/pgbouncer/userlist.txt ||");
    expect(script).toContain("  while sleep 300; do");
    expect(script).toContain(
      `      [ "$changed" = 0 ] || { kill -HUP "$pid"; echo "pgbouncer-auth: auth_file now has logins$users; PgBouncer reloaded" >&2; }`,
    );
    expect(script).toContain(
      `      echo "pgbouncer-auth: refresh failed, keeping the previous auth_file: $why" >&2`,
    );
    expect(script).toContain('kill "$rpid" "$mpid" "$apid" 2>/dev/null || true');
  });

  it("refuses a refresh interval that is not 1 to 3600 whole seconds", () => {
    const base = { runDir: "/r", iniEnv: "I", roles: [], tls, metrics: { port: 6432 } };
    for (const refreshSeconds of [0, 1.5, 3601])
      expect(() => pgbouncerStartScript({ ...base, refreshSeconds })).toThrow(
        `refreshSeconds: ${refreshSeconds} must be a whole number from 1 to 3600`,
      );
    expect(pgbouncerStartScript({ ...base, refreshSeconds: 2 })).toContain("  while sleep 2; do");
    expect(PGBOUNCER_CREDENTIAL_REFRESH_SECONDS).toBe(300);
  });

  it("makes the key in the task and sends AWS Private CA only a CSR naming the pooler's host", () => {
    expect(script).toContain(
      'openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj /CN=pgbouncer -addext "subjectAltName=DNS:$PGBOUNCER_TLS_HOSTNAME" -keyout /var/run/pgbouncer/next.key -out /var/run/pgbouncer/next.csr 2>/dev/null',
    );
    const issue = lines.find((l) => l.includes("aws acm-pca issue-certificate"));
    expect(issue?.trim()).toBe(
      'arn=$(aws acm-pca issue-certificate --region "$AWS_REGION" --certificate-authority-arn "$PGBOUNCER_TLS_CA_ARN" --csr fileb:///var/run/pgbouncer/next.csr --signing-algorithm SHA256WITHECDSA --template-arn "$PGBOUNCER_TLS_TEMPLATE_ARN" --validity Value=6,Type=DAYS --query CertificateArn --output text) || return 1',
    );
    // Nothing in the script can print the key: it is only ever a file argument of openssl/mv.
    for (const l of lines.filter((x) => x.includes("next.key") || x.includes("client-tls.key"))) {
      expect(l).not.toMatch(/\b(cat|echo|printf)\b[^|]*\.key/);
    }
  });

  it("renews before expiry with SIGHUP, and stops the task rather than serve an expired certificate", () => {
    expect(script).toContain("openssl x509 -checkend 259200 -noout -in /var/run/pgbouncer/client-tls.crt");
    expect(script).toContain('if issue; then kill -HUP "$pid"; continue; fi');
    expect(script).toContain("openssl x509 -checkend 3600 -noout");
    expect(lines.at(-1)).toBe("[ ! -e /var/run/pgbouncer/tls-failed ]");
  });

  it("turns ECS's SIGTERM into PgBouncer's graceful SIGINT", () => {
    expect(script).toContain(`trap 'kill -INT "$pid" 2>/dev/null || true' TERM INT`);
  });

  it("fails when a variable name or run directory could inject shell", () => {
    expect(() =>
      pgbouncerStartScript({
        runDir: "/tmp; rm -rf /",
        iniEnv: "I",
        roles: [],
        tls,
        metrics: { port: 6432 },
      }),
    ).toThrow(/runDir/);
    expect(() =>
      pgbouncerStartScript({
        runDir: "/r",
        iniEnv: "I",
        roles: [{ name: "a", secretArnEnv: "S$(x)" }],
        tls,
        metrics: { port: 6432 },
      }),
    ).toThrow(/not valid/);
  });

  it("refuses a validity above the short-lived mode's 7 days, or a renewal window that cannot work", () => {
    const base = { runDir: "/r", iniEnv: "I", roles: [], metrics: { port: 6432 } };
    expect(() =>
      pgbouncerStartScript({ ...base, tls: { validityDays: 8, renewBeforeSeconds: 86_400 } }),
    ).toThrow("tls.validityDays: 8 must be 1 to 7");
    expect(() =>
      pgbouncerStartScript({ ...base, tls: { validityDays: 2, renewBeforeSeconds: 2 * 86_400 } }),
    ).toThrow(/renewBeforeSeconds: 172800 is not below the validity/);
    expect(() => pgbouncerStartScript({ ...base, tls: { validityDays: 2, renewBeforeSeconds: 60 } })).toThrow(
      /renewBeforeSeconds: 60 must be a whole number above 3600/,
    );
    expect(() =>
      pgbouncerStartScript({
        ...base,
        tls: { validityDays: 6, renewBeforeSeconds: 86_400, signingAlgorithm: "MD5WITHRSA" },
      }),
    ).toThrow(/signingAlgorithm/);
  });

  it("publishes SHOW POOLS from the admin console's Unix socket as user pgbouncer, never over TCP", () => {
    const read = lines.find((l) => l.includes("SHOW POOLS") && l.includes("psql"));
    expect(read?.trim()).toBe(
      "out=$(PGCONNECT_TIMEOUT=5 psql -X -w -q -A -F , -P footer=off -h /var/run/pgbouncer -p 6432 -U pgbouncer -d pgbouncer -c 'SHOW POOLS') || return 1",
    );
    expect(script).not.toMatch(/psql[^\n]*-h (127\.0\.0\.1|localhost|\$)/);
  });

  it("sends ClientsWaiting and MaxWaitSeconds under the service's name in the PgBouncer namespace", () => {
    const put = lines.find((l) => l.includes("aws cloudwatch put-metric-data"));
    expect(put?.trim()).toBe(
      'aws cloudwatch put-metric-data --region "$AWS_REGION" --cli-connect-timeout 10 --cli-read-timeout 20 --namespace Verscienta/PgBouncer --metric-data "$data" || return 1',
    );
    expect(script).toContain(
      `dims='"Dimensions":[{"Name":"ServiceName","Value":"'"$PGBOUNCER_SERVICE_NAME"'"}]'`,
    );
    expect(script).toContain(
      `data=$(printf '[{"MetricName":"ClientsWaiting",%s,"Value":%s,"Unit":"Count"},{"MetricName":"MaxWaitSeconds",%s,"Value":%s,"Unit":"Seconds"}]' "$dims" "$waiting" "$dims" "$secs")`,
    );
    expect(script).toContain(
      '  while sleep 60; do pools || echo "pgbouncer-metrics: nothing published this round" >&2; done',
    );
    expect(script).toContain('kill "$rpid" "$mpid" "$apid" 2>/dev/null || true');
  });

  it("stops at start when the service name could not be a JSON-safe ECS service name", () => {
    expect(script).toContain(
      `case "\${PGBOUNCER_SERVICE_NAME:-}" in ""|*[!A-Za-z0-9_-]*) echo "pgbouncer-metrics: PGBOUNCER_SERVICE_NAME is not an ECS service name" >&2; exit 1;; esac`,
    );
    expect(METRICS_ENV.serviceName).toBe("PGBOUNCER_SERVICE_NAME");
  });

  it("publishes exactly the namespace, dimension and metric names the alarms are written against", () => {
    expect(PGBOUNCER_METRICS).toEqual({
      namespace: "Verscienta/PgBouncer",
      dimension: "ServiceName",
      clientsWaiting: "ClientsWaiting",
      maxWaitSeconds: "MaxWaitSeconds",
    });
  });

  it("refuses a metrics port or interval that cannot work", () => {
    const base = { runDir: "/r", iniEnv: "I", roles: [], tls };
    expect(() => pgbouncerStartScript({ ...base, metrics: { port: 0 } })).toThrow(
      "metrics.port: 0 must be PgBouncer's listen_port (1 to 65535).",
    );
    expect(() => pgbouncerStartScript({ ...base, metrics: { port: 6432, intervalSeconds: 0.5 } })).toThrow(
      "metrics.intervalSeconds: 0.5 must be a whole number from 1 to 3600.",
    );
  });
});
