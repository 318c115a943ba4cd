import { InstanceType } from "@pulumi/aws/types/enums/rds";
import { describe, expect, it } from "vitest";
import {
  connectionLimits,
  dbInstanceClassMemoryBytes,
  instanceProfile,
  lookupInstanceClass,
  MAX_CONNECTIONS_DIVISOR,
  maxConnectionsForMemoryMiB,
  UNSUPPORTED_FAMILIES,
} from "../../spec/instanceProfile";

describe("max_connections from class memory (one formula)", () => {
  it("gives exact values for the classes the stacks and docs use", () => {
    const of = (c: string) => instanceProfile(c).maxConnections;
    expect({
      "db.t3.micro": of("db.t3.micro"),
      "db.t4g.medium": of("db.t4g.medium"),
      "db.m5.large": of("db.m5.large"),
      "db.m7g.large": of("db.m7g.large"),
      "db.r6g.large": of("db.r6g.large"),
      "db.r6g.xlarge": of("db.r6g.xlarge"),
      "db.r6g.2xlarge": of("db.r6g.2xlarge"),
    }).toEqual({
      "db.t3.micro": 78,
      "db.t4g.medium": 399,
      "db.m5.large": 828,
      "db.m7g.large": 828,
      "db.r6g.large": 1684,
      "db.r6g.xlarge": 3396,
      "db.r6g.2xlarge": 5000,
    });
  });

  it("never estimates above what users measured with SHOW max_connections on default parameter groups", () => {
    // [class memory MiB, measured] (sources in spec/instanceProfile.ts, RDS_RESERVED_MEMORY).
    const measured: [number, number][] = [
      [1024, 81], // db.t3.micro
      [2048, 198], // db.t2.small
      [4096, 413], // db.t2.medium
      [8192, 856], // db.t2.large, db.m4.large
      [8192, 832], // db.m7g.large
      [15.25 * 1024, 1660], // db.r4.large
      [64 * 1024, 5000], // db.r7g.2xlarge
    ];
    for (const [mib, real] of measured) {
      expect(maxConnectionsForMemoryMiB(mib), `${mib} MiB`).toBeLessThanOrEqual(real);
    }
    // …and stays close: within 10% of each measurement below the cap.
    for (const [mib, real] of measured) {
      expect(maxConnectionsForMemoryMiB(mib) / real, `${mib} MiB`).toBeGreaterThan(0.9);
    }
  });

  it("divides DBInstanceClassMemory by 9531392 and caps at 5000", () => {
    expect(Math.floor(dbInstanceClassMemoryBytes(16_384) / MAX_CONNECTIONS_DIVISOR)).toBe(1684);
    expect(maxConnectionsForMemoryMiB(1024 * 1024)).toBe(5000);
  });

  it("puts the connection alarm strictly below max_connections at every percentage", () => {
    for (const mib of [1024, 4096, 16_384, 1024 * 1024]) {
      for (const pct of [1, 50, 90, 99]) {
        const c = connectionLimits(mib, pct);
        expect(c.threshold, `${mib} MiB ${pct}%`).toBeLessThan(c.maxConnections);
      }
    }
    expect(connectionLimits(4096, 90)).toEqual({
      maxConnections: 399,
      threshold: 359,
      source: "instanceClass memory",
    });
    expect(connectionLimits(4096, 90, 200)).toEqual({
      maxConnections: 200,
      threshold: 180,
      source: "maxConnections",
    });
  });

  it("refuses an alarm percentage of 100, which could only fire once connections are refused", () => {
    expect(() => connectionLimits(4096, 100)).toThrow(
      "alarmConnectionsPercent: 100 is not a percentage from 1 to 99; at 100 the alarm could only fire once connections are refused. Use 1 to 99.",
    );
  });
});

describe("class → memory by EC2 family rules", () => {
  it("sizes current families from memory per vCPU and the size's vCPUs", () => {
    const mem = (c: string) => [instanceProfile(c).vcpus, instanceProfile(c).memoryMiB / 1024];
    expect({
      "db.m5.large": mem("db.m5.large"),
      "db.m5d.24xlarge": mem("db.m5d.24xlarge"),
      "db.m6i.32xlarge": mem("db.m6i.32xlarge"),
      "db.r5b.8xlarge": mem("db.r5b.8xlarge"),
      "db.r6gd.xlarge": mem("db.r6gd.xlarge"),
      "db.r7i.48xlarge": mem("db.r7i.48xlarge"),
      "db.r8g.large": mem("db.r8g.large"),
      "db.x2g.16xlarge": mem("db.x2g.16xlarge"),
      "db.x2idn.16xlarge": mem("db.x2idn.16xlarge"),
      "db.x2iedn.xlarge": mem("db.x2iedn.xlarge"),
      "db.t3.2xlarge": mem("db.t3.2xlarge"),
      "db.t4g.micro": mem("db.t4g.micro"),
    }).toEqual({
      "db.m5.large": [2, 8],
      "db.m5d.24xlarge": [96, 384],
      "db.m6i.32xlarge": [128, 512],
      "db.r5b.8xlarge": [32, 256],
      "db.r6gd.xlarge": [4, 32],
      "db.r7i.48xlarge": [192, 1536],
      "db.r8g.large": [2, 16],
      "db.x2g.16xlarge": [64, 1024],
      "db.x2idn.16xlarge": [64, 1024],
      "db.x2iedn.xlarge": [4, 128],
      "db.t3.2xlarge": [8, 32],
      "db.t4g.micro": [2, 1],
    });
    expect(instanceProfile("db.x2g.large").ec2InstanceType).toBe("x2gd.large");
    expect(instanceProfile("db.t4g.medium").burstable).toBe(true);
    expect(instanceProfile("db.r6g.large").burstable).toBe(false);
  });

  it("gives every class in @pulumi/aws's rds.InstanceType enum a profile or an explicit reason", () => {
    const classes = [...new Set(Object.values(InstanceType))];
    const unsized = classes.filter((c) => {
      const found = lookupInstanceClass(c);
      return found.kind === "unknown";
    });
    expect(unsized).toEqual([]);
    const unsupported = classes.filter((c) => lookupInstanceClass(c).kind === "unsupported");
    expect(unsupported.map((c) => c.split(".")[1]).filter((f, i, a) => a.indexOf(f) === i)).toEqual([
      "t2",
      "m1",
      "m2",
      "m3",
      "m4",
      "r3",
      "r4",
      "x1",
      "x1e",
    ]);
    for (const f of Object.keys(UNSUPPORTED_FAMILIES))
      expect(UNSUPPORTED_FAMILIES[f].length).toBeGreaterThan(20);
    // What the enum knows and the stacks run: every current class it lists is sized.
    expect(classes.filter((c) => lookupInstanceClass(c).kind === "profile")).toHaveLength(38);
  });

  it("refuses an unknown class with the key, the value, why, and the fix", () => {
    expect(() => instanceProfile("db.q6g.large")).toThrow(
      'instanceClass: "db.q6g.large" has no instance profile: the family q6g is not one the rules size (m5+, r5+, t3, t4g, x2+), so its memory and max_connections cannot be sized. Use a current RDS for PostgreSQL class such as "db.r6g.large", "db.m7g.large" or "db.t4g.medium"; a new family needs its memory per vCPU added to spec/instanceProfile.ts. (Amazon RDS User Guide, "Supported DB engines for DB instance classes": https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.DBInstanceClass.Support.html)',
    );
  });

  it("refuses sizes RDS does not offer for these families (medium, metal) and unknown burstable sizes", () => {
    expect(lookupInstanceClass("db.r6g.medium").kind).toBe("unknown");
    expect(lookupInstanceClass("db.r6i.metal").kind).toBe("unknown");
    expect(lookupInstanceClass("db.t4g.nano").kind).toBe("unknown");
    expect(lookupInstanceClass("db.z1d.large")).toEqual({
      kind: "unsupported",
      instanceClass: "db.z1d.large",
      reason: "RDS offers it for Oracle and SQL Server only, not PostgreSQL",
    });
  });
});
