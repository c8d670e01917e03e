// SPDX-License-Identifier: Apache-2.0
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));
const FIXTURES_DIR = path.join(PACKAGE_DIR, "test", "fixtures");

/** A span as read back from an OTLP/JSON lines file. */
export interface FileSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  startTimeUnixNano: string;
  attributes?: Array<{ key: string; value: Record<string, unknown> }>;
  status: { code?: number; message?: string };
}

/** A log record as read back from an OTLP/JSON lines file. */
export interface FileLogRecord {
  timeUnixNano: string;
  observedTimeUnixNano: string;
  severityNumber?: number;
  severityText?: string;
  body: Record<string, unknown>;
  attributes?: Array<{ key: string; value: Record<string, unknown> }>;
  flags?: number;
  traceId?: string;
  spanId?: string;
  eventName?: string;
}

/** The export requests in an OTLP/JSON lines file, one per line, in file order; none when there is no file. */
function readRequests(file: string): Array<Record<string, unknown>> {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** The innermost items of every request in a file: `resources[].scopes[].items[]`, in file order. */
function readItems<T>(file: string, resources: string, scopes: string, items: string): T[] {
  type Level = Record<string, Array<Record<string, unknown>> | undefined>;
  return readRequests(file).flatMap((request) =>
    ((request as Level)[resources] ?? []).flatMap((r) => ((r as Level)[scopes] ?? []).flatMap((s) => ((s as Level)[items] ?? []) as T[])),
  );
}

/** Every span in a traces.jsonl file, in file order. */
export function readFileSpans(file: string): FileSpan[] {
  return readItems<FileSpan>(file, "resourceSpans", "scopeSpans", "spans");
}

/** Every log record in a logs.jsonl file, in file order. */
export function readFileLogRecords(file: string): FileLogRecord[] {
  return readItems<FileLogRecord>(file, "resourceLogs", "scopeLogs", "logRecords");
}

/** The attributes of a span or log record as OTLP/JSON writes them. */
export type FileAttributes = Array<{ key: string; value: Record<string, unknown> }> | undefined;

/** The value of attribute `key`: its string, or its integer as a number (OTLP/JSON writes int64 as a string). */
export function attributeOf(attributes: FileAttributes, key: string): string | number | undefined {
  const value = attributes?.find((a) => a.key === key)?.value;
  if (value === undefined) return undefined;
  if (typeof value["stringValue"] === "string") return value["stringValue"];
  return value["intValue"] === undefined ? undefined : Number(value["intValue"]);
}

/** Span ID for a run: the low 64 bits of its UUID. */
export const spanIdOf = (runId: string): string => runId.replaceAll("-", "").slice(16);
/** Trace ID for a root run: its full UUID as hex. */
export const traceIdOf = (runId: string): string => runId.replaceAll("-", "");

/**
 * The child-process tests run the built package (dist), as an app would. Fails loudly, rather than testing stale
 * code, when dist is missing or older than src.
 */
export function assertBuilt(): void {
  const newest = (dir: string, ext: string): number =>
    Math.max(0, ...readdirSync(dir).filter((f) => f.endsWith(ext)).map((f) => statSync(path.join(dir, f)).mtimeMs));
  for (const pkg of [PACKAGE_DIR, path.join(PACKAGE_DIR, "..", "instrumentation")]) {
    const dist = path.join(pkg, "dist");
    if (!existsSync(path.join(dist, "index.js")) || newest(path.join(pkg, "src"), ".ts") > newest(dist, ".js")) {
      throw new Error(`${dist} is missing or older than src: run \`pnpm exec tsc -b\` at the repository root first`);
    }
  }
}

/**
 * A throwaway app directory inside test/fixtures (so Node's resolution walks up to this package's node_modules,
 * which has @langchain/core and the OpenTelemetry SDK), with its own package.json that depends on nothing,
 * the fixture apps copied in, and `@langchain-otel/node` linked to this package as an installed app would have it.
 */
export function createFixtureApp(): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(FIXTURES_DIR, ".tmp-"));
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "fixture-app", private: true }) + "\n");
  cpSync(path.join(FIXTURES_DIR, "apps"), dir, { recursive: true });
  mkdirSync(path.join(dir, "node_modules", "@langchain-otel"), { recursive: true });
  symlinkSync(PACKAGE_DIR, path.join(dir, "node_modules", "@langchain-otel", "node"), "dir");
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The environment of a child app: ours, without any OpenTelemetry, LangChain or LangSmith settings. */
export function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // NODE_PATH too: `pnpm exec` points it at the workspace's hoisted packages, which no real app would see.
    if (/^(OTEL_|LANGCHAIN_|LANGSMITH_|NODE_OPTIONS$|NODE_PATH$|VITEST|TEST$)/.test(key)) continue;
    env[key] = value;
  }
  return { ...env, ...extra };
}

export interface ChildResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface ChildOptions {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Called with each stdout line as it arrives, with the child's process. */
  onLine?: (line: string, child: ReturnType<typeof spawn>) => void;
  timeoutMillis?: number;
}

/** Runs the repository's Node (the one running the tests) with `args`; resolves when the child exits. */
export function runNode(args: string[], options: ChildOptions): Promise<ChildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    let partial = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`node ${args.join(" ")} did not exit in time; stdout: ${stdout}; stderr: ${stderr}`));
    }, options.timeoutMillis ?? 20_000);
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
      partial += chunk;
      let newline: number;
      while ((newline = partial.indexOf("\n")) >= 0) {
        const line = partial.slice(0, newline);
        partial = partial.slice(newline + 1);
        options.onLine?.(line, child);
      }
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** The JSON object a fixture app printed on a line of its own that has `key`. */
export function printed<T>(stdout: string, key: string): T {
  for (const line of stdout.split("\n")) {
    if (!line.startsWith("{")) continue;
    const value = JSON.parse(line) as Record<string, unknown>;
    if (key in value) return value as T;
  }
  throw new Error(`no line with "${key}" in: ${stdout}`);
}

/** File spans as an indented name tree, children (and roots) in start order, for exact comparison. */
export function renderFileTree(spans: readonly FileSpan[]): string {
  const ids = new Set(spans.map((s) => s.spanId));
  const byStart = (a: FileSpan, b: FileSpan) => (BigInt(a.startTimeUnixNano) < BigInt(b.startTimeUnixNano) ? -1 : 1);
  const lines: string[] = [];
  const walk = (parent: string | undefined, depth: number): void => {
    const children = spans.filter((s) => (s.parentSpanId !== undefined && ids.has(s.parentSpanId) ? s.parentSpanId : undefined) === parent);
    for (const child of [...children].sort(byStart)) {
      lines.push("  ".repeat(depth) + child.name);
      walk(child.spanId, depth + 1);
    }
  };
  walk(undefined, 0);
  return lines.join("\n");
}
