// SPDX-License-Identifier: Apache-2.0
// Builds the local stack's binaries: the collector (collector builder) and Jaeger from Go modules into
// .cache/stack/, rsyslog from the distribution. Each binary carries a stamp of its inputs so an unchanged
// build is skipped; long steps print progress so a CI log shows they are alive.

import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { BINARIES, BUILD_DIR, FILES, REPO_ROOT, VERSIONS, normalizeComponents, profileOf } from "./layout.mjs";
import { StackError, defaultLog, findJava, mkdirs, sha256, tail, which } from "./util.mjs";

/** Go version the builds need: collector v0.165.0 modules declare `go 1.26.0`. */
const MIN_GO = [1, 26];

function goEnv(opts) {
  const jobs = String(opts.jobs ?? process.env.LANGCHAIN_OTEL_STACK_BUILD_JOBS ?? 1);
  // Keep the caller's GOFLAGS (e.g. -buildvcs=false), add a parallelism limit unless one is set.
  const flags = (process.env.GOFLAGS ?? "").split(/\s+/).filter(Boolean);
  if (!flags.some((f) => f.startsWith("-p="))) flags.push(`-p=${jobs}`);
  if (!flags.some((f) => f.startsWith("-buildvcs"))) flags.push("-buildvcs=false");
  return { ...process.env, GOFLAGS: flags.join(" ") };
}

/** Seconds between progress lines of a long step: often enough that a CI log never looks stalled. */
const PROGRESS_INTERVAL_MS = 20_000;

/** The last non-empty line of a (growing) log file, shortened for a progress line; "" when there is none. */
function lastLogLine(file, maxChars = 120) {
  let fd;
  try {
    fd = fs.openSync(file, "r");
    const size = fs.fstatSync(fd).size;
    const length = Math.min(size, 4096);
    const buffer = Buffer.alloc(length);
    fs.readSync(fd, buffer, 0, length, size - length);
    const line = buffer.toString("utf8").split("\n").map((l) => l.trim()).filter(Boolean).pop() ?? "";
    return line.length > maxChars ? `${line.slice(0, maxChars - 1)}…` : line;
  } catch {
    return "";
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Runs a long command with output to a log file, printing elapsed-time progress lines (with the log's last line). */
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
      const last = lastLogLine(logFile);
      log(`  … ${label}: ${Math.round((Date.now() - started) / 1000)} s${last ? ` (log: ${last})` : ""}`);
    }, PROGRESS_INTERVAL_MS);
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
  log(`building collector (first build takes several minutes; log ${path.relative(REPO_ROOT, path.join(BUILD_DIR, "logs", "build-collector.log"))})…`);
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
  log(`building jaeger (first build takes several minutes; log ${path.relative(REPO_ROOT, path.join(BUILD_DIR, "logs", "build-jaeger.log"))})…`);
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

/** Java major version the Kafka 4.x broker needs. */
const MIN_JAVA = 17;

/** `java -version`'s first line and its major version; throws a StackError saying what to install when Java is missing or too old. */
function javaVersion() {
  const java = findJava();
  const res = java ? spawnSync(java, ["-version"], { encoding: "utf8" }) : undefined;
  const line = res && res.status === 0 ? (res.stderr || res.stdout).split("\n")[0].trim() : "";
  const m = /version "(\d+)(?:\.(\d+))?/.exec(line);
  const major = m ? (Number(m[1]) === 1 ? Number(m[2]) : Number(m[1])) : Number.NaN;
  if (!java || !(major >= MIN_JAVA)) {
    throw new StackError(
      `${java ? `${line || "java does not run"}: ` : "java was not found (JAVA_HOME or PATH): "}the scale profile's Kafka broker needs Java ${MIN_JAVA} or newer.\n` +
        "  Debian/Ubuntu: apt-get install -y openjdk-17-jre-headless   (or set JAVA_HOME to a JDK 17+)\n" +
        "then run `pnpm stack:build --profile scale` again.",
    );
  }
  return line;
}

/**
 * Kafka's jars from Maven Central into .cache/stack/kafka/libs (`mvn dependency:copy-dependencies` on
 * scale/pom.xml; Maven keeps its own cache in ~/.m2). Skipped when the pom and the Java version are unchanged.
 */
async function fetchKafka({ force, log }) {
  const java = javaVersion();
  const mvn = which("mvn");
  if (!mvn) {
    throw new StackError(
      "mvn (Apache Maven) was not found on PATH: the scale profile fetches Kafka from Maven Central with it.\n" +
        "  Debian/Ubuntu: apt-get install -y maven\nthen run `pnpm stack:build --profile scale` again.",
    );
  }
  const hash = sha256("kafka", fs.readFileSync(FILES.kafkaPom), java);
  const stamp = `${BINARIES.kafkaLibs}.inputs-sha256`;
  let current = "";
  try {
    current = fs.readFileSync(stamp, "utf8").trim();
  } catch {
    // never fetched
  }
  if (!force && current === hash && fs.existsSync(path.join(BINARIES.kafkaLibs, `kafka_2.13-${VERSIONS.kafka}.jar`))) {
    log(`kafka: up to date (${path.relative(REPO_ROOT, BINARIES.kafkaLibs)}, ${java})`);
    return { name: "kafka", skipped: true, seconds: 0, binary: BINARIES.kafkaLibs };
  }
  log(`fetching Kafka ${VERSIONS.kafka} from Maven Central (log ${path.relative(REPO_ROOT, path.join(BUILD_DIR, "logs", "fetch-kafka.log"))})…`);
  const tmp = `${BINARIES.kafkaLibs}.fetch-${process.pid}`;
  fs.rmSync(tmp, { recursive: true, force: true });
  const seconds = await runLogged(
    mvn,
    ["-B", "-ntp", "-f", FILES.kafkaPom, "dependency:copy-dependencies", "-DincludeScope=runtime", `-DoutputDirectory=${tmp}`],
    { cwd: REPO_ROOT, env: process.env, logFile: path.join(BUILD_DIR, "logs", "fetch-kafka.log"), label: "fetching Kafka", log },
  );
  fs.rmSync(BINARIES.kafkaLibs, { recursive: true, force: true });
  fs.renameSync(tmp, BINARIES.kafkaLibs);
  fs.writeFileSync(stamp, `${hash}\n`);
  const jars = fs.readdirSync(BINARIES.kafkaLibs).filter((f) => f.endsWith(".jar")).length;
  log(`kafka fetched in ${seconds.toFixed(0)} s → ${path.relative(REPO_ROOT, BINARIES.kafkaLibs)} (${jars} jars; runs on ${java})`);
  return { name: "kafka", skipped: false, seconds, binary: BINARIES.kafkaLibs };
}

export function findRsyslogd() {
  return which("rsyslogd", ["/usr/sbin", "/sbin", "/usr/local/sbin"]);
}

/** True when apt has downloaded package lists (after any `apt-get update`); false on a fresh image. */
function hasAptPackageLists() {
  try {
    return fs.readdirSync("/var/lib/apt/lists").some((name) => name.endsWith("_Packages") || name.includes("_Packages."));
  } catch {
    return false;
  }
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
  const install = () =>
    runLogged(aptGet, ["install", "-y", "--no-install-recommends", "rsyslog"], {
      cwd: REPO_ROOT, env, logFile, label: "apt-get install rsyslog", log, nice: false,
    });
  const update = () =>
    runLogged(aptGet, ["update"], { cwd: REPO_ROOT, env, logFile: `${logFile}.update`, label: "apt-get update", log, nice: false });
  let seconds;
  if (!hasAptPackageLists()) {
    // A fresh machine or container image: no package lists yet, so an install could only fail.
    log("no apt package lists yet: apt-get update first");
    seconds = (await update()) + (await install());
  } else {
    try {
      seconds = await install();
    } catch {
      // Stale package lists (packages moved on the mirror): refresh and try once more.
      log("apt-get install failed: apt-get update, then install again");
      seconds = (await update()) + (await install());
    }
  }
  const installed = findRsyslogd();
  if (!installed) throw new StackError(`apt-get reported success but rsyslogd is still missing; see ${logFile}`);
  log(`rsyslog installed in ${seconds.toFixed(0)} s → ${installed}`);
  return { name: "rsyslog", skipped: false, seconds, binary: installed };
}

/** What must be built for these components: agents and gateways run the collector binary. */
function buildTargets(components) {
  const targets = new Set(components.map((c) => (/^(agent|gateway)-\d+$/.test(c) ? "collector" : c)));
  return ["collector", "jaeger", "kafka", "rsyslog"].filter((t) => targets.has(t));
}

/**
 * Builds the collector and Jaeger into .cache/stack/ (skipped when the binary exists and its inputs
 * are unchanged), installs rsyslog when missing and, for the scale profile, fetches Kafka.
 * opts: { profile?: "default" | "scale", components?: string[], force?: boolean, jobs?: number, log?: (line) => void }
 */
export async function build(opts = {}) {
  const log = opts.log ?? defaultLog;
  const targets = buildTargets(normalizeComponents(opts.components, opts.profile ? profileOf(opts) : "default"));
  const results = [];
  mkdirs(BUILD_DIR);
  if (targets.includes("collector") || targets.includes("jaeger")) {
    const go = goVersion(log);
    const env = goEnv(opts);
    log(`using ${go} (GOFLAGS=${env.GOFLAGS}, nice 19)`);
    if (targets.includes("collector")) results.push(await buildCollector({ env, go, force: opts.force, log }));
    if (targets.includes("jaeger")) results.push(await buildJaeger({ env, go, force: opts.force, log }));
  }
  if (targets.includes("kafka")) results.push(await fetchKafka({ force: opts.force, log }));
  if (targets.includes("rsyslog")) results.push(await ensureRsyslog({ log }));
  return results;
}
