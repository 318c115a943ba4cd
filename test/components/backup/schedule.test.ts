import { describe, expect, it } from "vitest";
import { backupSchedules } from "../../../components/backup/schedule";

describe("backupSchedules", () => {
  it("starts the day's jobs the first free hour an hour after the RDS backup window, skipping the maintenance window", () => {
    // Defaults: backup 03:00-04:00, maintenance sun 05:00-06:00 → 05:00 collides on Sundays, 06:00 is free.
    expect(backupSchedules("03:00-04:00", "sun:05:00-sun:06:00")).toEqual({
      hourUtc: 6,
      daily: "cron(0 6 ? * * *)",
      monthly: "cron(0 6 1 * ? *)",
    });
  });

  it("takes the hour right after the gap when the maintenance window is elsewhere", () => {
    expect(backupSchedules("03:00-04:00", "wed:10:00-wed:10:30").hourUtc).toBe(5);
  });

  it("rounds a window ending mid-hour up before adding the gap", () => {
    expect(backupSchedules("01:10-01:40", "sun:08:00-sun:08:30").hourUtc).toBe(3);
  });

  it("wraps past midnight for a backup window that crosses it", () => {
    expect(backupSchedules("23:30-00:30", "mon:12:00-mon:12:30").hourUtc).toBe(2);
  });

  it("avoids a maintenance window that wraps from Sunday into Monday", () => {
    expect(backupSchedules("20:00-21:00", "sun:22:00-mon:01:00").hourUtc).toBe(1);
  });

  it("fails when the backup window is not hh24:mi-hh24:mi", () => {
    expect(() => backupSchedules("3am-4am", "sun:05:00-sun:06:00")).toThrow(
      'backupWindow: "3am-4am" is not "hh24:mi-hh24:mi"',
    );
  });

  it("fails when the maintenance window is malformed", () => {
    expect(() => backupSchedules("03:00-04:00", "sunday 5am")).toThrow(
      'maintenanceWindow: "sunday 5am" is not',
    );
  });

  it("fails when the windows leave no free hour", () => {
    expect(() => backupSchedules("00:00-23:30", "sun:05:00-sun:06:00")).toThrow("leave no free hour");
  });
});
