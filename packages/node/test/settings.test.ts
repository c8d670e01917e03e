// SPDX-License-Identifier: Apache-2.0
import path from "node:path";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { ConfigurationError, readAppName, resolveSettings, type Settings, type SettingsContext } from "../src/settings.js";
import type { LangChainOtelOptions } from "../src/types.js";

const CWD = "/srv/app";
const context: SettingsContext = { cwd: CWD, appName: undefined };

function enabled(options: LangChainOtelOptions, env: Record<string, string> = {}, ctx = context): Settings {
  const settings = resolveSettings(options, env, ctx);
  if (settings.disabled) throw new Error("expected enabled settings");
  return settings;
}

/** The settings a test compares: the instrumentation's resolved options as their plain values. */
function plain(settings: Settings) {
  const { tracing, ...rest } = settings;
  return { ...rest, tracing: { ...tracing, redactor: tracing.redactor === undefined ? undefined : "Redactor" } };
}

const BSP_DEFAULTS = { scheduledDelayMillis: 5000, exportTimeoutMillis: 30_000, maxQueueSize: 65_536, maxExportBatchSize: 512 };
const BLRP_DEFAULTS = { scheduledDelayMillis: 1000, exportTimeoutMillis: 30_000, maxQueueSize: 65_536, maxExportBatchSize: 512 };

describe("resolveSettings defaults", () => {
  it("writes the embedded audit files under ./audit with the documented defaults", () => {
    expect(plain(enabled({}))).toEqual({
      disabled: false,
      traces: { kind: "file", dir: path.resolve(CWD, "audit") },
      logs: { kind: "file", dir: path.resolve(CWD, "audit") },
      spool: { dir: path.resolve(CWD, ".langchain-otel/spool"), maxBytes: 2 ** 30 },
      journal: { mode: "off" },
      queueOverflow: "spill",
      fileModes: { file: 0o600, dir: 0o700 },
      serviceInstanceId: undefined,
      serviceName: undefined,
      defaultServiceName: "langchain-app",
      tracingConfig: { contentPolicy: "redacted", maxPayloadBytes: 8192, runTtlMillis: 600_000, emitSpans: true, emitAuditRecords: true },
      tracing: {
        contentPolicy: "redacted",
        maxPayloadBytes: 8192,
        runTtlMillis: 600_000,
        emitSpans: true,
        emitAuditRecords: true,
        contextKeys: expect.any(Object),
        redactor: "Redactor",
        prices: expect.any(Object),
        // The key of keyed digests (a random per-process one: no LANGCHAIN_OTEL_REDACTION_KEY here).
        digestKey: expect.objectContaining({ type: "secret", symmetricKeySize: 32 }),
        spanStartHook: undefined,
        spanEndHook: undefined,
      },
      shutdownTimeoutMillis: 5000,
      spanBatch: BSP_DEFAULTS,
      logBatch: BLRP_DEFAULTS,
      metrics: { kind: "file", dir: path.resolve(CWD, "audit"), intervalMillis: 60_000 },
      warnings: [],
    });
  });

  it("names the service after the app's package.json", () => {
    expect(enabled({}, {}, { cwd: CWD, appName: "checkout-bot" }).defaultServiceName).toBe("checkout-bot");
  });
});

const FILE = { kind: "file", dir: "/srv/app/audit" };

describe("resolveSettings from the environment", () => {
  it.each<[string, Record<string, string>, Record<string, unknown>]>([
    ["LANGCHAIN_OTEL_CONTENT_POLICY", { LANGCHAIN_OTEL_CONTENT_POLICY: "full" }, { tracing: { contentPolicy: "full", redactor: undefined } }],
    ["LANGCHAIN_OTEL_CONTENT_POLICY, any case", { LANGCHAIN_OTEL_CONTENT_POLICY: " None " }, { tracing: { contentPolicy: "none" } }],
    ["LANGCHAIN_OTEL_MAX_PAYLOAD_BYTES", { LANGCHAIN_OTEL_MAX_PAYLOAD_BYTES: "1024" }, { tracing: { maxPayloadBytes: 1024 } }],
    ["LANGCHAIN_OTEL_RUN_TTL_MILLIS", { LANGCHAIN_OTEL_RUN_TTL_MILLIS: "30000" }, { tracing: { runTtlMillis: 30_000 } }],
    ["LANGCHAIN_OTEL_SHUTDOWN_TIMEOUT_MILLIS", { LANGCHAIN_OTEL_SHUTDOWN_TIMEOUT_MILLIS: "250" }, { shutdownTimeoutMillis: 250 }],
    ["LANGCHAIN_OTEL_AUDIT_DIR, relative", { LANGCHAIN_OTEL_AUDIT_DIR: "var/trail" }, { traces: { kind: "file", dir: "/srv/app/var/trail" } }],
    ["LANGCHAIN_OTEL_AUDIT_DIR, absolute", { LANGCHAIN_OTEL_AUDIT_DIR: "/data/trail" }, { logs: { kind: "file", dir: "/data/trail" } }],
    [
      "an empty variable counts as unset",
      { LANGCHAIN_OTEL_CONTENT_POLICY: "", LANGCHAIN_OTEL_AUDIT_DIR: " " },
      { tracing: { contentPolicy: "redacted" }, traces: FILE },
    ],
    ["LANGCHAIN_OTEL_SPANS", { LANGCHAIN_OTEL_SPANS: "false" }, { tracing: { emitSpans: false, emitAuditRecords: true } }],
    [
      "LANGCHAIN_OTEL_AUDIT_RECORDS",
      { LANGCHAIN_OTEL_AUDIT_RECORDS: " FALSE " },
      { tracing: { emitAuditRecords: false, emitSpans: true }, logs: { kind: "none" }, traces: FILE },
    ],
    [
      "OTEL_EXPORTER_OTLP_ENDPOINT: both signals over OTLP",
      { OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318" },
      {
        traces: { kind: "otlp", target: { url: "http://127.0.0.1:4318/v1/traces", headers: {}, timeoutMillis: 10_000 } },
        logs: { kind: "otlp", target: { url: "http://127.0.0.1:4318/v1/logs", headers: {}, timeoutMillis: 10_000 } },
        spool: { dir: "/srv/app/.langchain-otel/spool" },
        metrics: { kind: "otlp", target: { url: "http://127.0.0.1:4318/v1/metrics", headers: {}, timeoutMillis: 10_000 }, intervalMillis: 60_000 },
      },
    ],
    [
      "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: audit records still go to the audit directory",
      { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "https://collector.example/v1/traces" },
      { traces: { kind: "otlp", target: { url: "https://collector.example/v1/traces" } }, logs: FILE },
    ],
    [
      "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: spans still go to the audit directory",
      { OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: "https://collector.example/v1/logs" },
      {
        traces: FILE,
        logs: { kind: "otlp", target: { url: "https://collector.example/v1/logs", headers: {}, timeoutMillis: 10_000 } },
        metrics: { kind: "file" },
      },
    ],
    [
      "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT and OTEL_EXPORTER_OTLP_LOGS_ENDPOINT",
      { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://a:4318/v1/traces", OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: "http://b:4318/v1/logs" },
      { traces: { kind: "otlp", target: { url: "http://a:4318/v1/traces" } }, logs: { kind: "otlp", target: { url: "http://b:4318/v1/logs" } } },
    ],
    [
      "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT with audit records off: logs go nowhere",
      { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://a:4318/v1/traces", LANGCHAIN_OTEL_AUDIT_RECORDS: "false" },
      { traces: { kind: "otlp" }, logs: { kind: "none" } },
    ],
    [
      "OTEL_BSP_*",
      { OTEL_BSP_SCHEDULE_DELAY: "100", OTEL_BSP_EXPORT_TIMEOUT: "2000", OTEL_BSP_MAX_QUEUE_SIZE: "64", OTEL_BSP_MAX_EXPORT_BATCH_SIZE: "8" },
      { spanBatch: { scheduledDelayMillis: 100, exportTimeoutMillis: 2000, maxQueueSize: 64, maxExportBatchSize: 8 }, logBatch: BLRP_DEFAULTS },
    ],
    [
      "OTEL_BLRP_*",
      { OTEL_BLRP_SCHEDULE_DELAY: "50", OTEL_BLRP_EXPORT_TIMEOUT: "1000", OTEL_BLRP_MAX_QUEUE_SIZE: "32", OTEL_BLRP_MAX_EXPORT_BATCH_SIZE: "4" },
      { spanBatch: BSP_DEFAULTS, logBatch: { scheduledDelayMillis: 50, exportTimeoutMillis: 1000, maxQueueSize: 32, maxExportBatchSize: 4 } },
    ],
    [
      "a queue smaller than the default batch: the batch is cut to the queue",
      { OTEL_BSP_MAX_QUEUE_SIZE: "100" },
      { spanBatch: { ...BSP_DEFAULTS, maxQueueSize: 100, maxExportBatchSize: 100 } },
    ],
    ["OTEL_METRICS_EXPORTER hands metrics to the SDK's own readers", { OTEL_METRICS_EXPORTER: "console" }, { metrics: { kind: "env" } }],
    ["OTEL_METRIC_EXPORT_INTERVAL", { OTEL_METRIC_EXPORT_INTERVAL: "5000" }, { metrics: { kind: "file", intervalMillis: 5000 } }],
    [
      "OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: metrics over OTLP, spans still to the audit directory",
      { OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: "http://m:4318/v1/metrics" },
      { traces: FILE, metrics: { kind: "otlp", target: { url: "http://m:4318/v1/metrics" } } },
    ],
    ["OTEL_LOGS_EXPORTER is not read: the audit stream is the log pipeline", { OTEL_LOGS_EXPORTER: "none" }, { logs: FILE }],
  ])("%s", (_name, env, expected) => {
    expect(enabled({}, env)).toMatchObject(expected);
  });

  it.each([
    ["LANGCHAIN_OTEL_DISABLED", { LANGCHAIN_OTEL_DISABLED: "true" }],
    ["LANGCHAIN_OTEL_DISABLED, any case", { LANGCHAIN_OTEL_DISABLED: "TRUE" }],
    ["OTEL_SDK_DISABLED", { OTEL_SDK_DISABLED: "true" }],
  ])("%s=true disables everything, without checking the rest", (_name, env) => {
    expect(resolveSettings({}, { ...env, LANGCHAIN_OTEL_CONTENT_POLICY: "fulll" }, context)).toEqual({ disabled: true, warnings: [] });
  });

  it("LANGCHAIN_OTEL_DISABLED=false and OTEL_SDK_DISABLED=false leave it on", () => {
    expect(resolveSettings({}, { LANGCHAIN_OTEL_DISABLED: "false", OTEL_SDK_DISABLED: "false" }, context).disabled).toBe(false);
  });

  it.each<[string, Record<string, string>, string]>([
    ["a batch size of 0 (the SDK's processor loops on it)", { OTEL_BSP_MAX_EXPORT_BATCH_SIZE: "0" }, 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE="0" is not a positive integer'],
    ["a fractional batch size", { OTEL_BSP_MAX_EXPORT_BATCH_SIZE: "0.5" }, 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE="0.5" is not a positive integer'],
    ["a queue of 0 (it would hold nothing)", { OTEL_BSP_MAX_QUEUE_SIZE: "0" }, 'OTEL_BSP_MAX_QUEUE_SIZE="0" is not a positive integer'],
    ["a negative queue", { OTEL_BLRP_MAX_QUEUE_SIZE: "-1" }, 'OTEL_BLRP_MAX_QUEUE_SIZE="-1" is not a positive integer'],
    ["a delay that is not a number", { OTEL_BSP_SCHEDULE_DELAY: "soon" }, 'OTEL_BSP_SCHEDULE_DELAY="soon" is not a positive integer'],
    ["an export timeout of 0", { OTEL_BLRP_EXPORT_TIMEOUT: "0" }, 'OTEL_BLRP_EXPORT_TIMEOUT="0" is not a positive integer'],
    [
      "a batch larger than the queue, both set",
      { OTEL_BLRP_MAX_QUEUE_SIZE: "10", OTEL_BLRP_MAX_EXPORT_BATCH_SIZE: "20" },
      "OTEL_BLRP_MAX_EXPORT_BATCH_SIZE=20 is larger than OTEL_BLRP_MAX_QUEUE_SIZE=10; a batch cannot exceed the queue",
    ],
    ["an OTLP timeout of 0", { OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: "0" }, 'OTEL_EXPORTER_OTLP_TRACES_TIMEOUT="0" is not a positive integer'],
    ["an OTLP timeout that is not a number", { OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", OTEL_EXPORTER_OTLP_TIMEOUT: "soon" }, 'OTEL_EXPORTER_OTLP_TIMEOUT="soon" is not a positive integer'],
  ])("fails at startup on %s, naming the variable", (_name, env, message) => {
    expect(() => resolveSettings({}, env, context)).toThrow(new ConfigurationError(message));
  });

  it.each<[string, Record<string, string>, string[]]>([
    [
      "the generic variable, for both signals",
      { OTEL_EXPORTER_OTLP_ENDPOINT: "http://localhost:4317", OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" },
      ['OTEL_EXPORTER_OTLP_PROTOCOL="grpc" is not supported here; traces and audit records are sent as OTLP/HTTP JSON'],
    ],
    [
      "the generic variable, for the one signal sent over OTLP",
      { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://localhost:4317", OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" },
      ['OTEL_EXPORTER_OTLP_PROTOCOL="grpc" is not supported here; traces are sent as OTLP/HTTP JSON'],
    ],
    [
      "the logs variable",
      { OTEL_EXPORTER_OTLP_ENDPOINT: "http://localhost:4317", OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: "grpc" },
      ['OTEL_EXPORTER_OTLP_LOGS_PROTOCOL="grpc" is not supported here; audit records are sent as OTLP/HTTP JSON'],
    ],
    [
      "nothing for a signal written to the audit file",
      { OTEL_EXPORTER_OTLP_LOGS_PROTOCOL: "grpc", OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "grpc" },
      [],
    ],
  ])("warns that a gRPC protocol setting is not honoured: %s", (_name, env, warnings) => {
    expect(enabled({}, env).warnings).toEqual(warnings);
  });
});

describe("resolveSettings options", () => {
  it("an option wins over its variable", () => {
    const settings = enabled(
      {
        contentPolicy: "full",
        maxPayloadBytes: 10,
        runTtlMillis: 20,
        shutdownTimeoutMillis: 30,
        auditDir: "./mine",
        serviceName: "svc",
        emitSpans: false,
        emitAuditRecords: true,
      },
      {
        LANGCHAIN_OTEL_CONTENT_POLICY: "none",
        LANGCHAIN_OTEL_MAX_PAYLOAD_BYTES: "1",
        LANGCHAIN_OTEL_RUN_TTL_MILLIS: "2",
        LANGCHAIN_OTEL_SHUTDOWN_TIMEOUT_MILLIS: "3",
        LANGCHAIN_OTEL_AUDIT_DIR: "./theirs",
        LANGCHAIN_OTEL_SPANS: "true",
        LANGCHAIN_OTEL_AUDIT_RECORDS: "false",
      },
    );
    expect(settings).toMatchObject({
      tracing: { contentPolicy: "full", maxPayloadBytes: 10, runTtlMillis: 20, emitSpans: false, emitAuditRecords: true },
      shutdownTimeoutMillis: 30,
      traces: { kind: "file", dir: "/srv/app/mine" },
      logs: { kind: "file", dir: "/srv/app/mine" },
      serviceName: "svc",
    });
  });

  it("hands the instrumentation a config stating the resolved values, plus the redaction options as given", () => {
    const rules = [{ name: "order", pattern: /ORD-\d+/g }];
    expect(enabled({ redaction: { rules }, redactionReplacement: "marker" }, { LANGCHAIN_OTEL_SPANS: "false" }).tracingConfig).toEqual({
      contentPolicy: "redacted",
      maxPayloadBytes: 8192,
      runTtlMillis: 600_000,
      emitSpans: false,
      emitAuditRecords: true,
      redaction: { rules },
      redactionReplacement: "marker",
    });
  });

  it("otlpEndpoint is a base URL: spans go to <endpoint>/v1/traces, audit records to <endpoint>/v1/logs", () => {
    expect(enabled({ otlpEndpoint: "http://collector:4318/" })).toMatchObject({
      traces: { kind: "otlp", target: { url: "http://collector:4318/v1/traces" } },
      logs: { kind: "otlp", target: { url: "http://collector:4318/v1/logs" } },
    });
  });

  it("otlpEndpoint wins over the per-signal variables", () => {
    const env = { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://a:4318/v1/traces", OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: "http://b:4318/v1/logs" };
    expect(enabled({ otlpEndpoint: "https://collector" }, env)).toMatchObject({
      traces: { target: { url: "https://collector/v1/traces" } },
      logs: { target: { url: "https://collector/v1/logs" } },
    });
  });

  it("emitAuditRecords: false sends audit records nowhere", () => {
    expect(enabled({ emitAuditRecords: false }, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://a:4318/v1/traces" })).toMatchObject({
      tracing: { emitAuditRecords: false },
      logs: { kind: "none" },
      traces: { kind: "otlp" },
    });
  });

  it("disabled: false wins over LANGCHAIN_OTEL_DISABLED=true", () => {
    expect(resolveSettings({ disabled: false }, { LANGCHAIN_OTEL_DISABLED: "true" }, context).disabled).toBe(false);
  });
});

describe("resolveSettings rejects bad values with the setting, the value and what is accepted", () => {
  it.each<[Record<string, string>, string]>([
    [{ LANGCHAIN_OTEL_CONTENT_POLICY: "fulll" }, 'LANGCHAIN_OTEL_CONTENT_POLICY="fulll" is not one of: redacted, full, none'],
    [{ LANGCHAIN_OTEL_CONTENT_POLICY: "redact" }, 'LANGCHAIN_OTEL_CONTENT_POLICY="redact" is not one of: redacted, full, none'],
    [{ LANGCHAIN_OTEL_MAX_PAYLOAD_BYTES: "8kb" }, 'LANGCHAIN_OTEL_MAX_PAYLOAD_BYTES="8kb" is not a positive integer'],
    [{ LANGCHAIN_OTEL_MAX_PAYLOAD_BYTES: "0" }, 'LANGCHAIN_OTEL_MAX_PAYLOAD_BYTES="0" is not a positive integer'],
    [{ LANGCHAIN_OTEL_RUN_TTL_MILLIS: "1.5" }, 'LANGCHAIN_OTEL_RUN_TTL_MILLIS="1.5" is not a positive integer'],
    [{ LANGCHAIN_OTEL_RUN_TTL_MILLIS: "-1" }, 'LANGCHAIN_OTEL_RUN_TTL_MILLIS="-1" is not a positive integer'],
    [{ LANGCHAIN_OTEL_SHUTDOWN_TIMEOUT_MILLIS: "5s" }, 'LANGCHAIN_OTEL_SHUTDOWN_TIMEOUT_MILLIS="5s" is not a positive integer'],
    [{ LANGCHAIN_OTEL_DISABLED: "yes" }, 'LANGCHAIN_OTEL_DISABLED="yes" is not one of: true, false'],
    [{ LANGCHAIN_OTEL_AUDIT_RECORDS: "yes" }, 'LANGCHAIN_OTEL_AUDIT_RECORDS="yes" is not one of: true, false'],
    [{ LANGCHAIN_OTEL_SPANS: "0" }, 'LANGCHAIN_OTEL_SPANS="0" is not one of: true, false'],
    [{ OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: "collector:4318" }, 'OTEL_EXPORTER_OTLP_LOGS_ENDPOINT="collector:4318" is not an http(s) URL'],
    [{ OTEL_EXPORTER_OTLP_ENDPOINT: "localhost:4318" }, 'OTEL_EXPORTER_OTLP_ENDPOINT="localhost:4318" is not an http(s) URL'],
    [{ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "collector" }, 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT="collector" is not an http(s) URL'],
  ])("%o", (env, message) => {
    expect(() => resolveSettings({}, env, context)).toThrow(new ConfigurationError(message));
    expect(() => resolveSettings({}, env, context)).toThrow(ConfigurationError);
  });

  it.each<[LangChainOtelOptions, string]>([
    [{ contentPolicy: "fulll" as never }, 'option contentPolicy="fulll" is not one of: redacted, full, none'],
    [{ maxPayloadBytes: 0 }, "option maxPayloadBytes=0 is not a positive integer"],
    [{ runTtlMillis: Number.NaN }, "option runTtlMillis=NaN is not a positive integer"],
    [{ shutdownTimeoutMillis: 2.5 }, "option shutdownTimeoutMillis=2.5 is not a positive integer"],
    [{ otlpEndpoint: "" }, 'option otlpEndpoint="" is not an http(s) URL'],
    [{ otlpEndpoint: "ftp://collector" }, 'option otlpEndpoint="ftp://collector" is not an http(s) URL'],
    [{ auditDir: "" }, 'option auditDir="" is not a non-empty string'],
    [{ serviceName: " " }, 'option serviceName=" " is not a non-empty string'],
    [{ disabled: "no" as never }, 'option disabled="no" is not one of: true, false'],
    [{ emitSpans: "no" as never }, 'option emitSpans="no" is not one of: true, false'],
    [{ emitAuditRecords: 1 as never }, "option emitAuditRecords=1 is not one of: true, false"],
  ])("%o", (options, message) => {
    expect(() => resolveSettings(options, {}, context)).toThrow(new ConfigurationError(message));
  });
});

describe("resolveSettings: where OTLP goes and the spool", () => {
  it("resolves each signal's URL, headers and timeout as the OTLP/HTTP exporter does, signal variables first", () => {
    const settings = enabled(
      {},
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: "http://collector:4318/base/",
        OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: "http://logs.example:4318/custom/path",
        OTEL_EXPORTER_OTLP_HEADERS: "x-api-key=generic,x-tenant=acme%20corp",
        OTEL_EXPORTER_OTLP_TRACES_HEADERS: "x-api-key=for-traces",
        OTEL_EXPORTER_OTLP_TIMEOUT: "2500",
        OTEL_EXPORTER_OTLP_LOGS_TIMEOUT: "700",
      },
    );
    expect(settings.traces).toEqual({
      kind: "otlp",
      target: { url: "http://collector:4318/base/v1/traces", headers: { "x-api-key": "for-traces", "x-tenant": "acme corp" }, timeoutMillis: 2500 },
    });
    expect(settings.logs).toEqual({
      kind: "otlp",
      target: { url: "http://logs.example:4318/custom/path", headers: { "x-api-key": "generic", "x-tenant": "acme corp" }, timeoutMillis: 700 },
    });
  });

  it("LANGCHAIN_OTEL_SPOOL_DIR and LANGCHAIN_OTEL_SPOOL_MAX_BYTES, and the options over them", () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", LANGCHAIN_OTEL_SPOOL_DIR: "var/spool", LANGCHAIN_OTEL_SPOOL_MAX_BYTES: "1048576" };
    expect(enabled({}, env).spool).toEqual({ dir: "/srv/app/var/spool", maxBytes: 1_048_576 });
    expect(enabled({ spoolDir: "/data/spool", spoolMaxBytes: 10 }, env).spool).toEqual({ dir: "/data/spool", maxBytes: 10 });
  });

  it("takes serviceInstanceId from the option only (OTEL_RESOURCE_ATTRIBUTES is read where the resource is built)", () => {
    expect(enabled({ serviceInstanceId: "worker-7" }).serviceInstanceId).toBe("worker-7");
    expect(enabled({}, { OTEL_RESOURCE_ATTRIBUTES: "service.instance.id=x" }).serviceInstanceId).toBeUndefined();
  });

  it("reads the TLS files and the compression of each signal at startup, the signal's own variables first", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "tls-"));
    for (const name of ["ca.pem", "logs-ca.pem", "cert.pem", "key.pem"]) writeFileSync(path.join(dir, name), `PEM ${name}`);
    const settings = enabled(
      {},
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: "https://c:4318",
        OTEL_EXPORTER_OTLP_CERTIFICATE: path.join(dir, "ca.pem"),
        OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE: path.join(dir, "logs-ca.pem"),
        OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE: path.join(dir, "cert.pem"),
        OTEL_EXPORTER_OTLP_CLIENT_KEY: path.join(dir, "key.pem"),
        OTEL_EXPORTER_OTLP_COMPRESSION: "gzip",
        OTEL_EXPORTER_OTLP_LOGS_COMPRESSION: "none",
      },
    );
    expect(settings.traces).toMatchObject({ target: { compression: "gzip", tls: { ca: "PEM ca.pem", cert: "PEM cert.pem", key: "PEM key.pem" } } });
    expect(settings.logs).toMatchObject({ target: { tls: { ca: "PEM logs-ca.pem", cert: "PEM cert.pem", key: "PEM key.pem" } } });
    expect(settings.logs).not.toHaveProperty("target.compression");
    expect(settings.warnings).toEqual([]);
  });

  it("the journal, the queue overflow and the file mode, from variables and options", () => {
    const env = { LANGCHAIN_OTEL_JOURNAL: "sync", LANGCHAIN_OTEL_JOURNAL_DIR: "var/journal", LANGCHAIN_OTEL_QUEUE_OVERFLOW: "drop", LANGCHAIN_OTEL_FILE_MODE: "0640" };
    expect(enabled({}, env)).toMatchObject({
      journal: { mode: "sync", dir: "/srv/app/var/journal" },
      queueOverflow: "drop",
      fileModes: { file: 0o640, dir: 0o750 },
    });
    expect(enabled({ journal: "off", queueOverflow: "spill", fileMode: 0o644 }, env)).toMatchObject({
      journal: { mode: "off" },
      queueOverflow: "spill",
      fileModes: { file: 0o644, dir: 0o755 },
    });
  });

  it.each<[LangChainOtelOptions, Record<string, string>, string]>([
    [{}, { LANGCHAIN_OTEL_SPOOL_MAX_BYTES: "1GiB" }, 'LANGCHAIN_OTEL_SPOOL_MAX_BYTES="1GiB" is not a positive integer'],
    [{ spoolMaxBytes: 0 }, {}, "option spoolMaxBytes=0 is not a positive integer"],
    [{ spoolDir: "" }, {}, 'option spoolDir="" is not a non-empty string'],
    [{ serviceInstanceId: "" }, {}, 'option serviceInstanceId="" is not a non-empty string'],
    [{}, { LANGCHAIN_OTEL_JOURNAL: "async" }, 'LANGCHAIN_OTEL_JOURNAL="async" is not one of: off, sync'],
    [{}, { LANGCHAIN_OTEL_QUEUE_OVERFLOW: "block" }, 'LANGCHAIN_OTEL_QUEUE_OVERFLOW="block" is not one of: spill, drop'],
    [{}, { LANGCHAIN_OTEL_FILE_MODE: "0400" }, 'LANGCHAIN_OTEL_FILE_MODE="0400" is not a file mode from 0600 to 0666 without execute bits (e.g. "0640")'],
    [{}, { LANGCHAIN_OTEL_FILE_MODE: "0700" }, 'LANGCHAIN_OTEL_FILE_MODE="0700" is not a file mode from 0600 to 0666 without execute bits (e.g. "0640")'],
    [{ fileMode: "rw-r--r--" }, {}, 'option fileMode="rw-r--r--" is not a file mode from 0600 to 0666 without execute bits (e.g. "0640")'],
    [{}, { OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", OTEL_EXPORTER_OTLP_COMPRESSION: "zstd" }, 'OTEL_EXPORTER_OTLP_COMPRESSION="zstd" is not one of: gzip, none'],
    [
      {},
      { OTEL_EXPORTER_OTLP_ENDPOINT: "https://c:4318", OTEL_EXPORTER_OTLP_CERTIFICATE: "/nonexistent/ca.pem" },
      'OTEL_EXPORTER_OTLP_CERTIFICATE="/nonexistent/ca.pem" cannot be read (ENOENT); it must name a PEM file',
    ],
  ])("rejects %o %o", (options, env, message) => {
    expect(() => resolveSettings(options, env, context)).toThrow(new ConfigurationError(message));
  });
});

describe("readAppName", () => {
  it("reads the name from package.json in the directory", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "app-"));
    writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "support-bot" }));
    expect(readAppName(dir)).toBe("support-bot");
  });

  it("is undefined without a package.json, with a broken one, or without a name", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "app-"));
    expect(readAppName(dir)).toBeUndefined();
    writeFileSync(path.join(dir, "package.json"), "{ not json");
    expect(readAppName(dir)).toBeUndefined();
    writeFileSync(path.join(dir, "package.json"), JSON.stringify({ private: true }));
    expect(readAppName(dir)).toBeUndefined();
  });
});
