import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { RotateSecretCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import type { Client } from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { type AccessModel, accessModel, cloneName, roleKinds } from "../../components/postgres/accessModel";
import { ident } from "../../components/postgres/accessSql";
import { scramVerifier } from "../../components/postgres/scram";
import { applyModel } from "../../functions/dbops/apply";
import type { ApplyEvent, ApplyResult, RotationEvent } from "../../functions/dbops/contract";
import { dbClient, type Endpoint } from "../../functions/dbops/db";
import { handle, type Runtime } from "../../functions/dbops/handler";
import { AwsSecretsStore, type SecretsStore } from "../../functions/dbops/secretsStore";
import { stackAccessModel } from "../../infra/accessModel";
import { stackConfig } from "../../local/stackConfig";
import { availableLibraries, nativeDir, startTwin, type Twin } from "../../local/twin";
import { MONITOR_ROLE } from "../../spec/databaseOps";
import { type SecretsManagerStandIn, startSecretsManagerStandIn } from "../../testing/secretsManagerStandIn";

/**
 * The database operations function on a real PostgreSQL 16 (the twin) and the real Secrets Manager SDK
 * client talking to the stand-in: bootstrap of an empty database, idempotence, model changes, every
 * rotation step, what reaches the server log, the column key, and what RLS does for the app role.
 */
let twin: Twin;
let sm: SecretsManagerStandIn;
let rt: Runtime;
let endpoint: Endpoint;
let model: AccessModel;
const logLines: string[] = [];
const open: Client[] = [];
const arns: Record<string, string> = {};
let masterArn: string;
let columnKeyArn: string;
const cfg = stackConfig();
const OWNER = cfg.ownerRoleName;
const APP = cfg.appRoleName;
const ANALYTICS = cfg.analyticsRoleName;
const MONITOR = MONITOR_ROLE.name;
const INSUFFICIENT_PRIVILEGE = "42501";
/** Whether a non-superuser may create the extension (`trusted = true` in its control file). */
const trusted = (e: string): boolean =>
  /^trusted\s*=\s*true/m.test(
    readFileSync(path.join(nativeDir(), "share", "postgresql", "extension", `${e}.control`), "utf8"),
  );
/** Stands in for the RDS master user: a non-superuser with CREATEROLE and CREATEDB. */
const MASTER_STANDIN = "rds_master_standin";
const READ_ONLY_TRANSACTION = "25006";

/** The stack's model, on the twin: no IAM locally, pgaudit only where the library exists. */
const twinModel = (over: Partial<Parameters<typeof accessModel>[0]> = {}): AccessModel => {
  const base = stackAccessModel({ ...cfg, iamAuthRoles: [] });
  const m = accessModel({
    database: base.database,
    extensions: base.extensions.filter((e) => e !== "pgaudit" || availableLibraries().has("pgaudit")),
    ownerRoleName: OWNER,
    appRoleName: APP,
    analyticsRoleName: ANALYTICS,
    ownerConnectionLimit: cfg.ownerConnectionLimit,
    appConnectionLimit: cfg.appConnectionLimit,
    analyticsConnectionLimit: cfg.analyticsConnectionLimit,
    ...over,
  });
  return m;
};

const applyEvent = (m: AccessModel): ApplyEvent => ({
  action: "apply",
  model: m,
  masterSecretArn: masterArn,
  roleSecretArns: arns,
  columnKeySecretArn: columnKeyArn,
});
const apply = async (m: AccessModel) => (await handle(applyEvent(m), rt)) as ApplyResult;

const secretJson = (arn: string, stage = "AWSCURRENT") =>
  JSON.parse(sm.valueAt(arn, stage) ?? "{}") as { username: string; password: string };

const sessionAs = async (user: string, password: string, database = twin.database): Promise<Client> => {
  const c = dbClient({ ...endpoint, database }, { user, password });
  await c.connect();
  open.push(c);
  return c;
};
const sessionFromSecret = (arn: string, stage = "AWSCURRENT") => {
  const j = secretJson(arn, stage);
  return sessionAs(j.username, j.password);
};
const admin = () => {
  const u = new URL(twin.adminUrl);
  return sessionAs(decodeURIComponent(u.username), decodeURIComponent(u.password));
};
const sqlState = async (c: Client, sql: string): Promise<string> => {
  try {
    await c.query(sql);
    return "ok";
  } catch (e) {
    return (e as { code?: string }).code ?? String(e);
  }
};

/** Every catalog the model touches, as text. */
async function catalogs(): Promise<Record<string, unknown>> {
  const c = await admin();
  const q = async (sql: string) => (await c.query(sql)).rows;
  return {
    roles: await q(
      "SELECT rolname, rolsuper, rolinherit, rolcreaterole, rolcreatedb, rolcanlogin, rolreplication, rolbypassrls, rolconnlimit FROM pg_roles WHERE rolname NOT LIKE 'pg\\_%' ORDER BY rolname",
    ),
    members: await q(
      "SELECT r.rolname AS role, m.rolname AS member, g.rolname AS grantor, a.admin_option, a.inherit_option, a.set_option FROM pg_auth_members a JOIN pg_roles r ON r.oid = a.roleid JOIN pg_roles m ON m.oid = a.member JOIN pg_roles g ON g.oid = a.grantor ORDER BY 1, 2, 3",
    ),
    settings: await q(
      "SELECT setdatabase, setrole::regrole::text AS role, setconfig FROM pg_db_role_setting ORDER BY 1, 2",
    ),
    database: await q("SELECT datname, datacl::text FROM pg_database ORDER BY datname"),
    schema: await q(
      "SELECT nspname, nspowner::regrole::text, nspacl::text FROM pg_namespace ORDER BY nspname",
    ),
    tables: await q(
      "SELECT relname, relowner::regrole::text, relacl::text FROM pg_class WHERE relnamespace = 'public'::regnamespace ORDER BY relname",
    ),
    defaults: await q(
      "SELECT defaclrole::regrole::text, defaclnamespace::regnamespace::text, defaclobjtype, defaclacl::text FROM pg_default_acl ORDER BY 1, 3",
    ),
    extensions: await q(
      "SELECT extname, extversion, extnamespace::regnamespace::text FROM pg_extension ORDER BY 1",
    ),
  };
}

/** A password the master user had before a rotation: never valid here. */
const STALE_PASSWORD = "stale-master-password-0123456789";
/** The stand-in store, except that reads of secret `arn` give STALE_PASSWORD while `stale()` says so. */
const staleStore = (arn: string, stale: () => boolean): SecretsStore =>
  new Proxy(rt.store, {
    get(target, prop, receiver) {
      if (prop !== "getSecretValue") return Reflect.get(target, prop, receiver);
      return async (id: string, o?: { versionId?: string; versionStage?: string }) => {
        const v = await target.getSecretValue(id, o);
        if (id !== arn || !v || !stale()) return v;
        return {
          ...v,
          secretString: JSON.stringify({ ...JSON.parse(v.secretString), password: STALE_PASSWORD }),
        };
      };
    },
  });

let rotationClient: SecretsManagerClient;
const credentials = { accessKeyId: "AKIDSTANDIN", secretAccessKey: "standin-secret-key" };
/** RotateSecret (the stand-in creates the AWSPENDING version), then the steps as Secrets Manager sends them. */
const beginRotation = async (arn: string): Promise<string> =>
  (await rotationClient.send(new RotateSecretCommand({ SecretId: arn }))).VersionId ?? "";
const step = (arn: string, token: string, Step: RotationEvent["Step"]) =>
  handle({ SecretId: arn, ClientRequestToken: token, Step }, rt);
async function rotateFully(arn: string): Promise<void> {
  const token = await beginRotation(arn);
  for (const s of ["createSecret", "setSecret", "testSecret", "finishSecret"] as const)
    await step(arn, token, s);
}

beforeAll(async () => {
  twin = await startTwin();
  sm = await startSecretsManagerStandIn();
  endpoint = {
    host: twin.host,
    port: twin.port,
    database: twin.database,
    ca: readFileSync(twin.caCertPath, "utf8"),
  };
  rotationClient = new SecretsManagerClient({ endpoint: sm.endpoint, region: sm.region, credentials });
  // An EMPTY database and no model roles: drop what the twin applied at start (the roles are
  // cluster-wide, so a second database alone would not be a bootstrap).
  const a = await admin();
  const roles = [OWNER, APP, ANALYTICS, MONITOR];
  await a.query(
    `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '${twin.database}' AND pid <> pg_backend_pid()`,
  );
  await a.end();
  const u = new URL(twin.adminUrl);
  const superuser = { user: decodeURIComponent(u.username), password: decodeURIComponent(u.password) };
  const pg = await sessionAs(superuser.user, superuser.password, "postgres");
  await pg.query(`DROP DATABASE ${ident(twin.database)} WITH (FORCE)`);
  for (const r of roles) await pg.query(`DROP ROLE ${ident(r)}`);
  // The function signs in as the RDS master user, which is NOT a superuser: LOGIN NOSUPERUSER CREATEROLE
  // CREATEDB NOREPLICATION, no BYPASSRLS, owner of the database RDS created ("Understanding the
  // rds_superuser role", RDS User Guide). A stand-in with exactly those attributes, so every statement
  // apply and rotation send is one RDS would accept from the master user. Two powers of rds_superuser the
  // twin cannot give a non-superuser are granted the nearest way, and stated: ADMIN on pg_monitor (RDS is
  // assumed to let rds_superuser grant it; README, Known limitations), and creating pg_stat_statements,
  // pg_stat_statements and earthdistance, which PostgreSQL marks untrusted (RDS lets rds_superuser create
  // the extensions it supports): created here by the superuser, the way RDS would let the master.
  const standinPassword = randomBytes(24).toString("base64url");
  await pg.query(
    `CREATE ROLE ${ident(MASTER_STANDIN)} WITH LOGIN NOSUPERUSER CREATEROLE CREATEDB NOREPLICATION NOBYPASSRLS PASSWORD '${scramVerifier(standinPassword)}'`,
  );
  await pg.query(`GRANT pg_monitor TO ${ident(MASTER_STANDIN)} WITH ADMIN OPTION`);
  await pg.query(`CREATE DATABASE ${ident(twin.database)} OWNER ${ident(MASTER_STANDIN)}`);
  model = twinModel();
  const db = await sessionAs(superuser.user, superuser.password, twin.database);
  for (const e of model.extensions)
    if (!trusted(e)) await db.query(`CREATE EXTENSION ${ident(e)} WITH SCHEMA public CASCADE`);

  masterArn = sm.createSecret("rds!db-standin", {
    value: JSON.stringify({ username: MASTER_STANDIN, password: standinPassword }),
  });
  for (const r of roles) {
    // As RoleSecret writes it: where and as whom, no password. Rotation on, as SecretRotation turns it on.
    arns[r] = sm.createSecret(`verscienta-prod/postgres/${r}`, {
      value: JSON.stringify({
        username: r,
        engine: "postgres",
        host: twin.host,
        port: twin.port,
        dbname: twin.database,
      }),
      rotationEnabled: true,
    });
  }
  columnKeyArn = sm.createSecret("verscienta-prod/postgres/column-encryption-key");
  rt = {
    env: {
      target: { host: twin.host, port: twin.port, database: twin.database, instanceIdentifier: "standin-db" },
      caBundle: twin.caCertPath,
      masterSecretArn: masterArn,
      monitorSecretArn: arns[MONITOR],
      secretsEndpoint: sm.endpoint,
      roleKinds: roleKinds(model.roles),
    },
    store: new AwsSecretsStore({ endpoint: sm.endpoint, client: { region: sm.region, credentials } }),
    log: (l) => logLines.push(l),
    now: () => Date.now(),
  };
});

afterAll(async () => {
  for (const c of open) await c.end().catch(() => {});
  rotationClient?.destroy();
  await sm?.close();
  await twin?.stop();
});

describe("apply", () => {
  let first: ApplyResult;
  let before: Record<string, unknown>;
  let keyAfterFirst: string | undefined;

  it("bootstraps an empty database as the master user: roles, extensions, passwords, column key", async () => {
    first = await apply(model);
    expect(first).toEqual({
      database: twin.database,
      rolesCreated: [OWNER, APP, ANALYTICS, MONITOR],
      rolesUpdated: [],
      extensions: model.extensions,
      passwordsInitialised: [OWNER, APP, ANALYTICS, MONITOR],
      clonesUpdated: [],
      columnKeyInitialised: true,
      statements: expect.any(Number),
    });
    for (const r of [OWNER, APP, ANALYTICS, MONITOR]) {
      const j = secretJson(arns[r]);
      expect(j.username).toBe(r);
      expect(j.password).toMatch(/^[A-Za-z0-9]{40}$/);
      const c = await sessionFromSecret(arns[r]);
      expect((await c.query("SELECT current_user AS u")).rows[0].u).toBe(r);
    }
    const c = await admin();
    const m = await c.query(
      "SELECT r.rolname FROM pg_auth_members a JOIN pg_roles r ON r.oid = a.roleid WHERE a.member = $1::regrole",
      [MONITOR],
    );
    expect(m.rows.map((x) => x.rolname)).toEqual(["pg_monitor"]);
  });

  it("gives the column-key secret base64 of exactly 32 random bytes", () => {
    keyAfterFirst = sm.valueAt(columnKeyArn);
    expect(keyAfterFirst).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(keyAfterFirst ?? "", "base64")).toHaveLength(32);
  });

  it("is a no-op the second time: identical catalogs, nothing initialised, the key unchanged", async () => {
    const owner = await sessionFromSecret(arns[OWNER]);
    await owner.query("CREATE TABLE before_rotation (id bigserial PRIMARY KEY, note text)");
    await owner.query("INSERT INTO before_rotation (note) VALUES ('made by the owner before any rotation')");
    before = await catalogs();
    const versions = Object.fromEntries(Object.values(arns).map((a) => [a, sm.versions(a)]));
    const again = await apply(model);
    expect(again).toMatchObject({
      rolesCreated: [],
      rolesUpdated: [],
      passwordsInitialised: [],
      clonesUpdated: [],
      columnKeyInitialised: false,
    });
    expect(await catalogs()).toEqual(before);
    expect(sm.valueAt(columnKeyArn)).toBe(keyAfterFirst);
    expect(Object.fromEntries(Object.values(arns).map((a) => [a, sm.versions(a)]))).toEqual(versions);
  });

  it("puts back what a role changed about itself (ALTER ROLE <self> SET), reporting the role", async () => {
    const an = await sessionFromSecret(arns[ANALYTICS]);
    // ALTER ROLE is refused inside analytics' read-only transactions, but the session can switch that off;
    // then PostgreSQL lets an ordinary role set its own session defaults.
    expect(await sqlState(an, `ALTER ROLE ${ident(ANALYTICS)} SET statement_timeout = 0`)).toBe(
      READ_ONLY_TRANSACTION,
    );
    await an.query("SET default_transaction_read_only = off");
    expect(await sqlState(an, `ALTER ROLE ${ident(ANALYTICS)} SET default_transaction_read_only = off`)).toBe(
      "ok",
    );
    const r = await apply(model);
    expect(r.rolesUpdated).toEqual([ANALYTICS]);
    expect(await catalogs()).toEqual(before);
  });

  it("signs in again when the master password is refused mid-rotation, reading the secret anew", async () => {
    // The first read of the master secret gives a password that no longer works, as during RDS's own
    // rotation of the master secret; the second read gives the one that does.
    let reads = 0;
    const lines: string[] = [];
    const stale = staleStore(masterArn, () => reads++ === 0);
    const r = await applyModel(applyEvent(model), {
      store: stale,
      endpoint,
      log: (l) => lines.push(l),
      masterRetryDelaysMs: [10],
    });
    expect(r.database).toBe(twin.database);
    expect(reads).toBe(2);
    expect(lines.some((l) => l.includes("password refused (28P01)"))).toBe(true);
    expect(lines.join("\n")).not.toContain(STALE_PASSWORD);
  });

  it("metrics: signs in again when the monitoring role's password was just rotated, and prints EMF", async () => {
    let reads = 0;
    const store = staleStore(arns[MONITOR], () => reads++ === 0);
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
    const waits: number[] = [];
    try {
      await handle({ action: "metrics" }, { ...rt, store, sleep: async (ms) => void waits.push(ms) });
    } finally {
      spy.mockRestore();
    }
    expect(reads).toBe(2);
    expect(waits).toEqual([3_000]);
    const docs = written.map(
      (l) => JSON.parse(l) as { _aws: { CloudWatchMetrics: { Namespace: string }[] } },
    );
    expect(docs.length).toBeGreaterThan(0);
    expect(docs.every((d) => d._aws.CloudWatchMetrics[0].Namespace === "Verscienta/PostgreSQL")).toBe(true);
    expect(written.join("")).not.toContain(STALE_PASSWORD);
  });

  it("fails with the server's 28P01 once the retries are spent, never retrying a failed statement", async () => {
    const err = await applyModel(applyEvent(model), {
      store: staleStore(masterArn, () => true),
      endpoint,
      masterRetryDelaysMs: [1, 1],
    }).catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe("28P01");
    expect(String(err)).not.toContain(STALE_PASSWORD);
  });

  it("applies a model change: a connection limit and an extra extension", async () => {
    model = twinModel({ appConnectionLimit: 50, extensions: [...model.extensions, "citext"] });
    const r = await apply(model);
    expect(r.rolesUpdated).toEqual([APP]);
    expect(r.extensions).toContain("citext");
    const c = await admin();
    expect(
      (await c.query("SELECT rolconnlimit FROM pg_roles WHERE rolname = $1", [APP])).rows[0].rolconnlimit,
    ).toBe(50);
    expect(
      (await c.query("SELECT count(*)::int AS n FROM pg_extension WHERE extname = 'citext'")).rows[0].n,
    ).toBe(1);
  });
});

describe("rotation", () => {
  it("runs each step of an alternating-users rotation, idempotently, against the stand-in", async () => {
    const arn = arns[APP];
    const old = secretJson(arn);
    const token = await beginRotation(arn);
    await step(arn, token, "createSecret");
    const pending = secretJson(arn, "AWSPENDING");
    expect(pending.username).toBe(cloneName(APP));
    expect(pending.password).toMatch(/^[A-Za-z0-9]{40}$/);
    expect(pending.password).not.toBe(old.password);
    expect(secretJson(arn)).toEqual(old);
    const stored = sm.allValuesEverStored().length;
    await step(arn, token, "createSecret");
    expect(sm.allValuesEverStored()).toHaveLength(stored);

    await step(arn, token, "setSecret");
    await step(arn, token, "setSecret");
    const c = await admin();
    const clone = await c.query(
      "SELECT rolconnlimit, rolinherit, rolcanlogin, rolsuper, rolcreaterole, rolbypassrls FROM pg_roles WHERE rolname = $1",
      [cloneName(APP)],
    );
    expect(clone.rows[0]).toEqual({
      rolconnlimit: 50,
      rolinherit: true,
      rolcanlogin: true,
      rolsuper: false,
      rolcreaterole: false,
      rolbypassrls: false,
    });
    await step(arn, token, "testSecret");
    expect(secretJson(arn)).toEqual(old);
    await step(arn, token, "finishSecret");
    await step(arn, token, "finishSecret");
    expect(secretJson(arn)).toEqual(pending);
    expect(secretJson(arn, "AWSPREVIOUS")).toEqual(old);
  });

  it("fails when the token is not AWSPENDING, rotation is off, or the secret is not the function's", async () => {
    const arn = arns[APP];
    const current = Object.entries(sm.versions(arn)).find(([, s]) => s.includes("AWSPREVIOUS"))?.[0] ?? "";
    await expect(step(arn, current, "setSecret")).rejects.toThrow(
      /is not labelled AWSPENDING \(it has AWSPREVIOUS\)/,
    );
    await expect(step(arn, "0".repeat(36), "createSecret")).rejects.toThrow(/version 0{36} does not exist/);
    const off = sm.createSecret("not-rotating", { value: JSON.stringify({ username: APP, password: "x" }) });
    await expect(step(off, "1".repeat(36), "createSecret")).rejects.toThrow(/rotation is not enabled/);
    const foreign = sm.createSecret("someone-else", {
      value: JSON.stringify({ username: "postgres_admin", password: "x" }),
      rotationEnabled: true,
    });
    const t = await beginRotation(foreign);
    await expect(step(foreign, t, "createSecret")).rejects.toThrow(
      /username "postgres_admin" is not a role this function manages/,
    );
    // A second RotateSecret while one is unfinished: AWS refuses it.
    await expect(beginRotation(foreign)).rejects.toThrow(/previous rotation isn't complete/);
  });

  it("after 3+ rotations of every role: current and previous logins work, the owner still owns its tables", async () => {
    for (let i = 0; i < 3; i++) for (const r of [OWNER, APP, ANALYTICS, MONITOR]) await rotateFully(arns[r]);
    const owner = await sessionFromSecret(arns[OWNER]);
    expect(secretJson(arns[OWNER]).username).toBe(OWNER);
    await owner.query("CREATE TABLE after_rotation (id bigserial PRIMARY KEY, note text)");
    const c = await admin();
    const owners = await c.query(
      "SELECT relname, relowner::regrole::text AS o FROM pg_class WHERE relname IN ('before_rotation', 'after_rotation') ORDER BY 1",
    );
    expect(owners.rows).toEqual([
      { relname: "after_rotation", o: OWNER },
      { relname: "before_rotation", o: OWNER },
    ]);
    // Single user: the previous owner password is gone.
    const prev = secretJson(arns[OWNER], "AWSPREVIOUS");
    await expect(sessionAs(prev.username, prev.password)).rejects.toThrow(/password authentication failed/);
    expect(secretJson(arns[MONITOR]).username).toBe(MONITOR);

    for (const stage of ["AWSCURRENT", "AWSPREVIOUS"]) {
      const app = await sessionFromSecret(arns[APP], stage);
      for (const t of ["before_rotation", "after_rotation"]) {
        expect(await sqlState(app, `INSERT INTO ${t} (note) VALUES ('app via ${stage}')`)).toBe("ok");
        expect((await app.query(`SELECT count(*)::int AS n FROM ${t}`)).rows[0].n).toBeGreaterThan(0);
      }
      const an = await sessionFromSecret(arns[ANALYTICS], stage);
      expect((await an.query("SELECT count(*)::int AS n FROM after_rotation")).rows[0].n).toBeGreaterThan(0);
      expect(await sqlState(an, "INSERT INTO after_rotation (note) VALUES ('x')")).toBe(
        READ_ONLY_TRANSACTION,
      );
      await an.query("SET default_transaction_read_only = off");
      expect(await sqlState(an, "INSERT INTO after_rotation (note) VALUES ('x')")).toBe(
        INSUFFICIENT_PRIVILEGE,
      );
    }
    // The two logins of each alternating role differ, and both are in use.
    expect(new Set([secretJson(arns[APP]).username, secretJson(arns[APP], "AWSPREVIOUS").username])).toEqual(
      new Set([APP, cloneName(APP)]),
    );
  });

  it("keeps each clone's connection limit and settings equal to its role's, and apply aligns them", async () => {
    const c = await admin();
    const shape = async (r: string) =>
      (
        await c.query(
          "SELECT r.rolconnlimit, s.setconfig FROM pg_roles r LEFT JOIN pg_db_role_setting s ON s.setrole = r.oid AND s.setdatabase = 0 WHERE r.rolname = $1",
          [r],
        )
      ).rows[0];
    expect(await shape(cloneName(ANALYTICS))).toEqual(await shape(ANALYTICS));
    expect(await shape(cloneName(ANALYTICS))).toEqual({
      rolconnlimit: cfg.analyticsConnectionLimit,
      setconfig: ["default_transaction_read_only=on"],
    });
    expect(await shape(cloneName(APP))).toEqual(await shape(APP));
    expect((await apply(model)).clonesUpdated).toEqual([]);
    model = twinModel({ appConnectionLimit: 60, extensions: model.extensions });
    const r = await apply(model);
    expect(r.clonesUpdated).toEqual([cloneName(APP)]);
    expect(await shape(cloneName(APP))).toEqual({ rolconnlimit: 60, setconfig: null });
    const m = await c.query(
      "SELECT r.rolname, a.inherit_option FROM pg_auth_members a JOIN pg_roles r ON r.oid = a.roleid WHERE a.member = $1::regrole",
      [cloneName(APP)],
    );
    expect(m.rows).toEqual([{ rolname: APP, inherit_option: true }]);
  });
});

describe("what a compromised app role can still do (docs/database-operations.md)", () => {
  it("RLS on current_setting('app.current_user_id'): filters by the setting, which the session itself chooses", async () => {
    const owner = await sessionFromSecret(arns[OWNER]);
    await owner.query("CREATE TABLE notes (id bigserial PRIMARY KEY, user_id uuid NOT NULL, body text)");
    await owner.query("ALTER TABLE notes ENABLE ROW LEVEL SECURITY");
    await owner.query(
      "CREATE POLICY user_isolation ON notes USING (user_id = current_setting('app.current_user_id')::uuid)",
    );
    const alice = "00000000-0000-4000-8000-00000000000a";
    const bob = "00000000-0000-4000-8000-00000000000b";
    // The owner is not subject to its own table's policy without FORCE ROW LEVEL SECURITY.
    await owner.query("INSERT INTO notes (user_id, body) VALUES ($1, 'alice'), ($2, 'bob')", [alice, bob]);
    const app = await sessionFromSecret(arns[APP]);
    // Never set in this session: current_setting without missing_ok raises.
    expect(await sqlState(app, "SELECT * FROM notes")).toBe("42704");
    await app.query(`SET app.current_user_id = '${alice}'`);
    expect((await app.query("SELECT body FROM notes")).rows).toEqual([{ body: "alice" }]);
    // ...and nothing stops the session from claiming to be someone else.
    await app.query(`SET app.current_user_id = '${bob}'`);
    expect((await app.query("SELECT body FROM notes")).rows).toEqual([{ body: "bob" }]);
    // After RESET the placeholder exists with an empty value: the ::uuid cast fails.
    await app.query("RESET app.current_user_id");
    expect(await sqlState(app, "SELECT * FROM notes")).toBe("22P02");
  });

  it("can change its own password (PostgreSQL allows it), which the next rotation overwrites", async () => {
    const j = secretJson(arns[APP]);
    const app = await sessionAs(j.username, j.password);
    const mine = "selfChosenPassword0123456789";
    // A verifier, as \password would send: a plain password here would be in the log (log_statement=mod).
    expect(await sqlState(app, `ALTER ROLE ${ident(j.username)} PASSWORD '${scramVerifier(mine)}'`)).toBe(
      "ok",
    );
    const again = await sessionAs(j.username, mine);
    expect((await again.query("SELECT current_user AS u")).rows[0].u).toBe(j.username);
    // It cannot touch another role.
    expect(await sqlState(app, `ALTER ROLE ${ident(OWNER)} PASSWORD '${scramVerifier(mine)}'`)).toBe(
      INSUFFICIENT_PRIVILEGE,
    );
    expect(await sqlState(app, `ALTER ROLE ${ident(j.username)} CONNECTION LIMIT 1000`)).toBe(
      INSUFFICIENT_PRIVILEGE,
    );
    // Two rotations later the login it changed has a password from the function again.
    await rotateFully(arns[APP]);
    await rotateFully(arns[APP]);
    expect(secretJson(arns[APP]).username).toBe(j.username);
    await expect(sessionAs(j.username, mine)).rejects.toThrow(/password authentication failed/);
    await sessionFromSecret(arns[APP]);
  });
});

describe("the server log of the whole run", () => {
  it("holds the SCRAM verifiers of every ALTER ROLE, and no password ever stored in a secret", async () => {
    await new Promise((r) => setTimeout(r, 500));
    const log = readFileSync(twin.logFile, "utf8");
    // The check could fail: log_statement = mod does log these statements.
    expect(log).toMatch(new RegExp(`ALTER ROLE "${cloneName(APP)}" WITH PASSWORD 'SCRAM-SHA-256\\$4096:`));
    expect(log).toMatch(new RegExp(`ALTER ROLE "${OWNER}" WITH PASSWORD 'SCRAM-SHA-256\\$4096:`));
    expect(log).not.toMatch(/PASSWORD\s+'(?!SCRAM-SHA-256\$)/i);
    const values = sm.allValuesEverStored();
    const secrets = new Set<string>();
    for (const v of values) {
      try {
        const j = JSON.parse(v) as { password?: string };
        if (j.password) secrets.add(j.password);
      } catch {
        secrets.add(v);
      }
    }
    // Four roles x (bootstrap + rotations) and the column key.
    expect(secrets.size).toBeGreaterThanOrEqual(4 + 4 * 3 + 1);
    const leaked = [...secrets].filter((p) => p !== "x" && log.includes(p));
    expect(leaked).toEqual([]);
    // Nor does the function's own log output.
    expect(logLines.length).toBeGreaterThan(0);
    expect(logLines.filter((l) => [...secrets].some((p) => p !== "x" && l.includes(p)))).toEqual([]);
  });
});
