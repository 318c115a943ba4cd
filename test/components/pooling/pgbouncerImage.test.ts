import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import {
  DEFAULT_RUN_AS_USER,
  DEFAULT_SERVER_TLS_CA_FILE,
  PGBOUNCER_RUN_DIR,
  pgbouncerContainerDefinitions,
} from "../../../components/pooling/pgbouncerService";

/**
 * images/pgbouncer/Dockerfile checked statically against what the task definition expects of the image
 * (no Docker engine here): base pinned by digest, the user, the entry point, the run directory, the CA
 * bundle path, the programs the start script calls, and no secret baked in.
 */
const IMAGE_DIR = path.join(__dirname, "../../../images/pgbouncer");
const dockerfile = readFileSync(path.join(IMAGE_DIR, "Dockerfile"), "utf8");
/** Instructions with line continuations joined and comments dropped. */
const instructions = dockerfile
  .replace(/\\\n/g, " ")
  .split("\n")
  .map((l) => l.trim())
  .filter((l) => l !== "" && !l.startsWith("#"));
const all = (kw: string) =>
  instructions.filter((l) => l.toUpperCase().startsWith(`${kw} `)).map((l) => l.slice(kw.length + 1).trim());
const only = (kw: string) => {
  const found = all(kw);
  expect(found, `exactly one ${kw}`).toHaveLength(1);
  return found[0];
};

const container = pgbouncerContainerDefinitions({
  image: `123456789012.dkr.ecr.us-east-1.amazonaws.com/pgbouncer@sha256:${"ab".repeat(32)}`,
  user: DEFAULT_RUN_AS_USER,
  ini: "",
  roles: [{ name: "app_user", secretArnEnv: "PGBOUNCER_SECRET_0_ARN", secretArn: "arn:x" }],
  nofile: 11_074,
  logGroupName: "/lg",
  region: "us-east-1",
  tls: { caArn: "arn:ca", templateArn: "arn:t", hostname: "pgb.example.internal" },
  serviceName: "verscienta-dev-pgbouncer",
})[0] as {
  user: string;
  entryPoint: string[];
  command: string[];
  mountPoints: { containerPath: string }[];
  environment: { name: string; value: string }[];
};

/** Dash's keywords and the builtins the script uses (dash(1), "Builtins"). */
const DASH_BUILTINS = new Set(
  "case esac for while until do done if then elif else fi in continue return exit export set unset umask trap wait kill echo printf true false".split(
    " ",
  ),
);

/**
 * Words in command position: at a line start or after `;`, `&&`, `||`, `|`, `$(`, `{` or a keyword,
 * after any `NAME=value` prefixes. Messages (`echo "..."`), single-quoted text and double-quoted values
 * of assignments (`why="..."`) are dropped first so their words are not mistaken for commands; a keyword
 * is followed by `;` so the command after it (`if cmp ...`) is seen too.
 */
function commandWords(script: string): Set<string> {
  const text = script
    .replace(/echo "[^"]*"/g, "echo")
    .replace(/'[^'\n]*'/g, "''")
    .replace(/\b([A-Za-z_][A-Za-z0-9_]*)="[^"]*"/g, "$1=x")
    .replace(/\b(then|do|else|elif|if|while|until)[ \t]+/g, "$1; ");
  const re =
    /(?:^|;|&&|\|\||\||\$\(|\b(?:then|do|else|if|while|until)\b|\{)[ \t]*(?:[A-Za-z_][A-Za-z0-9_]*=(?!\$\()\S*[ \t]+)*([a-z][a-z0-9_.-]*)(?=[ \t;)]|$)/gm;
  return new Set([...text.matchAll(re)].map((m) => m[1]));
}

describe("images/pgbouncer/Dockerfile", () => {
  it("builds from Debian bookworm-slim pinned by digest", () => {
    const from = all("FROM");
    expect(from).toEqual([
      "debian:bookworm-slim@sha256:abd67ffcfa541b485a3dff59865ab629aa048a6c613e639d36e7456b0b229241",
    ]);
  });

  it("runs as the task definition's non-root user, which it creates with that uid and gid", () => {
    const [uid, gid] = container.user.split(":");
    expect(container.user).toBe("70:70");
    expect(only("USER")).toBe(container.user);
    const run = all("RUN").join(" ");
    expect(run).toMatch(new RegExp(`groupadd --system --gid ${gid} pgbouncer`));
    expect(run).toMatch(new RegExp(`useradd --system --uid ${uid} --gid ${gid} `));
    expect(uid).not.toBe("0");
  });

  it("has the task definition's entry point, and no default command that would start PgBouncer", () => {
    expect(JSON.parse(only("ENTRYPOINT"))).toEqual(container.entryPoint);
    expect(container.entryPoint).toEqual(["/bin/sh", "-c"]);
    const cmd = JSON.parse(only("CMD")) as string[];
    expect(cmd).toHaveLength(1);
    expect(cmd[0]).not.toMatch(/(^|[;&|]\s*)(exec\s+)?(\/usr\/sbin\/)?pgbouncer\s/);
    expect(cmd[0]).toMatch(/exit 64$/);
  });

  it("declares the task's run directory as a VOLUME owned by that user (Fargate copies the ownership)", () => {
    expect(container.mountPoints.map((m) => m.containerPath)).toEqual([PGBOUNCER_RUN_DIR]);
    expect(only("VOLUME")).toBe(PGBOUNCER_RUN_DIR);
    expect(all("RUN").join(" ")).toContain(`install -d -o 70 -g 70 -m 0700 ${PGBOUNCER_RUN_DIR}`);
  });

  it("puts RDS's CA bundle where the ini's server_tls_ca_file points", () => {
    expect(DEFAULT_SERVER_TLS_CA_FILE).toBe("/etc/pgbouncer/rds-ca/global-bundle.pem");
    expect(only("COPY")).toBe(
      `--chown=root:root --chmod=0644 global-bundle.pem ${DEFAULT_SERVER_TLS_CA_FILE}`,
    );
  });

  it("installs every program the start script calls, from Debian's packages", () => {
    const script = container.command[0];
    const apt = /apt-get install -y --no-install-recommends ([a-z0-9 .-]+?);/.exec(all("RUN").join(" "));
    const packages = new Set(apt?.[1].split(" "));
    // Program the script runs → the package the Dockerfile installs for it.
    const installed: Record<string, string> = {
      pgbouncer: "pgbouncer",
      openssl: "openssl",
      aws: "awscli",
      python3: "python3",
      psql: "postgresql-client",
    };
    // Program → its package, Essential in Debian (present in every base image, never removable).
    const essential: Record<string, string> = {
      sed: "sed",
      grep: "grep",
      cut: "coreutils",
      tr: "coreutils",
      sleep: "coreutils",
      mv: "coreutils",
      rm: "coreutils",
      cmp: "diffutils",
    };
    for (const [program, pkg] of Object.entries(installed)) {
      expect(packages.has(pkg), `${pkg} provides ${program}`).toBe(true);
    }
    expect(packages.has("ca-certificates")).toBe(true);
    // Every command word the script runs is a dash builtin or keyword, a function it defines, or one
    // of the programs above: a new program without a package here fails this test.
    const calls = commandWords(script);
    const functions = new Set([...script.matchAll(/^\s*([a-z_][a-z0-9_]*)\(\) \{/gm)].map((m) => m[1]));
    const programs = [...calls].filter((w) => !DASH_BUILTINS.has(w) && !functions.has(w)).sort();
    expect(programs).toEqual(Object.keys({ ...installed, ...essential }).sort());
  });

  it("bakes in no secret: no ENV or ARG, nothing that looks like a credential", () => {
    expect(all("ENV")).toEqual([]);
    expect(all("ARG")).toEqual([]);
    expect(instructions.join("\n")).not.toMatch(/PASSWORD|SECRET|AWS_ACCESS_KEY|PRIVATE KEY|BEGIN /i);
  });
});

describe("images/pgbouncer/build.sh", () => {
  const build = path.join(IMAGE_DIR, "build.sh");
  const check = (file: string) => spawnSync("sh", [build, "--check", file], { encoding: "utf8" });

  it("accepts the Dockerfile as pinned", () => {
    const r = check(path.join(IMAGE_DIR, "Dockerfile"));
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
  });

  it("refuses a base image that is not pinned by digest, naming the line and the fix", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "pgb-image-"));
    try {
      for (const from of [
        "FROM debian:bookworm-slim",
        "FROM debian:bookworm-slim@sha256:abc",
        "FROM --platform=linux/amd64 debian@sha256:" + "0".repeat(64) + "\nFROM alpine:3 AS tools",
      ]) {
        const f = path.join(dir, "Dockerfile");
        writeFileSync(f, `${from}\nRUN true\n`);
        const r = check(f);
        expect(r.status, from).toBe(2);
        expect(r.stderr).toContain("refusing to build from an image not pinned by digest");
        expect(r.stderr).toContain("Pin it: FROM <image>:<tag>@sha256:<64 hex>");
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
