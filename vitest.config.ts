// SPDX-License-Identifier: Apache-2.0
import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["packages/*/test/**/*.test.ts", "examples/*/test/**/*.test.ts"],
    // Peak-memory measurements need the machine to themselves: they run with the sequential suite (vitest.e2e.config.ts).
    exclude: ["**/node_modules/**", "packages/audit-cli/test/large.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
