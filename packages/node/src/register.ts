// SPDX-License-Identifier: Apache-2.0
/**
 * `node --import @langchain-otel/node/register app.mjs` or `node --require @langchain-otel/node/register app.cjs`:
 * starts the distro from the environment before the app's first line runs.
 *
 * One ES module serves both flags. It has no top-level await, so `--require` can load it through Node's
 * `require(esm)`; and it needs none, because `start()` patches both builds of the app's `@langchain/core`
 * synchronously (see langchain-core.ts). A configuration mistake ends the process with one line on stderr
 * and exit code 1: a wrong setting must be loud at startup, not discovered as a missing audit trail later.
 */
import { diag } from "./diag.js";
import { start } from "./start.js";

function isConfigurationError(err: unknown): err is Error {
  // By name, not instanceof: the instrumentation package has its own ConfigurationError class.
  return err instanceof Error && err.name === "ConfigurationError";
}

try {
  start();
} catch (err) {
  if (isConfigurationError(err)) {
    process.stderr.write(`[langchain-otel] ${err.message}\n`);
    process.exit(1);
  }
  // Anything else is our bug: the app runs untraced rather than not at all.
  diag.error("could not start; the app runs without tracing", err);
  process.stderr.write(`[langchain-otel] could not start, running without tracing: ${err instanceof Error ? err.message : String(err)}\n`);
}
