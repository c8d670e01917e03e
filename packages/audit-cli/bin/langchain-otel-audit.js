#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// SPDX-License-Identifier: Apache-2.0
// The command's entry, committed so that package managers link it at install time, before the TypeScript build
// exists (a fresh clone runs `pnpm install`, then builds): it runs the built CLI, or says how to build it.
try {
  await import("../dist/bin.js");
} catch (err) {
  if (err?.code !== "ERR_MODULE_NOT_FOUND" || !String(err.message).includes("dist/bin.js")) throw err;
  process.stderr.write("langchain-otel-audit is not built yet: run `pnpm run build` at the repository root (or `bash scripts/demo.sh`)\n");
  process.exitCode = 2;
}
