import { describe, expect, it } from "vitest";
import { CHROMIUM_BIN, PGBOUNCER_BIN } from "../../local/systemBinaries";
import { ensureSystemDeps, planSystemDeps, SYSTEM_DEPS, SystemDepsError, type SystemIo } from "./systemDeps";

/** A machine as the setup sees it: which programs exist, who runs, which OS; records every command. */
function machine(o: { missing?: string[]; uid?: number; debian?: boolean; installWorks?: boolean }) {
  const present = new Set(SYSTEM_DEPS.map((d) => d.program).filter((p) => !o.missing?.includes(p)));
  const ran: string[] = [];
  const io: SystemIo = {
    found: (p) => present.has(p),
    uid: () => o.uid ?? 0,
    isDebian: () => o.debian ?? true,
    exec: (file, args, env) => {
      ran.push(
        `${Object.entries(env)
          .map(([k, v]) => `${k}=${v} `)
          .join("")}${[file, ...args].join(" ")}`,
      );
      if (file === "apt-get" && args[0] === "install" && o.installWorks !== false) {
        for (const d of SYSTEM_DEPS) if (args.includes(d.debianPackage)) present.add(d.program);
      }
    },
    tryExec: (file, args) => {
      ran.push(`(try) ${[file, ...args].join(" ")}`);
    },
    log: () => {},
  };
  return { io, ran };
}

describe("test setup: system programs", () => {
  it("checks exactly pgbouncer, chromium and openssl from their Debian packages", () => {
    expect(SYSTEM_DEPS.map((d) => [d.program, d.debianPackage])).toEqual([
      ["/usr/sbin/pgbouncer", "pgbouncer"],
      ["/usr/bin/chromium", "chromium"],
      ["openssl", "openssl"],
    ]);
  });

  it("runs nothing when everything is present, even as root on Debian", () => {
    const m = machine({ uid: 0 });
    expect(ensureSystemDeps(m.io)).toEqual({ kind: "ready" });
    expect(m.ran).toEqual([]);
  });

  it("installs only the missing packages as root on Debian, then stops Debian's pgbouncer service", () => {
    const m = machine({ missing: [PGBOUNCER_BIN, CHROMIUM_BIN], uid: 0 });
    expect(ensureSystemDeps(m.io).kind).toBe("install");
    expect(m.ran).toEqual([
      "DEBIAN_FRONTEND=noninteractive apt-get update",
      "DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends pgbouncer chromium",
      "(try) systemctl stop pgbouncer",
      "(try) service pgbouncer stop",
    ]);
  });

  it("stops no service when pgbouncer was already installed", () => {
    const m = machine({ missing: ["openssl"], uid: 0 });
    ensureSystemDeps(m.io);
    expect(m.ran).toEqual([
      "DEBIAN_FRONTEND=noninteractive apt-get update",
      "DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openssl",
    ]);
  });

  it("refuses at once as a normal user, naming what is missing and the exact command", () => {
    const m = machine({ missing: [PGBOUNCER_BIN], uid: 1000 });
    expect(() => ensureSystemDeps(m.io)).toThrow(SystemDepsError);
    expect(() => ensureSystemDeps(m.io)).toThrow(
      "The integration tests need /usr/sbin/pgbouncer (the pooler under test; Debian package pgbouncer). " +
        "Run: sudo apt-get update && sudo apt-get install -y --no-install-recommends pgbouncer ; then run npm test again.",
    );
    expect(m.ran).toEqual([]);
  });

  it("refuses off Debian, even as root, without running anything", () => {
    const m = machine({ missing: [CHROMIUM_BIN], uid: 0, debian: false });
    const plan = planSystemDeps(m.io);
    expect(plan.kind).toBe("refuse");
    expect(() => ensureSystemDeps(m.io)).toThrow(
      "this is not Debian: install them with your system's package manager " +
        "(on Debian: sudo apt-get install -y --no-install-recommends chromium)",
    );
    expect(m.ran).toEqual([]);
  });

  it("fails when apt-get reports success but a program is still missing", () => {
    const m = machine({ missing: ["openssl"], uid: 0, installWorks: false });
    expect(() => ensureSystemDeps(m.io)).toThrow(
      "test setup: apt-get installed the packages but openssl is still missing.",
    );
  });

  it("fails naming the apt command that failed", () => {
    const m = machine({ missing: ["openssl"], uid: 0 });
    m.io.exec = () => {
      throw new Error("exit 100");
    };
    expect(() => ensureSystemDeps(m.io)).toThrow('test setup: "apt-get update" failed (exit 100).');
  });
});
