/**
 * Alarm thresholds sized from the real instance, as pure functions. The guide's "Alerting Thresholds"
 * are percentages ("Memory: Alert if < 10% available", "Disk Space: < 20% free", "Connection Pool:
 * > 90% utilization"); CloudWatch alarms need absolute values, so these turn percentages into bytes
 * and connection counts for the instance class and storage the stack deploys.
 */
import { APP_POOL, GUIDE_THRESHOLDS as GUIDE } from "../../spec/guide";
import { connectionLimits, GIB, instanceProfile, MIB } from "../../spec/instanceProfile";

export { GIB, MIB };

/** Every number an alarm is built from. Percentages are 1–99, durations and counts positive. */
export interface AlarmThresholds {
  /** Guide: "CPU Usage: Alert if > 80% for 5 minutes". @default 80 */
  readonly cpuPercent: number;
  /** @default 5 */
  readonly cpuMinutes: number;
  /** Guide: "Memory: Alert if < 10% available". @default 10 */
  readonly freeableMemoryPercent: number;
  /** Guide: "Disk Space: Alert if < 20% free". @default 20 */
  readonly freeStoragePercent: number;
  /** Guide: "Connection Pool: Alert if > 90% utilization". @default 90 */
  readonly connectionsPercent: number;
  /** Guide: "Replication Lag: Alert if > 10 seconds". @default 10 */
  readonly replicaLagSeconds: number;
  /** Guide: "Slow Queries: Alert if query > 5 seconds". @default 5 */
  readonly slowQuerySeconds: number;
  /** Transaction-ID wraparound: PostgreSQL stops writes near 2^31; act at 1 billion. @default 1000000000 */
  readonly maxUsedTransactionIds: number;
  /** @default 64 */
  readonly diskQueueDepth: number;
  /** Burstable classes only: alarm when fewer credits remain. @default 50 */
  readonly cpuCreditBalance: number;
  /** Failed logins per 5 minutes (HIPAA 164.308(a)(5)(ii)(C), log-in monitoring). @default 10 */
  readonly authFailures: number;
}

/** The guide's numbers, then what a DBA adds; they live in spec/guide.ts with the config defaults. */
export const GUIDE_THRESHOLDS: AlarmThresholds = GUIDE;

/**
 * PgBouncer queueing, from the guide's application pool: a client gives up after `connectionTimeoutMillis`
 * (5 s in every environment). A wait above a fifth of that (1 s), or any client queued, in every minute
 * for 5 minutes (the guide's sustained window, as for CPU) means the pool no longer keeps up, while there
 * is still headroom before the application sees connection timeouts. One-minute spikes stay quiet:
 * transaction pooling queues briefly by design.
 */
const appConnectionTimeoutSeconds =
  Math.min(APP_POOL.dev.connectionTimeoutMillis, APP_POOL.prod.connectionTimeoutMillis) / 1000;
export const PGBOUNCER_WAIT_ALARMS = Object.freeze({
  appConnectionTimeoutSeconds,
  maxWaitSeconds: appConnectionTimeoutSeconds / 5,
  clientsWaiting: 0,
  minutes: 5,
});

/**
 * RDS Proxy availability: AvailabilityPercentage is the share of its health checks that reached the
 * target, averaged over the proxy's nodes (Aurora User Guide, "RDS Proxy monitoring dashboard": with 4 nodes
 * and one failing, availability reads 75%). Any shortfall held for 3 minutes pages, the same window as an
 * unhealthy PgBouncer target; a Multi-AZ failover (60-120 s) is reported by the RDS failover event
 * instead.
 */
export const PROXY_AVAILABILITY_ALARM = Object.freeze({ belowPercent: 100, minutes: 3 });

const PERCENT_KEYS = [
  "cpuPercent",
  "freeableMemoryPercent",
  "freeStoragePercent",
  "connectionsPercent",
] as const;
const POSITIVE_KEYS = [
  "cpuMinutes",
  "replicaLagSeconds",
  "slowQuerySeconds",
  "maxUsedTransactionIds",
  "diskQueueDepth",
  "cpuCreditBalance",
  "authFailures",
] as const;

/** Throws one error listing every bad threshold, naming the key, the value and the fix. */
export function validateAlarmThresholds(t: AlarmThresholds): void {
  const problems: string[] = [];
  for (const k of PERCENT_KEYS) {
    const v = t[k];
    if (!Number.isInteger(v) || v < 1 || v > 99)
      problems.push(`${k}: ${v} is not a percentage from 1 to 99. Use 1 to 99.`);
  }
  for (const k of POSITIVE_KEYS) {
    const v = t[k];
    if (!Number.isInteger(v) || v < 1)
      problems.push(`${k}: ${v} is not a positive whole number. Use 1 or more.`);
  }
  // CloudWatch evaluates at most 1 day of 1-minute periods (1440 evaluation periods x 60 s).
  if (Number.isInteger(t.cpuMinutes) && t.cpuMinutes > 1440) {
    problems.push(
      `cpuMinutes: ${t.cpuMinutes} is above 1440 (one day), the longest a 1-minute alarm can evaluate. Use 1 to 1440.`,
    );
  }
  if (problems.length) throw new Error(`alarm thresholds: ${problems.join(" ")}`);
}

/**
 * The EC2 instance type behind an RDS class ("db.r6g.large" → "r6g.large", "db.x2g.large" → "x2gd.large"),
 * from the class's instance profile (spec/instanceProfile.ts); `aws.ec2.getInstanceType` reports its
 * memory. A class without a profile throws the same config error the preflight gives.
 */
export function ec2InstanceType(instanceClass: string): string {
  return instanceProfile(instanceClass).ec2InstanceType;
}

/**
 * Burstable classes (db.t*) earn and spend CPU credits; only they publish CPUCreditBalance. Decided
 * from the class name so the alarm's existence is known at preview (the EC2 lookup's
 * `burstablePerformanceSupported` is only known once the lookup resolves).
 */
export function isBurstableClass(instanceClass: string): boolean {
  return /^db\.t\d/.test(instanceClass);
}

/** FreeableMemory threshold: `percent` of the class's memory (MiB from the EC2 lookup), in bytes. */
export function freeableMemoryThresholdBytes(memoryMiB: number, percent: number): number {
  if (!Number.isFinite(memoryMiB) || memoryMiB <= 0) {
    throw new Error(
      `memoryMiB: ${memoryMiB} is not a memory size. aws.ec2.getInstanceType returned no memorySize for the class.`,
    );
  }
  return Math.floor((memoryMiB * MIB * percent) / 100);
}

/**
 * FreeStorageSpace threshold: `percent` of the storage allocated at deploy time, in bytes.
 *
 * Storage autoscaling grows the volume (by at least 10%, when free space is under 10% for 5 minutes),
 * and CloudWatch has no "allocated storage" metric to divide by. We keep the absolute floor from the
 * configured allocation: at 20% it fires before autoscaling starts (at 10%), so a human sees growth
 * coming; after growth the floor still means "less free space than 20% of what we provisioned and
 * budgeted for". The "low storage" RDS event covers the ceiling (maxAllocatedStorageGb) being reached.
 * Raising allocatedStorageGb in config moves the floor with it.
 */
export function freeStorageThresholdBytes(allocatedStorageGb: number, percent: number): number {
  return Math.floor((allocatedStorageGb * GIB * percent) / 100);
}

/**
 * `max_connections` in effect and the DatabaseConnections threshold (`percent` of it, rounded down, so
 * strictly below it). Unset in the parameter group, `max_connections` is RDS's default for the class's
 * memory, from the one formula in spec/instanceProfile.ts that the pool fit and the dashboard also use.
 */
export function connectionsThreshold(
  memoryMiB: number,
  percent: number,
  maxConnections?: number,
): { maxConnections: number; threshold: number } {
  const c = connectionLimits(memoryMiB, percent, maxConnections);
  return { maxConnections: c.maxConnections, threshold: c.threshold };
}
