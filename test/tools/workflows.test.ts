/**
 * The GitHub Actions workflows: they parse, have the keys GitHub needs, pin every action to a full
 * version (or a commit SHA), grant minimal permissions (id-token only where OIDC is used), never use
 * long-lived AWS keys, keep forks to the offline plan, gate prod behind an environment, and detect
 * drift with `--expect-no-changes`.
 */
import { readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";

const DIR = path.resolve(__dirname, "../../.github/workflows");

interface Step {
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  if?: string;
  name?: string;
}
interface Job {
  "runs-on"?: string;
  needs?: string | string[];
  if?: string;
  environment?: string | { name: string };
  permissions?: Record<string, string>;
  steps?: Step[];
  "timeout-minutes"?: number;
}
interface Workflow {
  name?: string;
  on?: Record<string, unknown>;
  permissions?: Record<string, string>;
  concurrency?: { group?: string };
  jobs?: Record<string, Job>;
}

const files = readdirSync(DIR)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();
const text = (f: string) => readFileSync(path.join(DIR, f), "utf8");
const load = (f: string) => parse(text(f)) as Workflow;
const steps = (w: Workflow) => Object.values(w.jobs ?? {}).flatMap((j) => j.steps ?? []);
const usesOf = (j: Job) => (j.steps ?? []).map((s) => s.uses ?? "");

/** `owner/repo[/path]@v1.2.3` or `@<40 hex>`; major-only tags (`@v4`) and branches are not pins. */
const PINNED = /^[\w.-]+\/[\w./-]+@(v\d+\.\d+\.\d+|[0-9a-f]{40})$/;

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
        for (const [name, job] of Object.entries(w.jobs ?? {})) {
          expect([
            name,
            typeof job["runs-on"],
            typeof job["timeout-minutes"],
            (job.steps ?? []).length > 0,
          ]).toEqual([name, "string", "number", true]);
        }
      });

      it("pins every action to a full version or a commit SHA", () => {
        const refs = steps(w)
          .map((s) => s.uses)
          .filter((u): u is string => u !== undefined);
        expect(refs.length).toBeGreaterThan(0);
        expect(refs.filter((u) => !PINNED.test(u))).toEqual([]);
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
        for (const [name, job] of Object.entries(w.jobs ?? {})) {
          const aws = (job.steps ?? []).filter((s) =>
            s.uses?.startsWith("aws-actions/configure-aws-credentials@"),
          );
          expect([name, job.permissions?.["id-token"] === "write"]).toEqual([name, aws.length > 0]);
          for (const s of aws)
            expect(String(s.with?.["role-to-assume"])).toMatch(/^\$\{\{ vars\.AWS_\w+_ROLE_ARN \}\}$/);
        }
      });
    });
  }

  it("fails when an action is pinned to a major tag or a branch (the pin check itself)", () => {
    expect(
      [
        "actions/checkout@v4",
        "actions/checkout@main",
        "actions/checkout@v4.2.2",
        `actions/checkout@${"a".repeat(40)}`,
      ].map((u) => PINNED.test(u)),
    ).toEqual([false, false, true, true]);
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
    expect(usesOf(job)).toEqual(
      expect.arrayContaining(["actions/upload-artifact@v4.4.3", "github/codeql-action/upload-sarif@v3.28.0"]),
    );
    expect(job.permissions).toEqual({ contents: "read", "security-events": "write" });
    expect(JSON.stringify(job)).not.toContain("secrets.");
  });

  it("runs the real preview with the policy pack and a PR comment only for branches of this repository", () => {
    const job = jobs.preview;
    expect(job.if).toContain("github.event.pull_request.head.repo.full_name == github.repository");
    const pulumi = (job.steps ?? []).find((s) => s.uses?.startsWith("pulumi/actions@"))!;
    expect(pulumi.with).toMatchObject({ command: "preview", policyPacks: "policies", "comment-on-pr": true });
    expect(job.permissions).toEqual({ contents: "read", "id-token": "write", "pull-requests": "write" });
  });
});

describe("main workflow", () => {
  const w = load("main.yml");
  const jobs = w.jobs!;

  it("deploys dev, then prod behind the prod environment's approval", () => {
    expect(Object.keys(w.on!)).toEqual(["push", "workflow_dispatch"]);
    expect((w.on!.push as { branches: string[] }).branches).toEqual(["main"]);
    expect([jobs["deploy-dev"].environment, jobs["deploy-dev"].needs]).toEqual(["dev", "offline-plan"]);
    expect([jobs["deploy-prod"].environment, jobs["deploy-prod"].needs]).toEqual(["prod", "deploy-dev"]);
    for (const [job, stack] of [
      ["deploy-dev", "dev"],
      ["deploy-prod", "prod"],
    ] as const) {
      const pulumi = (jobs[job].steps ?? []).find((s) => s.uses?.startsWith("pulumi/actions@"))!;
      expect(pulumi.with).toMatchObject({ command: "up", "stack-name": stack, policyPacks: "policies" });
    }
  });
});

describe("drift workflow", () => {
  const w = load("drift.yml");

  it("runs on a schedule and refreshes in preview with --expect-no-changes for both stacks", () => {
    expect(Object.keys(w.on!)).toEqual(["schedule", "workflow_dispatch"]);
    const run = steps(w)
      .map((s) => s.run ?? "")
      .join("\n");
    expect(run).toMatch(/pulumi refresh .*--preview-only --expect-no-changes/);
    expect(run).toMatch(/exit "\$\{PIPESTATUS\[0\]\}"/);
    expect(steps(w).some((s) => s.if === "failure()" && (s.run ?? "").includes("gh issue create"))).toBe(
      true,
    );
  });
});
