/**
 * Sessions to the database: TLS with the server certificate verified against a CA bundle and the host
 * name checked (libpq's verify-full). Takes everything as arguments; only handler.ts reads the environment.
 */
import { readFileSync } from "node:fs";
import { isIP } from "node:net";
import { Client } from "pg";
import { LAMBDA_CA_BUNDLE } from "./contract";

export interface Credentials {
  readonly user: string;
  readonly password: string;
}

export interface Endpoint {
  readonly host: string;
  readonly port: number;
  readonly database: string;
  /** PEM text of the CA bundle the server certificate must chain to. */
  readonly ca: string;
}

/** Reads the CA bundle, naming the file and the fix when it is missing. */
export function readCaBundle(file: string = LAMBDA_CA_BUNDLE): string {
  try {
    return readFileSync(file, "utf8");
  } catch (e) {
    throw new Error(
      `DB_CA_BUNDLE: cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? String(e)}). Point it at a PEM bundle holding the RDS CA (Lambda: ${LAMBDA_CA_BUNDLE}).`,
    );
  }
}

/** An unconnected client; `connect()` is the caller's. */
export function dbClient(at: Endpoint, who: Credentials): Client {
  return new Client({
    host: at.host,
    port: at.port,
    database: at.database,
    user: who.user,
    password: who.password,
    // rejectUnauthorized: an unverifiable certificate fails the connection. `servername` (SNI) and the
    // identity check: node-postgres passes `host` to tls.connect, which checks the certificate against
    // it; SNI must not carry an IP address (RFC 6066 section 3), so it is set for names only.
    ssl: { ca: at.ca, rejectUnauthorized: true, ...(isIP(at.host) === 0 ? { servername: at.host } : {}) },
    // A stuck network path fails the invocation rather than running into Lambda's timeout silently.
    connectionTimeoutMillis: 10_000,
    application_name: "verscienta-dbops",
  });
}

/** Runs `f` on a connected session and always closes it. */
export async function withSession<T>(
  at: Endpoint,
  who: Credentials,
  f: (c: Client) => Promise<T>,
): Promise<T> {
  const c = dbClient(at, who);
  await c.connect();
  try {
    return await f(c);
  } finally {
    await c.end().catch(() => {});
  }
}
