import { describe, expect, it } from "vitest";
import {
  connectionsThreshold,
  ec2InstanceType,
  freeableMemoryThresholdBytes,
  freeStorageThresholdBytes,
  GUIDE_THRESHOLDS,
  isBurstableClass,
  validateAlarmThresholds,
} from "../../../components/monitoring/thresholds";

describe("thresholds", () => {
  it("maps an RDS class to its EC2 twin (db.x2g runs on EC2's x2gd)", () => {
    expect(ec2InstanceType("db.r6g.large")).toBe("r6g.large");
    expect(ec2InstanceType("db.t4g.medium")).toBe("t4g.medium");
    expect(ec2InstanceType("db.x2g.xlarge")).toBe("x2gd.xlarge");
  });

  it("fails when the instance class has no db. prefix", () => {
    expect(() => ec2InstanceType("r6g.large")).toThrow(
      'instanceClass: "r6g.large" has no instance profile: it is not of the form "db.<family>.<size>"',
    );
  });

  it("treats db.t* classes as burstable and db.m/db.r as not", () => {
    expect(["db.t3.medium", "db.t4g.micro"].map(isBurstableClass)).toEqual([true, true]);
    expect(["db.r6g.large", "db.m7g.large"].map(isBurstableClass)).toEqual([false, false]);
  });

  it("sizes FreeableMemory at 10% of 4096 MiB (t4g.medium) and 16384 MiB (r6g.large), in bytes", () => {
    expect(freeableMemoryThresholdBytes(4096, 10)).toBe(429_496_729);
    expect(freeableMemoryThresholdBytes(16384, 10)).toBe(1_717_986_918);
  });

  it("fails when the lookup returns no memory", () => {
    expect(() => freeableMemoryThresholdBytes(0, 10)).toThrow("memoryMiB: 0 is not a memory size");
  });

  it("sizes FreeStorageSpace at 20% of the allocated GiB, in bytes", () => {
    expect(freeStorageThresholdBytes(20, 20)).toBe(4_294_967_296);
    expect(freeStorageThresholdBytes(100, 20)).toBe(21_474_836_480);
  });

  it("uses RDS's LEAST(DBInstanceClassMemory/9531392, 5000) default, the memory less what RDS keeps", () => {
    expect(connectionsThreshold(4096, 90)).toEqual({ maxConnections: 399, threshold: 359 });
    expect(connectionsThreshold(16384, 90)).toEqual({ maxConnections: 1684, threshold: 1515 });
    expect(connectionsThreshold(1_048_576, 90)).toEqual({ maxConnections: 5000, threshold: 4500 });
  });

  it("uses max_connections from the parameter group when set", () => {
    expect(connectionsThreshold(16384, 90, 200)).toEqual({ maxConnections: 200, threshold: 180 });
  });

  it("accepts the guide's thresholds", () => {
    expect(() => validateAlarmThresholds(GUIDE_THRESHOLDS)).not.toThrow();
  });

  it("fails when a percentage is 0 or 100, naming each key", () => {
    expect(() =>
      validateAlarmThresholds({ ...GUIDE_THRESHOLDS, cpuPercent: 0, freeStoragePercent: 100 }),
    ).toThrow(
      "alarm thresholds: cpuPercent: 0 is not a percentage from 1 to 99. Use 1 to 99. freeStoragePercent: 100 is not a percentage from 1 to 99. Use 1 to 99.",
    );
  });

  it("fails when a duration is not positive", () => {
    expect(() => validateAlarmThresholds({ ...GUIDE_THRESHOLDS, replicaLagSeconds: 0 })).toThrow(
      "replicaLagSeconds: 0 is not a positive whole number. Use 1 or more.",
    );
  });

  it("fails when cpuMinutes is longer than a day of 1-minute periods", () => {
    expect(() => validateAlarmThresholds({ ...GUIDE_THRESHOLDS, cpuMinutes: 1441 })).toThrow(
      "cpuMinutes: 1441 is above 1440",
    );
  });
});
