/**
 * `npm run policy:check -- --preview <file> [--stack-config <dev|prod>] [--policy-config <file>] [--format text|json]`
 *
 * Evaluates the policy pack over a recorded `pulumi preview --json --show-sames` document (each step's
 * `newState`: type, urn, inputs) and prints the verdicts. Exit 1 when a mandatory rule fails, 2 on a
 * usage or input error, 3 when the preview has no resources (nothing checked: never a pass).
 */
import { evaluateResources } from "../policies/lib/evaluate";
import { flag, parseArgs, runCli, UsageError } from "./lib/cli";
import { readText } from "./lib/json";
import { readPolicyConfig } from "./lib/pack";
import { checkExitCode, checkPreview, renderCheckText, toCheckJson } from "./lib/policyCheck";

const USAGE =
  "usage: npm run policy:check -- --preview <file> [--environment dev|prod] [--policy-config <file>] [--format text|json]";

runCli("policy:check", async () => {
  const args = parseArgs(
    process.argv.slice(2),
    { values: ["preview", "format", "policy-config", "environment"], switches: ["help"] },
    USAGE,
  );
  if (args.flags.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const file = flag(args, "preview") ?? args.positionals[0];
  if (!file) throw new UsageError(`--preview <file> is required. ${USAGE}`);
  const format = flag(args, "format") ?? "text";
  if (format !== "text" && format !== "json")
    throw new UsageError(`--format must be text or json, got ${format}. ${USAGE}`);
  const env = flag(args, "environment");
  if (env !== undefined && env !== "dev" && env !== "prod")
    throw new UsageError(`--environment must be dev or prod, got ${env}`);
  const configFile = flag(args, "policy-config");
  const check = checkPreview(readText(file), file, evaluateResources, {
    ...(env ? { environment: env } : {}),
    ...(configFile ? { policyConfig: readPolicyConfig(configFile) } : {}),
  });
  process.stdout.write(
    format === "json" ? `${JSON.stringify(toCheckJson(check), null, 2)}\n` : renderCheckText(check),
  );
  return checkExitCode(check);
});
