// SPDX-License-Identifier: Apache-2.0
// Where the local stack lives: repository and build paths, pinned versions, ports, the state directory
// layout and the URLs of the running components. No side effects; every other module reads these.

import path from "node:path";
import { fileURLToPath } from "node:url";
import { StackError } from "./util.mjs";

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


export const FILES = Object.freeze({
  builderConfig: path.join(CONFIG_DIR, "builder-config.yaml"),
  collectorConfig: path.join(CONFIG_DIR, "otelcol.yaml"),
  /** Merged over the collector's config when it serves OTLP/HTTP over TLS (`up({ collectorTls })`). */
  collectorTlsConfig: path.join(CONFIG_DIR, "otelcol-tls.yaml"),
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
  };
}

/** The named components in start order (all of them when none are named); throws on an unknown name. */
export function normalizeComponents(list) {
  if (!list || list.length === 0) return [...COMPONENTS];
  for (const name of list) {
    if (!COMPONENTS.includes(name)) {
      throw new StackError(`unknown component "${name}" (expected one of: ${COMPONENTS.join(", ")})`);
    }
  }
  return COMPONENTS.filter((c) => list.includes(c));
}
