import { defineConfig } from "vitest/config";

// End-to-end tests against the real local stack (collector, Jaeger, rsyslog): `pnpm test:e2e`.
// Every file starts the stack on the same fixed ports, so files run one at a time.
export default defineConfig({
  test: {
    include: ["e2e/**/*.test.ts"],
    globalSetup: ["e2e/global-setup.ts"],
    pool: "forks",
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 120_000,
    teardownTimeout: 60_000,
  },
});
