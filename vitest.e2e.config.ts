// SPDX-License-Identifier: Apache-2.0
import { defineConfig } from "vitest/config";

// End-to-end tests against the real local stack (collector, Jaeger, rsyslog): `pnpm test:e2e`.
// Every file starts the stack on the same fixed ports, so files run one at a time; the audit CLI's peak-memory
// test on a 200 MB trail runs here too, for the same reason (nothing else running beside it).
export default defineConfig({
  test: {
    include: ["e2e/**/*.test.ts", "packages/audit-cli/test/large.test.ts"],
    globalSetup: ["e2e/global-setup.ts"],
    pool: "forks",
    fileParallelism: false,
    testTimeout: 180_000,
    hookTimeout: 120_000,
    teardownTimeout: 60_000,
  },
});
