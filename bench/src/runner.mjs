// SPDX-License-Identifier: Apache-2.0
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const SRC_DIR = path.dirname(fileURLToPath(import.meta.url));
const RESULT_PREFIX = "BENCH_RESULT ";

/**
 * The environment of every child: the caller's, without anything that would change what LangChain or the
 * instrumentations do (LangSmith tracing, our own LANGCHAIN_OTEL_* settings, OTEL_* SDK settings).
 */
export function childEnv(extra = {}) {
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (/^(LANGCHAIN_|LANGSMITH_|LANGFUSE_|OTEL_|TRACELOOP_)/.test(key)) continue;
    env[key] = value;
  }
  return { ...env, LANGSMITH_TRACING: "false", LANGCHAIN_TRACING_V2: "false", ...extra };
}

/**
 * Runs `script` (a file in src/) in a fresh Node with the JSON `spec` as its argument and returns the object it
 * printed after "BENCH_RESULT ". Never rejects: a crash, a timeout or a missing result comes back as `{ error }`.
 */
export function runChild(script, spec, { nodeFlags = [], timeoutMillis = 180_000, env = {} } = {}) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...nodeFlags, path.join(SRC_DIR, script), JSON.stringify(spec)], {
      cwd: path.resolve(SRC_DIR, ".."),
      env: childEnv(env),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMillis);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split("\n").find((l) => l.startsWith(RESULT_PREFIX));
      if (line !== undefined) {
        try {
          return resolve(JSON.parse(line.slice(RESULT_PREFIX.length)));
        } catch {
          // fall through to the error below
        }
      }
      const why = signal ? `killed by ${signal}${signal === "SIGKILL" ? ` (timeout ${timeoutMillis} ms?)` : ""}` : `exit ${code}`;
      resolve({ error: `${why}: ${(stderr || stdout).trim().split("\n").slice(-5).join(" | ")}` });
    });
  });
}
