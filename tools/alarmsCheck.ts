/**
 * `npm run alarms:check -- --stack <name> [--dry-run] [--alarm <name>] [--wait-seconds 60]`
 *
 * After a deploy, with AWS credentials: reads the stack's outputs (`pulumi stack output --json`), checks
 * that the alarm topic (and the DR topic, when exported) has at least one CONFIRMED subscription, then
 * sets one of the stack's alarms to ALARM (`aws cloudwatch set-alarm-state`) and waits for CloudWatch to
 * record that it published to the topic. Without credentials, or with --dry-run, it prints the exact
 * commands it would run and calls nothing in AWS.
 *
 * Exit codes: 0 = checked and delivered (or a dry run), 1 = a topic without a confirmed subscriber, a
 * failed call, or CloudWatch could not publish, 2 = bad arguments or an unknown stack, 3 = nothing
 * checked: no AWS credentials (the plan was printed; never a pass). Logic: tools/lib/alarmsCheck.ts.
 */
import { spawnSync } from "node:child_process";
import { alarmsCheck, CheckUsageError, EXIT, type Exec } from "./lib/alarmsCheck";
import { flag, parseArgs, runCli, UsageError } from "./lib/cli";

const USAGE =
  "usage: npm run alarms:check -- --stack <name> [--dry-run] [--alarm <alarm name>] [--wait-seconds <0-600>]";

const exec: Exec = (cmd, args) => {
  const r = spawnSync(cmd, [...args], { encoding: "utf8" });
  const err = r.error as NodeJS.ErrnoException | undefined;
  if (err?.code === "ENOENT") return { code: 127, stdout: "", stderr: "", missing: true };
  if (err) throw err;
  return { code: r.status ?? 1, stdout: r.stdout, stderr: r.stderr };
};

runCli("alarms:check", async () => {
  const args = parseArgs(
    process.argv.slice(2),
    { values: ["stack", "alarm", "wait-seconds"], switches: ["dry-run", "help"] },
    USAGE,
  );
  if (args.flags.help) {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  if (args.positionals.length) throw new UsageError(`unexpected argument ${args.positionals[0]}. ${USAGE}`);
  const stack = flag(args, "stack");
  if (!stack) throw new UsageError(`--stack <name> is required. ${USAGE}`);
  const waitText = flag(args, "wait-seconds") ?? "60";
  const waitSeconds = Number(waitText);
  if (!/^\d+$/.test(waitText) || waitSeconds > 600)
    throw new UsageError(`--wait-seconds must be a whole number from 0 to 600, got ${waitText}. ${USAGE}`);
  try {
    return await alarmsCheck(
      {
        stack,
        dryRun: args.flags["dry-run"] === true,
        alarm: flag(args, "alarm"),
        waitSeconds,
        pollSeconds: 5,
      },
      {
        exec,
        out: (line) => process.stdout.write(`${line}\n`),
        sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
        now: () => new Date(),
      },
    );
  } catch (e) {
    if (e instanceof CheckUsageError) throw new UsageError(e.message);
    throw e;
  }
});
