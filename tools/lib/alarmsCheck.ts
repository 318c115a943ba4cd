/**
 * The logic of `npm run alarms:check`: prove, after a deploy, that an alarm of the stack reaches a person.
 * It shells out to the `pulumi` and `aws` CLIs through an injected runner, so tests drive it with
 * stand-ins on PATH that answer like the real CLIs.
 *
 * What AWS does, and where it says so:
 * - `aws sns list-subscriptions-by-topic` lists a subscription nobody confirmed with the SubscriptionArn
 *   "PendingConfirmation"; only a real ARN delivers (Amazon SNS API Reference, ListSubscriptionsByTopic
 *   and Subscription; the CLI follows NextToken itself unless --no-paginate).
 * - `aws cloudwatch set-alarm-state` "temporarily sets the state of an alarm for testing purposes"; when
 *   the state changes, the alarm's actions run (an SNS message), and a metric alarm "returns to its actual
 *   state quickly, often within seconds" (Amazon CloudWatch API Reference, SetAlarmState). So the tool
 *   does not force the old state back: that could hide a real breach that began meanwhile. The return to
 *   OK sends the OK notification too (the stack's alarms notify on OK).
 * - Whether CloudWatch could publish shows only in the alarm's history: an `Action` item "Successfully
 *   executed action <topic ARN>" or "Failed to execute action <topic ARN>. Received error: ..." (a topic
 *   key policy that does not admit CloudWatch fails exactly there, while the console still turns red).
 *   Amazon CloudWatch API Reference, DescribeAlarmHistory (HistoryItemType Action).
 * - AWS CLI exit codes: 253 = no credentials or bad configuration, 254 = the service returned an error
 *   (AWS CLI User Guide, "Command line return codes in the AWS CLI").
 */

/** What a CLI run returned; `missing` when the executable is not on PATH. */
export interface ExecResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly missing?: boolean;
}
export type Exec = (cmd: string, args: readonly string[]) => ExecResult;

export interface CheckOptions {
  readonly stack: string;
  readonly dryRun: boolean;
  /** Test this alarm instead of the first eligible one. */
  readonly alarm?: string;
  /** How long to wait for CloudWatch to record the action. */
  readonly waitSeconds: number;
  readonly pollSeconds: number;
}

export interface CheckIo {
  readonly exec: Exec;
  readonly out: (line: string) => void;
  readonly sleep: (ms: number) => Promise<void>;
  readonly now: () => Date;
}

/** Exit codes, as documented in the runbook and the usage text. */
export const EXIT = { ok: 0, failed: 1, usage: 2, notChecked: 3 } as const;

export const TEST_REASON = "alarms:check test";

interface StackOutputs {
  readonly alarmTopicArn: string;
  readonly drAlarmTopicArn?: string;
  readonly alarmNames: readonly string[];
}

interface Subscription {
  readonly SubscriptionArn: string;
  readonly Protocol: string;
  readonly Endpoint: string;
}

interface MetricAlarm {
  readonly AlarmName: string;
  readonly StateValue: string;
  readonly ActionsEnabled?: boolean;
  readonly AlarmActions?: readonly string[];
}

interface HistoryItem {
  readonly Timestamp: string;
  readonly HistoryItemType: string;
  readonly HistorySummary: string;
}

/** The shell form of a command, for the dry run and the report. */
export function shellLine(cmd: string, args: readonly string[]): string {
  const q = (a: string) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`);
  return [cmd, ...args].map(q).join(" ");
}

/** The region of an ARN (`arn:aws:sns:<region>:<account>:<name>`). */
export const arnRegion = (arn: string): string => arn.split(":")[3] ?? "";

/** `AuthorizationError: User ... is not authorized ...` from the CLI's "An error occurred (X) when ..." line. */
export function awsError(r: ExecResult): string {
  const m = /An error occurred \(([^)]+)\) when calling the (\w+) operation: ?(.*)/.exec(r.stderr);
  if (m) return `${m[1]} (${m[2]}): ${m[3].trim()}`;
  const line = r.stderr.trim().split("\n").pop() ?? "";
  return line || `exit code ${r.code}`;
}

/**
 * Where a subscription delivers, without what could be a secret: an HTTPS endpoint's path or query can
 * hold an integration key (a paging service's events URL), so only its host is shown; an address keeps
 * its domain only.
 */
export function endpointLabel(s: Subscription): string {
  if (s.Protocol === "http" || s.Protocol === "https") {
    try {
      return `${s.Protocol}://${new URL(s.Endpoint).host}/…`;
    } catch {
      return `${s.Protocol} endpoint`;
    }
  }
  if (s.Protocol === "email" || s.Protocol === "email-json")
    return `${s.Protocol} …@${s.Endpoint.split("@")[1] ?? "?"}`;
  return s.Protocol;
}

const pulumiArgs = (stack: string) => ["stack", "output", "--json", "--stack", stack];
const subsArgs = (topic: string) => [
  "sns",
  "list-subscriptions-by-topic",
  "--topic-arn",
  topic,
  "--region",
  arnRegion(topic),
  "--output",
  "json",
];
const describeArgs = (names: readonly string[], region: string) => [
  "cloudwatch",
  "describe-alarms",
  "--alarm-types",
  "MetricAlarm",
  "--region",
  region,
  "--output",
  "json",
  "--alarm-names",
  ...names,
];
const setStateArgs = (alarm: string, region: string) => [
  "cloudwatch",
  "set-alarm-state",
  "--alarm-name",
  alarm,
  "--state-value",
  "ALARM",
  "--state-reason",
  TEST_REASON,
  "--region",
  region,
];
const historyArgs = (alarm: string, region: string, since: string) => [
  "cloudwatch",
  "describe-alarm-history",
  "--alarm-name",
  alarm,
  "--history-item-type",
  "Action",
  "--start-date",
  since,
  "--region",
  region,
  "--output",
  "json",
];

function parseOutputs(stdout: string, stack: string): StackOutputs {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(stdout) as Record<string, unknown>;
  } catch {
    throw new CheckFailure(`pulumi stack output --json --stack ${stack} did not print JSON.`);
  }
  const topic = o.alarmTopicArn;
  const names = o.alarmNames;
  if (typeof topic !== "string" || !topic.startsWith("arn:"))
    throw new CheckFailure(
      `stack ${stack} has no alarmTopicArn output; deploy it first (pulumi up --stack ${stack}).`,
    );
  if (!Array.isArray(names) || names.some((n) => typeof n !== "string"))
    throw new CheckFailure(`stack ${stack} has no alarmNames output (a list of alarm names).`);
  const dr = o.drAlarmTopicArn;
  return {
    alarmTopicArn: topic,
    alarmNames: names as string[],
    ...(typeof dr === "string" && dr.startsWith("arn:") ? { drAlarmTopicArn: dr } : {}),
  };
}

/** A check that could not be completed: a failed call or missing outputs. Exit 1. */
class CheckFailure extends Error {}

/** A usage problem found while running (a stack that does not exist, an alarm not in the stack). Exit 2. */
export class CheckUsageError extends Error {}

/** Runs the check; returns the exit code. Everything printed goes through `io.out`. */
export async function alarmsCheck(o: CheckOptions, io: CheckIo): Promise<number> {
  const { exec, out } = io;
  const run = (cmd: string, args: readonly string[]) => {
    const r = exec(cmd, args);
    if (r.missing) throw new CheckFailure(`${cmd} is not on PATH; install the ${cmd} CLI.`);
    return r;
  };

  // Credentials first: without them nothing below can be checked, and the plan is all we can give.
  let offlineWhy: string | undefined = o.dryRun ? "--dry-run" : undefined;
  if (!offlineWhy) {
    const id = exec("aws", ["sts", "get-caller-identity", "--output", "json"]);
    if (id.missing) offlineWhy = "the aws CLI is not on PATH";
    else if (id.code === 253 || id.code === 255) offlineWhy = `no usable AWS credentials (${awsError(id)})`;
    else if (id.code !== 0) offlineWhy = `aws sts get-caller-identity failed: ${awsError(id)}`;
  }

  const p = exec("pulumi", pulumiArgs(o.stack));
  let outputs: StackOutputs | undefined;
  let outputsWhy: string | undefined;
  if (p.missing) outputsWhy = "the pulumi CLI is not on PATH";
  else if (p.code !== 0) {
    const msg = p.stderr.trim().split("\n")[0] ?? "";
    if (/no stack named/i.test(msg))
      throw new CheckUsageError(`${msg.replace(/^error: /, "")} (--stack ${o.stack}).`);
    outputsWhy = `pulumi stack output failed: ${msg || `exit code ${p.code}`}`;
  } else {
    try {
      outputs = parseOutputs(p.stdout, o.stack);
    } catch (e) {
      if (!(e instanceof CheckFailure)) throw e;
      outputsWhy = e.message;
    }
  }

  if (offlineWhy) {
    printPlan(o, outputs, out, offlineWhy, outputsWhy);
    return o.dryRun ? EXIT.ok : EXIT.notChecked;
  }
  out(`alarms:check: stack ${o.stack}`);
  if (!outputs) {
    out(`FAIL  ${outputsWhy}`);
    return EXIT.failed;
  }

  let failed = false;
  try {
    // 1. Every topic has at least one confirmed subscriber.
    const topics = [outputs.alarmTopicArn, ...(outputs.drAlarmTopicArn ? [outputs.drAlarmTopicArn] : [])];
    for (const topic of topics) if (!checkTopic(topic, run, out)) failed = true;
    // 2. One alarm, through the real path: CloudWatch → SNS.
    if (o.alarm !== undefined && !outputs.alarmNames.includes(o.alarm))
      throw new CheckUsageError(
        `--alarm ${o.alarm} is not one of the stack's alarms (${outputs.alarmNames.join(", ")}).`,
      );
    if (!(await fireOne(o, outputs, run, io))) failed = true;
  } catch (e) {
    if (!(e instanceof CheckFailure)) throw e;
    out(`FAIL  ${e.message}`);
    failed = true;
  }
  out(
    failed
      ? "alarms:check: FAILED: an alarm of this stack may reach nobody. See docs/runbooks.md, After a deploy: prove an alarm arrives."
      : "alarms:check: OK: every topic has a confirmed subscriber and a test alarm was delivered to SNS. Confirm the ALARM and OK messages arrived.",
  );
  return failed ? EXIT.failed : EXIT.ok;
}

function checkTopic(topic: string, run: Exec, out: (l: string) => void): boolean {
  const r = run("aws", subsArgs(topic));
  if (r.code !== 0) {
    const err = awsError(r);
    const hint = err.startsWith("NotFound")
      ? " The topic does not exist: was the stack destroyed, or is the output stale?"
      : /AuthorizationError|AccessDenied/.test(err)
        ? " The caller needs sns:ListSubscriptionsByTopic on it."
        : "";
    out(`FAIL  ${topic}: ${err}.${hint}`);
    return false;
  }
  const subs = ((JSON.parse(r.stdout) as { Subscriptions?: Subscription[] }).Subscriptions ?? []).map(
    (s) => ({
      ...s,
      confirmed: s.SubscriptionArn.startsWith("arn:"),
    }),
  );
  const confirmed = subs.filter((s) => s.confirmed);
  const pending = subs.filter((s) => !s.confirmed);
  const list = (xs: typeof subs) =>
    xs
      .map(
        (s) =>
          `${endpointLabel(s)} (${s.SubscriptionArn.startsWith("arn:") ? "confirmed" : s.SubscriptionArn})`,
      )
      .join(", ");
  if (confirmed.length === 0) {
    out(
      `FAIL  ${topic}: no confirmed subscription${subs.length ? `; ${list(pending)}` : " at all"}. ${pending.length ? "Each recipient must click the link in the AWS Notification - Subscription Confirmation message (it expires after 3 days; re-subscribe with pulumi up if it did)." : "Set alarmEmails or alarmHttpsEndpoints and run pulumi up."}`,
    );
    return false;
  }
  out(`ok    ${topic}: ${confirmed.length} confirmed subscription(s): ${list(confirmed)}`);
  if (pending.length) out(`warn  ${topic}: still pending: ${list(pending)}`);
  return true;
}

async function fireOne(o: CheckOptions, s: StackOutputs, run: Exec, io: CheckIo): Promise<boolean> {
  const { out } = io;
  const topic = s.alarmTopicArn;
  const region = arnRegion(topic);
  if (s.alarmNames.length === 0) throw new CheckFailure("the stack exports no alarm names; nothing to test.");
  const alarms: MetricAlarm[] = [];
  // DescribeAlarms takes at most 100 names per call (CloudWatch API Reference, AlarmNames).
  for (let i = 0; i < s.alarmNames.length; i += 100) {
    const r = run("aws", describeArgs(s.alarmNames.slice(i, i + 100), region));
    if (r.code !== 0) throw new CheckFailure(`describe-alarms: ${awsError(r)}.`);
    alarms.push(...((JSON.parse(r.stdout) as { MetricAlarms?: MetricAlarm[] }).MetricAlarms ?? []));
  }
  const notifies = (a: MetricAlarm) => a.ActionsEnabled !== false && (a.AlarmActions ?? []).includes(topic);
  const chosen = o.alarm
    ? alarms.find((a) => a.AlarmName === o.alarm)
    : (alarms.find((a) => notifies(a) && a.StateValue === "OK") ??
      alarms.find((a) => notifies(a) && a.StateValue === "INSUFFICIENT_DATA"));
  if (!chosen)
    throw new CheckFailure(
      o.alarm
        ? `alarm ${o.alarm} was not found in ${region}.`
        : `no alarm of the stack is in OK or INSUFFICIENT_DATA with actions to ${topic} (an alarm already in ALARM would not notify again).`,
    );
  if (!notifies(chosen))
    throw new CheckFailure(
      `alarm ${chosen.AlarmName} does not send to ${topic} (or its actions are disabled).`,
    );
  if (chosen.StateValue === "ALARM")
    throw new CheckFailure(
      `alarm ${chosen.AlarmName} is already in ALARM; setting ALARM again changes nothing and notifies nobody. Pick another with --alarm.`,
    );

  // A few seconds of slack for clock skew between this machine and CloudWatch's timestamps.
  const since = new Date(io.now().getTime() - 5_000);
  const sinceIso = since.toISOString().replace(/\.\d{3}Z$/, "Z");
  out(`fire  ${chosen.AlarmName}: ${chosen.StateValue} -> ALARM (${TEST_REASON})`);
  const set = run("aws", setStateArgs(chosen.AlarmName, region));
  if (set.code !== 0) throw new CheckFailure(`set-alarm-state ${chosen.AlarmName}: ${awsError(set)}.`);

  const deadline = io.now().getTime() + o.waitSeconds * 1000;
  for (;;) {
    const h = run("aws", historyArgs(chosen.AlarmName, region, sinceIso));
    if (h.code !== 0) throw new CheckFailure(`describe-alarm-history ${chosen.AlarmName}: ${awsError(h)}.`);
    const items = (
      (JSON.parse(h.stdout) as { AlarmHistoryItems?: HistoryItem[] }).AlarmHistoryItems ?? []
    ).filter(
      (i) =>
        i.HistoryItemType === "Action" && i.HistorySummary.includes(topic) && new Date(i.Timestamp) >= since,
    );
    const failure = items.find((i) => i.HistorySummary.startsWith("Failed"));
    if (failure) {
      out(`FAIL  CloudWatch could not publish: ${failure.HistorySummary}`);
      return false;
    }
    const success = items.find((i) => i.HistorySummary.startsWith("Successfully"));
    if (success) {
      out(`ok    CloudWatch published to SNS at ${success.Timestamp}: ${success.HistorySummary}`);
      break;
    }
    if (io.now().getTime() >= deadline) {
      out(
        `FAIL  no action recorded for ${chosen.AlarmName} within ${o.waitSeconds} s; check its History tab (aws cloudwatch describe-alarm-history --alarm-name ${chosen.AlarmName} --history-item-type Action).`,
      );
      return false;
    }
    await io.sleep(o.pollSeconds * 1000);
  }

  // CloudWatch puts a metric alarm back to its actual state at the next evaluation (SetAlarmState).
  const back = run("aws", describeArgs([chosen.AlarmName], region));
  const state =
    back.code === 0
      ? ((JSON.parse(back.stdout) as { MetricAlarms?: MetricAlarm[] }).MetricAlarms?.[0]?.StateValue ?? "?")
      : "?";
  out(
    state === "ALARM"
      ? `note  ${chosen.AlarmName} is still ALARM; CloudWatch returns it to its actual state at the next evaluation (usually within a minute), which sends the OK message.`
      : `ok    ${chosen.AlarmName} is back to ${state}.`,
  );
  return true;
}

function printPlan(
  o: CheckOptions,
  outputs: StackOutputs | undefined,
  out: (l: string) => void,
  why: string,
  outputsWhy: string | undefined,
): void {
  const topic = outputs?.alarmTopicArn ?? "<alarmTopicArn>";
  const region = outputs ? arnRegion(topic) : "<region of alarmTopicArn>";
  const names = outputs?.alarmNames ?? ["<alarmNames...>"];
  const alarm = o.alarm ?? "<the first alarm in OK that notifies the topic>";
  out(`alarms:check: stack ${o.stack}: dry run (${why}); nothing is called. It would run:`);
  if (outputsWhy) out(`  (stack outputs unread: ${outputsWhy})`);
  const lines = [
    shellLine("pulumi", pulumiArgs(o.stack)),
    shellLine("aws", subsArgs(topic)),
    ...(outputs?.drAlarmTopicArn
      ? [shellLine("aws", subsArgs(outputs.drAlarmTopicArn))]
      : outputs
        ? []
        : ["aws sns list-subscriptions-by-topic ... (drAlarmTopicArn too, when the stack exports it)"]),
    shellLine("aws", describeArgs(names, region)),
    shellLine("aws", setStateArgs(alarm, region)),
    `${shellLine("aws", historyArgs(alarm, region, "<now - 5 s>"))}   (every ${o.pollSeconds} s, up to ${o.waitSeconds} s)`,
  ];
  lines.forEach((l, i) => {
    out(`  ${i + 1}. ${l}`);
  });
  out(
    "A topic passes with at least one subscription whose SubscriptionArn is an ARN (not PendingConfirmation); the alarm passes when its history shows 'Successfully executed action <topic>'.",
  );
}
