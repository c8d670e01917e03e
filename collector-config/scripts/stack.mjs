#!/usr/bin/env node
// SPDX-License-Identifier: Apache-2.0
// Build and run the langchain-otel local stack: OpenTelemetry Collector (custom build), Jaeger v2
// (built from Go modules) and rsyslog (Debian package) as a stand-in SIEM; in the scale profile, two agent
// collectors, Apache Kafka (KRaft, from Maven Central) and two gateway collectors in place of the one collector.
// Real processes, loopback only. Plain Node ESM, no dependencies.
//
//   node collector-config/scripts/stack.mjs build [component ...] [--profile scale]
//   node collector-config/scripts/stack.mjs up    [component ...] [--profile scale] [--clean] [--timeout <s>]
//   node collector-config/scripts/stack.mjs down  [component ...]
//   node collector-config/scripts/stack.mjs kill  [component ...]   (SIGKILL; all if none named)
//   node collector-config/scripts/stack.mjs status
//   node collector-config/scripts/stack.mjs paths                   (JSON: files, URLs, ports)
//   common options: --stack-dir <dir>   (default $LANGCHAIN_OTEL_STACK_DIR or <repo>/.stack)
//                   --profile default|scale (down / kill / status: the profile the state directory runs)
//
// Tests import this file and call the exported functions (build, up, down, kill, status, paths,
// endpoints); they throw StackError with a readable message instead of exiting.
//
// This file holds the lifecycle operations and the CLI; the pieces live beside it: layout.mjs (paths,
// ports, versions), build.mjs (Go builds, rsyslog install), components.mjs (what each component runs),
// processes.mjs (pid files, ports, start / stop / health waits), util.mjs (StackError, small helpers).

import fs from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { ensureOtlpToken } from "./auth.mjs";
import { build } from "./build.mjs";
import { componentSpec } from "./components.mjs";
import {
  BINARIES,
  HOST,
  PORTS,
  PROFILES,
  SCALE_COLLECTORS,
  VERSIONS,
  endpoints,
  normalizeComponents,
  paths,
  profileOf,
  recordedProfile,
} from "./layout.mjs";
import { assertPortsFree, isAlive, readPid, startComponent, stopPid } from "./processes.mjs";
import { StackError, defaultLog, mkdirs } from "./util.mjs";

export { otlpAuthHeaders, otlpHeadersEnv, otlpToken } from "./auth.mjs";
export { build, findRsyslogd } from "./build.mjs";
export {
  BINARIES,
  BUILD_DIR,
  COMPONENTS,
  CONFIG_DIR,
  FILES,
  HOST,
  PORTS,
  PROFILES,
  REPO_ROOT,
  SCALE_COLLECTORS,
  VERSIONS,
  endpoints,
  paths,
  stackDir,
} from "./layout.mjs";
export { StackError } from "./util.mjs";

function cleanState(p) {
  for (const dir of [p.auditDir, p.siemDir, p.storageDir, p.kafkaDir]) fs.rmSync(dir, { recursive: true, force: true });
}

/** The components of the profile recorded in the state directory that are running now. */
function runningComponents(p) {
  const profile = recordedProfile(p);
  if (!profile || !Object.hasOwn(PROFILES, profile)) return { profile, running: [] };
  const running = PROFILES[profile].filter((name) => isAlive(readPid(p.pidFile(name))));
  return { profile, running };
}

/**
 * Starts the stack (or the named components) as detached processes and waits until each is healthy.
 * opts: { stackDir?, profile?: "default" | "scale" (default: the profile already running in the state directory,
 *         else "default"), components?: string[], timeoutMs? (60000), clean?: boolean (wipe audit/siem/storage/kafka
 *         first; refused while a component runs), collectorConfig?, jaegerConfig?, agentConfig?, log? }
 */
export async function up(opts = {}) {
  const log = opts.log ?? defaultLog;
  const p = paths(opts);
  const current = runningComponents(p);
  const profile = opts.profile ?? (current.running.length ? current.profile : undefined) ?? "default";
  profileOf({ ...opts, profile }); // validates the name
  if (current.running.length && current.profile !== profile) {
    throw new StackError(
      `profile ${current.profile} is running in ${p.stackDir} (${current.running.join(", ")}): ` +
        `stop it first (pnpm stack:down${opts.stackDir ? ` --stack-dir ${opts.stackDir}` : ""}), then start profile ${profile}`,
    );
  }
  const wanted = normalizeComponents(opts.components, profile);
  const timeoutMs = opts.timeoutMs ?? 60_000;
  if (opts.clean) {
    if (current.running.length) {
      throw new StackError(`--clean refused: ${current.running.join(", ")} still running (stack:down first)`);
    }
    cleanState(p);
  }
  mkdirs(p.auditDir, p.siemDir, p.storageDir, p.logsDir, p.pidsDir);
  fs.writeFileSync(p.profileFile, `${profile}\n`);
  // The OTLP token exists from the first `up` on, whichever components it starts: apps may be configured with it
  // while the collector is still down.
  ensureOtlpToken(p);
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
  log(`stack up, profile ${profile} (state ${p.stackDir})`);
  for (const name of wanted) {
    const spec = componentSpec(name, p, opts);
    log(`  ${name.padEnd(9)} pid ${String(started[name].pid).padEnd(7)} ${spec.describe}`);
  }
  if (wanted.includes("collector") || wanted.some((c) => c.startsWith("agent-"))) {
    log(`  OTLP auth ${p.otlpTokenFile} (send "Authorization: Bearer <its content>")`);
  }
  if (profile === "scale") {
    log(`  apps      OTLP/HTTP ${endpoints().agentOtlpHttp.join(", ")} (the agents)`);
    log(`  audit     ${path.join(p.auditDir, "{traces,logs}-<gateway>.jsonl")}  (langchain-otel-audit verify ${p.auditDir})`);
    log(`  metrics   ${path.join(p.auditDir, "metrics-<gateway>.jsonl")}`);
  } else {
    log(`  audit     ${p.tracesFile}`);
    log(`            ${p.logsFile}`);
    log(`  metrics   ${p.metricsFile}`);
  }
  log(`  SIEM      ${p.siemFile}`);
  log(`  logs      ${path.join(p.logsDir, "<component>.log")}`);
  return { stackDir: p.stackDir, profile, paths: p, endpoints: endpoints(), components: started };
}

/** Stops the named components (all when none named), last started first, with `stopOptions`; logs each outcome. */
async function stopComponents(opts, stopOptions, note) {
  const log = opts.log ?? defaultLog;
  const p = paths(opts);
  const result = {};
  for (const name of normalizeComponents(opts.components, profileOf(opts)).reverse()) {
    const spec = componentSpec(name, p, opts);
    const pidFile = p.pidFile(name);
    const pid = readPid(pidFile);
    const outcome = pid ? await stopPid(pid, spec.exeHint, stopOptions) : "not running";
    fs.rmSync(pidFile, { force: true });
    if (name === "rsyslog") fs.rmSync(p.rsyslogOwnPidFile, { force: true });
    result[name] = outcome;
    log(`${name}: ${outcome}${pid && outcome !== "not running" ? ` (pid ${pid}${note})` : ""}`);
  }
  return result;
}

/**
 * Stops the stack (or the named components): SIGTERM, bounded wait (opts.graceMs, 15 s), SIGKILL.
 */
export async function down(opts = {}) {
  return stopComponents(opts, { graceMs: opts.graceMs ?? 15_000 }, "");
}

/** SIGKILL the named components (all when none named): for crash / restart tests. */
export async function kill(opts = {}) {
  return stopComponents(opts, { signal: "SIGKILL" }, ", SIGKILL");
}

/** One entry per component: { name, running, pid, ports, healthy }. */
export async function status(opts = {}) {
  const log = opts.log ?? defaultLog;
  const p = paths(opts);
  const out = [];
  for (const name of normalizeComponents(opts.components, profileOf(opts))) {
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
    else if (a === "--profile" || a.startsWith("--profile=")) opts.profile = value();
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
  build  [component ...]   build into .cache/stack/ (skips up-to-date binaries; --force rebuilds)
  up     [component ...]   start and wait for health (--timeout <s>, default 60; --clean wipes state)
  down   [component ...]   SIGTERM, bounded wait, SIGKILL
  kill   [component ...]   SIGKILL (crash tests)
  status                   one line per component
  paths                    files, URLs and ports as JSON

components (none named = all of the profile)
  default profile   ${PROFILES.default.join(", ")}
  scale profile     ${PROFILES.scale.join(", ")}

options
  --profile <name>    default (one collector) or scale (agents → Kafka → gateways); down, kill and status
                      default to the profile the state directory was started with
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
        endpoints: {
          ...Object.fromEntries(Object.entries(e).filter(([, v]) => typeof v !== "function")),
          jaegerTrace: e.jaegerTrace("<trace id>"),
        },
        profile: profileOf(opts),
        ports: PORTS,
        scaleCollectors: SCALE_COLLECTORS,
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

