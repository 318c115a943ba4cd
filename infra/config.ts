import * as pulumi from "@pulumi/pulumi";
import { z } from "zod";
import { isPrivateIpv4Cidr } from "../components/network/databaseNetwork";
import { configPreflight } from "../preflight/catalog";
import type { ConfigView } from "../preflight/types";
import {
  ALLOWED_EXTENSIONS,
  APP_POOL,
  COMMON_DEFAULTS,
  DEFAULT_DR_REGIONS,
  ENVIRONMENTS,
  type Environment,
  HIPAA_RETENTION_DAYS,
  isProductionStack,
  LOG_RETENTION_DAYS,
  POOLERS,
  PROFILE_DEFAULTS,
  RDS_LIMITS,
  VAULT_LOCK_MODES,
} from "./defaults";

/** The Pulumi project name: config keys live in this namespace (`verscienta-postgres:<key>`). */
export const PROJECT = "verscienta-postgres";

// ---------------------------------------------------------------------------------------------------
// Value schemas. Pulumi hands every config value over as a string (objects and arrays as JSON), so
// each schema accepts the string form too. Messages complete the sentence "<key>: <value> ...".
// ---------------------------------------------------------------------------------------------------

const fromString = (v: unknown): unknown => {
  if (typeof v !== "string") return v;
  const t = v.trim();
  if (t === "true") return true;
  if (t === "false") return false;
  if (/^-?\d+(\.\d+)?$/.test(t)) return Number(t);
  if (t.startsWith("[") || t.startsWith("{")) {
    try {
      return JSON.parse(t);
    } catch {
      return v;
    }
  }
  return v;
};

const int = (min: number, max: number, fix: string) =>
  z.preprocess(
    fromString,
    z
      .number({ error: `is not a number. ${fix}` })
      .int({ error: `is not a whole number. ${fix}` })
      .min(min, { error: `is below the minimum of ${min}. ${fix}` })
      .max(max, { error: `is above the maximum of ${max}. ${fix}` }),
  );

const oneOfNumbers = (allowed: readonly number[], what: string) =>
  z.preprocess(
    fromString,
    z
      .number({ error: `is not a number. Use one of ${allowed.join(", ")}.` })
      .refine((n) => allowed.includes(n), {
        error: `is not ${what}. Use one of ${allowed.join(", ")}.`,
      }),
  );

const bool = () => z.preprocess(fromString, z.boolean({ error: "is not a boolean. Use true or false." }));

const str = (pattern: RegExp, fix: string) =>
  z.preprocess(
    (v) => (typeof v === "number" ? String(v) : v),
    z.string({ error: `is not a string. ${fix}` }).regex(pattern, { error: `is not valid. ${fix}` }),
  );

const oneOf = <T extends string>(allowed: readonly [T, ...T[]]) =>
  z.enum(allowed, { error: `is not one of ${allowed.join(", ")}. Use one of them.` });

// A bare or comma-separated string ("10.0.0.0/8, 10.1.0.0/16") is the usual slip: show it as a list.
// Items are judged one by one (zod reports each bad index), so one bad item hides none of the others.
const list = (item: z.ZodType<string>, fix: string) =>
  z.preprocess(
    (v) => (typeof v === "string" ? fromString(v) : v),
    z.array(item, {
      error: (issue) =>
        typeof issue.input === "string" && issue.input.trim() !== ""
          ? `is not a list. ${fix} Write it as a YAML list: [${issue.input
              .split(",")
              .map((s) => JSON.stringify(s.trim()))
              .join(", ")}].`
          : `is not a list. ${fix}`,
    }),
  );

const IDENT = /^[a-z_][a-z0-9_]{0,62}$/;
const identFix = "Use a lowercase PostgreSQL identifier: letters, digits and _, starting with a letter or _.";
const WINDOW = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/;
const MAINT_WINDOW =
  /^(mon|tue|wed|thu|fri|sat|sun):(\d{2}):(\d{2})-(mon|tue|wed|thu|fri|sat|sun):(\d{2}):(\d{2})$/;
const CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
const DIGEST_IMAGE = /^[a-z0-9][a-z0-9._/:-]*@sha256:[a-f0-9]{64}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** Every config key, its value schema. Keys not listed here are rejected (typos are caught). */
const KEY_SCHEMAS = {
  environment: oneOf(ENVIRONMENTS),
  engineVersion: str(/^\d{2}(\.\d+)?$/, 'Use a PostgreSQL major version such as "16" (or "16.4").'),
  instanceClass: str(/^db\.[a-z0-9-]+\.[a-z0-9]+$/, 'Use an RDS instance class such as "db.r6g.large".'),
  allocatedStorageGb: int(
    RDS_LIMITS.minAllocatedStorageGb,
    RDS_LIMITS.maxAllocatedStorageGb,
    "Use 20 to 65536 GiB.",
  ),
  maxAllocatedStorageGb: int(
    RDS_LIMITS.minAllocatedStorageGb,
    RDS_LIMITS.maxAllocatedStorageGb,
    "Use 20 to 65536 GiB.",
  ),
  multiAz: bool(),
  deletionProtection: bool(),
  backupRetentionDays: z.preprocess(
    fromString,
    z
      .number({ error: "is not a number. Use 1 to 35 days." })
      .int({ error: "is not a whole number of days. Use 1 to 35." })
      .min(1, { error: "disables automated backups and point-in-time recovery. Use 1 to 35 days." })
      .max(RDS_LIMITS.maxBackupRetentionDays, { error: "is above the RDS maximum of 35. Use 1 to 35 days." }),
  ),
  backupWindow: str(WINDOW, 'Use "hh24:mi-hh24:mi" in UTC, at least 30 minutes, e.g. "03:00-04:00".'),
  maintenanceWindow: str(MAINT_WINDOW, 'Use "ddd:hh24:mi-ddd:hh24:mi" in UTC, e.g. "sun:05:00-sun:06:00".'),
  caCertIdentifier: oneOf(RDS_LIMITS.currentCas as unknown as readonly [string, ...string[]]),
  engineLifecycleSupport: oneOf(RDS_LIMITS.engineLifecycles as unknown as readonly [string, ...string[]]),
  databaseName: str(IDENT, identFix),
  masterUsername: str(IDENT, identFix),
  logRetentionDays: oneOfNumbers(LOG_RETENTION_DAYS, "a CloudWatch Logs retention value"),
  monitoringIntervalSeconds: oneOfNumbers(RDS_LIMITS.monitoringIntervals, "an enhanced-monitoring interval"),
  performanceInsightsRetentionDays: oneOfNumbers(
    RDS_LIMITS.performanceInsightsRetention,
    "a Performance Insights retention (7, a multiple of 31 up to 713, or 731)",
  ),
  readReplicaCount: int(0, 5, "Use 0 to 5 read replicas."),
  pgauditEnabled: bool(),
  pgauditLog: str(
    /^-?(all|ddl|function|misc|misc_set|read|role|write)(,-?(all|ddl|function|misc|misc_set|read|role|write))*$/,
    'Use a comma-separated pgaudit.log class list such as "ddl,role".',
  ),
  maxConnections: int(20, 5000, "Use 20 to 5000, or leave it unset for RDS's memory-based default."),
  vpcId: str(
    /^vpc-[0-9a-f]{8,17}$/,
    'Use a VPC id such as "vpc-0123456789abcdef0", or leave it unset to create an isolated VPC.',
  ),
  privateSubnetIds: list(
    str(/^subnet-[0-9a-f]{8,17}$/, 'Use subnet ids such as "subnet-0123456789abcdef0".') as z.ZodType<string>,
    "Use a list of private subnet ids.",
  ),
  vpcCidr: str(CIDR, 'Use a private IPv4 CIDR such as "10.40.0.0/16".'),
  allowedSecurityGroupIds: list(
    str(/^sg-[0-9a-f]{8,17}$/, 'Use security group ids such as "sg-0123456789abcdef0".') as z.ZodType<string>,
    "Use a list of security group ids.",
  ),
  allowedCidrs: list(
    str(CIDR, 'Use IPv4 CIDRs such as "10.0.0.0/16".') as z.ZodType<string>,
    "Use a list of private IPv4 CIDRs.",
  ),

  manageDatabaseObjects: bool(),
  databaseTunnelHost: str(
    /^[a-zA-Z0-9.-]+$/,
    'Use a host name such as "localhost" (an SSM or bastion tunnel).',
  ),
  databaseTunnelPort: int(1, 65535, "Use the local port of the tunnel."),
  extensions: list(
    oneOf(ALLOWED_EXTENSIONS as unknown as readonly [string, ...string[]]) as z.ZodType<string>,
    `Use a list drawn from ${ALLOWED_EXTENSIONS.join(", ")}.`,
  ),
  ownerRoleName: str(IDENT, identFix),
  appRoleName: str(IDENT, identFix),
  analyticsRoleName: str(IDENT, identFix),
  ownerConnectionLimit: int(1, 1000, "Use 1 to 1000."),
  appConnectionLimit: int(1, 5000, "Use 1 to 5000."),
  analyticsConnectionLimit: int(1, 1000, "Use 1 to 1000."),
  iamAuthRoles: list(str(IDENT, identFix) as z.ZodType<string>, "Use a list of role names."),
  masterPasswordRotationDays: int(1, 365, "Use 1 to 365 days."),
  appPasswordRotationDays: int(1, 365, "Use 1 to 365 days."),

  pooler: oneOf(POOLERS),
  proxyDebugLogging: bool(),
  proxyRequireIam: bool(),
  proxyMaxConnectionsPercent: int(
    1,
    99,
    "Use 1 to 99 percent; leave headroom for admin sessions and migrations.",
  ),
  proxyMaxIdleConnectionsPercent: int(0, 99, "Use 0 to 99 percent."),
  proxyIdleClientTimeoutSeconds: int(1, 28_800, "Use 1 to 28800 seconds."),
  proxyConnectionBorrowTimeoutSeconds: int(1, 3600, "Use 1 to 3600 seconds."),
  pgbouncerImage: str(DIGEST_IMAGE, 'Pin the image by digest: "<registry>/<repo>@sha256:<64 hex>".'),
  pgbouncerDesiredCount: int(1, 50, "Use 1 to 50 tasks (prod needs at least 2)."),
  pgbouncerCpu: oneOfNumbers([256, 512, 1024, 2048, 4096], "a Fargate CPU size"),
  pgbouncerMemoryMiB: int(512, 30_720, "Use 512 to 30720 MiB, valid for the chosen Fargate CPU."),
  pgbouncerMaxClientConn: int(100, 100_000, "Use 100 to 100000."),
  pgbouncerDefaultPoolSize: int(1, 1000, "Use 1 to 1000."),
  pgbouncerMinPoolSize: int(0, 1000, "Use 0 to 1000."),
  pgbouncerReservePoolSize: int(0, 1000, "Use 0 to 1000."),
  pgbouncerReservePoolTimeoutSeconds: int(0, 600, "Use 0 to 600 seconds."),

  alarmEmails: list(
    str(EMAIL, "Use e-mail addresses.") as z.ZodType<string>,
    "Use a list of e-mail addresses.",
  ),
  alarmHttpsEndpoints: list(
    str(
      /^https:\/\/\S+$/,
      "Use https:// URLs; plain http would send alarm contents unencrypted.",
    ) as z.ZodType<string>,
    "Use a list of https:// URLs.",
  ),
  alarmCpuPercent: int(1, 99, "Use 1 to 99 percent."),
  alarmCpuMinutes: int(1, 1440, "Use a positive number of minutes."),
  alarmFreeableMemoryPercent: int(1, 99, "Use 1 to 99 percent."),
  alarmFreeStoragePercent: int(1, 99, "Use 1 to 99 percent."),
  alarmConnectionsPercent: int(1, 99, "Use 1 to 99 percent."),
  alarmReplicaLagSeconds: int(1, 86_400, "Use a positive number of seconds."),
  alarmSlowQuerySeconds: int(1, 3600, "Use a positive number of seconds (queries over 1 s are logged)."),
  alarmMaxUsedTransactionIds: int(100_000_000, 2_000_000_000, "Use 100000000 to 2000000000."),
  alarmDiskQueueDepth: int(1, 10_000, "Use a positive number."),
  alarmCpuCreditBalance: int(1, 10_000, "Use a positive number of credits."),
  alarmAuthFailures: int(1, 10_000, "Use a positive count per 5 minutes."),

  drEnabled: bool(),
  drRegion: str(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'Use an AWS region such as "us-west-2".'),
  backupDailyRetentionDays: int(1, 36_500, "Use at least 35 days."),
  backupMonthlyRetentionDays: int(1, 36_500, "Use a number of days (prod: at least 2192, six years)."),
  backupVaultLockMode: oneOf(VAULT_LOCK_MODES),
  restoreTestingEnabled: bool(),
} as const;

export type ConfigKey = keyof typeof KEY_SCHEMAS;

/**
 * Every key's default as Pulumi.yaml declares it: the common defaults plus the strict (prod) profile;
 * "" / 0 for optional keys. `environment` and `engineLifecycleSupport` have none: each stack must choose.
 */
export const CONFIG_DEFAULTS: Readonly<Record<string, unknown>> = {
  ...COMMON_DEFAULTS,
  ...PROFILE_DEFAULTS.prod,
  maxConnections: 0,
  vpcId: "",
  databaseTunnelHost: "",
  databaseTunnelPort: 0,
  pgbouncerImage: "",
  drRegion: "",
};
export const CONFIG_KEYS = Object.keys(KEY_SCHEMAS) as ConfigKey[];

/**
 * Optional keys. Pulumi.yaml must give every declared key a default (a key without one is required by
 * the CLI), so these default to "" (strings) or 0 (numbers), both meaning "unset".
 */
export const OPTIONAL_KEYS = [
  "maxConnections",
  "vpcId",
  "databaseTunnelHost",
  "databaseTunnelPort",
  "pgbouncerImage",
  "drRegion",
] as const;

type Parsed = { [K in ConfigKey]: z.output<(typeof KEY_SCHEMAS)[K]> };

export interface PlatformConfig {
  readonly environment: Environment;
  readonly region: string;
  readonly engineVersion: string;
  /** Major version number, e.g. 16. */
  readonly engineMajor: number;
  readonly instanceClass: string;
  readonly allocatedStorageGb: number;
  readonly maxAllocatedStorageGb: number;
  readonly multiAz: boolean;
  readonly deletionProtection: boolean;
  readonly backupRetentionDays: number;
  readonly backupWindow: string;
  readonly maintenanceWindow: string;
  readonly caCertIdentifier: string;
  readonly engineLifecycleSupport: string;
  readonly databaseName: string;
  readonly masterUsername: string;
  readonly logRetentionDays: number;
  readonly monitoringIntervalSeconds: number;
  readonly performanceInsightsRetentionDays: number;
  readonly readReplicaCount: number;
  readonly pgauditEnabled: boolean;
  readonly pgauditLog: string;
  readonly maxConnections?: number;
  readonly vpcId?: string;
  readonly privateSubnetIds: readonly string[];
  readonly vpcCidr: string;
  readonly allowedSecurityGroupIds: readonly string[];
  readonly allowedCidrs: readonly string[];

  readonly manageDatabaseObjects: boolean;
  readonly databaseTunnelHost?: string;
  readonly databaseTunnelPort?: number;
  readonly extensions: readonly string[];
  readonly ownerRoleName: string;
  readonly appRoleName: string;
  readonly analyticsRoleName: string;
  readonly ownerConnectionLimit: number;
  readonly appConnectionLimit: number;
  readonly analyticsConnectionLimit: number;
  readonly iamAuthRoles: readonly string[];
  readonly masterPasswordRotationDays: number;
  readonly appPasswordRotationDays: number;

  readonly pooler: (typeof POOLERS)[number];
  readonly proxyDebugLogging: boolean;
  readonly proxyRequireIam: boolean;
  readonly proxyMaxConnectionsPercent: number;
  readonly proxyMaxIdleConnectionsPercent: number;
  readonly proxyIdleClientTimeoutSeconds: number;
  readonly proxyConnectionBorrowTimeoutSeconds: number;
  readonly pgbouncerImage?: string;
  readonly pgbouncerDesiredCount: number;
  readonly pgbouncerCpu: number;
  readonly pgbouncerMemoryMiB: number;
  readonly pgbouncerMaxClientConn: number;
  readonly pgbouncerDefaultPoolSize: number;
  readonly pgbouncerMinPoolSize: number;
  readonly pgbouncerReservePoolSize: number;
  readonly pgbouncerReservePoolTimeoutSeconds: number;

  readonly alarmEmails: readonly string[];
  readonly alarmHttpsEndpoints: readonly string[];
  readonly alarmCpuPercent: number;
  readonly alarmCpuMinutes: number;
  readonly alarmFreeableMemoryPercent: number;
  readonly alarmFreeStoragePercent: number;
  readonly alarmConnectionsPercent: number;
  readonly alarmReplicaLagSeconds: number;
  readonly alarmSlowQuerySeconds: number;
  readonly alarmMaxUsedTransactionIds: number;
  readonly alarmDiskQueueDepth: number;
  readonly alarmCpuCreditBalance: number;
  readonly alarmAuthFailures: number;

  readonly drEnabled: boolean;
  /** Resolved DR region (config, or the default pair of `region`). */
  readonly drRegion: string;
  readonly backupDailyRetentionDays: number;
  readonly backupMonthlyRetentionDays: number;
  readonly backupVaultLockMode: (typeof VAULT_LOCK_MODES)[number];
  readonly restoreTestingEnabled: boolean;

  /** The guide's application-side pool settings for this environment. */
  readonly appPool: (typeof APP_POOL)[Environment];
  /** Cost relaxations in effect (dev only), each naming the HIPAA control it weakens. */
  readonly relaxations: readonly string[];
}

/** One problem with the configuration: the key, the value received and a sentence with the fix. */
export interface ConfigProblem {
  readonly key: string;
  readonly value: unknown;
  readonly message: string;
}

export class ConfigError extends Error {
  constructor(
    readonly stack_: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(formatConfigProblems(stack_, problems));
    this.name = "ConfigError";
  }
}

export function formatProblem(p: ConfigProblem): string {
  const shown = p.value === undefined ? "(unset)" : JSON.stringify(p.value);
  return `${p.key}: ${shown} ${p.message}`;
}

/**
 * Where the values came from, so each problem can point at the line to change. The offline plan knows
 * (it reads the stack file itself); under the Pulumi CLI the program sees only the merged values.
 */
export interface ConfigSources {
  /** The stack file as the reader should see it, e.g. "Pulumi.prod.yaml". */
  readonly stackFile: string;
  /** 1-based line of each key the stack file sets: project keys bare, others `ns:key`, list items `key[i]`. */
  readonly lines: Readonly<Record<string, number>>;
}

/**
 * A header, then one problem per line (never joined: 13 problems on one line cannot be read). With
 * `sources`, each line starts with where to fix it — `Pulumi.<stack>.yaml:<line>:`, the stack file for a
 * key it must set, or the Pulumi.yaml default it inherits — ordered by file and line; without, problems
 * are grouped by key in the order found.
 */
export function formatConfigProblems(
  stack: string,
  problems: readonly ConfigProblem[],
  sources?: ConfigSources,
): string {
  const header = `Invalid configuration for stack "${stack}" (${problems.length} problem${problems.length === 1 ? "" : "s"}); nothing was provisioned:`;
  const baseKey = (key: string) => key.replace(/\[[^\]]*\]$/, "");
  const firstSeen = new Map<string, number>();
  for (const [i, p] of problems.entries())
    if (!firstSeen.has(baseKey(p.key))) firstSeen.set(baseKey(p.key), i);
  const rows = problems.map((p, i) => {
    const base = baseKey(p.key);
    if (!sources) return { group: 0, order: firstSeen.get(base)!, i, text: formatProblem(p) };
    const line = sources.lines[p.key] ?? sources.lines[base];
    if (line !== undefined)
      return { group: 0, order: line, i, text: `${sources.stackFile}:${line}: ${formatProblem(p)}` };
    // Not in the stack file but with a value: it is Pulumi.yaml's default, overridden in the stack file.
    if (p.value !== undefined && base in CONFIG_DEFAULTS)
      return {
        group: 2,
        order: firstSeen.get(base)!,
        i,
        text: `Pulumi.yaml default (override it in ${sources.stackFile}): ${formatProblem(p)}`,
      };
    return { group: 1, order: firstSeen.get(base)!, i, text: `${sources.stackFile}: ${formatProblem(p)}` };
  });
  rows.sort((a, b) => a.group - b.group || a.order - b.order || a.i - b.i);
  return [header, ...rows.map((r) => `  - ${r.text}`)].join("\n");
}

const closest = (key: string): string | undefined => {
  const dist = (a: string, b: string): number => {
    const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)] as number[]);
    for (let j = 1; j <= b.length; j++) d[0][j] = j;
    for (let i = 1; i <= a.length; i++)
      for (let j = 1; j <= b.length; j++)
        d[i][j] = Math.min(
          d[i - 1][j] + 1,
          d[i][j - 1] + 1,
          d[i - 1][j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1),
        );
    return d[a.length][b.length];
  };
  let best: string | undefined;
  let bestD = 4;
  for (const k of CONFIG_KEYS) {
    const dd = dist(key.toLowerCase(), k.toLowerCase());
    if (dd < bestD) {
      best = k;
      bestD = dd;
    }
  }
  return best;
};

const minutesOf = (hh: string, mm: string) => Number(hh) * 60 + Number(mm);
const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/**
 * Validates raw config values (as Pulumi hands them over) for a stack and resolves every default.
 * Collects every problem and throws one {@link ConfigError} listing them all.
 */
export function parseConfig(
  raw: Readonly<Record<string, unknown>>,
  region: string | undefined,
  stack = "unknown",
): PlatformConfig {
  const problems: ConfigProblem[] = [];
  const add = (key: string, value: unknown, message: string) => problems.push({ key, value, message });

  for (const key of Object.keys(raw)) {
    if (!(key in KEY_SCHEMAS)) {
      const hint = closest(key);
      add(
        key,
        fromString(raw[key]),
        `is not a known config key.${hint ? ` Did you mean "${hint}"?` : ""} See README "Configuration".`,
      );
    }
  }
  if (!region)
    add("aws:region", undefined, 'is required. Set it in the stack file, e.g. "aws:region: us-east-1".');

  const envResult = KEY_SCHEMAS.environment.safeParse(raw.environment);
  if (raw.environment === undefined) {
    add(
      "environment",
      undefined,
      'is required. Set "environment: dev" or "environment: prod" in the stack file.',
    );
  } else if (!envResult.success) {
    add("environment", raw.environment, envResult.error.issues[0].message);
  }
  // The stack's name decides whether it is production: a production stack is judged as prod whatever
  // its file says, so `environment: dev` in Pulumi.prod.yaml cannot switch on the dev relaxations.
  const production = isProductionStack(stack);
  if (production && envResult.success && envResult.data !== "prod") {
    add(
      "environment",
      envResult.data,
      `is refused for stack "${stack}": a production stack (named prod, production, prod-* or *-prod) always runs the prod profile, whatever its stack file says. Set "environment: prod".`,
    );
  }
  // Judge unknown environments, and every production stack, strictly.
  const env: Environment = production ? "prod" : envResult.success ? envResult.data : "prod";
  // The defaults are the strict (prod) profile, as declared in Pulumi.yaml; Pulumi.dev.yaml states the
  // few values dev relaxes. The CLI applies Pulumi.yaml defaults itself; mocks do not, so we do it here.
  const defaults: Record<string, unknown> = CONFIG_DEFAULTS;

  const v: Partial<Parsed> = {};
  const partialLists: Partial<Record<ConfigKey, [number, string][]>> = {};
  /** A list key's items with their indices: all of them, or the well-formed ones when some are not. */
  const itemsOf = (key: ConfigKey): [number, string][] => {
    const whole = v[key];
    return Array.isArray(whole) ? [...(whole as string[]).entries()] : (partialLists[key] ?? []);
  };
  for (const key of CONFIG_KEYS) {
    if (key === "environment") continue;
    let value = raw[key] ?? defaults[key];
    if (
      (OPTIONAL_KEYS as readonly string[]).includes(key) &&
      (value === "" || value === 0 || value === "0")
    ) {
      value = undefined;
    }
    if (value === undefined) {
      if (key === "engineLifecycleSupport") {
        add(
          key,
          undefined,
          `is required: choose "open-source-rds-extended-support" (paid support past end of standard support, no forced major upgrade) or "open-source-rds-extended-support-disabled" (RDS upgrades the engine when standard support ends).`,
        );
      } else if (!(OPTIONAL_KEYS as readonly string[]).includes(key)) {
        add(key, undefined, "is required.");
      }
      continue;
    }
    const result = KEY_SCHEMAS[key].safeParse(value);
    if (result.success) {
      (v as Record<string, unknown>)[key] = result.data;
    } else {
      const parsed = fromString(value);
      for (const issue of result.error.issues) {
        const sub = issue.path.length ? `${key}[${issue.path.join(".")}]` : key;
        const shown = issue.path.length
          ? (parsed as Record<string, unknown>)?.[issue.path[0] as string]
          : parsed;
        add(sub, shown, issue.message);
      }
      // A list with some malformed items: keep the well-formed ones, at their own indices, so the rules
      // on each item (a public CIDR, an unknown role) still judge them in this run.
      if (Array.isArray(parsed) && result.error.issues.every((i) => i.path.length > 0)) {
        const bad = new Set(result.error.issues.map((i) => Number(i.path[0])));
        partialLists[key] = parsed.flatMap((item, i): [number, string][] =>
          !bad.has(i) && typeof item === "string" ? [[i, item]] : [],
        );
      }
    }
  }

  // ---- Rules across keys, and what prod refuses -------------------------------------------------
  const isProd = env === "prod";
  const got = (k: ConfigKey) => v[k] ?? raw[k];

  if (v.engineVersion !== undefined && Number(v.engineVersion.split(".")[0]) < RDS_LIMITS.minEngineMajor) {
    add(
      "engineVersion",
      got("engineVersion"),
      `is older than PostgreSQL ${RDS_LIMITS.minEngineMajor}, the oldest the platform supports. Use "16".`,
    );
  }
  if (
    v.allocatedStorageGb !== undefined &&
    v.maxAllocatedStorageGb !== undefined &&
    v.maxAllocatedStorageGb <= v.allocatedStorageGb
  ) {
    add(
      "maxAllocatedStorageGb",
      got("maxAllocatedStorageGb"),
      `must be above allocatedStorageGb (${v.allocatedStorageGb}) for storage autoscaling. Raise it.`,
    );
  }
  if (v.instanceClass?.startsWith("db.t") && isProd) {
    add(
      "instanceClass",
      got("instanceClass"),
      "is a burstable class; prod needs steady CPU. Use a db.m or db.r class.",
    );
  }
  if (isProd) {
    if (v.multiAz === false)
      add(
        "multiAz",
        false,
        "is refused in prod: a single AZ weakens the contingency plan (HIPAA 164.308(a)(7)). Set it to true.",
      );
    if (v.deletionProtection === false)
      add(
        "deletionProtection",
        false,
        "is refused in prod: deleting the database would destroy PHI and its audit trail (HIPAA 164.312(c)(1)). Set it to true.",
      );
    if (v.backupRetentionDays !== undefined && v.backupRetentionDays < RDS_LIMITS.maxBackupRetentionDays)
      add(
        "backupRetentionDays",
        v.backupRetentionDays,
        "is below the 35 days prod keeps for point-in-time recovery (HIPAA 164.308(a)(7)(ii)(A)). Set it to 35.",
      );
    if (v.logRetentionDays !== undefined && v.logRetentionDays < HIPAA_RETENTION_DAYS)
      add(
        "logRetentionDays",
        v.logRetentionDays,
        `is below six years (${HIPAA_RETENTION_DAYS} days) of audit logs (HIPAA 164.316(b)(2)(i)). Set it to ${HIPAA_RETENTION_DAYS} or more.`,
      );
    if ((v.alarmEmails ?? []).length === 0 && (v.alarmHttpsEndpoints ?? []).length === 0)
      add(
        "alarmEmails",
        [],
        "is empty and so is alarmHttpsEndpoints: prod alarms and DR backup notifications would reach nobody (HIPAA 164.308(a)(6)(ii) response and reporting). Add the on-call address to alarmEmails or a pager webhook to alarmHttpsEndpoints.",
      );
    if (v.proxyDebugLogging === true)
      add(
        "proxyDebugLogging",
        true,
        "is refused in prod: RDS Proxy debug logging writes SQL text, which can hold PHI, to logs (HIPAA 164.312(b), 164.502(b)). Set it to false.",
      );
    if (v.drEnabled === false)
      add(
        "drEnabled",
        false,
        "is refused in prod: backups must be kept in a separate region (HIPAA 164.308(a)(7)(ii)(A), the guide's DR checklist). Set it to true.",
      );
    if (v.backupVaultLockMode === "none")
      add(
        "backupVaultLockMode",
        "none",
        'is refused in prod: recovery points must be immutable. Use "compliance" (or "governance").',
      );
    if (v.backupMonthlyRetentionDays !== undefined && v.backupMonthlyRetentionDays < HIPAA_RETENTION_DAYS)
      add(
        "backupMonthlyRetentionDays",
        v.backupMonthlyRetentionDays,
        `is below six years (${HIPAA_RETENTION_DAYS} days). Set it to ${HIPAA_RETENTION_DAYS} or more.`,
      );
    if (v.pgauditEnabled === false)
      add(
        "pgauditEnabled",
        false,
        "is refused in prod: without pgaudit, GRANTs, role changes and DDL inside functions or DO blocks escape the audit log (HIPAA 164.312(b)). Set it to true.",
      );
    if (v.restoreTestingEnabled === false)
      add(
        "restoreTestingEnabled",
        false,
        "is refused in prod: the guide requires backups tested monthly (HIPAA 164.308(a)(7)(ii)(D)). Set it to true.",
      );
    if (v.pooler === "pgbouncer" && v.pgbouncerDesiredCount !== undefined && v.pgbouncerDesiredCount < 2)
      add(
        "pgbouncerDesiredCount",
        v.pgbouncerDesiredCount,
        "is below 2: prod runs PgBouncer in at least two AZs. Set it to 2 or more.",
      );
  }
  if (v.backupDailyRetentionDays !== undefined && v.backupDailyRetentionDays < 35) {
    add("backupDailyRetentionDays", v.backupDailyRetentionDays, "is below 35 days. Set it to 35 or more.");
  }

  if (v.backupWindow && v.maintenanceWindow) {
    const b = WINDOW.exec(v.backupWindow)!;
    const m = MAINT_WINDOW.exec(v.maintenanceWindow)!;
    const bStart = minutesOf(b[1], b[2]);
    let bEnd = minutesOf(b[3], b[4]);
    if (bEnd <= bStart) bEnd += 1440;
    if (Number(b[1]) > 23 || Number(b[3]) > 23 || Number(b[2]) > 59 || Number(b[4]) > 59) {
      add("backupWindow", v.backupWindow, "has an hour above 23 or a minute above 59. Fix the times.");
    } else if (bEnd - bStart < 30) {
      add("backupWindow", v.backupWindow, "is shorter than the 30 minutes RDS requires. Widen it.");
    } else {
      // Compare on the weekly timeline: the daily backup window repeats every day of the week.
      const mStart = DAYS.indexOf(m[1]) * 1440 + minutesOf(m[2], m[3]);
      let mEnd = DAYS.indexOf(m[4]) * 1440 + minutesOf(m[5], m[6]);
      if (mEnd <= mStart) mEnd += 7 * 1440;
      if (mEnd - mStart < 30)
        add(
          "maintenanceWindow",
          v.maintenanceWindow,
          "is shorter than the 30 minutes RDS requires. Widen it.",
        );
      const overlaps = Array.from({ length: 8 }, (_, d) => d).some((d) => {
        const s = (d - 1) * 1440 + bStart;
        const e = (d - 1) * 1440 + bEnd;
        return s < mEnd && mStart < e;
      });
      if (overlaps)
        add(
          "maintenanceWindow",
          v.maintenanceWindow,
          `overlaps backupWindow "${v.backupWindow}". Move one of them; RDS rejects overlapping windows.`,
        );
    }
  }

  if ((v.vpcId === undefined) !== ((v.privateSubnetIds ?? []).length === 0)) {
    add(
      v.vpcId === undefined ? "vpcId" : "privateSubnetIds",
      v.vpcId === undefined ? undefined : v.privateSubnetIds,
      "must be set together with " +
        (v.vpcId === undefined ? "privateSubnetIds" : "vpcId") +
        " (an existing VPC and its private subnets), or both left unset to create an isolated VPC.",
    );
  }
  if (v.vpcId !== undefined && (v.privateSubnetIds ?? []).length === 1) {
    add(
      "privateSubnetIds",
      v.privateSubnetIds,
      "lists one subnet; RDS needs private subnets in at least 2 AZs. Add another.",
    );
  }
  if (v.vpcCidr !== undefined && !isPrivateIpv4Cidr(v.vpcCidr)) {
    add(
      "vpcCidr",
      v.vpcCidr,
      "is not a private (RFC 1918) range. Use one inside 10.0.0.0/8, 172.16.0.0/12 or 192.168.0.0/16.",
    );
  } else if (v.vpcCidr !== undefined && Number(v.vpcCidr.split("/")[1]) > 24) {
    add("vpcCidr", v.vpcCidr, "is smaller than /24; it cannot hold the private subnets. Use /16 to /24.");
  }
  for (const [i, cidr] of itemsOf("allowedCidrs")) {
    if (!isPrivateIpv4Cidr(cidr)) {
      add(
        `allowedCidrs[${i}]`,
        cidr,
        "is not a private (RFC 1918) range; the database never admits public addresses (HIPAA 164.312(e)(1)). Use a private CIDR or a security group id.",
      );
    }
  }

  const roleNames = [v.ownerRoleName, v.appRoleName, v.analyticsRoleName, v.masterUsername].filter(Boolean);
  if (new Set(roleNames).size !== roleNames.length) {
    add(
      "appRoleName",
      v.appRoleName,
      `must differ from ownerRoleName, analyticsRoleName and masterUsername (got ${roleNames.join(", ")}). Give each role its own name.`,
    );
  }
  for (const [i, r] of itemsOf("iamAuthRoles")) {
    if (![v.appRoleName, v.analyticsRoleName, v.ownerRoleName].includes(r)) {
      add(
        `iamAuthRoles[${i}]`,
        r,
        `is not one of the roles this stack creates (${[v.ownerRoleName, v.appRoleName, v.analyticsRoleName].join(", ")}). Use one of them.`,
      );
    }
  }
  if (v.pgauditEnabled === false && (v.extensions ?? []).includes("pgaudit")) {
    add(
      "extensions",
      v.extensions,
      'lists "pgaudit" but pgauditEnabled is false; the extension needs the library preloaded. Set pgauditEnabled to true or drop "pgaudit".',
    );
  }
  if ((v.databaseTunnelHost === undefined) !== (v.databaseTunnelPort === undefined)) {
    add(
      v.databaseTunnelHost === undefined ? "databaseTunnelHost" : "databaseTunnelPort",
      undefined,
      "must be set together with " +
        (v.databaseTunnelHost === undefined ? "databaseTunnelPort" : "databaseTunnelHost") +
        " (the local end of an SSM or bastion tunnel).",
    );
  }

  if (v.pooler === "pgbouncer" && v.pgbouncerImage === undefined) {
    add(
      "pgbouncerImage",
      undefined,
      'is required when pooler is "pgbouncer". Set an image pinned by digest: "<registry>/<repo>@sha256:<64 hex>".',
    );
  }
  if (
    v.pgbouncerMinPoolSize !== undefined &&
    v.pgbouncerDefaultPoolSize !== undefined &&
    v.pgbouncerMinPoolSize > v.pgbouncerDefaultPoolSize
  ) {
    add(
      "pgbouncerMinPoolSize",
      v.pgbouncerMinPoolSize,
      `is above pgbouncerDefaultPoolSize (${v.pgbouncerDefaultPoolSize}). Lower it.`,
    );
  }
  const pooledRoles = [v.appRoleName, v.analyticsRoleName].filter((r): r is string => r !== undefined);
  const passwordPooled = pooledRoles.filter((r) => !(v.iamAuthRoles ?? []).includes(r));
  if (
    (v.pooler === "pgbouncer" || (v.pooler === "rds-proxy" && v.proxyRequireIam !== true)) &&
    pooledRoles.length > 0 &&
    passwordPooled.length === 0
  ) {
    add(
      "iamAuthRoles",
      v.iamAuthRoles,
      `lists every pooled role (${pooledRoles.join(", ")}); IAM roles have no password, so the ${v.pooler} pooler could sign in as none of them. ` +
        (v.pooler === "pgbouncer"
          ? 'Keep one of them a password role, or use pooler "rds-proxy" with proxyRequireIam: true.'
          : "Set proxyRequireIam to true (end-to-end IAM at the proxy), or keep one of them a password role."),
    );
  }
  if (v.proxyRequireIam === true && v.pooler === "rds-proxy") {
    // End-to-end IAM: the proxy signs in to PostgreSQL with IAM as each client's role, so every role it
    // serves must be an IAM role (member of rds_iam, no password). A password role behind an IAM-only
    // proxy could never log in. RDS User Guide, "End-to-end IAM authentication for RDS Proxy".
    const served = [v.appRoleName, v.analyticsRoleName].filter((r): r is string => r !== undefined);
    const missing = served.filter((r) => !(v.iamAuthRoles ?? []).includes(r));
    if (missing.length > 0)
      add(
        "proxyRequireIam",
        true,
        `makes the proxy use end-to-end IAM, but ${missing.join(", ")} ${missing.length === 1 ? "is" : "are"} not in iamAuthRoles and could not log in through it. Add ${missing.join(" and ")} to iamAuthRoles, or set proxyRequireIam to false.`,
      );
  }

  let drRegion = v.drRegion;
  if (region && drRegion === undefined) drRegion = DEFAULT_DR_REGIONS[region];
  if (v.drEnabled !== false && region) {
    if (drRegion === undefined)
      add(
        "drRegion",
        undefined,
        `has no default for ${region}. Set drRegion to another region for cross-region backups.`,
      );
    else if (drRegion === region)
      add(
        "drRegion",
        drRegion,
        `is the primary region; disaster-recovery copies must live apart. Use another region.`,
      );
  }

  // AWS acceptance preflight: combinations AWS rejects or that cannot work, each citing its source.
  for (const p of configPreflight({ ...v, environment: env, region } as ConfigView)) problems.push(p);

  if (problems.length > 0) throw new ConfigError(stack, problems);

  const relaxations: string[] = [];
  if (!isProd) {
    if (!v.multiAz)
      relaxations.push("multiAz=false: single AZ (weakens HIPAA 164.308(a)(7) contingency plan)");
    if (!v.deletionProtection)
      relaxations.push("deletionProtection=false (weakens HIPAA 164.312(c)(1) integrity)");
    if (v.backupRetentionDays! < 35)
      relaxations.push(
        `backupRetentionDays=${v.backupRetentionDays} (weakens HIPAA 164.308(a)(7)(ii)(A) data backup plan)`,
      );
    if (v.proxyDebugLogging)
      relaxations.push(
        "proxyDebugLogging=true: SQL text in logs (weakens HIPAA 164.312(b) and minimum necessary)",
      );
    if (v.drEnabled === false)
      relaxations.push(
        "drEnabled=false: no cross-region copies (weakens HIPAA 164.308(a)(7)(ii)(B) disaster recovery plan)",
      );
    if (v.backupVaultLockMode === "none")
      relaxations.push(
        "backupVaultLockMode=none: deletable recovery points (weakens HIPAA 164.308(a)(7)(ii)(A))",
      );
    if (v.pgauditEnabled === false)
      relaxations.push("pgauditEnabled=false: no pgaudit (weakens HIPAA 164.312(b) audit controls)");
    if (v.restoreTestingEnabled === false)
      relaxations.push("restoreTestingEnabled=false (weakens HIPAA 164.308(a)(7)(ii)(D) testing)");
    if ((v.alarmEmails ?? []).length === 0 && (v.alarmHttpsEndpoints ?? []).length === 0)
      relaxations.push(
        "alarmEmails and alarmHttpsEndpoints are empty: alarms reach nobody (weakens HIPAA 164.308(a)(6)(ii) response and reporting)",
      );
  }

  const p = v as Parsed;
  return {
    ...(p as unknown as Omit<
      PlatformConfig,
      "environment" | "region" | "engineMajor" | "drRegion" | "appPool" | "relaxations"
    >),
    environment: env,
    region: region!,
    engineVersion: p.engineVersion,
    engineMajor: Number(p.engineVersion.split(".")[0]),
    drRegion: drRegion ?? "",
    appPool: APP_POOL[env],
    relaxations,
  };
}

/**
 * Reads this project's config once and validates it. The only place that reads `pulumi.Config`.
 */
export function loadConfig(): PlatformConfig {
  const all = pulumi.runtime.allConfig();
  const raw: Record<string, unknown> = {};
  const prefix = `${PROJECT}:`;
  for (const [k, val] of Object.entries(all)) {
    if (k.startsWith(prefix)) raw[k.slice(prefix.length)] = val;
  }
  const region = all["aws:region"];
  return parseConfig(raw, region, pulumi.getStack());
}
