/**
 * When AWS Backup snapshots the instance. A snapshot job that lands in the RDS backup window or the
 * maintenance window waits or fails ("DB instance is not in available state"), so the daily time is
 * derived from both windows rather than hard-coded next to them.
 */
import { BACKUP_START_WINDOW_MINUTES } from "./defaults";

const DAY = 1440;
const WEEK = 7 * DAY;
const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
const WINDOW = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/;
const MAINT_WINDOW =
  /^(mon|tue|wed|thu|fri|sat|sun):(\d{2}):(\d{2})-(mon|tue|wed|thu|fri|sat|sun):(\d{2}):(\d{2})$/;

export interface BackupSchedules {
  /** UTC hour both rules start at. */
  readonly hourUtc: number;
  /** Every day. */
  readonly daily: string;
  /**
   * The 1st of each month, same hour: AWS Backup runs one job when rules of a plan coincide and keeps
   * the recovery point with the longest retention, so the 1st yields one snapshot, kept as monthly.
   */
  readonly monthly: string;
}

/** Minutes after midnight UTC of "hh:mm". */
const minutes = (hh: string, mm: string): number => Number(hh) * 60 + Number(mm);

/** [start, end) intervals on the weekly timeline (minutes from Monday 00:00 UTC), split at the week's end. */
function weekly(start: number, end: number): [number, number][] {
  const e = end <= start ? end + WEEK : end;
  return e > WEEK
    ? [
        [start, WEEK],
        [0, e - WEEK],
      ]
    : [[start, e]];
}

function parseBackupWindow(backupWindow: string): [number, number] {
  const m = WINDOW.exec(backupWindow);
  if (!m) {
    throw new Error(
      `backupWindow: "${backupWindow}" is not "hh24:mi-hh24:mi". Use e.g. "03:00-04:00" (UTC).`,
    );
  }
  return [minutes(m[1], m[2]), minutes(m[3], m[4])];
}

function parseMaintenanceWindow(maintenanceWindow: string): [number, number] {
  const m = MAINT_WINDOW.exec(maintenanceWindow);
  if (!m) {
    throw new Error(
      `maintenanceWindow: "${maintenanceWindow}" is not "ddd:hh24:mi-ddd:hh24:mi". Use e.g. "sun:05:00-sun:06:00" (UTC).`,
    );
  }
  const day = (d: string) => DAYS.indexOf(d as (typeof DAYS)[number]) * DAY;
  return [day(m[1]) + minutes(m[2], m[3]), day(m[4]) + minutes(m[5], m[6])];
}

const overlaps = (a: [number, number][], b: [number, number][]): boolean =>
  a.some(([s1, e1]) => b.some(([s2, e2]) => s1 < e2 && s2 < e1));

/**
 * The daily and monthly AWS Backup schedules for an instance with these RDS windows: the first whole
 * UTC hour, starting one hour after the RDS backup window ends (RDS finishes a backup that overruns
 * its window), whose start window overlaps neither the backup window on any day nor the maintenance
 * window.
 */
export function backupSchedules(backupWindow: string, maintenanceWindow: string): BackupSchedules {
  const [bStart, bEnd] = parseBackupWindow(backupWindow);
  const [mStart, mEnd] = parseMaintenanceWindow(maintenanceWindow);
  const busy = [
    ...DAYS.flatMap((_, d) => weekly(d * DAY + bStart, d * DAY + (bEnd <= bStart ? bEnd + DAY : bEnd))),
    ...weekly(mStart, mEnd),
  ];
  const bEndOfDay = bEnd <= bStart ? bEnd + DAY : bEnd;
  const first = Math.ceil(bEndOfDay / 60) + 1;
  for (let i = 0; i < 24; i++) {
    const hour = (first + i) % 24;
    const jobs = DAYS.flatMap((_, d) =>
      weekly(d * DAY + hour * 60, d * DAY + hour * 60 + BACKUP_START_WINDOW_MINUTES),
    );
    if (!overlaps(jobs, busy)) {
      return {
        hourUtc: hour,
        daily: `cron(0 ${hour} ? * * *)`,
        monthly: `cron(0 ${hour} 1 * ? *)`,
      };
    }
  }
  throw new Error(
    `backupWindow: "${backupWindow}" and maintenanceWindow: "${maintenanceWindow}" leave no free hour for AWS Backup's daily snapshot. Shorten one of them.`,
  );
}
