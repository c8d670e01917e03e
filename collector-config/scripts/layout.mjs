// SPDX-License-Identifier: Apache-2.0
// Where the local stack lives: repository and build paths, pinned versions, ports, the state directory
// layout and the URLs of the running components. No side effects; every other module reads these.

import fs from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { StackError } from "./util.mjs";

const SCRIPT_DIR = path.dirname(fileURLToPath(import.meta.url));
export const CONFIG_DIR = path.resolve(SCRIPT_DIR, "..");
export const REPO_ROOT = path.resolve(CONFIG_DIR, "..");
export const BUILD_DIR = path.join(REPO_ROOT, ".cache", "stack");

export const VERSIONS = Object.freeze({
  /** Collector core / contrib release the custom build is pinned to. */
  collector: "0.165.0",
  builderModule: "go.opentelemetry.io/collector/cmd/builder",
  builder: "v0.165.0",
  /** Go module version of github.com/jaegertracing/jaeger (see jaeger-build/go.mod). */
  jaegerModule: "v1.75.0",
  /** Jaeger v2 release that module version corresponds to. */
  jaeger: "2.12.0",
  /** org.apache.kafka:kafka_2.13 from Maven Central (scale/pom.xml), run in KRaft mode on Java 17. */
  kafka: "4.4.0",
});


export const FILES = Object.freeze({
  builderConfig: path.join(CONFIG_DIR, "builder-config.yaml"),
  collectorConfig: path.join(CONFIG_DIR, "otelcol.yaml"),
  /** Merged over the collector's config when it serves OTLP/HTTP over TLS (`up({ collectorTls })`). */
  collectorTlsConfig: path.join(CONFIG_DIR, "otelcol-tls.yaml"),
  jaegerConfig: path.join(CONFIG_DIR, "jaeger.yaml"),
  rsyslogConfigTemplate: path.join(CONFIG_DIR, "rsyslog.conf"),
  jaegerModuleDir: path.join(CONFIG_DIR, "jaeger-build"),
  agentConfig: path.join(CONFIG_DIR, "scale", "agent.yaml"),
  gatewayOverlay: path.join(CONFIG_DIR, "scale", "gateway.yaml"),
  kafkaPom: path.join(CONFIG_DIR, "scale", "pom.xml"),
  kafkaConfigTemplate: path.join(CONFIG_DIR, "scale", "kafka.properties"),
  kafkaLog4j: path.join(CONFIG_DIR, "scale", "kafka-log4j2.properties"),
});

export const BINARIES = Object.freeze({
  collector: path.join(BUILD_DIR, "otelcol-langchain"),
  jaeger: path.join(BUILD_DIR, "jaeger"),
  builder: path.join(BUILD_DIR, "gobin", "builder"),
  /** The jars of Kafka and its dependencies (a directory: `java -cp '<dir>/*'`). */
  kafkaLibs: path.join(BUILD_DIR, "kafka", "libs"),
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
  kafka: 9092,
  kafkaController: 9093,
});

/**
 * The scale profile's collectors. The agents take the single collector's place for the apps (agent-1 on its very
 * ports); the gateways listen only for health and their own metrics.
 */
export const SCALE_COLLECTORS = Object.freeze({
  "agent-1": Object.freeze({ role: "agent", otlpHttp: 4318, health: 13133, metrics: 18888 }),
  "agent-2": Object.freeze({ role: "agent", otlpHttp: 4319, health: 13134, metrics: 18889 }),
  "gateway-1": Object.freeze({ role: "gateway", health: 13135, metrics: 18890 }),
  "gateway-2": Object.freeze({ role: "gateway", health: 13136, metrics: 18891 }),
});

/**
 * The components of each profile in start order; `down` stops in reverse, so whatever holds data can hand it
 * over (agents to Kafka, gateways to Jaeger and the SIEM) before what it hands over to stops.
 */
export const PROFILES = Object.freeze({
  default: Object.freeze(["rsyslog", "jaeger", "collector"]),
  scale: Object.freeze(["rsyslog", "jaeger", "kafka", "gateway-1", "gateway-2", "agent-1", "agent-2"]),
});

/** The default profile's components (kept for callers that predate profiles). */
export const COMPONENTS = PROFILES.default;

/** The profile named by `opts.profile`, else the one the state directory was started with, else `default`. */
export function profileOf(opts = {}) {
  const name = opts.profile ?? recordedProfile(paths(opts)) ?? "default";
  if (!Object.hasOwn(PROFILES, name)) {
    throw new StackError(`unknown profile "${name}" (expected one of: ${Object.keys(PROFILES).join(", ")})`);
  }
  return name;
}

/** The profile `up` recorded in the state directory, or undefined. */
export function recordedProfile(p) {
  try {
    return fs.readFileSync(p.profileFile, "utf8").trim() || undefined;
  } catch {
    return undefined;
  }
}

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
    /** The apps' metrics (the collector's metrics/in pipeline); not part of the audit trail. */
    metricsFile: path.join(audit, "metrics.jsonl"),
    siemDir: siem,
    siemFile: path.join(siem, "received.log"),
    storageDir: path.join(dir, "storage"),
    authDir: path.join(dir, "auth"),
    otlpTokenFile: path.join(dir, "auth", "otlp-token"),
    logsDir: path.join(dir, "logs"),
    pidsDir: path.join(dir, "pids"),
    rsyslogDir: path.join(dir, "rsyslog"),
    rsyslogConfig: path.join(dir, "rsyslog", "rsyslog.conf"),
    rsyslogOwnPidFile: path.join(dir, "rsyslog", "rsyslogd.pid"),
    kafkaDir: path.join(dir, "kafka"),
    kafkaDataDir: path.join(dir, "kafka", "data"),
    kafkaConfig: path.join(dir, "kafka", "server.properties"),
    /** The profile the state directory was last started with (`up` writes it; `down` / `status` read it). */
    profileFile: path.join(dir, "profile"),
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
    otlpMetrics: `${base(PORTS.otlpHttp)}/v1/metrics`,
    collectorHealth: `${base(PORTS.collectorHealth)}/`,
    collectorMetrics: `${base(PORTS.collectorMetrics)}/metrics`,
    jaegerOtlpHttp: base(PORTS.jaegerOtlpHttp),
    jaegerQuery: base(PORTS.jaegerQueryHttp),
    jaegerServices: `${base(PORTS.jaegerQueryHttp)}/api/services`,
    jaegerTrace: (traceId) => `${base(PORTS.jaegerQueryHttp)}/api/traces/${traceId}`,
    syslog: `tcp://${HOST}:${PORTS.syslog}`,
    /** The scale profile's agents: the apps' OTLP/HTTP endpoints. */
    agentOtlpHttp: Object.entries(SCALE_COLLECTORS)
      .filter(([, c]) => c.role === "agent")
      .map(([, c]) => base(c.otlpHttp)),
    collectorHealthOf: (name) => `${base(SCALE_COLLECTORS[name]?.health ?? PORTS.collectorHealth)}/`,
    collectorMetricsOf: (name) => `${base(SCALE_COLLECTORS[name]?.metrics ?? PORTS.collectorMetrics)}/metrics`,
    kafka: `${HOST}:${PORTS.kafka}`,
  };
}

/** The named components of `profile` in start order (all of them when none are named); throws on an unknown name. */
export function normalizeComponents(list, profile = "default") {
  const all = PROFILES[profile];
  if (!list || list.length === 0) return [...all];
  for (const name of list) {
    if (!all.includes(name)) {
      throw new StackError(`unknown component "${name}" in profile ${profile} (expected one of: ${all.join(", ")})`);
    }
  }
  return all.filter((c) => list.includes(c));
}
