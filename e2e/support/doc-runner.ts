// SPDX-License-Identifier: Apache-2.0
// Runs a README command the way a reader's shell does (bash, from the README's folder, after the lines that set
// the shell up), bounded in time, killing its whole process group on timeout.
import { spawn } from "node:child_process";
import type { DocCommand, Policy } from "./readme-commands.ts";

export interface ShellRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Where and with what a command runs. */
export interface ShellContext {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Lines run before it in the same shell (`source scripts/env.sh`), their output dropped. */
  readonly prelude: readonly string[];
}

function script(context: ShellContext, command: string, exec = false): string {
  return [...context.prelude.map((line) => `${line} >/dev/null`), exec ? `exec ${command}` : command].join("\n");
}

function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // already gone
  }
}

/** `bash -c` the command after the prelude; resolves when it exits (or is killed after `timeoutMillis`). */
export function runShell(context: ShellContext, command: string, timeoutMillis: number): Promise<ShellRun> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["-c", script(context, command)], { cwd: context.cwd, env: context.env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid, "SIGKILL");
    }, timeoutMillis);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr, timedOut });
    });
  });
}

/** What a documented server did: the URL it printed, what its page answered, and how it stopped. */
export interface ServeRun {
  url: string | undefined;
  status: number | undefined;
  page: string;
  stdout: string;
  stderr: string;
}

/**
 * Starts a documented `serve` command, waits (at most 30 s) for the address it prints, fetches the page, then
 * stops it with SIGINT, as Ctrl-C would (SIGKILL if it has not stopped 10 s later).
 */
export function runServe(context: ShellContext, command: string): Promise<ServeRun> {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["-c", script(context, command, true)], { cwd: context.cwd, env: context.env, stdio: ["ignore", "pipe", "pipe"], detached: true });
    const result: ServeRun = { url: undefined, status: undefined, page: "", stdout: "", stderr: "" };
    let asked = false;
    const stop = (): void => {
      killGroup(child.pid, "SIGINT");
      setTimeout(() => killGroup(child.pid, "SIGKILL"), 10_000).unref();
    };
    const giveUp = setTimeout(stop, 30_000);
    child.stderr.setEncoding("utf8").on("data", (c: string) => (result.stderr += c));
    child.stdout.setEncoding("utf8").on("data", (c: string) => {
      result.stdout += c;
      const url = / at (http:\/\/127\.0\.0\.1:\d+\/) /.exec(result.stdout)?.[1];
      if (url === undefined || asked) return;
      asked = true;
      result.url = url;
      fetch(url)
        .then(async (res) => {
          result.status = res.status;
          result.page = await res.text();
        })
        .catch((err: unknown) => (result.page = `fetch failed: ${String(err)}`))
        .finally(() => {
          clearTimeout(giveUp);
          stop();
        });
    });
    child.on("error", reject);
    child.on("close", () => resolve(result));
  });
}

/** How long a command may take. */
export function timeoutOf(command: DocCommand): number {
  if (command.text.startsWith("bash scripts/demo.sh")) return 600_000;
  if (command.text.startsWith("pnpm stack:build")) return 1_200_000;
  return 120_000;
}

/** A line that changes the shell a reader keeps typing in (so later commands run after it). */
export function changesShell(command: DocCommand): boolean {
  return /^(source|\.|cd|export) /.test(command.text);
}

export type { Policy };
