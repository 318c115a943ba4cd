import { beforeAll, describe, expect, it } from "vitest";
import { catalogKeyOf, catalogProblems } from "../../components/monitoring/alarmCatalog";
import { AlarmTopic } from "../../components/monitoring/alarmTopic";
import { DatabaseAlarms } from "../../components/monitoring/databaseAlarms";
import { DatabaseEvents } from "../../components/monitoring/databaseEvents";
import { PoolerAlarms } from "../../components/monitoring/poolerAlarms";
import { MOCK_ACCOUNT } from "../../testing/mockCloud";
import { ofType, one, type RunResult, runStack } from "../../testing/runProgram";

const ALARM = "aws:cloudwatch/metricAlarm:MetricAlarm";
const FILTER = "aws:cloudwatch/logMetricFilter:LogMetricFilter";
const TOPIC_ARN = (stack: string) => `arn:aws:sns:us-east-1:${MOCK_ACCOUNT}:verscienta-${stack}-alarms`;
const EVENTS = "aws:rds/eventSubscription:EventSubscription";

/** Every registered alarm held to the cited alarm catalog: its key, then any departure. */
const departures = (r: RunResult) =>
  ofType(r, ALARM).flatMap((a) => {
    const key = catalogKeyOf(String(a.inputs.name));
    if (!key) return [`${String(a.inputs.name)}: no catalog entry`];
    return catalogProblems(key, {
      namespace: a.inputs.namespace,
      metricName: a.inputs.metricName,
      dimensions: a.inputs.dimensions,
      statistic: a.inputs.statistic,
      treatMissingData: a.inputs.treatMissingData,
    });
  });

/** The fields every alarm is specified by, for exact comparison. */
const spec = (r: RunResult, name: string) => {
  const i = one(r, ALARM, name).inputs;
  return [
    i.namespace,
    i.metricName,
    i.dimensions,
    i.statistic,
    i.period,
    i.evaluationPeriods,
    i.datapointsToAlarm,
    i.comparisonOperator,
    i.threshold,
    i.treatMissingData,
  ];
};

describe("monitoring (dev: db.t4g.medium, 20 GiB, no replica, no pooler)", () => {
  let r: RunResult;
  beforeAll(async () => {
    r = await runStack({
      stack: "dev",
      config: { alarmEmails: ["oncall@example.org"], alarmHttpsEndpoints: ["https://hooks.example.org/a"] },
    });
    if (r.error) throw r.error;
  });
  const id = "verscienta-dev-db";
  const rds = { DBInstanceIdentifier: id };

  it("encrypts the alarm topic with the stack's customer-managed key, not alias/aws/sns", () => {
    const key = one(r, "aws:kms/key:Key", "verscienta-dev-key");
    expect(one(r, "aws:sns/topic:Topic", "verscienta-dev-alarms").inputs).toMatchObject({
      name: "verscienta-dev-alarms",
      kmsMasterKeyId: key.state.arn,
    });
  });

  it("lets CloudWatch, RDS events and AWS Backup publish for this account only, and denies publishing without TLS", () => {
    const policy = JSON.parse(
      String(one(r, "aws:sns/topicPolicy:TopicPolicy", "verscienta-dev-alarms-policy").inputs.policy),
    );
    const bySid = Object.fromEntries(policy.Statement.map((s: { Sid: string }) => [s.Sid, s]));
    expect(bySid.CloudWatchAlarmsPublish).toEqual({
      Sid: "CloudWatchAlarmsPublish",
      Effect: "Allow",
      Principal: { Service: "cloudwatch.amazonaws.com" },
      Action: "sns:Publish",
      Resource: TOPIC_ARN("dev"),
      Condition: {
        StringEquals: { "aws:SourceAccount": MOCK_ACCOUNT },
        ArnLike: { "aws:SourceArn": `arn:aws:cloudwatch:us-east-1:${MOCK_ACCOUNT}:alarm:*` },
      },
    });
    expect(bySid.RdsEventsPublish.Principal).toEqual({ Service: "events.rds.amazonaws.com" });
    expect(bySid.BackupNotificationsPublish.Principal).toEqual({ Service: "backup.amazonaws.com" });
    expect(bySid.DenyPublishWithoutTls).toEqual({
      Sid: "DenyPublishWithoutTls",
      Effect: "Deny",
      Principal: "*",
      Action: "sns:Publish",
      Resource: TOPIC_ARN("dev"),
      Condition: { Bool: { "aws:SecureTransport": "false" } },
    });
  });

  it("subscribes the configured e-mail and HTTPS endpoints", () => {
    const subs = ofType(r, "aws:sns/topicSubscription:TopicSubscription")
      .filter((s) => s.inputs.topic === TOPIC_ARN("dev"))
      .map((s) => [s.inputs.protocol, s.inputs.endpoint, s.inputs.topic]);
    expect(subs).toEqual([
      ["email", "oncall@example.org", TOPIC_ARN("dev")],
      ["https", "https://hooks.example.org/a", TOPIC_ARN("dev")],
    ]);
  });

  it("creates exactly the primary's alarms, with CPU credits because the class is burstable", () => {
    expect(
      ofType(r, ALARM)
        .map((a) => a.inputs.name)
        .sort(),
    ).toEqual(
      [
        "auth-failures",
        "connections-high",
        "cpu-credits-low",
        "cpu-high",
        "disk-queue-high",
        "free-storage-low",
        "freeable-memory-low",
        "slow-queries",
        "transaction-ids-high",
        // The guide's SQL metrics, published by the database operations function from the primary.
        "cache-hit-ratio-low",
        "long-running-queries",
        "sql-metrics-missing",
      ]
        .map((k) => `${id}-${k}`)
        .concat("verscienta-dev-dbops-function-errors")
        .sort(),
    );
  });

  it("alarms on the SQL metrics of the primary and on the errors of the database operations function it runs", () => {
    const fn = ofType(r, "aws:lambda/function:Function");
    expect(fn).toHaveLength(1);
    expect(spec(r, "verscienta-dev-sql-cache-hit-ratio-low")).toEqual([
      "Verscienta/PostgreSQL",
      "CacheHitRatio",
      rds,
      "Average",
      60,
      5,
      5,
      "LessThanThreshold",
      99,
      "notBreaching",
    ]);
    expect(spec(r, "verscienta-dev-sql-long-running-queries")).toEqual([
      "Verscienta/PostgreSQL",
      "LongRunningQueries",
      rds,
      "Maximum",
      60,
      1,
      1,
      "GreaterThanOrEqualToThreshold",
      1,
      "notBreaching",
    ]);
    expect(spec(r, "verscienta-dev-sql-sql-metrics-missing")).toEqual([
      "Verscienta/PostgreSQL",
      "DatabaseSizeBytes",
      rds,
      "SampleCount",
      300,
      1,
      1,
      "LessThanThreshold",
      1,
      "breaching",
    ]);
    expect(spec(r, "verscienta-dev-sql-dbops-function-errors")).toEqual([
      "AWS/Lambda",
      "Errors",
      { FunctionName: fn[0].inputs.name },
      "Sum",
      300,
      1,
      1,
      "GreaterThanOrEqualToThreshold",
      1,
      "notBreaching",
    ]);
  });

  it("alarms with the guide's thresholds sized from 4096 MiB, 20 GiB and max_connections 399 (90%: 359)", () => {
    expect(spec(r, `${id}-cpu-high`)).toEqual([
      "AWS/RDS",
      "CPUUtilization",
      rds,
      "Average",
      60,
      5,
      5,
      "GreaterThanThreshold",
      80,
      "missing",
    ]);
    expect(spec(r, `${id}-freeable-memory-low`)).toEqual([
      "AWS/RDS",
      "FreeableMemory",
      rds,
      "Average",
      60,
      5,
      5,
      "LessThanThreshold",
      429_496_729,
      "missing",
    ]);
    expect(spec(r, `${id}-free-storage-low`)).toEqual([
      "AWS/RDS",
      "FreeStorageSpace",
      rds,
      "Minimum",
      300,
      1,
      1,
      "LessThanThreshold",
      4_294_967_296,
      "missing",
    ]);
    expect(spec(r, `${id}-connections-high`)).toEqual([
      "AWS/RDS",
      "DatabaseConnections",
      rds,
      "Maximum",
      60,
      5,
      5,
      "GreaterThanThreshold",
      359,
      "missing",
    ]);
    expect(spec(r, `${id}-slow-queries`)).toEqual([
      "Verscienta/PostgreSQL",
      `SlowQueries-${id}`,
      {},
      "Sum",
      60,
      1,
      1,
      "GreaterThanOrEqualToThreshold",
      1,
      "notBreaching",
    ]);
    expect(spec(r, `${id}-transaction-ids-high`)).toEqual([
      "AWS/RDS",
      "MaximumUsedTransactionIDs",
      rds,
      "Maximum",
      300,
      1,
      1,
      "GreaterThanThreshold",
      1_000_000_000,
      "missing",
    ]);
    expect(spec(r, `${id}-disk-queue-high`)).toEqual([
      "AWS/RDS",
      "DiskQueueDepth",
      rds,
      "Average",
      60,
      5,
      5,
      "GreaterThanThreshold",
      64,
      "missing",
    ]);
    expect(spec(r, `${id}-cpu-credits-low`)).toEqual([
      "AWS/RDS",
      "CPUCreditBalance",
      rds,
      "Minimum",
      300,
      1,
      1,
      "LessThanThreshold",
      50,
      "missing",
    ]);
    expect(spec(r, `${id}-auth-failures`)).toEqual([
      "Verscienta/PostgreSQL",
      `AuthFailures-${id}`,
      {},
      "Sum",
      300,
      1,
      1,
      "GreaterThanOrEqualToThreshold",
      10,
      "notBreaching",
    ]);
  });

  it("looks the memory up for t4g.medium, the class without its db. prefix", () => {
    const calls = r.cloud.calls.filter((c) => c.token === "aws:ec2/getInstanceType:getInstanceType");
    expect(calls.map((c) => c.inputs.instanceType)).toEqual(["t4g.medium"]);
  });

  it("sends alarm, OK and insufficient-data actions of every alarm to the topic", () => {
    for (const a of ofType(r, ALARM)) {
      expect(a.inputs, a.name).toMatchObject({
        actionsEnabled: true,
        alarmActions: [TOPIC_ARN("dev")],
        okActions: [TOPIC_ARN("dev")],
        insufficientDataActions: [TOPIC_ARN("dev")],
      });
    }
  });

  it("counts slow queries and failed logins with metric filters on the postgresql log group", () => {
    const filters = ofType(r, FILTER).map((f) => [
      f.name,
      f.inputs.name,
      f.inputs.logGroupName,
      f.inputs.pattern,
      f.inputs.metricTransformation,
    ]);
    const group = `/aws/rds/instance/${id}/postgresql`;
    const metric = (name: string) => ({
      name,
      namespace: "Verscienta/PostgreSQL",
      value: "1",
      unit: "Count",
    });
    // Each pattern twice: CloudWatch either collapses runs of spaces or yields an empty field between
    // two (the "-single" variants add a gap field); on any line only one of the pair matches, and both
    // feed the same metric. The original filters keep their names.
    // Child resources are named after the DatabaseAlarms component ("verscienta-dev-db"), which here
    // equals the instance identifier the physical names use.
    const row = (suffix: string, pattern: string, metricName: string) => [
      `verscienta-dev-db-${suffix}`,
      `${id}-${suffix}`,
      group,
      pattern,
      metric(metricName),
    ];
    const slow = `SlowQueries-${id}`;
    const auth = `AuthFailures-${id}`;
    expect(filters).toEqual([
      row(
        "slow-queries",
        '[date, time, session="*:LOG:", label="duration:", ms>=5000, unit="ms", ...]',
        slow,
      ),
      row(
        "slow-queries-single",
        '[date, time, session="*:LOG:", gap, label="duration:", ms>=5000, unit="ms", ...]',
        slow,
      ),
      row(
        "auth-failed",
        '[date, time, session="*:FATAL:", method, auth="authentication", failed="failed", ...]',
        auth,
      ),
      row(
        "auth-failed-single",
        '[date, time, session="*:FATAL:", gap, method, auth="authentication", failed="failed", ...]',
        auth,
      ),
      row(
        "no-hba-entry",
        '[date, time, session="*:FATAL:", no="no", hba="pg_hba.conf", entry="entry", ...]',
        auth,
      ),
      row(
        "no-hba-entry-single",
        '[date, time, session="*:FATAL:", gap, no="no", hba="pg_hba.conf", entry="entry", ...]',
        auth,
      ),
      row("hba-rejects", '[date, time, session="*:FATAL:", hba="pg_hba.conf", rejects="rejects", ...]', auth),
      row(
        "hba-rejects-single",
        '[date, time, session="*:FATAL:", gap, hba="pg_hba.conf", rejects="rejects", ...]',
        auth,
      ),
    ]);
    expect(ofType(r, FILTER)).toHaveLength(8);
  });

  it("creates the metric filters after the log group they read", () => {
    const group = one(r, "aws:cloudwatch/logGroup:LogGroup", "verscienta-dev-log-postgresql");
    for (const f of ofType(r, FILTER)) expect(f.dependencies, f.name).toContain(group.urn);
  });

  it("subscribes the topic to the instance's failover, failure, storage, maintenance and configuration events", () => {
    expect(one(r, "aws:rds/eventSubscription:EventSubscription").inputs).toMatchObject({
      snsTopic: TOPIC_ARN("dev"),
      sourceType: "db-instance",
      sourceIds: [id],
      eventCategories: [
        "availability",
        "configuration change",
        "failover",
        "failure",
        "low storage",
        "maintenance",
        "read replica",
      ],
      enabled: true,
    });
  });

  it("builds the dashboard from the same thresholds", () => {
    const d = one(r, "aws:cloudwatch/dashboard:Dashboard");
    expect(d.inputs.dashboardName).toBe("verscienta-dev-postgres");
    const body = JSON.parse(String(d.inputs.dashboardBody));
    const mem = body.widgets.find(
      (w: { properties: { title?: string } }) => w.properties.title === "Freeable memory (bytes)",
    );
    expect(mem.properties.annotations.horizontal).toEqual([
      { label: "alarm below 429496729", value: 429_496_729 },
    ]);
    expect(body.widgets[1].properties.alarms).toHaveLength(13);
    const titles = body.widgets.map((w: { properties: { title?: string } }) => w.properties.title);
    expect(titles).toEqual(
      expect.arrayContaining([
        "Cache hit ratio, heap blocks of user tables (%) (guide: > 99 %)",
        "Database and largest table size (bytes) (guide: database size, table sizes)",
        "Dead tuples (guide: table bloat)",
        "Client queries active longer than the slow-query threshold",
        "Oldest active client query (s) (guide: active queries)",
        "Client connections by state (guide: connection pool)",
      ]),
    );
  });

  it("outputs the topic ARN, the dashboard name and every alarm name", () => {
    expect(r.outputs.alarmTopicArn).toBe(TOPIC_ARN("dev"));
    expect(r.outputs.dashboardName).toBe("verscienta-dev-postgres");
    expect(r.outputs.alarmNames).toHaveLength(13);
  });

  it("registers only alarms that match the cited alarm catalog", () => {
    expect(ofType(r, ALARM)).toHaveLength(13);
    expect(departures(r)).toEqual([]);
  });

  it("has no RDS Proxy event subscription without a proxy", () => {
    expect(ofType(r, EVENTS).map((e) => e.inputs.sourceType)).toEqual(["db-instance"]);
  });
});

describe("monitoring (prod: db.r6g.large, 100 GiB, no replica, RDS Proxy)", () => {
  let r: RunResult;
  beforeAll(async () => {
    r = await runStack({ stack: "prod" });
    if (r.error) throw r.error;
  });

  it("subscribes the on-call address from the prod stack file, so alarms reach someone", () => {
    const subs = ofType(r, "aws:sns/topicSubscription:TopicSubscription").filter(
      (s) => s.inputs.topic === TOPIC_ARN("prod"),
    );
    expect(subs.map((s) => [s.inputs.protocol, s.inputs.endpoint])).toEqual([
      ["email", "dba-oncall@verscienta.health"],
    ]);
  });

  it("alarms on the primary only (no replica: see README topology decision), without CPU credits on db.r6g", () => {
    const names = ofType(r, ALARM).map((a) => String(a.inputs.name));
    // 8 from the guide's thresholds and the DBA additions, 3 on the SQL metrics.
    expect(names.filter((n) => n.startsWith("verscienta-prod-db-"))).toHaveLength(11);
    expect(names.some((n) => n.includes("replica"))).toBe(false);
    expect(names.some((n) => n.endsWith("cpu-credits-low"))).toBe(false);
  });

  it("reads the primary's postgresql log group, with both variants of every pattern", () => {
    const filters = ofType(r, FILTER);
    expect(filters).toHaveLength(8);
    for (const f of filters)
      expect(f.inputs.logGroupName).toBe("/aws/rds/instance/verscienta-prod-db/postgresql");
  });

  it("watches the instance for RDS events", () => {
    expect(one(r, EVENTS, "verscienta-prod-events").inputs).toMatchObject({
      sourceType: "db-instance",
      sourceIds: ["verscienta-prod-db"],
    });
  });

  it("subscribes the topic to the proxy's failure, deletion and configuration events", () => {
    expect(one(r, EVENTS, "verscienta-prod-proxy-events").inputs).toMatchObject({
      name: "verscienta-prod-proxy-events",
      snsTopic: TOPIC_ARN("prod"),
      sourceType: "db-proxy",
      sourceIds: ["verscienta-prod-proxy"],
      eventCategories: ["configuration change", "deletion", "failure"],
      enabled: true,
    });
  });

  it("alarms on the RDS Proxy pool (75% of 1684 = 1263) and pinned sessions summed over the proxy's nodes, and on refused logins", () => {
    const proxy = { ProxyName: "verscienta-prod-proxy" };
    expect(spec(r, "verscienta-prod-pooler-rds-proxy-pool-high")).toEqual([
      "AWS/RDS",
      "DatabaseConnections",
      proxy,
      "Sum",
      60,
      5,
      5,
      "GreaterThanThreshold",
      1136,
      "notBreaching",
    ]);
    expect(spec(r, "verscienta-prod-pooler-rds-proxy-pinned-sessions")).toEqual([
      "AWS/RDS",
      "DatabaseConnectionsCurrentlySessionPinned",
      proxy,
      "Sum",
      60,
      5,
      5,
      "GreaterThanThreshold",
      631,
      "notBreaching",
    ]);
    expect(spec(r, "verscienta-prod-pooler-rds-proxy-auth-failures")).toEqual([
      "AWS/RDS",
      "ClientConnectionsSetupFailedAuth",
      proxy,
      "Sum",
      300,
      1,
      1,
      "GreaterThanOrEqualToThreshold",
      10,
      "notBreaching",
    ]);
  });

  it("alarms when the proxy's default target group is not available as the writer for 3 minutes", () => {
    expect(spec(r, "verscienta-prod-pooler-rds-proxy-unavailable")).toEqual([
      "AWS/RDS",
      "AvailabilityPercentage",
      { ProxyName: "verscienta-prod-proxy", TargetGroup: "default", TargetRole: "READ_WRITE" },
      "Average",
      60,
      3,
      3,
      "LessThanThreshold",
      100,
      "missing",
    ]);
  });

  it("registers only alarms that match the cited alarm catalog", () => {
    expect(ofType(r, ALARM)).toHaveLength(16);
    expect(departures(r)).toEqual([]);
  });

  it("outputs 16 alarm names", () => {
    expect(r.outputs.alarmNames).toHaveLength(16);
  });
});

describe("monitoring overrides and poolers", () => {
  it("follows overridden thresholds and an explicit max_connections", async () => {
    const r = await runStack({
      stack: "dev",
      config: {
        alarmCpuPercent: 70,
        alarmCpuMinutes: 10,
        alarmSlowQuerySeconds: 2,
        maxConnections: 200,
        alarmConnectionsPercent: 80,
      },
    });
    if (r.error) throw r.error;
    const id = "verscienta-dev-db";
    expect(spec(r, `${id}-cpu-high`).slice(4, 9)).toEqual([60, 10, 10, "GreaterThanThreshold", 70]);
    expect(one(r, ALARM, `${id}-connections-high`).inputs.threshold).toBe(160);
    expect(one(r, FILTER, `${id}-slow-queries`).inputs.pattern).toBe(
      '[date, time, session="*:LOG:", label="duration:", ms>=2000, unit="ms", ...]',
    );
    expect(one(r, FILTER, `${id}-slow-queries-single`).inputs.pattern).toBe(
      '[date, time, session="*:LOG:", gap, label="duration:", ms>=2000, unit="ms", ...]',
    );
  });

  it("alarms on PgBouncer's ECS service, load balancer targets and queue, all as the catalog says", async () => {
    const r = await runStack({
      stack: "dev",
      config: {
        pooler: "pgbouncer",
        pgbouncerImage: `${MOCK_ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/pgbouncer@sha256:${"a".repeat(64)}`,
      },
    });
    if (r.error) throw r.error;
    const names = ofType(r, ALARM)
      .map((a) => String(a.inputs.name))
      .filter((n) => n.includes("pgbouncer"))
      .sort();
    expect(names).toEqual(
      [
        "clients-waiting",
        "cpu-high",
        "max-wait",
        "memory-high",
        "no-healthy-targets",
        "unhealthy-targets",
      ].map((k) => `verscienta-dev-pgbouncer-${k}`),
    );
    expect(departures(r)).toEqual([]);
    const svc = one(r, ALARM, "pgbouncer-cpu-high").inputs;
    expect([svc.namespace, svc.metricName, Object.keys(svc.dimensions as object)]).toEqual([
      "AWS/ECS",
      "CPUUtilization",
      ["ClusterName", "ServiceName"],
    ]);
    const tg = one(r, ALARM, "pgbouncer-unhealthy-targets").inputs;
    expect(tg.namespace).toBe("AWS/NetworkELB");
    expect(String((tg.dimensions as Record<string, string>).LoadBalancer)).toMatch(/^net\//);
    expect(String((tg.dimensions as Record<string, string>).TargetGroup)).toMatch(/^targetgroup\//);
    // The queue alarms read the service name the tasks publish under: the ECS service's own name.
    const waiting = one(r, ALARM, "pgbouncer-clients-waiting").inputs;
    const service = one(r, "aws:ecs/service:Service").inputs.name;
    expect(service).toBe("verscienta-dev-pgbouncer");
    expect(waiting.dimensions).toEqual({ ServiceName: service });
    expect(spec(r, "pgbouncer-max-wait").slice(3)).toEqual([
      "Maximum",
      60,
      5,
      5,
      "GreaterThanThreshold",
      1,
      "missing",
    ]);
    expect(ofType(r, EVENTS).map((e) => e.inputs.sourceType)).toEqual(["db-instance"]);
  });
});

describe("monitoring components refuse bad arguments", () => {
  const program = (f: () => void) => () => {
    f();
    return {};
  };
  it("fails when the topic would use alias/aws/sns", async () => {
    const r = await runStack({
      stack: "dev",
      program: program(
        () => new AlarmTopic("t", { accountId: "1", region: "us-east-1", kmsKeyArn: "alias/aws/sns" }),
      ),
    });
    expect(r.error?.message).toContain(
      'kmsKeyArn: "alias/aws/sns" is the AWS-managed SNS key; CloudWatch cannot use it',
    );
  });

  it("fails when an HTTPS subscriber is plain http", async () => {
    const r = await runStack({
      stack: "dev",
      program: program(
        () =>
          new AlarmTopic("t", {
            accountId: "1",
            region: "us-east-1",
            kmsKeyArn: "arn:k",
            httpsEndpoints: ["http://x.example"],
          }),
      ),
    });
    expect(r.error?.message).toContain('httpsEndpoints[0]: "http://x.example" is not an https:// URL');
  });

  it("fails when a threshold percentage is out of range", async () => {
    const r = await runStack({
      stack: "dev",
      program: program(
        () =>
          new DatabaseAlarms("d", {
            identifier: "d",
            postgresqlLogGroupName: "/aws/rds/instance/d/postgresql",
            memoryMiB: 4096,
            allocatedStorageGb: 20,
            thresholds: { freeStoragePercent: 100 },
            topicArn: "arn:t",
          }),
      ),
    });
    expect(r.error?.message).toContain("freeStoragePercent: 100 is not a percentage from 1 to 99");
  });

  it("fails when RDS Proxy alarms get no proxy name", async () => {
    const r = await runStack({
      stack: "dev",
      program: program(
        () =>
          new PoolerAlarms("p", {
            kind: "rds-proxy",
            namePrefix: "p",
            maxConnections: 100,
            topicArn: "arn:t",
          }),
      ),
    });
    expect(r.error?.message).toContain('proxyName: is required when kind is "rds-proxy"');
  });

  it("refuses an RDS Proxy event category RDS does not have", async () => {
    const r = await runStack({
      stack: "dev",
      program: program(
        () =>
          new DatabaseEvents("e", {
            sourceIds: ["d"],
            proxyName: "p",
            proxyEventCategories: ["failure", "failover"],
            topicArn: "arn:t",
          }),
      ),
    });
    expect(r.error?.message).toContain(
      'proxyEventCategories: ["failover"] are not RDS Proxy event categories (RDS would refuse them with SubscriptionCategoryNotFound). Use "configuration change", "creation", "deletion", "failure".',
    );
  });

  it("fails when the event subscription watches no instance", async () => {
    const r = await runStack({
      stack: "dev",
      program: program(() => new DatabaseEvents("e", { sourceIds: [], topicArn: "arn:t" })),
    });
    expect(r.error?.message).toContain("sourceIds: [] watches nothing");
  });
});
