// SPDX-License-Identifier: Apache-2.0
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { byStartTime, readSpans, rootSpans } from "./run-tree.mjs";

export { rootSpans };

/** Variables that would send the example online or to a collector; tests always run offline with the file exporter. */
const ONLINE_ENV = ["OTEL_EXPORTER_OTLP_ENDPOINT", "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OPENAI_API_KEY"];

/**
 * Runs an example the way its `start` script does (`node --import @langchain-otel/node/register src/main.mjs`),
 * offline, with full content capture and a fresh audit directory (`extraEnv` is set last: a test that points it at a
 * collector says so; `script` runs another file of the example the same way). Resolves with the exit code, the output and the spans it wrote; kills the child after
 * `timeoutMillis`.
 */
export function runExample(dir, { timeoutMillis = 20_000, extraEnv = {}, script = "src/main.mjs" } = {}) {
  const auditDir = mkdtempSync(join(tmpdir(), `example-${basename(dir)}-`));
  const env = { ...process.env, LANGCHAIN_OTEL_AUDIT_DIR: auditDir, LANGCHAIN_OTEL_CONTENT_POLICY: "full" };
  for (const name of ONLINE_ENV) delete env[name];
  Object.assign(env, extraEnv);
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "@langchain-otel/node/register", script], { cwd: dir, env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMillis);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, auditDir, spans: readSpans(join(auditDir, "traces.jsonl")) });
    });
  });
}


/**
 * The spans as an indented tree of names, two spaces a level; roots and siblings ordered by start time
 * (ties keep file order). A span whose parent is not among `spans` counts as a root.
 */
export function renderTree(spans) {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map();
  for (const span of spans) {
    const key = span.parentSpanId && ids.has(span.parentSpanId) ? span.parentSpanId : "";
    children.set(key, [...(children.get(key) ?? []), span]);
  }
  const lines = [];
  const walk = (key, depth) => {
    for (const span of [...(children.get(key) ?? [])].sort(byStartTime)) {
      lines.push(`${"  ".repeat(depth)}${span.name}`);
      walk(span.spanId, depth + 1);
    }
  };
  walk("", 0);
  return lines.join("\n");
}

