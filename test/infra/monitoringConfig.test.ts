import { describe, expect, it } from "vitest";
import { GUIDE_THRESHOLDS } from "../../components/monitoring/thresholds";
import { ConfigError, parseConfig } from "../../infra/config";
import { thresholdsFrom } from "../../infra/monitoring";

const base = { environment: "dev", engineLifecycleSupport: "open-source-rds-extended-support-disabled" };
const parse = (extra: Record<string, unknown>) => parseConfig({ ...base, ...extra }, "us-east-1", "dev");
const problems = (extra: Record<string, unknown>): string[] => {
  try {
    parse(extra);
  } catch (e) {
    if (e instanceof ConfigError)
      return e.message
        .split("\n")
        .slice(1)
        .map((l) => l.trim());
    throw e;
  }
  throw new Error("expected a ConfigError");
};

describe("monitoring config", () => {
  it("defaults every alarm threshold to the guide's numbers and the DBA additions", () => {
    expect(thresholdsFrom(parse({}))).toEqual(GUIDE_THRESHOLDS);
    expect(GUIDE_THRESHOLDS).toEqual({
      cpuPercent: 80,
      cpuMinutes: 5,
      freeableMemoryPercent: 10,
      freeStoragePercent: 20,
      connectionsPercent: 90,
      replicaLagSeconds: 10,
      slowQuerySeconds: 5,
      maxUsedTransactionIds: 1_000_000_000,
      diskQueueDepth: 64,
      cpuCreditBalance: 50,
      authFailures: 10,
    });
  });

  it("takes overrides given as the strings Pulumi passes", () => {
    const t = thresholdsFrom(
      parse({ alarmCpuPercent: "70", alarmCpuMinutes: "10", alarmSlowQuerySeconds: "2" }),
    );
    expect([t.cpuPercent, t.cpuMinutes, t.slowQuerySeconds]).toEqual([70, 10, 2]);
  });

  it("takes alarm e-mails and HTTPS endpoints as lists", () => {
    const cfg = parse({
      alarmEmails: '["oncall@example.org"]',
      alarmHttpsEndpoints: ["https://hooks.example.org/x"],
    });
    expect(cfg.alarmEmails).toEqual(["oncall@example.org"]);
    expect(cfg.alarmHttpsEndpoints).toEqual(["https://hooks.example.org/x"]);
  });

  const percentKeys = [
    "alarmCpuPercent",
    "alarmFreeableMemoryPercent",
    "alarmFreeStoragePercent",
    "alarmConnectionsPercent",
  ];
  for (const key of percentKeys) {
    it(`fails when ${key} is 0`, () => {
      expect(problems({ [key]: 0 })).toEqual([`- ${key}: 0 is below the minimum of 1. Use 1 to 99 percent.`]);
    });
    it(`fails when ${key} is 100`, () => {
      expect(problems({ [key]: 100 })).toEqual([
        `- ${key}: 100 is above the maximum of 99. Use 1 to 99 percent.`,
      ]);
    });
  }

  it("fails when alarmCpuMinutes is 0 (a duration must be positive)", () => {
    expect(problems({ alarmCpuMinutes: 0 })).toEqual([
      "- alarmCpuMinutes: 0 is below the minimum of 1. Use a positive number of minutes.",
    ]);
  });

  it("fails when alarmReplicaLagSeconds is negative", () => {
    expect(problems({ alarmReplicaLagSeconds: -5 })).toEqual([
      "- alarmReplicaLagSeconds: -5 is below the minimum of 1. Use a positive number of seconds.",
    ]);
  });

  it("fails when alarmSlowQuerySeconds is not a whole number", () => {
    expect(problems({ alarmSlowQuerySeconds: 2.5 })).toEqual([
      "- alarmSlowQuerySeconds: 2.5 is not a whole number. Use a positive number of seconds (queries over 1 s are logged).",
    ]);
  });

  it("fails when alarmCpuPercent is not a number", () => {
    expect(problems({ alarmCpuPercent: "high" })).toEqual([
      '- alarmCpuPercent: "high" is not a number. Use 1 to 99 percent.',
    ]);
  });

  it("fails when alarmMaxUsedTransactionIds is past the 2^31 wraparound horizon", () => {
    expect(problems({ alarmMaxUsedTransactionIds: 3_000_000_000 })).toEqual([
      "- alarmMaxUsedTransactionIds: 3000000000 is above the maximum of 2000000000. Use 100000000 to 2000000000.",
    ]);
  });

  it("fails when alarmAuthFailures is 0", () => {
    expect(problems({ alarmAuthFailures: 0 })).toEqual([
      "- alarmAuthFailures: 0 is below the minimum of 1. Use a positive count per 5 minutes.",
    ]);
  });

  it("fails when an alarm endpoint is plain http", () => {
    expect(problems({ alarmHttpsEndpoints: ["http://hooks.example.org/x"] })).toEqual([
      '- alarmHttpsEndpoints[0]: "http://hooks.example.org/x" is not valid. Use https:// URLs; plain http would send alarm contents unencrypted.',
    ]);
  });

  it("fails when an alarm e-mail is not an address, naming its index", () => {
    expect(problems({ alarmEmails: ["oncall"] })).toEqual([
      '- alarmEmails[0]: "oncall" is not valid. Use e-mail addresses.',
    ]);
  });

  it("reports every bad threshold at once", () => {
    expect(problems({ alarmCpuPercent: 0, alarmFreeStoragePercent: 100 })).toHaveLength(2);
  });
});
