// SPDX-License-Identifier: Apache-2.0
import { type ChildProcess, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { otlpHeadersEnv } from "../../collector-config/scripts/stack.mjs";

export interface NodeRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall-clock time from spawn to exit. */
  elapsedMillis: number;
  /** True when the run was killed for exceeding its time limit. */
  timedOut: boolean;
}

export interface NodeRunOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** SIGKILL the child after this long. */
  timeoutMillis: number;
  /** Called with each complete stdout line as it arrives, and the child (to signal it). */
  onLine?: (line: string, child: ChildProcess) => void;
}

/** Runs `node <args>` (this Node) as a child process; resolves when it exits, never rejects on a non-zero exit. */
export function runNode(args: string[], options: NodeRunOptions): Promise<NodeRun> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let pending = "";
    let timedOut = false;
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      pending += chunk;
      const lines = pending.split("\n");
      pending = lines.pop() ?? "";
      for (const line of lines) options.onLine?.(line, child);
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, options.timeoutMillis);
    child.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (pending !== "") options.onLine?.(pending, child);
      resolve({ code, signal, stdout, stderr, elapsedMillis: performance.now() - started, timedOut });
    });
  });
}

/**
 * A new, empty spool directory for one app process: under the stack's state directory while a test file's stack
 * runs (so `LANGCHAIN_OTEL_E2E_KEEP=1` keeps it with the audit files), else under the system temp directory.
 * Apps never share the default `./.langchain-otel/spool` of their working directory, where a batch left by an
 * earlier test would be adopted and replayed into a later test's stack.
 */
export function newSpoolDir(label: string): string {
  const parent = process.env.LANGCHAIN_OTEL_STACK_DIR ? path.join(process.env.LANGCHAIN_OTEL_STACK_DIR, "spool") : tmpdir();
  mkdirSync(parent, { recursive: true });
  return mkdtempSync(path.join(parent, `${label.replace(/[^\w.-]/g, "_")}-`));
}

/**
 * The environment for an app that exports to the local stack: OTLP/HTTP, no OpenAI key, quick batches, the
 * distro's default content policy and a spool directory of its own ({@link newSpoolDir}) unless `extra` sets them.
 */
export function otlpAppEnv(serviceName: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318",
    OTEL_SERVICE_NAME: serviceName,
    OTEL_BSP_SCHEDULE_DELAY: "200",
    // The same for audit log records once the distro batches them (the standard batch log record processor variable).
    OTEL_BLRP_SCHEDULE_DELAY: "200",
    // The collector refuses OTLP without the stack's bearer token (401).
    ...(process.env.LANGCHAIN_OTEL_STACK_DIR ? { OTEL_EXPORTER_OTLP_HEADERS: otlpHeadersEnv() } : {}),
    ...extra,
  };
  for (const name of [
    "OPENAI_API_KEY",
    "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT",
    "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT",
    "OTEL_RESOURCE_ATTRIBUTES",
    "LANGCHAIN_OTEL_AUDIT_DIR",
    "LANGCHAIN_OTEL_CONTENT_POLICY",
    "LANGCHAIN_OTEL_SPOOL_DIR",
  ]) {
    if (!(name in extra)) delete env[name];
  }
  env.LANGCHAIN_OTEL_SPOOL_DIR ??= newSpoolDir(serviceName);
  return env;
}
