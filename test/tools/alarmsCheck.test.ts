/**
 * `npm run alarms:check` as a process, against stand-ins for the `pulumi` and `aws` CLIs on PATH
 * (fixtures/alarms-check/*.cjs) that answer with the real CLIs' documented JSON and errors: a pending
 * subscription, a missing topic, access denied, missing credentials, and a topic CloudWatch cannot
 * publish to.
 */
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { runStack } from "../../testing/runProgram";
import { endpointLabel, shellLine } from "../../tools/lib/alarmsCheck";

const ROOT = path.resolve(__dirname, "../..");
const FIXTURES = path.join(__dirname, "fixtures/alarms-check");
const ACCT = "123456789012";
const TOPIC = `arn:aws:sns:us-east-1:${ACCT}:verscienta-prod-alarms`;
const DR_TOPIC = `arn:aws:sns:us-west-2:${ACCT}:verscienta-prod-dr-alarms`;
const CPU = "verscienta-prod-db-cpu";
const STORAGE = "verscienta-prod-db-free-storage";

const confirmed = (topic: string, endpoint = "oncall@example.org", protocol = "email") => ({
  SubscriptionArn: `${topic}:1f2e3d4c-0000-4000-8000-00000000000${endpoint.length % 10}`,
  Owner: ACCT,
  Protocol: protocol,
  Endpoint: endpoint,
  TopicArn: topic,
});
const pending = (topic: string, endpoint = "new-hire@example.org") => ({
  SubscriptionArn: "PendingConfirmation",
  Owner: ACCT,
  Protocol: "email",
  Endpoint: endpoint,
  TopicArn: topic,
});
const alarm = (name: string, state: string, more: Record<string, unknown> = {}) => ({
  AlarmName: name,
  AlarmArn: `arn:aws:cloudwatch:us-east-1:${ACCT}:alarm:${name}`,
  ActionsEnabled: true,
  OKActions: [TOPIC],
  AlarmActions: [TOPIC],
  InsufficientDataActions: [],
  StateValue: state,
  StateReason: "Threshold Crossed",
  Period: 60,
  EvaluationPeriods: 5,
  ...more,
});

interface World {
  outputs?: Record<string, unknown>;
  subs?: Record<string, unknown[]>;
  alarms?: unknown[];
  flags?: string[];
}

function run(world: World, ...args: string[]) {
  const dir = mkdtempSync(path.join(tmpdir(), "alarms-check-"));
  const bin = path.join(dir, "bin");
  mkdirSync(bin);
  mkdirSync(path.join(dir, "subs"));
  for (const cli of ["aws", "pulumi"]) {
    copyFileSync(path.join(FIXTURES, `${cli}.cjs`), path.join(bin, cli));
    chmodSync(path.join(bin, cli), 0o755);
  }
  const outputs = world.outputs ?? {
    alarmTopicArn: TOPIC,
    drAlarmTopicArn: DR_TOPIC,
    alarmNames: [CPU, STORAGE],
    dbEndpoint: "verscienta-prod-db.c1.us-east-1.rds.amazonaws.com:5432",
  };
  writeFileSync(path.join(dir, "outputs.json"), JSON.stringify(outputs, null, 4));
  const subs = world.subs ?? {
    "verscienta-prod-alarms": [confirmed(TOPIC)],
    "verscienta-prod-dr-alarms": [confirmed(DR_TOPIC)],
  };
  for (const [name, list] of Object.entries(subs))
    writeFileSync(path.join(dir, "subs", `${name}.json`), JSON.stringify({ Subscriptions: list }));
  writeFileSync(
    path.join(dir, "alarms.json"),
    JSON.stringify({ MetricAlarms: world.alarms ?? [alarm(CPU, "OK"), alarm(STORAGE, "OK")] }),
  );
  for (const f of world.flags ?? []) writeFileSync(path.join(dir, f), "");
  writeFileSync(path.join(dir, "calls.log"), "");
  const r = spawnSync(process.execPath, ["--require", "tsx/cjs", "tools/alarmsCheck.ts", ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: {
      ...process.env,
      PATH: `${bin}${path.delimiter}${process.env.PATH}`,
      FAKE_AWS_DIR: dir,
      FAKE_PULUMI_STACK: "prod",
      FAKE_PULUMI_OUTPUTS: path.join(dir, "outputs.json"),
      PLAN_DEBUG: undefined,
      NO_COLOR: "1",
    },
  });
  const calls = readFileSync(path.join(dir, "calls.log"), "utf8").trim().split("\n").filter(Boolean);
  const history = path.join(dir, "history.json");
  return {
    code: r.status,
    stdout: r.stdout,
    stderr: r.stderr,
    calls,
    history: existsSync(history) ? (JSON.parse(readFileSync(history, "utf8")) as unknown[]) : [],
  };
}

describe("alarms:check with credentials", () => {
  it("passes when both topics have a confirmed subscriber and CloudWatch publishes the test alarm", () => {
    const r = run({}, "--stack", "prod", "--wait-seconds", "0");
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(r.calls.map((c) => c.split(" ").slice(0, 3).join(" "))).toEqual([
      "aws sts get-caller-identity",
      "pulumi stack output",
      "aws sns list-subscriptions-by-topic",
      "aws sns list-subscriptions-by-topic",
      "aws cloudwatch describe-alarms",
      "aws cloudwatch set-alarm-state",
      "aws cloudwatch describe-alarm-history",
      "aws cloudwatch describe-alarms",
    ]);
    // The DR topic is asked in its own region; the alarm is set through the real path with the test reason.
    expect(r.calls[3]).toBe(
      `aws sns list-subscriptions-by-topic --topic-arn ${DR_TOPIC} --region us-west-2 --output json`,
    );
    expect(r.calls[5]).toBe(
      `aws cloudwatch set-alarm-state --alarm-name ${CPU} --state-value ALARM --state-reason alarms:check test --region us-east-1`,
    );
    expect(r.stdout).toContain(
      `ok    ${TOPIC}: 1 confirmed subscription(s): email …@example.org (confirmed)`,
    );
    expect(r.stdout).toContain(`fire  ${CPU}: OK -> ALARM (alarms:check test)`);
    expect(r.stdout).toContain(`Successfully executed action ${TOPIC}`);
    expect(r.stdout).toContain(`ok    ${CPU} is back to OK.`);
    expect(r.stdout).toMatch(/alarms:check: OK: every topic has a confirmed subscriber/);
    expect(r.stdout).not.toContain("oncall@");
  });

  it("fails when a topic has only a PendingConfirmation subscription, and says how to confirm", () => {
    const r = run(
      {
        subs: {
          "verscienta-prod-alarms": [pending(TOPIC)],
          "verscienta-prod-dr-alarms": [confirmed(DR_TOPIC)],
        },
      },
      "--stack",
      "prod",
      "--wait-seconds",
      "0",
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `FAIL  ${TOPIC}: no confirmed subscription; email …@example.org (PendingConfirmation). Each recipient must click the link`,
    );
    expect(r.stdout).toContain("alarms:check: FAILED");
  });

  it("passes a topic with one confirmed and one pending subscriber, warning about the pending one", () => {
    const r = run(
      {
        subs: {
          "verscienta-prod-alarms": [confirmed(TOPIC), pending(TOPIC)],
          "verscienta-prod-dr-alarms": [confirmed(DR_TOPIC)],
        },
      },
      "--stack",
      "prod",
      "--wait-seconds",
      "0",
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`warn  ${TOPIC}: still pending: email …@example.org (PendingConfirmation)`);
  });

  it("fails when the DR topic does not exist (NotFound), naming it", () => {
    const r = run(
      { subs: { "verscienta-prod-alarms": [confirmed(TOPIC)] } },
      "--stack",
      "prod",
      "--wait-seconds",
      "0",
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `FAIL  ${DR_TOPIC}: NotFound (ListSubscriptionsByTopic): Topic does not exist. The topic does not exist: was the stack destroyed, or is the output stale?`,
    );
  });

  it("fails when the caller may not list subscriptions (AuthorizationError), naming the permission", () => {
    const r = run({ flags: ["deny-ListSubscriptionsByTopic"] }, "--stack", "prod", "--wait-seconds", "0");
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `FAIL  ${TOPIC}: AuthorizationError (ListSubscriptionsByTopic): User: arn:aws:sts::${ACCT}:assumed-role/deployer/ci is not authorized to perform: SNS:ListSubscriptionsByTopic`,
    );
    expect(r.stdout).toContain("The caller needs sns:ListSubscriptionsByTopic on it.");
  });

  it("fails when set-alarm-state is denied, and fires nothing", () => {
    const r = run({ flags: ["deny-SetAlarmState"] }, "--stack", "prod", "--wait-seconds", "0");
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(`FAIL  set-alarm-state ${CPU}: AccessDenied (SetAlarmState): User:`);
    expect(r.history).toEqual([]);
  });

  it("fails when CloudWatch cannot publish to the encrypted topic, quoting the alarm history", () => {
    const r = run({ flags: ["publish-fails"] }, "--stack", "prod", "--wait-seconds", "0");
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `FAIL  CloudWatch could not publish: Failed to execute action ${TOPIC}. Received error: "CloudWatch Alarms does not have authorization to access the SNS topic encryption key."`,
    );
  });

  it("skips an alarm already in ALARM (setting it again would notify nobody) and tests the next", () => {
    const r = run(
      { alarms: [alarm(CPU, "ALARM"), alarm(STORAGE, "OK")] },
      "--stack",
      "prod",
      "--wait-seconds",
      "0",
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`fire  ${STORAGE}: OK -> ALARM`);
  });

  it("fails when no alarm of the stack sends to the topic", () => {
    const r = run(
      { alarms: [alarm(CPU, "OK", { AlarmActions: [] }), alarm(STORAGE, "OK", { ActionsEnabled: false })] },
      "--stack",
      "prod",
      "--wait-seconds",
      "0",
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      `FAIL  no alarm of the stack is in OK or INSUFFICIENT_DATA with actions to ${TOPIC}`,
    );
    expect(r.calls.some((c) => c.includes("set-alarm-state"))).toBe(false);
  });

  it("notes an alarm that has not returned yet instead of forcing its old state back", () => {
    const r = run({ flags: ["stays-in-alarm"] }, "--stack", "prod", "--wait-seconds", "0");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`note  ${CPU} is still ALARM; CloudWatch returns it to its actual state`);
    expect(r.calls.filter((c) => c.includes("set-alarm-state"))).toHaveLength(1);
  });

  it("never prints an HTTPS endpoint's path, which can hold an integration key", () => {
    const hook = "https://events.example.com/integration/s3cr3tKey0123456789/enqueue";
    const r = run(
      {
        subs: {
          "verscienta-prod-alarms": [confirmed(TOPIC, hook, "https")],
          "verscienta-prod-dr-alarms": [confirmed(DR_TOPIC)],
        },
      },
      "--stack",
      "prod",
      "--wait-seconds",
      "0",
    );
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("https://events.example.com/…");
    expect(r.stdout).not.toContain("s3cr3tKey");
  });
});

describe("alarms:check without credentials or with --dry-run", () => {
  it("prints exactly what it would run and calls nothing in AWS with --dry-run (exit 0)", () => {
    const r = run({}, "--stack", "prod", "--dry-run");
    expect([r.code, r.stderr]).toEqual([0, ""]);
    expect(r.calls).toEqual(["pulumi stack output --json --stack prod"]);
    expect(r.stdout.split("\n").slice(0, 8)).toEqual([
      "alarms:check: stack prod: dry run (--dry-run); nothing is called. It would run:",
      "  1. pulumi stack output --json --stack prod",
      `  2. aws sns list-subscriptions-by-topic --topic-arn ${TOPIC} --region us-east-1 --output json`,
      `  3. aws sns list-subscriptions-by-topic --topic-arn ${DR_TOPIC} --region us-west-2 --output json`,
      `  4. aws cloudwatch describe-alarms --alarm-types MetricAlarm --region us-east-1 --output json --alarm-names ${CPU} ${STORAGE}`,
      "  5. aws cloudwatch set-alarm-state --alarm-name '<the first alarm in OK that notifies the topic>' --state-value ALARM --state-reason 'alarms:check test' --region us-east-1",
      "  6. aws cloudwatch describe-alarm-history --alarm-name '<the first alarm in OK that notifies the topic>' --history-item-type Action --start-date '<now - 5 s>' --region us-east-1 --output json   (every 5 s, up to 60 s)",
      "A topic passes with at least one subscription whose SubscriptionArn is an ARN (not PendingConfirmation); the alarm passes when its history shows 'Successfully executed action <topic>'.",
    ]);
  });

  it("prints the plan and exits 3 (nothing checked, never a pass) without credentials", () => {
    const r = run({ flags: ["nocreds"] }, "--stack", "prod");
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(
      /^alarms:check: stack prod: dry run \(no usable AWS credentials \(Unable to locate credentials/,
    );
    expect(r.calls.filter((c) => c.startsWith("aws "))).toEqual([
      "aws sts get-caller-identity --output json",
    ]);
  });
});

describe("alarms:check usage", () => {
  it("exits 2 without --stack", () => {
    const r = run({});
    expect([r.code, r.stdout]).toEqual([2, ""]);
    expect(r.stderr).toMatch(
      /^alarms:check: error: --stack <name> is required\. usage: npm run alarms:check/,
    );
  });

  it("exits 2 for a stack that does not exist, quoting pulumi", () => {
    const r = run({}, "--stack", "staging");
    expect([r.code, r.stderr]).toEqual([
      2,
      "alarms:check: error: no stack named 'staging' found (--stack staging).\n",
    ]);
  });

  it("exits 2 for an --alarm that is not the stack's", () => {
    const r = run({}, "--stack", "prod", "--alarm", "someone-elses-alarm", "--wait-seconds", "0");
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(
      `alarms:check: error: --alarm someone-elses-alarm is not one of the stack's alarms (${CPU}, ${STORAGE}).\n`,
    );
  });

  it("exits 2 for a --wait-seconds that is not 0 to 600", () => {
    expect(run({}, "--stack", "prod", "--wait-seconds", "9999").code).toBe(2);
  });
});

describe("alarms:check helpers", () => {
  it("quotes shell arguments only when needed", () => {
    expect(shellLine("aws", ["--state-reason", "alarms:check test", "it's"])).toBe(
      "aws --state-reason 'alarms:check test' 'it'\\''s'",
    );
  });

  it("labels an email subscription by its domain only", () => {
    expect(
      endpointLabel({
        SubscriptionArn: "PendingConfirmation",
        Protocol: "email",
        Endpoint: "dr@example.org",
      }),
    ).toBe("email …@example.org");
  });
});

describe("the stack outputs alarms:check reads", () => {
  it("are exported by the prod program: the alarm topic, the DR topic in the DR region, the alarm names", async () => {
    const r = await runStack({ stack: "prod" });
    expect(r.error).toBeUndefined();
    const o = r.outputs;
    expect(o.alarmTopicArn).toMatch(/^arn:aws:sns:us-east-1:\d{12}:/);
    expect(o.drAlarmTopicArn).toMatch(new RegExp(`^arn:aws:sns:${String(o.drRegion)}:\\d{12}:`));
    expect(o.drRegion).not.toBe("us-east-1");
    expect(Array.isArray(o.alarmNames) && o.alarmNames.length > 0).toBe(true);
    expect((o.alarmNames as unknown[]).every((n) => typeof n === "string")).toBe(true);
    expect(r.secretOutputs).not.toContain("alarmTopicArn");
  });
});
