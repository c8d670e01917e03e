// SPDX-License-Identifier: Apache-2.0
// The stack's processes: pid files, liveness, port and health checks, starting a component detached and
// waiting for it to be healthy, stopping one with a bounded grace period.

import { spawn } from "node:child_process";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import { HOST } from "./layout.mjs";
import { StackError, sleep, tail } from "./util.mjs";

/** The pid stored in `file`, or null when the file is missing or holds no pid. */
export function readPid(file) {
  try {
    const pid = Number.parseInt(fs.readFileSync(file, "utf8").trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** True when `pid` is a live (non-zombie) process, and, where /proc shows it, runs `exeHint`. */
export function isAlive(pid, exeHint) {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
  } catch (err) {
    if (err.code !== "EPERM") return false;
  }
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    const state = stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3);
    if (state === "Z" || state === "X") return false;
    if (exeHint) {
      const cmdline = fs.readFileSync(`/proc/${pid}/cmdline`, "utf8");
      if (!cmdline.includes(exeHint)) return false; // pid reused by something else
    }
  } catch {
    // no /proc (not Linux): kill(0) is all we have
  }
  return true;
}

/** Resolves true when a TCP connection to host:port succeeds within `timeoutMs`. */
export function tcpOpen(host, port, timeoutMs = 1000) {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    const done = (ok) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once("connect", () => done(true));
    socket.once("error", () => done(false));
  });
}

/** Resolves true when GET `url` answers 200 within `timeoutMs`. */
export function httpOk(url, timeoutMs = 2000) {
  return new Promise((resolve) => {
    const req = http.get(url, { timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(false));
  });
}

/** Resolves true when we can bind 127.0.0.1:port right now. */
function portFree(port) {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once("error", () => resolve(false));
    server.listen({ host: HOST, port, exclusive: true }, () => server.close(() => resolve(true)));
  });
}

/** Best-effort "who listens on this TCP port" from /proc (Linux), else a generic hint. */
function portOwnerHint(port) {
  try {
    const inodes = new Set();
    for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
      let text;
      try {
        text = fs.readFileSync(table, "utf8");
      } catch {
        continue;
      }
      for (const line of text.split("\n").slice(1)) {
        const cols = line.trim().split(/\s+/);
        if (cols.length < 10 || cols[3] !== "0A") continue; // 0A = LISTEN
        const localPort = Number.parseInt(cols[1].split(":").pop(), 16);
        if (localPort === port) inodes.add(cols[9]);
      }
    }
    if (inodes.size === 0) return "";
    for (const entry of fs.readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      let fds;
      try {
        fds = fs.readdirSync(`/proc/${entry}/fd`);
      } catch {
        continue;
      }
      for (const fd of fds) {
        let link;
        try {
          link = fs.readlinkSync(`/proc/${entry}/fd/${fd}`);
        } catch {
          continue;
        }
        const m = /^socket:\[(\d+)\]$/.exec(link);
        if (m && inodes.has(m[1])) {
          let cmd = "";
          try {
            cmd = fs
              .readFileSync(`/proc/${entry}/cmdline`, "utf8")
              .split("\0")
              .filter(Boolean)
              .join(" ")
              .replace(/\s+/g, " ");
          } catch {
            // gone
          }
          return ` (held by pid ${entry}: ${cmd.slice(0, 160) || "unknown command"})`;
        }
      }
    }
    return " (held by a process this user cannot inspect)";
  } catch {
    return "";
  }
}

/** Throws a StackError naming the port (and, where /proc shows it, its owner) when one of `spec.ports` is taken. */
export async function assertPortsFree(spec) {
  for (const port of spec.ports) {
    if (!(await portFree(port))) {
      let hint = portOwnerHint(port);
      if (!hint) hint = ` (find the owner with: ss -ltnp 'sport = :${port}'  or  lsof -iTCP:${port} -sTCP:LISTEN)`;
      throw new StackError(
        `cannot start ${spec.name}: port ${HOST}:${port} is already in use${hint}. ` +
          "Stop that process (if it is an earlier stack: `pnpm stack:down`, or the same with --stack-dir) and retry.",
      );
    }
  }
}

/** Polls `check` until it resolves true (→ true), `alive()` turns false or `timeoutMs` passes (→ false). */
export async function waitFor(check, { timeoutMs, intervalMs = 250, alive }) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (alive && !alive()) return false;
    if (Date.now() >= deadline) return false;
    await sleep(intervalMs);
  }
}

/**
 * Starts `spec` detached (output appended to its log, pid in its pid file) unless it already runs, and waits
 * for its health check; a component that dies or stays unhealthy is stopped and reported with its log tail.
 */
export async function startComponent(spec, p, { timeoutMs, log }) {
  const pidFile = p.pidFile(spec.name);
  const existing = readPid(pidFile);
  if (isAlive(existing, spec.exeHint)) {
    log(`${spec.name}: already running (pid ${existing})`);
    return { name: spec.name, pid: existing, started: false };
  }
  fs.rmSync(pidFile, { force: true });
  if (!spec.exe || !fs.existsSync(spec.exe)) throw new StackError(spec.missing);
  await assertPortsFree(spec);
  spec.prepare();

  const logFile = p.logFile(spec.name);
  const out = fs.openSync(logFile, "a");
  fs.writeSync(out, `\n=== ${new Date().toISOString()} starting ${spec.exe} ${spec.args.join(" ")}\n`);
  let child;
  try {
    child = spawn(spec.exe, spec.args, {
      cwd: p.stackDir,
      env: { ...process.env, ...spec.env },
      stdio: ["ignore", out, out],
      detached: true,
    });
  } finally {
    fs.closeSync(out);
  }
  const spawnError = await new Promise((resolve) => {
    child.once("error", resolve);
    child.once("spawn", () => resolve(null));
  });
  if (spawnError) throw new StackError(`cannot start ${spec.name} (${spec.exe}): ${spawnError.message}`);
  child.unref();
  const pid = child.pid;
  fs.writeFileSync(pidFile, `${pid}\n`);

  const t0 = Date.now();
  const healthy = await waitFor(spec.health, { timeoutMs, alive: () => isAlive(pid) });
  if (!healthy) {
    const died = !isAlive(pid);
    if (!died) await stopPid(pid, spec.exeHint, { graceMs: 5000 });
    fs.rmSync(pidFile, { force: true });
    throw new StackError(
      `${spec.name} ${died ? "exited during start-up" : `was not healthy within ${Math.round(timeoutMs / 1000)} s and was stopped`}; ` +
        `log ${logFile}:\n${tail(logFile, 30)}`,
    );
  }
  log(`${spec.name}: started (pid ${pid}, healthy after ${((Date.now() - t0) / 1000).toFixed(1)} s)`);
  return { name: spec.name, pid, started: true };
}

/** Sends `signal` to `pid` (if it still runs `exeHint`), waits `graceMs`, then SIGKILL; resolves with what happened. */
export async function stopPid(pid, exeHint, { graceMs = 15_000, signal = "SIGTERM" } = {}) {
  if (!isAlive(pid, exeHint)) return "not running";
  try {
    process.kill(pid, signal);
  } catch {
    return "not running";
  }
  if (signal === "SIGKILL") {
    await waitFor(async () => !isAlive(pid), { timeoutMs: 5000, intervalMs: 50 });
    return "killed";
  }
  if (await waitFor(async () => !isAlive(pid), { timeoutMs: graceMs, intervalMs: 100 })) return "stopped";
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // exited meanwhile
  }
  await waitFor(async () => !isAlive(pid), { timeoutMs: 5000, intervalMs: 50 });
  return `killed after ${Math.round(graceMs / 1000)} s grace`;
}
