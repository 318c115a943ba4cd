/**
 * Names, ports and the shapes of identifiers the config accepts. Pure data and functions.
 */

/** The Pulumi project name: config keys live in this namespace (`verscienta-postgres:<key>`). */
export const PROJECT = "verscienta-postgres";

/** PostgreSQL's port; the only port the database security group opens. */
export const POSTGRES_PORT = 5432;

/** Tags on every resource. DataClassification drives AWS Backup selection and audits. */
export const BASE_TAGS = {
  Project: "verscienta-health",
  ManagedBy: "pulumi",
  DataClassification: "phi",
  Compliance: "hipaa",
} as const;

/**
 * Stacks that hold production data, by name: `prod`, `production`, and names starting or ending with
 * them (`prod-eu`, `eu-prod`). Such a stack always runs the prod profile: its stack file cannot choose dev.
 */
export const PRODUCTION_STACK = /^(prod|production)([-_.].*)?$|[-_.](prod|production)$/i;
export const isProductionStack = (stack: string): boolean => PRODUCTION_STACK.test(stack);

/** A lowercase PostgreSQL identifier, unquoted (NAMEDATALEN 64: at most 63 bytes). */
export const PG_IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
/** RDS backup window, `hh24:mi-hh24:mi` in UTC. */
export const BACKUP_WINDOW = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/;
/** RDS maintenance window, `ddd:hh24:mi-ddd:hh24:mi` in UTC. */
export const MAINTENANCE_WINDOW =
  /^(mon|tue|wed|thu|fri|sat|sun):(\d{2}):(\d{2})-(mon|tue|wed|thu|fri|sat|sun):(\d{2}):(\d{2})$/;
export const WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;
/** A container image pinned by digest: a tag can be moved to other code, a digest cannot. */
export const DIGEST_IMAGE = /^[a-z0-9][a-z0-9._/:-]*@sha256:[a-f0-9]{64}$/;
export const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
export const HTTPS_URL = /^https:\/\/\S+$/;
export const ENGINE_VERSION = /^\d{2}(\.\d+)?$/;
export const INSTANCE_CLASS = /^db\.[a-z0-9-]+\.[a-z0-9]+$/;
export const VPC_ID = /^vpc-[0-9a-f]{8,17}$/;
export const SUBNET_ID = /^subnet-[0-9a-f]{8,17}$/;
export const SECURITY_GROUP_ID = /^sg-[0-9a-f]{8,17}$/;
export const AWS_REGION = /^[a-z]{2}(-gov)?-[a-z]+-\d$/;
export const HOST_NAME = /^[a-zA-Z0-9.-]+$/;
const PGAUDIT_CLASS = "-?(all|ddl|function|misc|misc_set|read|role|write)";
/** A comma-separated `pgaudit.log` class list; `-` excludes a class. */
export const PGAUDIT_LOG = new RegExp(`^${PGAUDIT_CLASS}(,${PGAUDIT_CLASS})*$`);

/**
 * True for RFC 1918 IPv4 ranges (the only ranges the database admits). The policy pack has its own copy
 * (policies/lib/values.ts: the pack imports nothing from outside); test/spec/identifiers.test.ts pins
 * the two to the same answers.
 */
export function isPrivateIpv4Cidr(cidr: string): boolean {
  const m = IPV4_CIDR.exec(cidr);
  if (!m) return false;
  const [a, b, , , bits] = m.slice(1).map(Number);
  if (m.slice(1, 5).some((o) => Number(o) > 255) || bits > 32) return false;
  return a === 10
    ? bits >= 8
    : a === 172 && b >= 16 && b <= 31
      ? bits >= 12
      : a === 192 && b === 168
        ? bits >= 16
        : false;
}
