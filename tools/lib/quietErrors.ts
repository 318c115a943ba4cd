/**
 * The CLIs print one-line errors, never stack traces, so they need not pay for them: @pulumi/pulumi
 * captures `new Error().stack` for every internal promise (runtime/debuggable.js), and with tsx's
 * source maps on, each capture maps every frame through the source maps. Profiling the prod plan put
 * that at ~10% of its CPU time. `PLAN_DEBUG=1` keeps full, source-mapped stacks.
 */
export function quietErrors(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.PLAN_DEBUG === "1") return false;
  process.setSourceMapsEnabled(false);
  Error.stackTraceLimit = 0;
  return true;
}
