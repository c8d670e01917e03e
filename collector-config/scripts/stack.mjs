#!/usr/bin/env node
// Build and run the langchain-otel local stack: OpenTelemetry Collector (custom build), Jaeger v2
// (built from Go modules) and rsyslog (Debian package) as a stand-in SIEM. Real processes,
// loopback only. Plain Node ESM, no dependencies.
//
//   node collector-config/scripts/stack.mjs build [collector|jaeger|rsyslog ...]
//   node collector-config/scripts/stack.mjs up    [collector|jaeger|rsyslog ...] [--clean] [--timeout <s>]
//   node collector-config/scripts/stack.mjs down  [collector|jaeger|rsyslog ...]
//   node collector-config/scripts/stack.mjs kill  [collector|jaeger|rsyslog ...]   (SIGKILL; all if none named)
//   node collector-config/scripts/stack.mjs status
//   node collector-config/scripts/stack.mjs paths                                   (JSON: files, URLs, ports)
//   common option: --stack-dir <dir>   (default $LANGCHAIN_OTEL_STACK_DIR or <repo>/.stack)
//
// Tests import this file and call the exported functions (build, up, down, kill, status, paths,
// endpoints); they throw StackError with a readable message instead of exiting.

import { spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import fs from "node:fs";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const SCRIPT_DIR = path.dirname(fileURLToPath(import.meta.url));
export const CONFIG_DIR = path.resolve(SCRIPT_DIR, "..");
export const REPO_ROOT = path.resolve(CONFIG_DIR, "..");
export const BUILD_DIR = path.join(REPO_ROOT, ".cache", "stack");

export const VERSIONS = Object.freeze({
  /** Collector core / contrib release the custom build is pinned to. */
  collector: "0.162.0",
  builderModule: "go.opentelemetry.io/collector/cmd/builder",
  builder: "v0.162.0",
  /** Go module version of github.com/jaegertracing/jaeger (see jaeger-build/go.mod). */
  jaegerModule: "v1.62.0",
  /** Jaeger v2 release that module version corresponds to. */
  jaeger: "2.0.0-rc2",
});

/** Go version the builds need: collector v0.162.0 modules declare `go 1.26.0`. */
const MIN_GO = [1, 26];

export const FILES = Object.freeze({
  builderConfig: path.join(CONFIG_DIR, "builder-config.yaml"),
  collectorConfig: path.join(CONFIG_DIR, "otelcol.yaml"),
  jaegerConfig: path.join(CONFIG_DIR, "jaeger.yaml"),
  rsyslogConfigTemplate: path.join(CONFIG_DIR, "rsyslog.conf"),
  jaegerModuleDir: path.join(CONFIG_DIR, "jaeger-build"),
});

export const BINARIES = Object.freeze({
  collector: path.join(BUILD_DIR, "otelcol-langchain"),
  jaeger: path.join(BUILD_DIR, "jaeger"),
  builder: path.join(BUILD_DIR, "gobin", "builder"),
});

export const HOST = "127.0.0.1";

export const PORTS = Object.freeze({
  otlpHttp: 4318,
  collectorHealth: 13133,
  collectorMetrics: 18888,
  jaegerOtlpHttp: 14318,
  jaegerQueryHttp: 16686,
  jaegerQueryGrpc: 16685,
  syslog: 15514,
});

/** Start order; `down` stops in reverse so the collector can hand over what it holds. */
export const COMPONENTS = Object.freeze(["rsyslog", "jaeger", "collector"]);

export class StackError extends Error {
  constructor(message) {
    super(message);
    this.name = "StackError";
  }
}

// ---------------------------------------------------------------------------------------------
// Paths and endpoints

export function stackDir(opts = {}) {
  const dir = opts.stackDir ?? process.env.LANGCHAIN_OTEL_STACK_DIR ?? path.join(REPO_ROOT, ".stack");
  return path.resolve(dir);
}

export function paths(opts = {}) {
  const dir = stackDir(opts);
  const audit = path.join(dir, "audit");
  const siem = path.join(dir, "siem");
  return {
    stackDir: dir,
    auditDir: audit,
    tracesFile: path.join(audit, "traces.jsonl"),
    logsFile: path.join(audit, "logs.jsonl"),
    siemDir: siem,
    siemFile: path.join(siem, "received.log"),
    storageDir: path.join(dir, "storage"),
    logsDir: path.join(dir, "logs"),
    pidsDir: path.join(dir, "pids"),
    rsyslogDir: path.join(dir, "rsyslog"),
    rsyslogConfig: path.join(dir, "rsyslog", "rsyslog.conf"),
    rsyslogOwnPidFile: path.join(dir, "rsyslog", "rsyslogd.pid"),
    logFile: (name) => path.join(dir, "logs", `${name}.log`),
    pidFile: (name) => path.join(dir, "pids", `${name}.pid`),
  };
}

export function endpoints() {
  const base = (port) => `http://${HOST}:${port}`;
  return {
    otlpHttp: base(PORTS.otlpHttp),
    otlpTraces: `${base(PORTS.otlpHttp)}/v1/traces`,
    otlpLogs: `${base(PORTS.otlpHttp)}/v1/logs`,
    collectorHealth: `${base(PORTS.collectorHealth)}/`,
    collectorMetrics: `${base(PORTS.collectorMetrics)}/metrics`,
    jaegerOtlpHttp: base(PORTS.jaegerOtlpHttp),
    jaegerQuery: base(PORTS.jaegerQueryHttp),
    jaegerServices: `${base(PORTS.jaegerQueryHttp)}/api/services`,
    jaegerTrace: (traceId) => `${base(PORTS.jaegerQueryHttp)}/api/traces/${traceId}`,
    syslog: `tcp://${HOST}:${PORTS.syslog}`,
  };
}

// ---------------------------------------------------------------------------------------------
// Small utilities

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function defaultLog(line) {
  process.stdout.write(`${line}\n`);
}

function which(cmd, extraDirs = []) {
  const dirs = [...(process.env.PATH ?? "").split(path.delimiter), ...extraDirs].filter(Boolean);
  for (const dir of dirs) {
    const candidate = path.join(dir, cmd);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return null;
}

function sha256(...parts) {
  const h = createHash("sha256");
  for (const p of parts) h.update(typeof p === "string" || Buffer.isBuffer(p) ? p : JSON.stringify(p)).update("\0");
  return h.digest("hex");
}

function tail(file, lines = 40) {
  try {
    const text = fs.readFileSync(file, "utf8");
    return text.split("\n").slice(-lines - 1).join("\n").trimEnd();
  } catch {
    return "(no log)";
  }
}

function mkdirs(...dirs) {
  for (const d of dirs) fs.mkdirSync(d, { recursive: true });
}

// ---------------------------------------------------------------------------------------------
// Build

function goEnv(opts) {
  const jobs = String(opts.jobs ?? process.env.LANGCHAIN_OTEL_STACK_BUILD_JOBS ?? 1);
  // Keep the caller's GOFLAGS (e.g. -buildvcs=false), add a parallelism limit unless one is set.
  const flags = (process.env.GOFLAGS ?? "").split(/\s+/).filter(Boolean);
  if (!flags.some((f) => f.startsWith("-p="))) flags.push(`-p=${jobs}`);
  if (!flags.some((f) => f.startsWith("-buildvcs"))) flags.push("-buildvcs=false");
  return { ...process.env, GOFLAGS: flags.join(" ") };
}

/** Runs a long command with output to a log file, printing elapsed-time progress lines. */
function runLogged(cmd, args, { cwd, env, logFile, label, log, nice = true }) {
  mkdirs(path.dirname(logFile));
  const out = fs.openSync(logFile, "w");
  const niceBin = nice ? which("nice") : null;
  const [file, argv] = niceBin ? [niceBin, ["-n", "19", cmd, ...args]] : [cmd, args];
  fs.writeSync(out, `$ (cd ${cwd} && ${[file, ...argv].join(" ")})\n`);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(file, argv, { cwd, env, stdio: ["ignore", out, out] });
    const timer = setInterval(() => {
      log(`  … ${label}: ${Math.round((Date.now() - started) / 1000)} s`);
    }, 30_000);
    child.on("error", (err) => {
      clearInterval(timer);
      fs.closeSync(out);
      reject(new StackError(`${label}: cannot run ${cmd}: ${err.message}`));
    });
    child.on("exit", (code, signal) => {
      clearInterval(timer);
      fs.closeSync(out);
      const seconds = (Date.now() - started) / 1000;
      if (code === 0) resolve(seconds);
      else
        reject(
          new StackError(
            `${label} failed (${signal ?? `exit ${code}`}) after ${seconds.toFixed(0)} s; log: ${logFile}\n${tail(logFile, 30)}`,
          ),
        );
    });
  });
}

function goVersion(warn = defaultLog) {
  const res = spawnSync("go", ["env", "GOVERSION"], { encoding: "utf8" });
  if (res.error || res.status !== 0) {
    throw new StackError(
      "`go` was not found on PATH (or does not run). The local stack's collector and Jaeger are built from Go modules:\n" +
        `  install Go ${MIN_GO.join(".")} or newer (https://go.dev/doc/install, or a distribution package of that version),\n` +
        "  make sure `go version` works in this shell, then run `pnpm stack:build` again.",
    );
  }
  const v = res.stdout.trim(); // e.g. go1.26.8
  const m = /^go(\d+)\.(\d+)/.exec(v);
  if (m && (Number(m[1]) < MIN_GO[0] || (Number(m[1]) === MIN_GO[0] && Number(m[2]) < MIN_GO[1]))) {
    const toolchain = spawnSync("go", ["env", "GOTOOLCHAIN"], { encoding: "utf8" }).stdout?.trim() ?? "";
    if (toolchain === "local" || Number(m[2]) < 21) {
      throw new StackError(
        `${v} is too old: the collector build needs Go ${MIN_GO.join(".")} or newer ` +
          "(install it, or allow the go command to fetch it: GOTOOLCHAIN=auto).",
      );
    }
    warn(`note: ${v} < go${MIN_GO.join(".")}: the go command will fetch a newer toolchain (GOTOOLCHAIN=${toolchain})`);
  }
  return v;
}

function stampFile(binary) {
  return `${binary}.inputs-sha256`;
}

function upToDate(binary, hash) {
  try {
    fs.accessSync(binary, fs.constants.X_OK);
    return fs.readFileSync(stampFile(binary), "utf8").trim() === hash;
  } catch {
    return false;
  }
}

function installAtomically(src, dest) {
  const tmp = `${dest}.tmp-${process.pid}`;
  fs.copyFileSync(src, tmp);
  fs.chmodSync(tmp, 0o755);
  fs.renameSync(tmp, dest);
}

async function ensureBuilder(env, log) {
  const probe = spawnSync(BINARIES.builder, ["version"], { encoding: "utf8" });
  if (!probe.error && probe.status === 0 && probe.stdout.includes(VERSIONS.builder)) return;
  log(`installing ${VERSIONS.builderModule}@${VERSIONS.builder} into ${path.dirname(BINARIES.builder)}`);
  mkdirs(path.dirname(BINARIES.builder));
  const seconds = await runLogged("go", ["install", `${VERSIONS.builderModule}@${VERSIONS.builder}`], {
    cwd: REPO_ROOT,
    env: { ...env, GOBIN: path.dirname(BINARIES.builder) },
    logFile: path.join(BUILD_DIR, "logs", "install-builder.log"),
    label: "installing the collector builder",
    log,
  });
  log(`  builder installed in ${seconds.toFixed(0)} s`);
}

async function buildCollector({ env, go, force, log }) {
  const manifest = fs.readFileSync(FILES.builderConfig);
  const hash = sha256("collector", VERSIONS.builder, go, manifest);
  if (!force && upToDate(BINARIES.collector, hash)) {
    log(`collector: up to date (${path.relative(REPO_ROOT, BINARIES.collector)})`);
    return { name: "collector", skipped: true, seconds: 0, binary: BINARIES.collector };
  }
  await ensureBuilder(env, log);
  log("building collector (first build takes several minutes)…");
  // output_path in the manifest is relative to the repo root.
  const outDir = path.join(BUILD_DIR, "otelcol-build");
  fs.rmSync(outDir, { recursive: true, force: true });
  const seconds = await runLogged(BINARIES.builder, ["--config", FILES.builderConfig], {
    cwd: REPO_ROOT,
    env,
    logFile: path.join(BUILD_DIR, "logs", "build-collector.log"),
    label: "building collector",
    log,
  });
  installAtomically(path.join(outDir, "otelcol-langchain"), BINARIES.collector);
  fs.writeFileSync(stampFile(BINARIES.collector), `${hash}\n`);
  log(`collector built in ${seconds.toFixed(0)} s → ${path.relative(REPO_ROOT, BINARIES.collector)}`);
  return { name: "collector", skipped: false, seconds, binary: BINARIES.collector };
}

async function buildJaeger({ env, go, force, log }) {
  const gomod = fs.readFileSync(path.join(FILES.jaegerModuleDir, "go.mod"));
  const gosum = fs.readFileSync(path.join(FILES.jaegerModuleDir, "go.sum"));
  const hash = sha256("jaeger", go, gomod, gosum);
  if (!force && upToDate(BINARIES.jaeger, hash)) {
    log(`jaeger: up to date (${path.relative(REPO_ROOT, BINARIES.jaeger)})`);
    return { name: "jaeger", skipped: true, seconds: 0, binary: BINARIES.jaeger };
  }
  log("building jaeger (first build takes several minutes)…");
  const tmp = `${BINARIES.jaeger}.build-${process.pid}`;
  const seconds = await runLogged(
    "go",
    [
      "build",
      "-trimpath",
      `-ldflags=-s -w -X github.com/jaegertracing/jaeger/pkg/version.latestVersion=v${VERSIONS.jaeger} ` +
        `-X github.com/jaegertracing/jaeger/pkg/version.commitSHA=module-${VERSIONS.jaegerModule}`,
      "-o",
      tmp,
      "github.com/jaegertracing/jaeger/cmd/jaeger",
    ],
    {
      cwd: FILES.jaegerModuleDir,
      env,
      logFile: path.join(BUILD_DIR, "logs", "build-jaeger.log"),
      label: "building jaeger",
      log,
    },
  );
  fs.renameSync(tmp, BINARIES.jaeger);
  fs.writeFileSync(stampFile(BINARIES.jaeger), `${hash}\n`);
  log(`jaeger built in ${seconds.toFixed(0)} s → ${path.relative(REPO_ROOT, BINARIES.jaeger)}`);
  return { name: "jaeger", skipped: false, seconds, binary: BINARIES.jaeger };
}

export function findRsyslogd() {
  return which("rsyslogd", ["/usr/sbin", "/sbin", "/usr/local/sbin"]);
}

async function ensureRsyslog({ log }) {
  const found = findRsyslogd();
  if (found) {
    log(`rsyslog: ${found}`);
    return { name: "rsyslog", skipped: true, seconds: 0, binary: found };
  }
  const isRoot = typeof process.getuid === "function" && process.getuid() === 0;
  const aptGet = which("apt-get");
  if (!isRoot || !aptGet) {
    throw new StackError(
      "rsyslogd was not found. The local SIEM stand-in is rsyslog from the distribution:\n" +
        "  Debian/Ubuntu: sudo apt-get install -y rsyslog\n" +
        "  Fedora/RHEL:   sudo dnf install -y rsyslog\n" +
        "then run `pnpm stack:build` again (only the binary is used; no system service is needed).",
    );
  }
  log("installing rsyslog (apt-get install -y rsyslog)…");
  const env = { ...process.env, DEBIAN_FRONTEND: "noninteractive" };
  const logFile = path.join(BUILD_DIR, "logs", "install-rsyslog.log");
  let seconds;
  try {
    seconds = await runLogged(aptGet, ["install", "-y", "--no-install-recommends", "rsyslog"], {
      cwd: REPO_ROOT, env, logFile, label: "apt-get install rsyslog", log, nice: false,
    });
  } catch {
    // Package lists may be missing on a fresh machine.
    await runLogged(aptGet, ["update"], { cwd: REPO_ROOT, env, logFile: `${logFile}.update`, label: "apt-get update", log, nice: false });
    seconds = await runLogged(aptGet, ["install", "-y", "--no-install-recommends", "rsyslog"], {
      cwd: REPO_ROOT, env, logFile, label: "apt-get install rsyslog", log, nice: false,
    });
  }
  const installed = findRsyslogd();
  if (!installed) throw new StackError(`apt-get reported success but rsyslogd is still missing; see ${logFile}`);
  log(`rsyslog installed in ${seconds.toFixed(0)} s → ${installed}`);
  return { name: "rsyslog", skipped: false, seconds, binary: installed };
}

/**
 * Builds the collector and Jaeger into .cache/stack/ (skipped when the binary exists and its inputs
 * are unchanged) and installs rsyslog when missing.
 * opts: { components?: string[], force?: boolean, jobs?: number, log?: (line) => void }
 */
export async function build(opts = {}) {
  const log = opts.log ?? defaultLog;
  const wanted = normalizeComponents(opts.components);
  const results = [];
  mkdirs(BUILD_DIR);
  if (wanted.includes("collector") || wanted.includes("jaeger")) {
    const go = goVersion(log);
    const env = goEnv(opts);
    log(`using ${go} (GOFLAGS=${env.GOFLAGS}, nice 19)`);
    if (wanted.includes("collector")) results.push(await buildCollector({ env, go, force: opts.force, log }));
    if (wanted.includes("jaeger")) results.push(await buildJaeger({ env, go, force: opts.force, log }));
  }
  if (wanted.includes("rsyslog")) results.push(await ensureRsyslog({ log }));
  return results;
}

// ---------------------------------------------------------------------------------------------
// Processes

function normalizeComponents(list) {
  if (!list || list.length === 0) return [...COMPONENTS];
  for (const name of list) {
    if (!COMPONENTS.includes(name)) {
      throw new StackError(`unknown component "${name}" (expected one of: ${COMPONENTS.join(", ")})`);
    }
  }
  return COMPONENTS.filter((c) => list.includes(c));
}

function componentSpec(name, p, opts) {
  const e = endpoints();
  switch (name) {
    case "rsyslog":
      return {
        name,
        exe: findRsyslogd(),
        exeHint: "rsyslogd",
        ports: [PORTS.syslog],
        args: ["-n", "-f", p.rsyslogConfig, "-i", p.rsyslogOwnPidFile],
        env: {},
        prepare() {
          mkdirs(path.join(p.rsyslogDir, "work"), p.siemDir);
          const text = fs
            .readFileSync(FILES.rsyslogConfigTemplate, "utf8")
            .replaceAll("@STACK_DIR@", p.stackDir)
            .replaceAll("@SYSLOG_ADDRESS@", HOST)
            .replaceAll("@SYSLOG_PORT@", String(PORTS.syslog));
          fs.writeFileSync(p.rsyslogConfig, text);
          fs.rmSync(p.rsyslogOwnPidFile, { force: true });
          const check = spawnSync(this.exe, ["-N1", "-f", p.rsyslogConfig], { encoding: "utf8" });
          if (check.status !== 0) {
            throw new StackError(`rsyslog rejects ${p.rsyslogConfig}:\n${check.stdout}${check.stderr}`);
          }
        },
        health: () => tcpOpen(HOST, PORTS.syslog),
        describe: `syslog ${e.syslog} (RFC 5424) → ${p.siemFile}`,
        missing: "rsyslogd not found: run `pnpm stack:build` (installs it with apt-get as root) or `apt-get install rsyslog`",
      };
    case "jaeger":
      return {
        name,
        exe: BINARIES.jaeger,
        exeHint: "jaeger",
        ports: [PORTS.jaegerOtlpHttp, PORTS.jaegerQueryHttp, PORTS.jaegerQueryGrpc],
        args: [`--config=file:${opts.jaegerConfig ?? FILES.jaegerConfig}`],
        env: {
          JAEGER_LISTEN_HOST: HOST,
          // Jaeger 2.0.0-rc2's query extension always sets up an OTLP/gRPC self-tracing exporter
          // (to localhost:4317) and ignores enable_tracing; with no sampled spans it sends nothing,
          // dials nothing and shuts down promptly.
          OTEL_TRACES_SAMPLER: "always_off",
        },
        prepare() {},
        health: () => httpOk(e.jaegerServices),
        describe: `query ${e.jaegerQuery} (API: /api/services, /api/traces/<trace id>), OTLP/HTTP in ${e.jaegerOtlpHttp}`,
        missing: `${BINARIES.jaeger} not found: run \`pnpm stack:build\``,
      };
    case "collector":
      return {
        name,
        exe: BINARIES.collector,
        exeHint: "otelcol-langchain",
        ports: [PORTS.otlpHttp, PORTS.collectorHealth, PORTS.collectorMetrics],
        args: [`--config=file:${opts.collectorConfig ?? FILES.collectorConfig}`],
        env: {
          STACK_DIR: p.stackDir,
          OTELCOL_OTLP_HTTP_ENDPOINT: `${HOST}:${PORTS.otlpHttp}`,
          OTELCOL_HEALTH_ENDPOINT: `${HOST}:${PORTS.collectorHealth}`,
          OTELCOL_METRICS_HOST: HOST,
          OTELCOL_METRICS_PORT: String(PORTS.collectorMetrics),
          JAEGER_OTLP_ENDPOINT: `http://${HOST}:${PORTS.jaegerOtlpHttp}`,
          SIEM_SYSLOG_HOST: HOST,
          SIEM_SYSLOG_PORT: String(PORTS.syslog),
        },
        prepare() {
          mkdirs(p.auditDir, path.join(p.storageDir, "otelcol"));
        },
        health: () => httpOk(e.collectorHealth),
        describe: `OTLP/HTTP ${e.otlpHttp} (/v1/traces, /v1/logs), health ${e.collectorHealth}, metrics ${e.collectorMetrics}`,
        missing: `${BINARIES.collector} not found: run \`pnpm stack:build\``,
      };
    default:
      throw new StackError(`unknown component "${name}"`);
  }
}

function readPid(file) {
  try {
    const pid = Number.parseInt(fs.readFileSync(file, "utf8").trim(), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : null;
  } catch {
    return null;
  }
}

/** True when `pid` is a live (non-zombie) process, and, where /proc shows it, runs `exeHint`. */
function isAlive(pid, exeHint) {
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

function tcpOpen(host, port, timeoutMs = 1000) {
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

function httpOk(url, timeoutMs = 2000) {
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

async function assertPortsFree(spec) {
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

async function waitFor(check, { timeoutMs, intervalMs = 250, alive }) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (alive && !alive()) return false;
    if (Date.now() >= deadline) return false;
    await sleep(intervalMs);
  }
}

async function startComponent(spec, p, { timeoutMs, log }) {
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

async function stopPid(pid, exeHint, { graceMs = 15_000, signal = "SIGTERM" } = {}) {
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

function cleanState(p) {
  for (const dir of [p.auditDir, p.siemDir, p.storageDir]) fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * Starts the stack (or the named components) as detached processes and waits until each is healthy.
 * opts: { stackDir?, components?: string[], timeoutMs? (60000), clean?: boolean (wipe audit/siem/storage
 *         first; refused while a component runs), collectorConfig?, jaegerConfig?, log? }
 */
export async function up(opts = {}) {
  const log = opts.log ?? defaultLog;
  const p = paths(opts);
  const wanted = normalizeComponents(opts.components);
  const timeoutMs = opts.timeoutMs ?? 60_000;
  if (opts.clean) {
    const running = (await status({ ...opts, components: undefined, log: () => {} })).filter((c) => c.running);
    if (running.length) {
      throw new StackError(`--clean refused: ${running.map((c) => c.name).join(", ")} still running (stack:down first)`);
    }
    cleanState(p);
  }
  mkdirs(p.auditDir, p.siemDir, p.storageDir, p.logsDir, p.pidsDir);
  // Fail before starting anything when a port of a component that is not running yet is taken.
  for (const name of wanted) {
    const spec = componentSpec(name, p, opts);
    if (!isAlive(readPid(p.pidFile(name)), spec.exeHint)) await assertPortsFree(spec);
  }
  const started = {};
  for (const name of wanted) {
    const spec = componentSpec(name, p, opts);
    started[name] = await startComponent(spec, p, { timeoutMs, log });
  }
  log(`stack up (state ${p.stackDir})`);
  for (const name of wanted) {
    const spec = componentSpec(name, p, opts);
    log(`  ${name.padEnd(9)} pid ${String(started[name].pid).padEnd(7)} ${spec.describe}`);
  }
  log(`  audit     ${p.tracesFile}`);
  log(`            ${p.logsFile}`);
  log(`  SIEM      ${p.siemFile}`);
  log(`  logs      ${path.join(p.logsDir, "<component>.log")}`);
  return { stackDir: p.stackDir, paths: p, endpoints: endpoints(), components: started };
}

/**
 * Stops the stack (or the named components): SIGTERM, bounded wait (opts.graceMs, 15 s), SIGKILL.
 */
export async function down(opts = {}) {
  const log = opts.log ?? defaultLog;
  const p = paths(opts);
  const wanted = normalizeComponents(opts.components).reverse();
  const result = {};
  for (const name of wanted) {
    const spec = componentSpec(name, p, opts);
    const pidFile = p.pidFile(name);
    const pid = readPid(pidFile);
    const outcome = pid ? await stopPid(pid, spec.exeHint, { graceMs: opts.graceMs ?? 15_000 }) : "not running";
    fs.rmSync(pidFile, { force: true });
    if (name === "rsyslog") fs.rmSync(p.rsyslogOwnPidFile, { force: true });
    result[name] = outcome;
    log(`${name}: ${outcome}${pid && outcome !== "not running" ? ` (pid ${pid})` : ""}`);
  }
  return result;
}

/** SIGKILL the named components (all when none named): for crash / restart tests. */
export async function kill(opts = {}) {
  const log = opts.log ?? defaultLog;
  const p = paths(opts);
  const wanted = normalizeComponents(opts.components).reverse();
  const result = {};
  for (const name of wanted) {
    const spec = componentSpec(name, p, opts);
    const pidFile = p.pidFile(name);
    const pid = readPid(pidFile);
    const outcome = pid ? await stopPid(pid, spec.exeHint, { signal: "SIGKILL" }) : "not running";
    fs.rmSync(pidFile, { force: true });
    result[name] = outcome;
    log(`${name}: ${outcome}${pid && outcome !== "not running" ? ` (pid ${pid}, SIGKILL)` : ""}`);
  }
  return result;
}

/** One entry per component: { name, running, pid, ports, healthy }. */
export async function status(opts = {}) {
  const log = opts.log ?? defaultLog;
  const p = paths(opts);
  const out = [];
  for (const name of normalizeComponents(opts.components)) {
    const spec = componentSpec(name, p, opts);
    const pid = readPid(p.pidFile(name));
    const running = isAlive(pid, spec.exeHint);
    const healthy = running ? await spec.health() : false;
    const entry = { name, running, pid: running ? pid : null, ports: [...spec.ports], healthy };
    out.push(entry);
    const ports = spec.ports.map((port) => `${HOST}:${port}`).join(",");
    log(
      `${name.padEnd(9)} ${running ? "running" : "stopped"}  pid ${String(entry.pid ?? "-").padEnd(7)} ${ports.padEnd(48)} ` +
        `${running ? (healthy ? "healthy" : "NOT healthy") : "-"}`,
    );
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// CLI

function parseArgs(argv) {
  const opts = { components: [] };
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (a.includes("=")) return a.slice(a.indexOf("=") + 1);
      if (i + 1 >= argv.length) throw new StackError(`${a} needs a value`);
      return argv[++i];
    };
    if (a === "--stack-dir" || a.startsWith("--stack-dir=")) opts.stackDir = value();
    else if (a === "--timeout" || a.startsWith("--timeout=")) opts.timeoutMs = Number(value()) * 1000;
    else if (a === "--jobs" || a.startsWith("--jobs=")) opts.jobs = Number(value());
    else if (a === "--clean") opts.clean = true;
    else if (a === "--force") opts.force = true;
    else if (a === "-h" || a === "--help") opts.help = true;
    else if (a.startsWith("-")) throw new StackError(`unknown option ${a}`);
    else rest.push(a);
  }
  const [command, ...components] = rest;
  opts.components = components;
  return { command, opts };
}

const USAGE = `usage: node collector-config/scripts/stack.mjs <command> [component ...] [options]

commands
  build  [collector|jaeger|rsyslog ...]   build into .cache/stack/ (skips up-to-date binaries; --force rebuilds)
  up     [collector|jaeger|rsyslog ...]   start and wait for health (--timeout <s>, default 60; --clean wipes state)
  down   [collector|jaeger|rsyslog ...]   SIGTERM, bounded wait, SIGKILL
  kill   [collector|jaeger|rsyslog ...]   SIGKILL (crash tests)
  status                                  one line per component
  paths                                   files, URLs and ports as JSON

options
  --stack-dir <dir>   state directory (default $LANGCHAIN_OTEL_STACK_DIR or <repo>/.stack)
  --jobs <n>          Go build parallelism (default 1; or $LANGCHAIN_OTEL_STACK_BUILD_JOBS)
`;

async function main(argv) {
  const { command, opts } = parseArgs(argv);
  if (opts.help || !command) {
    process.stdout.write(USAGE);
    return opts.help ? 0 : 2;
  }
  switch (command) {
    case "build": {
      const t0 = Date.now();
      await build(opts);
      defaultLog(`build done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
      return 0;
    }
    case "up":
      await up(opts);
      return 0;
    case "down":
      await down(opts);
      return 0;
    case "kill":
      await kill(opts);
      return 0;
    case "status":
      await status(opts);
      return 0;
    case "paths": {
      const p = paths(opts);
      const e = endpoints();
      const json = {
        ...Object.fromEntries(Object.entries(p).filter(([, v]) => typeof v === "string")),
        endpoints: { ...Object.fromEntries(Object.entries(e).filter(([, v]) => typeof v === "string")), jaegerTrace: e.jaegerTrace("<trace id>") },
        ports: PORTS,
        binaries: BINARIES,
        versions: VERSIONS,
      };
      process.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
      return 0;
    }
    default:
      process.stderr.write(`unknown command "${command}"\n\n${USAGE}`);
      return 2;
  }
}

const invokedDirectly = process.argv[1] && pathToFileURL(path.resolve(process.argv[1])).href === import.meta.url;
if (invokedDirectly) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
    },
    (err) => {
      process.stderr.write(`stack: ${err instanceof StackError ? err.message : err.stack}\n`);
      process.exitCode = 1;
    },
  );
}

