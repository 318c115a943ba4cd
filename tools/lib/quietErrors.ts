/**
 * The CLIs print messages, never stack traces, so they need not pay for them: @pulumi/pulumi captures
 * `new Error().stack` for every internal promise (runtime/debuggable.js), and with tsx's source maps on,
 * each capture maps every frame through the source maps. Profiling the prod plan put that at ~10% of its
 * CPU time. `PLAN_DEBUG=1` keeps full, source-mapped stacks, and {@link runCli} then prints them.
 */
export function quietErrors(env: NodeJS.ProcessEnv = process.env): boolean {
  if (debugErrors(env)) return false;
  process.setSourceMapsEnabled(false);
  Error.stackTraceLimit = 0;
  return true;
}

/** `PLAN_DEBUG=1`: print the stack of a failure (for debugging the tools, not the config). */
export const debugErrors = (env: NodeJS.ProcessEnv = process.env): boolean => env.PLAN_DEBUG === "1";
