// SPDX-License-Identifier: Apache-2.0
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));
export const BIN = path.join(PACKAGE_DIR, "dist", "bin.js");

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The CLI tests run the built bin (dist), as a user would. Fails loudly, rather than testing stale code, when
 * dist is missing or older than src (of this package or of @langchain-otel/node's integrity code it imports).
 */
export function assertBuilt(): void {
  const newest = (dir: string, ext: string): number => {
    let latest = 0;
    for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
      if (entry.isFile() && entry.name.endsWith(ext)) latest = Math.max(latest, statSync(path.join(entry.parentPath, entry.name)).mtimeMs);
    }
    return latest;
  };
  for (const pkg of [PACKAGE_DIR, path.join(PACKAGE_DIR, "..", "node")]) {
    const dist = path.join(pkg, "dist");
    if (!existsSync(dist) || newest(path.join(pkg, "src"), ".ts") > newest(dist, ".js")) {
      throw new Error(`${dist} is missing or older than src: run \`pnpm exec tsc -b\` at the repository root first`);
    }
  }
}

export interface RunOptions {
  /** Node options before the script (`--max-old-space-size=32`, `--import ...`). */
  readonly nodeArgs?: readonly string[];
  readonly timeoutMillis?: number;
  /** Variables added to this process's environment. */
  readonly env?: Readonly<Record<string, string>>;
}

/** Runs `node dist/bin.js ...args` in `cwd`; resolves when it exits. stderr is not a terminal there. */
export function runCli(args: readonly string[], cwd: string, options: RunOptions = {}): Promise<CliResult> {
  const timeoutMillis = options.timeoutMillis ?? 20_000;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...(options.nodeArgs ?? []), BIN, ...args], {
      cwd,
      env: { ...process.env, ...options.env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`langchain-otel-audit ${args.join(" ")} did not exit in time; stderr: ${stderr}`));
    }, timeoutMillis);
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const dirs: string[] = [];

/** A fresh temporary directory, removed by {@link removeTempDirs}. */
export function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "audit-cli-"));
  dirs.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
}
