import { describe, expect, it } from "vitest";
import {
  CONFIG_DEFAULTS,
  DEFAULTS,
  DEV_VALUES,
  KEY_ENTRIES,
  KEYS,
  OPTIONAL_KEYS,
  prodRefusals,
  relaxationsOf,
} from "../../spec/keys";

const devProfile = { ...CONFIG_DEFAULTS, ...DEV_VALUES };

describe("spec/keys.ts", () => {
  it("gives every key but the stack's own choices a default its schema accepts", () => {
    const without = KEY_ENTRIES.filter(([, e]) => e.default === undefined).map(([k]) => k);
    expect(without).toEqual(["environment", "engineLifecycleSupport"]);
    for (const [k, e] of KEY_ENTRIES) {
      if (e.default === undefined || e.optional) continue;
      const r = e.schema.safeParse(e.default);
      expect(r.success, k).toBe(true);
    }
  });

  it("marks exactly the keys whose empty default means unset as optional", () => {
    expect(OPTIONAL_KEYS).toEqual(["maxConnections", "vpcId", "pgbouncerImage", "drRegion"]);
    for (const k of OPTIONAL_KEYS) expect(["", 0]).toContain(CONFIG_DEFAULTS[k]);
  });

  it("gives every dev value a value its schema accepts", () => {
    for (const [k, v] of Object.entries(DEV_VALUES)) {
      expect(KEYS[k as keyof typeof KEYS].schema.safeParse(v).success, k).toBe(true);
    }
  });

  it("the prod defaults pass every prod rule (the strict profile is the default)", () => {
    expect(prodRefusals({ ...DEFAULTS, alarmEmails: ["oncall@example.org"] })).toEqual([]);
  });

  it("refuses in prod exactly what the dev profile relaxes, with the HIPAA control", () => {
    const refused = prodRefusals(devProfile);
    expect(refused.map((r) => r.key)).toEqual([
      "instanceClass",
      "multiAz",
      "deletionProtection",
      "backupRetentionDays",
      "logRetentionDays",
      "alarmEmails",
      "backupMonthlyRetentionDays",
    ]);
    expect(refused.find((r) => r.key === "backupRetentionDays")).toEqual({
      key: "backupRetentionDays",
      value: 7,
      message:
        "is below the 35 days prod keeps for point-in-time recovery (HIPAA 164.308(a)(7)(ii)(A)). Set it to 35.",
    });
  });

  it("prints the dev profile's relaxations, each naming the control it weakens", () => {
    expect(relaxationsOf(devProfile)).toEqual([
      "multiAz=false: single AZ (weakens HIPAA 164.308(a)(7) contingency plan)",
      "deletionProtection=false (weakens HIPAA 164.312(c)(1) integrity)",
      "backupRetentionDays=7 (weakens HIPAA 164.308(a)(7)(ii)(A) data backup plan)",
      "alarmEmails and alarmHttpsEndpoints are empty: alarms reach nobody (weakens HIPAA 164.308(a)(6)(ii) response and reporting)",
    ]);
  });

  it("refuses fewer than 2 PgBouncer tasks in prod only when PgBouncer is the pooler", () => {
    const base = { ...DEFAULTS, alarmEmails: ["oncall@example.org"], pgbouncerDesiredCount: 1 };
    expect(prodRefusals(base)).toEqual([]);
    expect(prodRefusals({ ...base, pooler: "pgbouncer" }).map((r) => r.key)).toEqual([
      "pgbouncerDesiredCount",
    ]);
  });

  it("states each prod rule as data: its kind, value and control", () => {
    expect(KEYS.backupRetentionDays.prod).toMatchObject({
      kind: "atLeast",
      value: 35,
      control: "164.308(a)(7)(ii)(A)",
    });
    expect(KEYS.logRetentionDays.prod).toMatchObject({
      kind: "atLeast",
      value: 2192,
      control: "164.316(b)(2)(i)",
    });
    expect(KEYS.multiAz.prod).toMatchObject({ kind: "equals", value: true, control: "164.308(a)(7)" });
    expect(KEYS.backupVaultLockMode.prod).toMatchObject({ kind: "notValue", value: "none" });
  });
});
