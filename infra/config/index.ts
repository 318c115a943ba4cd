// The config's public API. The decisions themselves live in spec/ (keys.ts and the floors it names).
export { PROJECT } from "../../spec/identifiers";
export {
  CONFIG_DEFAULTS,
  CONFIG_KEYS,
  type ConfigKey,
  type ConfigValues,
  OPTIONAL_KEYS,
  type PlatformConfig,
} from "../../spec/keys";
export {
  ConfigError,
  type ConfigProblem,
  type ConfigSources,
  formatConfigProblems,
  formatProblem,
} from "./errors";
export { loadConfig } from "./load";
export { parseConfig } from "./parse";
