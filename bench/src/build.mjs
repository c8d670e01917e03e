// SPDX-License-Identifier: Apache-2.0
import { spawnSync } from "node:child_process";
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { REPO_ROOT, installedVersion } from "./installed.mjs";

const TSC = path.join(REPO_ROOT, "node_modules", "typescript", "bin", "tsc");
const DIST_DIR = path.join(REPO_ROOT, "packages", "instrumentation", "dist");

/** When the dist last changed: tsc -b rewrites only the files whose output changed. */
function newestDistFile() {
  let newest = 0;
  for (const name of readdirSync(DIST_DIR)) {
    if (name.endsWith(".js")) newest = Math.max(newest, statSync(path.join(DIST_DIR, name)).mtimeMs);
  }
  if (newest === 0) throw new Error("no .js file in dist");
  return new Date(newest).toISOString();
}

/**
 * Builds @langchain-otel/instrumentation (`tsc -b`, incremental) so the bench measures the current source.
 * The package is being worked on while the bench runs: a failed build is reported, and the last dist is measured.
 */
export function buildInstrumentation() {
  const run = spawnSync(process.execPath, [TSC, "-b", "packages/instrumentation"], { cwd: REPO_ROOT, encoding: "utf8", timeout: 300_000 });
  let builtAt;
  try {
    builtAt = newestDistFile();
  } catch {
    throw new Error(`packages/instrumentation did not build and has no dist: ${(run.stdout + run.stderr).trim().slice(0, 2000)}`);
  }
  const version = installedVersion("@langchain-otel/instrumentation");
  if (run.status !== 0) {
    const first = `${run.stdout}${run.stderr}`.trim().split("\n")[0];
    return {
      describe: `@langchain-otel/instrumentation ${version}, dist as last built (${builtAt})`,
      warning: `tsc -b packages/instrumentation failed (${first}); the numbers are for the dist last built at ${builtAt}.`,
    };
  }
  return { describe: `@langchain-otel/instrumentation ${version}, built from the working tree by \`tsc -b\` (newest dist file ${builtAt})` };
}
