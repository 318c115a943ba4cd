/**
 * Sessions as the RDS master user. The password lives in the RDS-managed master secret, which RDS
 * rotates on its own schedule (`masterPasswordRotationDays`). During a managed rotation "new connections
 * that retrieve the secret may get the previous version of the credentials" ("Managed rotation for AWS
 * Secrets Manager secrets", https://docs.aws.amazon.com/secretsmanager/latest/userguide/rotate-secrets_managed.html),
 * and such rotations usually finish within a minute. So a refused password (SQLSTATE 28P01,
 * invalid_password) re-reads the secret and tries again for about a minute before giving up.
 */
import type { Client } from "pg";
import { credentialsOf, parseSecretJson } from "./credentials";
import { type Credentials, type Endpoint, withSession } from "./db";
import { AWSCURRENT, type SecretsStore } from "./secretsStore";

/** PostgreSQL's SQLSTATE for a wrong password (https://www.postgresql.org/docs/16/errcodes-appendix.html). */
export const INVALID_PASSWORD = "28P01";
/** Waits between attempts: about a minute in all, what a managed rotation usually takes. */
export const MASTER_RETRY_DELAYS_MS: readonly number[] = [2_000, 4_000, 8_000, 16_000, 30_000];

export interface MasterSessionOptions {
  /** Who signs in, for the log line and errors. @default "master user" */
  readonly who?: string;
  /** The error when the secret has no AWSCURRENT value. @default the master secret's */
  readonly noValue?: string;
  /** @default MASTER_RETRY_DELAYS_MS */
  readonly retryDelaysMs?: readonly number[];
  /** Progress lines (never a secret). */
  readonly log?: (line: string) => void;
  /** @default setTimeout */
  readonly sleep?: (ms: number) => Promise<void>;
}

async function secretCredentials(store: SecretsStore, arn: string, noValue?: string): Promise<Credentials> {
  const v = await store.getSecretValue(arn, { versionStage: AWSCURRENT });
  if (!v)
    throw new Error(
      noValue ??
        `masterSecretArn: ${arn} has no AWSCURRENT value. Pass the instance's RDS-managed master secret (manageMasterUserPassword).`,
    );
  const c = credentialsOf(arn, parseSecretJson(arn, v.secretString));
  return { user: c.user, password: c.password };
}

/**
 * Runs `f` on a session as the login a secret holds (the master user; the monitoring role, whose own
 * single-user rotation can land between a read and a sign-in). Only signing in is retried, never `f`: a
 * statement that failed is the caller's error to report.
 */
export async function withSecretSession<T>(
  store: SecretsStore,
  masterSecretArn: string,
  at: Endpoint,
  f: (c: Client) => Promise<T>,
  opts: MasterSessionOptions = {},
): Promise<T> {
  const delays = opts.retryDelaysMs ?? MASTER_RETRY_DELAYS_MS;
  const sleep = opts.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let attempt = 0; ; attempt++) {
    const who = await secretCredentials(store, masterSecretArn, opts.noValue);
    let signedIn = false;
    try {
      return await withSession(at, who, (c) => {
        signedIn = true;
        return f(c);
      });
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (signedIn || code !== INVALID_PASSWORD || attempt >= delays.length) throw e;
      opts.log?.(
        `${opts.who ?? "master user"}: password refused (${INVALID_PASSWORD}); its secret may be rotating. Reading it again in ${delays[attempt] / 1000} s (attempt ${attempt + 2} of ${delays.length + 1}).`,
      );
      await sleep(delays[attempt]);
    }
  }
}
