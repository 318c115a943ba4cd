/**
 * The system programs the integration tests run, and how a fresh machine gets them: `npm ci && npm test`
 * is enough on Debian as root (CI), the way `npx playwright install --with-deps` installs a browser's
 * libraries. Everything else stops at once with the exact command to run.
 *
 * The decision is a pure function of what exists, who we are and which OS this is ({@link planSystemDeps});
 * {@link ensureSystemDeps} carries it out through an injected {@link SystemIo} so tests never touch apt.
 */
import { CHROMIUM_BIN, PGBOUNCER_BIN } from "../../local/systemBinaries";

export interface SystemDep {
  /** What the tests use it for (shown in errors). */
  readonly purpose: string;
  /** An absolute path, or a command name looked up on PATH. */
  readonly program: string;
  /** The Debian package that provides it. */
  readonly debianPackage: string;
}

export const SYSTEM_DEPS: readonly SystemDep[] = [
  { purpose: "the pooler under test", program: PGBOUNCER_BIN, debianPackage: "pgbouncer" },
  { purpose: "renders the auditor's report", program: CHROMIUM_BIN, debianPackage: "chromium" },
  { purpose: "the twin's TLS certificates", program: "openssl", debianPackage: "openssl" },
];

export interface SystemIo {
  /** Whether an absolute path exists, or a command name is an executable on PATH. */
  found(program: string): boolean;
  /** Effective user id (0 = root). */
  uid(): number;
  /** Debian or a derivative with apt-get. */
  isDebian(): boolean;
  /** Runs a command with inherited output; throws when it exits non-zero. */
  exec(file: string, args: readonly string[], env: Readonly<Record<string, string>>): void;
  /** Like exec, but failures are ignored (stopping a service that may not exist). */
  tryExec(file: string, args: readonly string[]): void;
  log(line: string): void;
}

export type Command = readonly [file: string, ...args: string[]];

export type SystemDepsPlan =
  | { readonly kind: "ready" }
  | {
      readonly kind: "install";
      readonly missing: readonly SystemDep[];
      /** Run in order; the last ones stop the pgbouncer service Debian starts on install. */
      readonly commands: readonly Command[];
      readonly stopServices: readonly Command[];
    }
  | { readonly kind: "refuse"; readonly missing: readonly SystemDep[]; readonly message: string };

const APT_ENV = { DEBIAN_FRONTEND: "noninteractive" } as const;

export function aptInstallCommand(packages: readonly string[]): Command {
  return ["apt-get", "install", "-y", "--no-install-recommends", ...packages];
}

const shell = (c: Command): string => c.join(" ");

/** What to do, from what is present: nothing, an apt install (root on Debian), or stop with the command. */
export function planSystemDeps(
  io: Pick<SystemIo, "found" | "uid" | "isDebian">,
  deps: readonly SystemDep[] = SYSTEM_DEPS,
): SystemDepsPlan {
  const missing = deps.filter((d) => !io.found(d.program));
  if (missing.length === 0) return { kind: "ready" };
  const packages = [...new Set(missing.map((d) => d.debianPackage))];
  const install = aptInstallCommand(packages);
  const list = missing
    .map((d) => `${d.program} (${d.purpose}; Debian package ${d.debianPackage})`)
    .join(", ");
  if (!io.isDebian()) {
    return {
      kind: "refuse",
      missing,
      message:
        `The integration tests need ${list}, and this is not Debian: install them with your system's ` +
        `package manager (on Debian: sudo ${shell(install)}), then run npm test again.`,
    };
  }
  if (io.uid() !== 0) {
    return {
      kind: "refuse",
      missing,
      message: `The integration tests need ${list}. Run: sudo apt-get update && sudo ${shell(install)} ; then run npm test again.`,
    };
  }
  return {
    kind: "install",
    missing,
    commands: [["apt-get", "update"], install],
    // Debian starts a pgbouncer service on install (port 6432); the tests run their own instances.
    stopServices: packages.includes("pgbouncer")
      ? [
          ["systemctl", "stop", "pgbouncer"],
          ["service", "pgbouncer", "stop"],
        ]
      : [],
  };
}

export class SystemDepsError extends Error {
  override readonly name = "SystemDepsError";
}

/** Carries out {@link planSystemDeps}; throws {@link SystemDepsError} when it cannot. */
export function ensureSystemDeps(io: SystemIo, deps: readonly SystemDep[] = SYSTEM_DEPS): SystemDepsPlan {
  const plan = planSystemDeps(io, deps);
  if (plan.kind === "ready") return plan;
  if (plan.kind === "refuse") throw new SystemDepsError(plan.message);
  io.log(`test setup: installing ${plan.missing.map((d) => d.debianPackage).join(", ")} (missing)`);
  for (const [file, ...args] of plan.commands) {
    try {
      io.exec(file, args, APT_ENV);
    } catch (e) {
      throw new SystemDepsError(
        `test setup: "${[file, ...args].join(" ")}" failed (${e instanceof Error ? e.message : String(e)}). ` +
          "Fix apt (network, sources) or install the packages yourself, then run npm test again.",
      );
    }
  }
  for (const [file, ...args] of plan.stopServices) io.tryExec(file, args);
  const still = deps.filter((d) => !io.found(d.program));
  if (still.length > 0) {
    throw new SystemDepsError(
      `test setup: apt-get installed the packages but ${still.map((d) => d.program).join(", ")} is still missing.`,
    );
  }
  return plan;
}
