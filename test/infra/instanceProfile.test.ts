/**
 * One number per class: the pool fit, the DatabaseConnections alarm, the proxy pool alarm and the
 * dashboard's max_connections line all come from spec/instanceProfile.ts, for any class the preflight
 * accepts, under the mock cloud that answers getInstanceType from the same profiles.
 */
import { describe, expect, it } from "vitest";
import { proxyPoolSize } from "../../components/monitoring/alarmDefinitions";
import { connectionLimits, instanceProfile } from "../../spec/instanceProfile";
import { ofType, one, runStack } from "../../testing/runProgram";

const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";

interface Annotation {
  label: string;
  value: number;
}

describe("instance profiles under the mock cloud (prod: RDS Proxy)", () => {
  // db.m5.large used to fail the offline plan with an empty "error serializing property" message.
  it.each(["db.m5.large", "db.r6g.large", "db.r7g.xlarge", "db.m6i.2xlarge", "db.x2g.large", "db.r5b.large"])(
    "plans %s and sizes the pool fit, the alarms and the dashboard from one max_connections",
    async (instanceClass) => {
      const r = await runStack({ stack: "prod", config: { instanceClass } });
      expect(r.error).toBeUndefined();
      const profile = instanceProfile(instanceClass);
      const limits = connectionLimits(profile.memoryMiB, 90);
      expect(limits.maxConnections).toBe(profile.maxConnections);

      // The pool fit (an output for auditors).
      expect(r.outputs.poolFit).toMatchObject({
        maxConnections: profile.maxConnections,
        source: "instanceClass memory",
      });
      // The DatabaseConnections alarm: 90% of the same number, strictly below it.
      const alarm = one(r, ALARM, "verscienta-prod-db-connections-high").inputs;
      expect(alarm.threshold).toBe(limits.threshold);
      expect(Number(alarm.threshold)).toBeLessThan(profile.maxConnections);
      // The proxy's pool alarm: 90% of the proxy's 75% share of the same number.
      const pool = proxyPoolSize(profile.maxConnections, 75);
      expect(one(r, ALARM, "verscienta-prod-pooler-rds-proxy-pool-high").inputs.threshold).toBe(
        Math.floor((pool * 90) / 100),
      );
      // The dashboard's connections graph: the alarm line and the max_connections line.
      const body = JSON.parse(String(one(r, "aws:cloudwatch/dashboard:Dashboard").inputs.dashboardBody));
      const conns = body.widgets.find(
        (w: { properties: { title?: string } }) =>
          w.properties.title === "Connections vs max_connections (guide: connection pool)",
      );
      expect(conns.properties.annotations.horizontal as Annotation[]).toEqual([
        { label: `alarm above ${limits.threshold}`, value: limits.threshold },
        { label: "verscienta-prod-db max_connections", value: profile.maxConnections },
      ]);
      // The mock answered AWS's lookup with the profile's EC2 twin.
      expect(
        r.cloud.calls
          .filter((c) => c.token === "aws:ec2/getInstanceType:getInstanceType")
          .map((c) => c.inputs.instanceType),
      ).toContain(profile.ec2InstanceType);
    },
  );

  it("refuses an unknown class before anything is registered, naming instanceClass, the value and the fix", async () => {
    const r = await runStack({ stack: "prod", config: { instanceClass: "db.q6g.large" } });
    expect(r.error?.message).toContain(
      'instanceClass: "db.q6g.large" has no instance profile: the family q6g is not one the rules size (m5+, r5+, t3, t4g, x2+), so its memory and max_connections cannot be sized. Use a current RDS for PostgreSQL class such as "db.r6g.large", "db.m7g.large" or "db.t4g.medium"; a new family needs its memory per vCPU added to spec/instanceProfile.ts. (preflight rds.instanceClass.known.config;',
    );
    expect(ofType(r, "aws:rds/instance:Instance")).toEqual([]);
  });

  it("puts dev's connection alarm (db.t4g.medium) below the max_connections the pool fit uses", async () => {
    const r = await runStack({ stack: "dev", config: { pooler: "rds-proxy" } });
    expect(r.error).toBeUndefined();
    const fit = r.outputs.poolFit as { maxConnections: number };
    expect(fit.maxConnections).toBe(399);
    expect(one(r, ALARM, "verscienta-dev-db-connections-high").inputs.threshold).toBe(359);
  });
});
