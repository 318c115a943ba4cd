/**
 * The GitHub Actions workflows: they parse, have the keys GitHub needs, pin every action to the commit
 * of a release that runs on node24 and use only inputs that release declares, grant minimal permissions
 * (id-token only where OIDC is used, issues only where the drift issue is written), never use
 * long-lived AWS keys, hold AWS sessions for as long as the job may run, keep forks to the offline plan,
 * gate prod behind an environment, never run two `pulumi up` of one stack at once, install the policy
 * pack before using it, and detect drift with `--expect-no-changes` and a label that exists.
 * The drift shell steps are run against stub `pulumi` and `gh` commands.
 */
import { spawnSync } from "node:child_process";
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";

const ROOT = path.resolve(__dirname, "../..");
const DIR = path.join(ROOT, ".github/workflows");

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, string>;
  if?: string;
  name?: string;
  id?: string;
  "working-directory"?: string;
}
interface Job {
  "runs-on"?: string;
  needs?: string | string[];
  if?: string;
  environment?: string | { name: string };
  permissions?: Record<string, string>;
  concurrency?: { group?: string; "cancel-in-progress"?: boolean };
  env?: Record<string, string>;
  strategy?: { matrix?: { stack?: string[]; include?: { stack: string }[] } };
  steps?: Step[];
  "timeout-minutes"?: number;
}
interface Workflow {
  name?: string;
  on?: Record<string, unknown>;
  permissions?: Record<string, string>;
  concurrency?: { group?: string; "cancel-in-progress"?: boolean };
  env?: Record<string, string>;
  jobs?: Record<string, Job>;
}

const files = readdirSync(DIR)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();
const text = (f: string) => readFileSync(path.join(DIR, f), "utf8");
const load = (f: string) => parse(text(f)) as Workflow;
const jobsOf = (w: Workflow) => Object.entries(w.jobs ?? {});
const steps = (w: Workflow) => Object.values(w.jobs ?? {}).flatMap((j) => j.steps ?? []);
const usesOf = (j: Job) => (j.steps ?? []).flatMap((s) => (s.uses === undefined ? [] : [s.uses]));
/** A GitHub expression as it appears in the YAML: `${{ e }}`. */
const expr = (e: string) => `\${{ ${e} }}`;
const actionOf = (uses: string) => uses.split("@")[0];
const stepUsing = (j: Job, action: string) => (j.steps ?? []).filter((s) => s.uses?.startsWith(`${action}@`));
const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
  engines: { node: string };
  dependencies: Record<string, string>;
};

/**
 * The actions the workflows may use, each pinned to the commit of one release tag. The SHA of each tag
 * and the inputs were read from the action's repository at that tag (`git rev-list -n1 <tag>`,
 * action.yml `inputs`); `firstNode24` is the first major whose action.yml says `runs.using: node24`
 * (GitHub's runners move JavaScript actions off Node 20, which reached end of life on 2026-04-30).
 */
interface ActionPin {
  firstNode24: number;
  pins: Record<string, string>;
  inputs: readonly string[];
  source: string;
}
const ACTIONS: Record<string, ActionPin> = {
  "actions/checkout": {
    firstNode24: 5,
    pins: { "v7.0.1": "3d3c42e5aac5ba805825da76410c181273ba90b1" },
    inputs: ["persist-credentials", "fetch-depth", "ref", "path"],
    source: "github.com/actions/checkout action.yml (node24 since v5.0.0, PR #2238 'Prepare v5.0.0 release')",
  },
  "actions/setup-node": {
    firstNode24: 5,
    pins: { "v7.0.0": "820762786026740c76f36085b0efc47a31fe5020" },
    inputs: ["node-version", "node-version-file", "cache", "package-manager-cache", "cache-dependency-path"],
    source:
      "github.com/actions/setup-node README 'Breaking changes in V5: Upgraded action from node20 to node24'",
  },
  "actions/upload-artifact": {
    firstNode24: 6,
    pins: { "v7.0.0": "bbbca2ddaa5d8feaa63e36b76fdaad77386f024f" },
    inputs: ["name", "path", "retention-days", "if-no-files-found", "overwrite", "include-hidden-files"],
    source:
      "github.com/actions/upload-artifact README 'v6 - What's new: now runs on Node.js 24' (v5 still node20)",
  },
  "actions/download-artifact": {
    firstNode24: 7,
    pins: { "v8.0.1": "3e5f45b2cfb9172054b4087a40e8e0b5a5461e7c" },
    inputs: ["name", "pattern", "path", "merge-multiple", "artifact-ids"],
    source: "github.com/actions/download-artifact README 'v7 - What's new: now runs on Node.js 24'",
  },
  "aws-actions/configure-aws-credentials": {
    firstNode24: 6,
    pins: { "v6.2.3": "e6de054238d6b7531b4efff3b6587d9aade6a06c" },
    inputs: ["role-to-assume", "role-session-name", "aws-region", "role-duration-seconds", "audience"],
    source:
      "github.com/aws-actions/configure-aws-credentials CHANGELOG 6.0.0 'BREAKING: Update action to use node24' (#1632)",
  },
  "pulumi/actions": {
    firstNode24: 7,
    pins: { "v7.0.0": "8e5e406f4007fca908480587cb9893c07090f58d" },
    // Every input pulumi/actions v7.0.0 declares that these workflows may need (action.yml).
    inputs: [
      "command",
      "stack-name",
      "pulumi-version",
      "work-dir",
      "comment-on-pr",
      "edit-pr-comment",
      "github-token",
      "cloud-url",
      "secrets-provider",
      "diff",
      "expect-no-changes",
      "refresh",
      "policyPacks",
      "policyPackConfigs",
      "suppress-outputs",
      "color",
    ],
    source:
      "github.com/pulumi/actions CHANGELOG 7.0.0 'update Action runtime to node 24' (#1404); inputs from its action.yml",
  },
  "github/codeql-action/upload-sarif": {
    firstNode24: 4,
    pins: { "v4.36.2": "8aad20d150bbac5944a9f9d289da16a4b0d87c1e" },
    inputs: ["sarif_file", "category", "wait-for-processing"],
    source: "github.com/github/codeql-action upload-sarif/action.yml (v3.x: node20, v4.x: node24)",
  },
};

/** `uses: owner/repo[/path]@<40 hex> # vX.Y.Z`: the only accepted form of an action reference. */
const USES_LINE = /^\s*(?:-\s+)?uses:\s+(\S+?)@(\S+?)(?:\s+#\s*(\S+))?\s*$/;

/** Why one `uses:` line is not acceptable (empty when it is). */
function pinProblems(line: string): string[] {
  const m = USES_LINE.exec(line);
  if (!m) return [`not a uses line: ${line.trim()}`];
  const [, action, ref, version] = m;
  const known = ACTIONS[action];
  if (!known) return [`${action} is not in the table of node24 actions`];
  const problems: string[] = [];
  if (!/^[0-9a-f]{40}$/.test(ref)) problems.push(`${action}@${ref} is not a full commit SHA`);
  if (!version || !/^v\d+\.\d+\.\d+$/.test(version)) {
    problems.push(`${action}@${ref} has no '# vX.Y.Z' comment naming its release`);
    return problems;
  }
  if (Number(version.slice(1).split(".")[0]) < known.firstNode24)
    problems.push(`${action} ${version} predates node24 (v${known.firstNode24})`);
  if (known.pins[version] !== ref) problems.push(`${action}@${ref} is not the commit of ${version}`);
  return problems;
}

const usesLines = (f: string) =>
  text(f)
    .split("\n")
    .filter((l) => /^\s*(?:-\s+)?uses:/.test(l));

/** The jobs that assume an AWS role, with that step. */
const awsJobs = () =>
  files.flatMap((f) =>
    jobsOf(load(f)).flatMap(([name, job]) =>
      stepUsing(job, "aws-actions/configure-aws-credentials").map((step) => ({ f, name, job, step })),
    ),
  );

describe("workflow files", () => {
  it("are the pull-request, main and drift workflows", () => {
    expect(files).toEqual(["drift.yml", "main.yml", "pull-request.yml"]);
  });

  for (const f of files) {
    describe(f, () => {
      const w = load(f);

      it("parses with a name, triggers, jobs and a concurrency group", () => {
        expect(typeof w.name).toBe("string");
        expect(Object.keys(w.on ?? {}).length).toBeGreaterThan(0);
        expect(Object.keys(w.jobs ?? {}).length).toBeGreaterThan(0);
        expect(w.concurrency?.group).toMatch(/\S/);
      });

      it("gives every job a runner, a timeout and steps", () => {
        for (const [name, job] of jobsOf(w)) {
          expect([
            name,
            typeof job["runs-on"],
            typeof job["timeout-minutes"],
            (job.steps ?? []).length > 0,
          ]).toEqual([name, "string", "number", true]);
        }
      });

      it("pins every action to the commit of a node24 release, named in a comment", () => {
        const lines = usesLines(f);
        expect(lines.length).toBe(steps(w).filter((s) => s.uses !== undefined).length);
        expect(lines.length).toBeGreaterThan(0);
        expect(lines.flatMap(pinProblems)).toEqual([]);
      });

      it("passes each action only inputs its pinned release declares", () => {
        const unknown = steps(w)
          .filter((s) => s.uses !== undefined)
          .flatMap((s) =>
            Object.keys(s.with ?? {})
              .filter((k) => !ACTIONS[actionOf(s.uses!)]?.inputs.includes(k))
              .map((k) => `${actionOf(s.uses!)}: ${k}`),
          );
        expect(unknown).toEqual([]);
      });

      it("reads the repository only, by default", () => {
        expect(w.permissions).toEqual({ contents: "read" });
      });

      it("uses no long-lived AWS keys", () => {
        expect(text(f)).not.toMatch(
          /AWS_ACCESS_KEY_ID|AWS_SECRET_ACCESS_KEY|aws-access-key-id|aws-secret-access-key/i,
        );
      });

      it("grants id-token: write exactly to the jobs that assume an AWS role, and they assume it by OIDC", () => {
        for (const [name, job] of jobsOf(w)) {
          const aws = stepUsing(job, "aws-actions/configure-aws-credentials");
          expect([name, job.permissions?.["id-token"] === "write"]).toEqual([name, aws.length > 0]);
          for (const s of aws)
            expect(String(s.with?.["role-to-assume"])).toMatch(/^\$\{\{ vars\.AWS_\w+_ROLE_ARN \}\}$/);
        }
      });

      it("checks out without leaving the token in .git/config", () => {
        const checkouts = steps(w).filter((s) => s.uses?.startsWith("actions/checkout@"));
        expect(checkouts.length).toBeGreaterThan(0);
        expect(checkouts.map((s) => s.with?.["persist-credentials"])).toEqual(checkouts.map(() => false));
      });

      it("runs Node from package.json's engines range and the Pulumi CLI of the SDK in package.json", () => {
        const floor = /^>=(\d+)\.(\d+)$/.exec(pkg.engines.node);
        expect(floor).not.toBeNull();
        const [major, minor] = String(w.env?.NODE_VERSION).split(".").map(Number);
        const [fMajor, fMinor] = [Number(floor![1]), Number(floor![2])];
        expect(major > fMajor || (major === fMajor && minor >= fMinor)).toBe(true);
        expect(w.env?.NODE_VERSION).toBe(load("main.yml").env?.NODE_VERSION);
        const setups = steps(w).filter((s) => s.uses?.startsWith("actions/setup-node@"));
        expect(setups.map((s) => s.with?.["node-version"])).toEqual(
          setups.map(() => expr("env.NODE_VERSION")),
        );

        expect(w.env?.PULUMI_VERSION).toBe(pkg.dependencies["@pulumi/pulumi"]);
        const pulumi = steps(w).filter((s) => s.uses?.startsWith("pulumi/actions@"));
        expect(pulumi.map((s) => s.with?.["pulumi-version"])).toEqual(
          pulumi.map(() => expr("env.PULUMI_VERSION")),
        );
      });
    });
  }

  it("fails when an action is a tag, a branch, off the node24 list, or its SHA is not its release's", () => {
    const sha = ACTIONS["actions/checkout"].pins["v7.0.1"];
    expect(
      [
        `      - uses: actions/checkout@${sha} # v7.0.1`,
        "      - uses: actions/checkout@v7.0.1",
        "      - uses: actions/checkout@main",
        `      - uses: actions/checkout@${sha}`,
        `      - uses: actions/checkout@${"a".repeat(40)} # v7.0.1`,
        `      - uses: actions/checkout@${sha} # v4.2.2`,
        `      - uses: someone/else@${sha} # v1.0.0`,
      ].map((l) => pinProblems(l).length > 0),
    ).toEqual([false, true, true, true, true, true, true]);
  });

  it("holds each AWS session at least as long as its job may run, within STS's 900 s – 12 h", () => {
    const jobs = awsJobs();
    expect(jobs.map((j) => `${j.f}:${j.name}`).sort()).toEqual([
      "drift.yml:refresh-preview",
      "main.yml:deploy-dev",
      "main.yml:deploy-prod",
      "pull-request.yml:preview",
    ]);
    for (const { f, name, job, step } of jobs) {
      const seconds = Number(step.with?.["role-duration-seconds"]);
      const needed = (job["timeout-minutes"] ?? 360) * 60;
      expect([f, name, seconds >= needed, seconds >= 900, seconds <= 43_200]).toEqual([
        f,
        name,
        true,
        true,
        true,
      ]);
    }
    // The long deploys are the reason: an hour (the action's default) would expire mid-`pulumi up`.
    expect(
      jobs.filter((j) => j.name.startsWith("deploy-")).map((j) => j.step.with?.["role-duration-seconds"]),
    ).toEqual([5400, 7200]);
  });

  it("grants write permissions only where each is used", () => {
    const writes = files.flatMap((f) =>
      jobsOf(load(f)).flatMap(([name, job]) =>
        Object.entries(job.permissions ?? {})
          .filter(([, v]) => v === "write")
          .map(([k]) => `${f}:${name}:${k}`),
      ),
    );
    expect(writes.sort()).toEqual([
      "drift.yml:refresh-preview:id-token",
      "drift.yml:report:issues",
      "main.yml:deploy-dev:id-token",
      "main.yml:deploy-prod:id-token",
      "pull-request.yml:offline-plan:security-events",
      "pull-request.yml:preview:id-token",
      "pull-request.yml:preview:pull-requests",
    ]);
  });

  it("keeps the dependency cache out of every job that holds AWS credentials", () => {
    for (const { f, name, job } of awsJobs()) {
      const setup = stepUsing(job, "actions/setup-node")[0];
      expect([f, name, setup.with?.["package-manager-cache"], setup.with?.cache]).toEqual([
        f,
        name,
        false,
        undefined,
      ]);
    }
  });

  it("installs the policy pack from its lockfile before every run that loads it", () => {
    expect(existsSync(path.join(ROOT, "policies/package-lock.json"))).toBe(true);
    const users = files.flatMap((f) =>
      jobsOf(load(f)).filter(([, job]) =>
        (job.steps ?? []).some(
          (s) => s.with?.policyPacks === "policies" || (s.run ?? "").includes("--policy-pack policies"),
        ),
      ),
    );
    expect(users.map(([name]) => name).sort()).toEqual(["deploy-dev", "deploy-prod", "preview"]);
    for (const [name, job] of users) {
      const list = job.steps ?? [];
      const install = list.findIndex(
        (s) => s["working-directory"] === "policies" && /^npm ci\b/.test(s.run ?? ""),
      );
      const firstUse = list.findIndex(
        (s) => s.with?.policyPacks === "policies" || (s.run ?? "").includes("--policy-pack policies"),
      );
      expect([name, install >= 0, install < firstUse]).toEqual([name, true, true]);
    }
  });
});

describe("pull-request workflow", () => {
  const w = load("pull-request.yml");
  const jobs = w.jobs!;

  it("runs on pull requests", () => {
    expect(Object.keys(w.on!)).toEqual(["pull_request"]);
  });

  it("always runs the offline plan and the report for both stacks, uploads the report and the SARIF", () => {
    const job = jobs["offline-plan"];
    expect(job.if).toBeUndefined();
    const runs = (job.steps ?? []).map((s) => s.run ?? "").join("\n");
    expect(runs).toContain("npm run --silent plan -- --stack");
    expect(runs).toContain("npm run --silent report --");
    expect(usesOf(job).map(actionOf)).toEqual(
      expect.arrayContaining(["actions/upload-artifact", "github/codeql-action/upload-sarif"]),
    );
    expect(job.permissions).toEqual({ contents: "read", "security-events": "write" });
    expect(JSON.stringify(job)).not.toContain("secrets.");
  });

  it("runs the real preview with the policy pack and a PR comment only for branches of this repository", () => {
    const job = jobs.preview;
    expect(job.if).toContain("github.event.pull_request.head.repo.full_name == github.repository");
    const pulumi = stepUsing(job, "pulumi/actions")[0];
    expect(pulumi.with).toMatchObject({ command: "preview", policyPacks: "policies", "comment-on-pr": true });
    expect(job.permissions).toEqual({ contents: "read", "id-token": "write", "pull-requests": "write" });
  });
});

describe("main workflow", () => {
  const w = load("main.yml");
  const jobs = w.jobs!;

  it("deploys dev, then prod behind the prod environment's approval, from main only", () => {
    expect(Object.keys(w.on!)).toEqual(["push", "workflow_dispatch"]);
    expect((w.on!.push as { branches: string[] }).branches).toEqual(["main"]);
    expect([jobs["deploy-dev"].environment, jobs["deploy-dev"].needs]).toEqual(["dev", "offline-plan"]);
    expect([jobs["deploy-prod"].environment, jobs["deploy-prod"].needs]).toEqual(["prod", "deploy-dev"]);
    for (const [job, stack] of [
      ["deploy-dev", "dev"],
      ["deploy-prod", "prod"],
    ] as const) {
      // workflow_dispatch may be started on any branch; the deploy jobs refuse all but main.
      expect(jobs[job].if).toBe("github.ref == 'refs/heads/main'");
      const pulumi = stepUsing(jobs[job], "pulumi/actions")[0];
      expect(pulumi.with).toMatchObject({ command: "up", "stack-name": stack, policyPacks: "policies" });
    }
    expect(stepUsing(jobs["deploy-dev"], "pulumi/actions")[0].with?.policyPackConfigs).toBe(
      "policies/dev-policy-config.json",
    );
    // prod runs the pack with every rule at its default (mandatory) level.
    expect(stepUsing(jobs["deploy-prod"], "pulumi/actions")[0].with?.policyPackConfigs).toBeUndefined();
  });

  it("never runs two updates of one stack at once, and never cancels a running one", () => {
    expect(w.concurrency).toEqual({ group: "deploy-main", "cancel-in-progress": false });
    const ups = files.flatMap((f) =>
      jobsOf(load(f)).flatMap(([name, job]) =>
        stepUsing(job, "pulumi/actions")
          .filter((s) => s.with?.command === "up")
          .map((s) => ({ f, name, job, stack: String(s.with?.["stack-name"]) })),
      ),
    );
    expect(ups.map((u) => `${u.f}:${u.name}:${u.stack}`)).toEqual([
      "main.yml:deploy-dev:dev",
      "main.yml:deploy-prod:prod",
    ]);
    for (const u of ups)
      expect(u.job.concurrency).toEqual({ group: `pulumi-up-${u.stack}`, "cancel-in-progress": false });
  });
});

describe("drift workflow", () => {
  const w = load("drift.yml");
  const refresh = w.jobs!["refresh-preview"];
  const report = w.jobs!.report;

  it("runs on a schedule and refreshes in preview with --expect-no-changes for both stacks", () => {
    expect(Object.keys(w.on!)).toEqual(["schedule", "workflow_dispatch"]);
    const run = (refresh.steps ?? []).map((s) => s.run ?? "").join("\n");
    expect(run).toMatch(/pulumi refresh .*--preview-only --expect-no-changes/);
    expect(refresh.strategy?.matrix?.stack).toEqual(["dev", "prod"]);
  });

  it("reports from a separate job that has no AWS role and runs on failure or cancellation", () => {
    expect(report.needs).toBe("refresh-preview");
    expect(report.if).toBe(
      "always() && (needs.refresh-preview.result == 'failure' || needs.refresh-preview.result == 'cancelled')",
    );
    expect(report.permissions).toEqual({ issues: "write" });
    expect(usesOf(report).map(actionOf)).toEqual(["actions/download-artifact"]);
    expect(report.env?.STACKS.split(" ")).toEqual(refresh.strategy?.matrix?.stack);
  });

  it("ensures the drift label exists before any `gh issue create`", () => {
    const list = report.steps ?? [];
    const label = list.findIndex((s) => /gh label create drift --force\b/.test(s.run ?? ""));
    const create = list.findIndex((s) => (s.run ?? "").includes("gh issue create"));
    expect([label >= 0, create > label]).toEqual([true, true]);
    expect(steps(w).filter((s) => (s.run ?? "").includes("gh issue create")).length).toBe(1);
  });

  describe("its shell steps, run against stub commands", () => {
    const made: string[] = [];
    afterAll(() => {
      for (const d of made) rmSync(d, { recursive: true, force: true });
    });
    /** A directory with executable stubs, a log of their calls, and a working directory. */
    function sandbox(stubs: Record<string, string>) {
      const dir = mkdtempSync(path.join(tmpdir(), "drift-wf-"));
      made.push(dir);
      const bin = path.join(dir, "bin");
      const work = path.join(dir, "work");
      mkdirSync(bin);
      mkdirSync(work);
      for (const [name, body] of Object.entries(stubs)) {
        writeFileSync(path.join(bin, name), `#!/usr/bin/env bash\n${body}\n`);
        chmodSync(path.join(bin, name), 0o755);
      }
      return { dir, work, log: path.join(dir, "calls.log"), env: { PATH: `${bin}:${process.env.PATH}` } };
    }
    /** Runs a `run:` block the way GitHub does when no shell is named (`bash -e {0}`). */
    function runStep(script: string, cwd: string, env: Record<string, string>) {
      const body = script.replaceAll(expr("matrix.stack"), "dev");
      expect(body).not.toContain(expr("").slice(0, 3));
      const file = path.join(cwd, `..${path.sep}step-${Math.random().toString(36).slice(2)}.sh`);
      writeFileSync(file, body);
      return spawnSync("bash", ["-e", file], { cwd, env: { ...process.env, ...env }, encoding: "utf8" });
    }

    // GitHub refuses an issue whose label does not exist, so the stub does too.
    const GH = `printf '%s\\n' "$*" >> "$GH_LOG"
case "$1 $2" in
  "label create") touch "$GH_LABELS" ;;
  "issue create") [ -f "$GH_LABELS" ] || { echo "could not add label: 'drift' not found" >&2; exit 1; } ;;
  "issue list")
    jq_expr=""; search=""
    while [ $# -gt 0 ]; do case "$1" in --jq) jq_expr="$2"; shift ;; --search) search="$2"; shift ;; esac; shift; done
    json='[]'
    if [ -n "$GH_OPEN_TITLE" ] && [[ "$search" == *"$GH_OPEN_TITLE"* ]]; then json='[{"number":42}]'; fi
    printf '%s' "$json" | jq -r "$jq_expr" ;;
esac`;
    const labelStep = () => (report.steps ?? []).find((s) => (s.run ?? "").includes("gh label create"))!.run!;
    const issueStep = () => (report.steps ?? []).find((s) => (s.run ?? "").includes("gh issue create"))!.run!;
    const reportEnv = (s: ReturnType<typeof sandbox>, extra: Record<string, string> = {}) => ({
      ...s.env,
      GH_LOG: s.log,
      GH_LABELS: path.join(s.dir, "labels"),
      STACKS: report.env!.STACKS,
      RUN_URL: "https://github.example/run/1",
      ...extra,
    });
    const calls = (s: ReturnType<typeof sandbox>) =>
      existsSync(s.log) ? readFileSync(s.log, "utf8").trim().split("\n") : [];

    it("records pulumi's exit code for the report job and fails the step with it", () => {
      const script = (refresh.steps ?? []).find((s) => (s.run ?? "").includes("pulumi refresh"))!.run!;
      for (const code of [0, 255]) {
        const s = sandbox({ pulumi: `echo "refresh output $*"; exit "$FAKE_EXIT"` });
        const r = runStep(script, s.work, { ...s.env, FAKE_EXIT: String(code) });
        expect([r.status, readFileSync(path.join(s.work, "drift-dev.exit"), "utf8").trim()]).toEqual([
          code,
          String(code),
        ]);
        expect(readFileSync(path.join(s.work, "drift-dev.txt"), "utf8")).toContain(
          "refresh output refresh --stack dev --preview-only --expect-no-changes",
        );
      }
    });

    it("opens an issue for a drifted stack, comments on an open one, and reports a check that never ran", () => {
      const s = sandbox({ gh: GH });
      mkdirSync(path.join(s.work, "drift"));
      writeFileSync(path.join(s.work, "drift/drift-prod.exit"), "255\n"); // dev: no file at all
      const env = reportEnv(s, { GH_OPEN_TITLE: "Drift detected in stack prod" });
      expect(runStep(labelStep(), s.work, env).status).toBe(0);
      const r = runStep(issueStep(), s.work, env);
      expect([r.status, r.stderr]).toEqual([0, ""]);
      const log = calls(s);
      expect(log[0]).toMatch(/^label create drift --force /);
      expect(log.filter((l) => /^issue (create|comment)/.test(l))).toEqual([
        "issue create --title Drift detected in stack dev --label drift --body The drift check for dev did not complete (credentials, timeout or setup failure): https://github.example/run/1",
        "issue comment 42 --body pulumi refresh --preview-only --expect-no-changes exited 255 for prod: https://github.example/run/1",
      ]);
    });

    it("opens nothing for a stack whose check passed", () => {
      const s = sandbox({ gh: GH });
      mkdirSync(path.join(s.work, "drift"));
      writeFileSync(path.join(s.work, "drift/drift-dev.exit"), "0\n");
      writeFileSync(path.join(s.work, "drift/drift-prod.exit"), "1\n");
      const env = reportEnv(s);
      runStep(labelStep(), s.work, env);
      expect(runStep(issueStep(), s.work, env).status).toBe(0);
      expect(calls(s).filter((l) => /^issue (create|comment)/.test(l))).toEqual([
        "issue create --title Drift detected in stack prod --label drift --body pulumi refresh --preview-only --expect-no-changes exited 1 for prod: https://github.example/run/1",
      ]);
    });

    it("fails when the label was never created (why the label step comes first)", () => {
      const s = sandbox({ gh: GH });
      mkdirSync(path.join(s.work, "drift"));
      writeFileSync(path.join(s.work, "drift/drift-dev.exit"), "255\n");
      const r = runStep(issueStep(), s.work, reportEnv(s));
      expect([r.status, r.stderr.trim()]).toEqual([1, "could not add label: 'drift' not found"]);
    });
  });
});
