/**
 * @pulumi/policy's internal preview machinery: props arrive wrapped in an unknown-checking proxy, and
 * an `UnknownValueError` thrown from a policy becomes an advisory "can't run during preview" note. The
 * module has no public typings, so it is loaded with the narrow shape we use.
 */
// require: internal module without type declarations
const proxy = require("@pulumi/policy/proxy") as {
  UnknownValueError: new (sentinel: string, props: string[]) => Error;
  unknownCheckingProxy<T>(o: T): T;
  getSpecialProxyTarget: string;
  unknownStringValue: string;
};

export const UnknownValueError = proxy.UnknownValueError;
export const unknownCheckingProxy = proxy.unknownCheckingProxy;
export const UNKNOWN_STRING_SENTINEL = proxy.unknownStringValue;

/** The plain object behind the engine's proxy (sentinel strings left in place for the rules). */
export function rawProps(props: Record<string, unknown>): Record<string, unknown> {
  const target = props[proxy.getSpecialProxyTarget];
  return typeof target === "object" && target !== null ? (target as Record<string, unknown>) : props;
}

/** Throws what the engine expects for a value unknown during preview. */
export function throwUnknown(path: string): never {
  throw new UnknownValueError(UNKNOWN_STRING_SENTINEL, path.split("."));
}
