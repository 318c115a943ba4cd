/**
 * One profile per RDS instance class: class → memory → `max_connections`. Pure data and functions, no
 * Pulumi, no I/O. The pool fit, the DatabaseConnections alarm, the dashboard, the README's numbers and the
 * mock cloud all take `max_connections` from `maxConnectionsForMemoryMiB` below, so they cannot disagree.
 *
 * Which memory wins at deploy time: the program asks AWS (`aws.ec2.getInstanceType` on the class's EC2
 * twin) and sizes everything from AWS's answer, because that is the hardware the instance runs on and it
 * covers a class these family rules get wrong. The family rules below decide, at config time, whether a
 * class is one we can size at all (the preflight rule `rds.instanceClass.known.config` refuses the rest
 * before anything is planned), which EC2 type to ask about, whether it is burstable, and what the mock
 * cloud answers; for every class they know, they agree with EC2's published sizes, so offline numbers are
 * the deploy-time numbers.
 */

export const MIB = 1024 * 1024;
export const GIB = 1024 * MIB;

/**
 * RDS for PostgreSQL's default: `max_connections = LEAST({DBInstanceClassMemory/9531392}, 5000)`.
 * @see Amazon RDS User Guide, "Quotas and constraints for Amazon RDS", Maximum number of database
 * connections: https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/CHAP_Limits.html#RDS_Limits.MaxConnections
 */
export const MAX_CONNECTIONS_DIVISOR = 9_531_392;
export const MAX_CONNECTIONS_CAP = 5000;

/**
 * What RDS withholds from a class's memory before the formula sees it, stated once: 256 MiB plus 5% of the
 * class's memory.
 *
 * AWS: `DBInstanceClassMemory` "is internally calculated by starting with the total amount of memory for
 * the DB instance class. From this, the calculation subtracts memory reserved for the operating system
 * and the RDS processes that manage the instance", and the amount is not published (Amazon RDS User Guide,
 * "Specifying DB parameters", DB parameter formula variables:
 * https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ParamValuesRef.html#USER_FormulaVariables).
 *
 * What users measured with `SHOW max_connections` on default parameter groups, and what that means RDS
 * withheld (each value v brackets the withheld memory between class memory − (v+1) × 9531392 and
 * class memory − v × 9531392):
 * - db.t3.micro (1 GiB): 81 → 279–288 MiB (figure quoted in review of this project);
 * - db.t2.small (2 GiB): 198 → 240–249 MiB; db.t2.medium (4 GiB): 413 → 333–342 MiB;
 *   db.t2.large and db.m4.large (8 GiB): 856 → 402–411 MiB; db.r4.large (15.25 GiB): 1660 → 518–527 MiB
 *   (https://gist.github.com/guizmaii/1cacffef793c2ba9645083c3e18b3d8c);
 * - db.m7g.large (8 GiB): 832 → 620–629 MiB ("RDS withholds ~629 MiB of the 8 GiB",
 *   https://github.com/mitodl/ol-infrastructure/pull/5427); db.r7g.2xlarge (64 GiB): exactly 5000 (same).
 *
 * 256 MiB + 5% is at or above every one of those (1 GiB: 307 MiB, 2 GiB: 358, 4 GiB: 461, 8 GiB: 666,
 * 15.25 GiB: 1037), so the estimate is never above the real value: the pool-fit check errs on the safe
 * side, and an alarm at a percentage of the estimate fires before the real limit. It costs a little
 * headroom (db.r6g.large: 1684 estimated, ~1700–1800 observed).
 */
export const RDS_RESERVED_MEMORY = {
  fixedMiB: 256,
  percentOfClass: 5,
} as const;

/** `DBInstanceClassMemory` as we estimate it for a class with `memoryMiB` of memory, in bytes. */
export function dbInstanceClassMemoryBytes(memoryMiB: number): number {
  if (!Number.isFinite(memoryMiB) || memoryMiB <= 0) {
    throw new Error(
      `memoryMiB: ${memoryMiB} is not a memory size. aws.ec2.getInstanceType returned no memorySize for the class.`,
    );
  }
  const reservedMiB = RDS_RESERVED_MEMORY.fixedMiB + (memoryMiB * RDS_RESERVED_MEMORY.percentOfClass) / 100;
  return Math.max(0, Math.floor((memoryMiB - reservedMiB) * MIB));
}

/**
 * The `max_connections` RDS gives a class with `memoryMiB` of memory when the parameter group leaves it
 * unset: the one formula every consumer uses.
 */
export function maxConnectionsForMemoryMiB(memoryMiB: number): number {
  return Math.min(
    Math.floor(dbInstanceClassMemoryBytes(memoryMiB) / MAX_CONNECTIONS_DIVISOR),
    MAX_CONNECTIONS_CAP,
  );
}

/**
 * `max_connections` in effect (an explicit parameter-group value, or RDS's default for the memory) and
 * the DatabaseConnections alarm threshold, `percent` of it rounded down. With `percent` at most 99 the
 * threshold is always strictly below `max_connections`, so the alarm fires before connections are refused.
 */
export function connectionLimits(
  memoryMiB: number,
  percent: number,
  explicitMaxConnections?: number,
): { maxConnections: number; threshold: number; source: "maxConnections" | "instanceClass memory" } {
  if (!Number.isInteger(percent) || percent < 1 || percent > 99) {
    throw new Error(
      `alarmConnectionsPercent: ${percent} is not a percentage from 1 to 99; at 100 the alarm could only fire once connections are refused. Use 1 to 99.`,
    );
  }
  const maxConnections = explicitMaxConnections ?? maxConnectionsForMemoryMiB(memoryMiB);
  const threshold = Math.floor((maxConnections * percent) / 100);
  return {
    maxConnections,
    threshold,
    source: explicitMaxConnections === undefined ? "instanceClass memory" : "maxConnections",
  };
}

// ---- class → memory --------------------------------------------------------------------------------

/** What a class is: its EC2 twin, size and memory. */
export interface InstanceProfile {
  readonly instanceClass: string;
  /** The EC2 instance type with the same hardware, what `aws.ec2.getInstanceType` is asked about. */
  readonly ec2InstanceType: string;
  readonly vcpus: number;
  readonly memoryMiB: number;
  /** db.t* classes earn and spend CPU credits; only they publish CPUCreditBalance. */
  readonly burstable: boolean;
  /** RDS's default `max_connections` for the class (maxConnectionsForMemoryMiB of its memory). */
  readonly maxConnections: number;
}

/** Where RDS lists the classes each engine may run on. */
export const CLASS_SUPPORT: { readonly title: string; readonly url: string } = {
  title: 'Amazon RDS User Guide, "Supported DB engines for DB instance classes"',
  url: "https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.DBInstanceClass.Support.html",
};

/**
 * Families RDS lists but does not offer for the PostgreSQL versions this platform runs (14 and later),
 * with the reason. A class here has a well-defined size; refusing it early says why instead of leaving
 * CreateDBInstance to reject it mid-deployment.
 */
export const UNSUPPORTED_FAMILIES: Readonly<Record<string, string>> = {
  m1: "a retired previous-generation class; RDS no longer offers it for any PostgreSQL version",
  m2: "a retired previous-generation class; RDS no longer offers it for any PostgreSQL version",
  m3: "RDS offers it only for PostgreSQL lower than 13; this platform runs 14 or later",
  m4: "RDS offers it only for PostgreSQL lower than 13; this platform runs 14 or later",
  r3: "RDS offers it only for PostgreSQL lower than 13; this platform runs 14 or later",
  r4: "RDS offers it only for PostgreSQL lower than 13; this platform runs 14 or later",
  t2: "RDS offers it only for PostgreSQL lower than 13; this platform runs 14 or later",
  x1: "RDS offers it for Oracle and SQL Server only, not PostgreSQL",
  x1e: "RDS offers it for Oracle and SQL Server only, not PostgreSQL",
  z1d: "RDS offers it for Oracle and SQL Server only, not PostgreSQL",
};

/**
 * Burstable classes: memory and vCPUs by size, the same for t3 and t4g.
 * @see Amazon EC2 instance types, General purpose (T3, T4g): https://aws.amazon.com/ec2/instance-types/t3/
 * and https://aws.amazon.com/ec2/instance-types/t4/
 */
const T_SIZES: Readonly<Record<string, { vcpus: number; memoryGiB: number }>> = {
  micro: { vcpus: 2, memoryGiB: 1 },
  small: { vcpus: 2, memoryGiB: 2 },
  medium: { vcpus: 2, memoryGiB: 4 },
  large: { vcpus: 2, memoryGiB: 8 },
  xlarge: { vcpus: 4, memoryGiB: 16 },
  "2xlarge": { vcpus: 8, memoryGiB: 32 },
};

/**
 * Memory per vCPU of the non-burstable families, by family letter (and, for x, the suffix): what every
 * size of the family shares.
 * @see Amazon EC2 instance types, General purpose (M5, M6g, M6i, M7g, M7i, M8g: 4 GiB per vCPU) and
 * Memory optimized (R5, R5b, R5d, R6g, R6i, R7g, R7i, R8g: 8 GiB per vCPU; X2gd, X2idn, X8g: 16 GiB;
 * X2iedn, X2iezn: 32 GiB): https://aws.amazon.com/ec2/instance-types/
 */
function memoryGiBPerVcpu(letter: string, suffix: string): number | undefined {
  if (letter === "m") return 4;
  if (letter === "r") return 8;
  if (letter === "x") return suffix.includes("e") ? 32 : 16;
  return undefined;
}

/**
 * vCPUs of a non-burstable size: large 2, xlarge 4, Nxlarge 4N (EC2's naming for every family above).
 * @see Amazon EC2 User Guide, "Amazon EC2 instance type naming conventions":
 * https://docs.aws.amazon.com/ec2/latest/instancetypes/instance-type-names.html
 */
function vcpusOfSize(size: string): number | undefined {
  if (size === "large") return 2;
  if (size === "xlarge") return 4;
  const m = /^(\d+)xlarge$/.exec(size);
  return m ? 4 * Number(m[1]) : undefined;
}

/** The EC2 twin of an RDS family: RDS's db.x2g runs on EC2's X2gd (EC2 has no plain x2g). */
function ec2Family(family: string): string {
  return family === "x2g" ? "x2gd" : family;
}

export type ClassLookup =
  | { readonly kind: "profile"; readonly profile: InstanceProfile }
  | { readonly kind: "unsupported"; readonly instanceClass: string; readonly reason: string }
  | { readonly kind: "unknown"; readonly instanceClass: string; readonly reason: string };

/** The profile of `instanceClass`, or why there is none. Never throws. */
export function lookupInstanceClass(instanceClass: string): ClassLookup {
  const unknown = (reason: string): ClassLookup => ({ kind: "unknown", instanceClass, reason });
  const parts = /^db\.(([a-z]+)(\d+)([a-z-]*))\.([a-z0-9]+)$/.exec(instanceClass);
  if (!parts) return unknown('it is not of the form "db.<family>.<size>"');
  const [, family, letter, gen, suffix, size] = parts;
  const unsupported = UNSUPPORTED_FAMILIES[family];
  if (unsupported !== undefined) return { kind: "unsupported", instanceClass, reason: unsupported };

  let vcpus: number | undefined;
  let memoryMiB: number | undefined;
  const burstable = letter === "t";
  if (burstable) {
    if (family !== "t3" && family !== "t4g")
      return unknown(`the burstable family ${family} has no size table`);
    const t = T_SIZES[size];
    if (!t) return unknown(`${family} has no size "${size}" (sizes: ${Object.keys(T_SIZES).join(", ")})`);
    vcpus = t.vcpus;
    memoryMiB = t.memoryGiB * 1024;
  } else {
    const perVcpu = memoryGiBPerVcpu(letter, suffix);
    // Families before generation 5 (m4, r4, x1, ...) are either listed as unsupported or not RDS classes.
    if (perVcpu === undefined || (letter !== "x" && Number(gen) < 5) || (letter === "x" && Number(gen) < 2))
      return unknown(`the family ${family} is not one the rules size (m5+, r5+, t3, t4g, x2+)`);
    vcpus = vcpusOfSize(size);
    if (vcpus === undefined)
      return unknown(
        `the size "${size}" is not large, xlarge or <N>xlarge (RDS offers no medium or metal here)`,
      );
    memoryMiB = vcpus * perVcpu * 1024;
  }
  return {
    kind: "profile",
    profile: {
      instanceClass,
      ec2InstanceType: `${ec2Family(family)}.${size}`,
      vcpus,
      memoryMiB,
      burstable,
      maxConnections: maxConnectionsForMemoryMiB(memoryMiB),
    },
  };
}

/** Why a class has no profile, as the rest of a sentence starting `instanceClass: "<value>"`. */
export function instanceClassProblem(lookup: Exclude<ClassLookup, { kind: "profile" }>): string {
  return lookup.kind === "unsupported"
    ? `is not a class this platform can run: ${lookup.reason}.`
    : `has no instance profile: ${lookup.reason}, so its memory and max_connections cannot be sized.`;
}

/** The fix for any class without a profile, in one sentence. */
export const INSTANCE_CLASS_FIX =
  'Use a current RDS for PostgreSQL class such as "db.r6g.large", "db.m7g.large" or "db.t4g.medium"; a new family needs its memory per vCPU added to spec/instanceProfile.ts.';

/** The profile of `instanceClass`; throws the config error (key, value, reason, fix) when there is none. */
export function instanceProfile(instanceClass: string): InstanceProfile {
  const found = lookupInstanceClass(instanceClass);
  if (found.kind === "profile") return found.profile;
  throw new Error(
    `instanceClass: "${instanceClass}" ${instanceClassProblem(found)} ${INSTANCE_CLASS_FIX} (${CLASS_SUPPORT.title}: ${CLASS_SUPPORT.url})`,
  );
}
