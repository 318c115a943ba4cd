/**
 * Rotation of the role secrets: the four steps Secrets Manager invokes the function with.
 *
 * Our reading of "Lambda rotation functions"
 * (https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_lambda-functions.html)
 * and "How rotation works" (https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotating-secrets.html):
 * - RotateSecret makes a new version id (the event's ClientRequestToken), labels it AWSPENDING, and
 *   invokes the function four times with the same token: createSecret, setSecret, testSecret,
 *   finishSecret. Any step may be retried, so each must be idempotent.
 * - createSecret stores the new credentials as that version (PutSecretValue, ClientRequestToken = token,
 *   VersionStages = [AWSPENDING]); when the version already has a value it does nothing.
 * - setSecret puts the pending credentials into the database; testSecret signs in with them;
 *   finishSecret moves AWSCURRENT to the token's version (Secrets Manager then labels the old one
 *   AWSPREVIOUS, UpdateSecretVersionStage API reference).
 * - A failed step stops the rotation and leaves AWSPENDING on the new version; the next RotateSecret
 *   retries (docs/database-operations.md, "Recovering from a failed rotation").
 * Like AWS's templates (SecretsManagerRDSPostgreSQLRotationSingleUser/MultiUser lambda_function.py), every
 * step first checks DescribeSecret: rotation enabled, the token is a version of the secret, and it is
 * labelled AWSPENDING (or already AWSCURRENT: then the step has nothing to do).
 *
 * Per role kind (spec/databaseOps.ts ROTATION_STRATEGY): the owner and the monitoring role rotate as a
 * single user (the owner keeps owning every table its migrations create); app and analytics alternate
 * between `<role>` and `<role>_clone`, so a client holding the previous secret still signs in until the
 * next rotation. PostgreSQL only ever receives SCRAM verifiers.
 */
import type { Client } from "pg";
import type { RoleKind, RoleModel } from "../../components/postgres/accessModel";
import { cloneName } from "../../components/postgres/accessModel";

import { cloneStatements, ident, literal, passwordStatement } from "../../components/postgres/accessSql";
import { scramVerifier } from "../../components/postgres/scram";
import { CLONE_SUFFIX, ROTATION_STRATEGY } from "../../spec/databaseOps";
import type { RotationEvent } from "./contract";
import { credentialsOf, parseSecretJson } from "./credentials";
import { type Endpoint, withSession } from "./db";
import { withSecretSession } from "./master";
import { generatePassword } from "./passwords";
import { AWSCURRENT, AWSPENDING, type SecretsStore } from "./secretsStore";

export interface RotationContext {
  readonly store: SecretsStore;
  readonly endpoint: Endpoint;
  readonly masterSecretArn: string;
  /** Password roles of the access model and their kinds (`roleKinds(model.roles)`, accessModel.ts): the secrets it manages. */
  readonly roleKinds: Readonly<Record<string, RoleKind>>;
  /** Progress lines: names and steps only, never a secret. */
  readonly log?: (line: string) => void;
  /** @default generatePassword */
  readonly newPassword?: () => string;
  /** Waits before re-reading a master password that was refused. @default MASTER_RETRY_DELAYS_MS */
  readonly masterRetryDelaysMs?: readonly number[];
}

/** Which model role a secret's username belongs to, refusing anything the function does not manage. */
export function managedRole(
  secretId: string,
  username: string,
  kinds: Readonly<Record<string, RoleKind>>,
): { readonly base: string; readonly kind: RoleKind; readonly isClone: boolean } {
  const direct = kinds[username];
  if (direct !== undefined) return { base: username, kind: direct, isClone: false };
  if (username.endsWith(CLONE_SUFFIX)) {
    const base = username.slice(0, -CLONE_SUFFIX.length);
    const kind = kinds[base];
    if (kind !== undefined && ROTATION_STRATEGY[kind] === "alternating-users")
      return { base, kind, isClone: true };
  }
  throw new Error(
    `secret ${secretId}: username "${username}" is not a role this function manages (${Object.keys(kinds).join(", ")}, or the ${CLONE_SUFFIX} of an alternating-users role). Point the secret's rotation at the function that owns it, or fix its username.`,
  );
}

/** The other login of an alternating-users role; the same login for a single-user role. */
export const nextUsername = (role: { base: string; kind: RoleKind; isClone: boolean }): string =>
  ROTATION_STRATEGY[role.kind] === "alternating-users" && !role.isClone ? cloneName(role.base) : role.base;

/** Runs one rotation step. */
export async function rotate(e: RotationEvent, ctx: RotationContext): Promise<void> {
  const log = ctx.log ?? (() => {});
  const { SecretId: id, ClientRequestToken: token } = e;
  const d = await ctx.store.describeSecret(id);
  // AWS templates: `if not metadata['RotationEnabled']: raise ValueError(...)`.
  if (!d.rotationEnabled)
    throw new Error(
      `secret ${id}: rotation is not enabled (DescribeSecret RotationEnabled is false). Turn it on with aws secretsmanager rotate-secret, or invoke the function for a secret that rotates.`,
    );
  const stages = d.versionIdsToStages[token];
  if (stages === undefined)
    throw new Error(
      `secret ${id}: version ${token} does not exist (not in DescribeSecret VersionIdsToStages). Start rotation with aws secretsmanager rotate-secret, which creates it.`,
    );
  if (stages.includes(AWSCURRENT)) {
    log(`${e.Step} ${id}: version ${token} is already AWSCURRENT; nothing to do`);
    return;
  }
  if (!stages.includes(AWSPENDING))
    throw new Error(
      `secret ${id}: version ${token} is not labelled AWSPENDING (it has ${stages.join(", ") || "no label"}). Start a new rotation with aws secretsmanager rotate-secret.`,
    );

  switch (e.Step) {
    case "createSecret":
      return createSecret(e, ctx, log);
    case "setSecret":
      return setSecret(e, ctx, log);
    case "testSecret":
      return testSecret(e, ctx, log);
    case "finishSecret":
      return finishSecret(e, ctx, d.versionIdsToStages, log);
    default: {
      const step: never = e.Step;
      throw new Error(
        `Step: "${String(step)}" is not a rotation step. Use createSecret, setSecret, testSecret or finishSecret.`,
      );
    }
  }
}

async function currentJson(id: string, ctx: RotationContext) {
  const cur = await ctx.store.getSecretValue(id, { versionStage: AWSCURRENT });
  if (!cur)
    throw new Error(
      `secret ${id}: has no AWSCURRENT value. Run the function's apply action first; it gives every role secret its first password.`,
    );
  return parseSecretJson(id, cur.secretString);
}

async function pendingJson(id: string, token: string, ctx: RotationContext) {
  const p = await ctx.store.getSecretValue(id, { versionId: token, versionStage: AWSPENDING });
  if (!p)
    throw new Error(
      `secret ${id}: version ${token} has no AWSPENDING value; createSecret has not run for it. Restart the rotation with aws secretsmanager rotate-secret.`,
    );
  return parseSecretJson(id, p.secretString);
}

async function createSecret(e: RotationEvent, ctx: RotationContext, log: (l: string) => void) {
  const id = e.SecretId;
  const current = await currentJson(id, ctx);
  const role = managedRole(id, credentialsOf(id, current).user, ctx.roleKinds);
  // GetSecretValue answers ResourceNotFoundException for a version without a value: then we make one.
  if (await ctx.store.getSecretValue(id, { versionId: e.ClientRequestToken, versionStage: AWSPENDING })) {
    log(`createSecret ${id}: version ${e.ClientRequestToken} already has a value`);
    return;
  }
  const username = nextUsername(role);
  const pending = { ...current, username, password: (ctx.newPassword ?? generatePassword)() };
  await ctx.store.putSecretValue(id, JSON.stringify(pending), {
    clientRequestToken: e.ClientRequestToken,
    versionStages: [AWSPENDING],
    rotationToken: e.RotationToken,
  });
  log(`createSecret ${id}: stored version ${e.ClientRequestToken} (AWSPENDING) for ${username}`);
}

/** The base role's connection limit and session defaults as the catalog holds them now. */
async function roleFromCatalog(c: Client, base: string, kind: RoleKind): Promise<RoleModel> {
  const r = await c.query<{ rolconnlimit: number; setconfig: string[] | null }>(
    `SELECT r.rolconnlimit, s.setconfig FROM pg_roles r
       LEFT JOIN pg_db_role_setting s ON s.setrole = r.oid AND s.setdatabase = 0
      WHERE r.rolname = $1`,
    [base],
  );
  if (r.rowCount === 0)
    throw new Error(
      `role "${base}" does not exist in the database. Run the function's apply action, which creates the model's roles.`,
    );
  const settings = Object.fromEntries(
    (r.rows[0].setconfig ?? []).map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]),
  );
  return {
    name: base,
    kind,
    login: true,
    connectionLimit: r.rows[0].rolconnlimit,
    iamAuth: false,
    settings,
    databasePrivileges: [],
    schemaPrivileges: [],
    tablePrivileges: [],
    sequencePrivileges: [],
    memberOf: [],
  };
}

async function signsIn(ctx: RotationContext, user: string, password: string): Promise<boolean> {
  try {
    await withSession(ctx.endpoint, { user, password }, async () => {});
    return true;
  } catch {
    return false;
  }
}

async function setSecret(e: RotationEvent, ctx: RotationContext, log: (l: string) => void) {
  const id = e.SecretId;
  const current = await currentJson(id, ctx);
  const pending = credentialsOf(id, await pendingJson(id, e.ClientRequestToken, ctx));
  const cur = managedRole(id, credentialsOf(id, current).user, ctx.roleKinds);
  const role = managedRole(id, pending.user, ctx.roleKinds);
  // AWS MultiUser template: the pending username must be the current one or its alternate.
  if (role.base !== cur.base)
    throw new Error(
      `secret ${id}: the AWSPENDING username "${pending.user}" is not "${cur.base}" or its clone. Cancel this rotation (docs/database-operations.md) and start a new one.`,
    );
  // Retried after a success: the password is already in place (AWS templates do the same check).
  if (await signsIn(ctx, pending.user, pending.password)) {
    log(`setSecret ${id}: ${pending.user} already signs in with the pending password`);
    return;
  }
  const verifier = scramVerifier(pending.password);
  await withSecretSession(
    ctx.store,
    ctx.masterSecretArn,
    ctx.endpoint,
    async (c) => {
      await c.query("BEGIN");
      try {
        const statements = role.isClone
          ? cloneStatements(await roleFromCatalog(c, role.base, role.kind), { verifier })
          : [
              // The role must exist: rotation never creates a model role (apply does).
              `DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = ${literal(role.base)}) THEN RAISE EXCEPTION 'role % does not exist; run apply', ${literal(role.base)}; END IF; END $$;`,
              passwordStatement(role.base, verifier, "verifier"),
            ];
        for (const s of statements) await c.query(s);
        await c.query("COMMIT");
      } catch (err) {
        await c.query("ROLLBACK").catch(() => {});
        throw new Error(
          `setSecret ${id}: setting the password of ${ident(pending.user)} failed: ${describe(err)}`,
        );
      }
    },
    { log, retryDelaysMs: ctx.masterRetryDelaysMs },
  );
  log(`setSecret ${id}: ${pending.user} has the pending password (SCRAM verifier)`);
}

async function testSecret(e: RotationEvent, ctx: RotationContext, log: (l: string) => void) {
  const id = e.SecretId;
  const pending = credentialsOf(id, await pendingJson(id, e.ClientRequestToken, ctx));
  managedRole(id, pending.user, ctx.roleKinds);
  const who = await withSession(ctx.endpoint, pending, async (c) => {
    const r = await c.query<{ u: string; one: number }>("SELECT current_user AS u, 1 AS one");
    return r.rows[0];
  }).catch((err: unknown) => {
    throw new Error(
      `testSecret ${id}: ${pending.user} cannot sign in with the pending password: ${describe(err)}`,
    );
  });
  if (who.u !== pending.user || who.one !== 1)
    throw new Error(`testSecret ${id}: signed in as "${who.u}", expected "${pending.user}".`);
  log(`testSecret ${id}: ${pending.user} signs in over verified TLS`);
}

async function finishSecret(
  e: RotationEvent,
  ctx: RotationContext,
  versions: Readonly<Record<string, readonly string[]>>,
  log: (l: string) => void,
) {
  const id = e.SecretId;
  const current = Object.entries(versions).find(([, s]) => s.includes(AWSCURRENT))?.[0];
  if (current === e.ClientRequestToken) return;
  // RemoveFromVersionId must name the version that holds AWSCURRENT, or AWS refuses the move.
  await ctx.store.updateSecretVersionStage(id, AWSCURRENT, {
    moveToVersionId: e.ClientRequestToken,
    removeFromVersionId: current,
  });
  log(`finishSecret ${id}: version ${e.ClientRequestToken} is AWSCURRENT (was ${current ?? "none"})`);
}

/** An error's message without anything it may carry beyond PostgreSQL's or the SDK's own text. */
function describe(err: unknown): string {
  const e = err as { code?: string; message?: string };
  return `${e.message ?? String(err)}${e.code ? ` (SQLSTATE ${e.code})` : ""}`;
}
