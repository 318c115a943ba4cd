/**
 * The `apply` action: brings the database to the access model, signed in as the RDS master user (its
 * RDS-managed secret is read here, inside the VPC, and nowhere else), with the same SQL renderer the local
 * twin uses (components/postgres/accessSql.ts). Idempotent: a second run changes no catalog and
 * initialises nothing.
 *
 * Order, chosen so that every failure heals on the next run:
 * 1. read every role secret; a role whose secret has no password gets one generated here;
 * 2. one transaction: the model's statements (new passwords as SCRAM verifiers only) and the alignment of
 *    every existing `<role>_clone`;
 * 3. after COMMIT, store the new passwords (PutSecretValue, AWSCURRENT). If that fails, the database holds
 *    a password no secret has; the secret still has none, so the next apply generates and sets another.
 *    The other order could leave a secret whose password the database never received, which nothing
 *    would repair.
 * 4. the column-encryption key's secret gets a value when it has none.
 */
import type { Client } from "pg";
import { type AccessModel, cloneName, passwordRoles } from "../../components/postgres/accessModel";
import { accessStatements, alternatesUsers, cloneStatements } from "../../components/postgres/accessSql";
import { scramVerifier } from "../../components/postgres/scram";
import { isColumnKey, newColumnKey } from "./columnKey";
import type { ApplyEvent, ApplyResult } from "./contract";
import { parseSecretJson, type SecretJson } from "./credentials";
import type { Endpoint } from "./db";
import { withSecretSession } from "./master";
import { generatePassword } from "./passwords";
import { AWSCURRENT, type SecretsStore } from "./secretsStore";

export interface ApplyContext {
  readonly store: SecretsStore;
  /** The database to apply to; `endpoint.database` must be the model's database. */
  readonly endpoint: Endpoint;
  /** Progress lines: names and counts only. */
  readonly log?: (line: string) => void;
  /** @default generatePassword */
  readonly newPassword?: () => string;
  /** Waits before re-reading a master password that was refused. @default MASTER_RETRY_DELAYS_MS */
  readonly masterRetryDelaysMs?: readonly number[];
}

/** Attributes, session defaults and memberships of a role, as one comparable string. */
const FINGERPRINT = `
SELECT r.rolname AS name,
       concat_ws('|', r.rolsuper, r.rolinherit, r.rolcreaterole, r.rolcreatedb, r.rolcanlogin,
                 r.rolreplication, r.rolbypassrls, r.rolconnlimit,
                 (SELECT string_agg(x, ',' ORDER BY x) FROM unnest(s.setconfig) x),
                 (SELECT string_agg(g.rolname || ':' || m.inherit_option || m.admin_option, ',' ORDER BY g.rolname)
                    FROM pg_auth_members m JOIN pg_roles g ON g.oid = m.roleid WHERE m.member = r.oid)) AS f
  FROM pg_roles r
  LEFT JOIN pg_db_role_setting s ON s.setrole = r.oid AND s.setdatabase = 0
 WHERE r.rolname = ANY($1::text[])`;

async function fingerprints(c: Client, names: readonly string[]): Promise<Map<string, string>> {
  const r = await c.query<{ name: string; f: string }>(FINGERPRINT, [names]);
  return new Map(r.rows.map((x) => [x.name, x.f]));
}

/** Problems with the event, each naming the field and the fix. */
export function validateApplyEvent(e: ApplyEvent, database: string): string[] {
  const problems: string[] = [];
  if (e.model.database !== database)
    problems.push(
      `model.database: "${e.model.database}" is not the database the function serves (DB_NAME "${database}"). Send the stack's own model.`,
    );
  if (!e.masterSecretArn)
    problems.push("masterSecretArn: is empty. Pass the RDS-managed master secret's ARN.");
  for (const r of passwordRoles(e.model))
    if (!e.roleSecretArns[r.name])
      problems.push(`roleSecretArns.${r.name}: missing. Pass the ARN of the role's secret (RoleSecret).`);
  for (const name of Object.keys(e.roleSecretArns))
    if (!passwordRoles(e.model).some((r) => r.name === name))
      problems.push(
        `roleSecretArns.${name}: "${name}" is not a password role of the model. Remove it, or add the role to the model.`,
      );
  return problems;
}

/** Keeps the secret's own fields, states where to connect and as whom, and adds the password. */
function secretWith(j: SecretJson | undefined, role: string, at: Endpoint, password?: string): SecretJson {
  return {
    ...j,
    engine: "postgres",
    host: at.host,
    port: at.port,
    dbname: at.database,
    username: typeof j?.username === "string" ? j.username : role,
    ...(password === undefined ? {} : { password }),
  };
}

/** Runs `apply`. Returns names and counts only (the result lands in Pulumi state). */
export async function applyModel(e: ApplyEvent, ctx: ApplyContext): Promise<ApplyResult> {
  const log = ctx.log ?? (() => {});
  const problems = validateApplyEvent(e, ctx.endpoint.database);
  if (problems.length > 0) throw new Error(`apply: invalid event:\n  - ${problems.join("\n  - ")}`);
  const model: AccessModel = e.model;

  // 1. Secrets without a password get one; secrets whose connection fields drifted get them rewritten.
  const verifiers: Record<string, string> = {};
  const toStore: { role: string; arn: string; json: SecretJson; initialised: boolean }[] = [];
  for (const r of passwordRoles(model)) {
    const arn = e.roleSecretArns[r.name];
    const v = await ctx.store.getSecretValue(arn, { versionStage: AWSCURRENT });
    const j = v ? parseSecretJson(arn, v.secretString) : undefined;
    const hasPassword = typeof j?.password === "string" && j.password !== "";
    if (!hasPassword) {
      const password = (ctx.newPassword ?? generatePassword)();
      verifiers[r.name] = scramVerifier(password);
      // A secret without a password describes the role itself (its clone has no password yet either).
      toStore.push({
        role: r.name,
        arn,
        json: secretWith({ ...j, username: r.name }, r.name, ctx.endpoint, password),
        initialised: true,
      });
    } else {
      const fixed = secretWith(j, r.name, ctx.endpoint);
      if (JSON.stringify(fixed) !== JSON.stringify(j))
        toStore.push({ role: r.name, arn, json: fixed, initialised: false });
    }
  }

  // 2. The model and the clones, in one transaction.
  const roleNames = model.roles.map((r) => r.name);
  const clones = model.roles.filter((r) => alternatesUsers(r) && !r.iamAuth);
  const cloneNames = clones.map((r) => cloneName(r.name));
  const statements = accessStatements(model, { passwordVerifiers: verifiers, transaction: false });
  const outcome = await withSecretSession(
    ctx.store,
    e.masterSecretArn,
    ctx.endpoint,
    async (c) => {
      const before = await fingerprints(c, [...roleNames, ...cloneNames]);
      await c.query("BEGIN");
      let n = 0;
      try {
        for (const s of statements) {
          await c.query(s);
          n++;
        }
        for (const r of clones) {
          if (!before.has(cloneName(r.name))) continue;
          for (const s of cloneStatements(r)) {
            await c.query(s);
            n++;
          }
        }
        await c.query("COMMIT");
      } catch (err) {
        await c.query("ROLLBACK").catch(() => {});
        const all = [...statements];
        const failed = all[n] ?? "a clone statement";
        throw new Error(
          `apply: statement ${n + 1} failed, nothing was changed (rolled back): ${summary(failed)}: ${(err as Error).message}`,
        );
      }
      const after = await fingerprints(c, [...roleNames, ...cloneNames]);
      const ext = await c.query<{ extname: string }>(
        "SELECT extname FROM pg_extension WHERE extname = ANY($1::text[])",
        [model.extensions],
      );
      return { before, after, statements: n, extensions: new Set(ext.rows.map((x) => x.extname)) };
    },
    { log, retryDelaysMs: ctx.masterRetryDelaysMs },
  );

  // 3. Store the new passwords (and corrected connection fields) now that PostgreSQL has the verifiers.
  for (const s of toStore) await ctx.store.putSecretValue(s.arn, JSON.stringify(s.json));
  const passwordsInitialised = toStore.filter((s) => s.initialised).map((s) => s.role);

  // 4. The column-encryption key.
  let columnKeyInitialised = false;
  if (e.columnKeySecretArn) {
    const k = await ctx.store.getSecretValue(e.columnKeySecretArn, { versionStage: AWSCURRENT });
    if (!k || k.secretString === "") {
      await ctx.store.putSecretValue(e.columnKeySecretArn, newColumnKey());
      columnKeyInitialised = true;
    } else if (!isColumnKey(k.secretString)) {
      // Never overwrite: columns encrypted with whatever it holds would become unreadable.
      throw new Error(
        `columnKeySecretArn: ${e.columnKeySecretArn} holds a value that is not base64 of 32 bytes. Leave it as it is if data was encrypted with it; otherwise delete its versions so apply generates one.`,
      );
    }
  }

  const changed = (n: string) => outcome.before.get(n) !== outcome.after.get(n);
  const result: ApplyResult = {
    database: model.database,
    rolesCreated: roleNames.filter((n) => !outcome.before.has(n)),
    rolesUpdated: roleNames.filter(
      (n) => outcome.before.has(n) && (changed(n) || verifiers[n] !== undefined),
    ),
    extensions: model.extensions.filter((x) => outcome.extensions.has(x)),
    passwordsInitialised,
    clonesUpdated: cloneNames.filter((n) => outcome.before.has(n) && changed(n)),
    columnKeyInitialised,
    statements: outcome.statements,
  };
  log(
    `apply ${model.database}: ${result.statements} statements; created ${result.rolesCreated.join(", ") || "no role"}; updated ${result.rolesUpdated.join(", ") || "no role"}; passwords initialised for ${passwordsInitialised.join(", ") || "no role"}; clones aligned: ${result.clonesUpdated.join(", ") || "none"}`,
  );
  return result;
}

/** The statement's first words, with any password literal cut out (it would be a verifier; still). */
function summary(sql: string): string {
  return sql.replace(/PASSWORD\s+'[^']*'/g, "PASSWORD '…'").slice(0, 120);
}
