import path from "node:path";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { ConfigurationError, readAppName, resolveConfig, type ConfigContext, type ResolvedConfig } from "../src/config.js";
import type { LangChainOtelOptions } from "../src/types.js";

const CWD = "/srv/app";
const context: ConfigContext = { cwd: CWD, appName: undefined };

function enabled(options: LangChainOtelOptions, env: Record<string, string> = {}, ctx = context) {
  const config = resolveConfig(options, env, ctx);
  if (config.disabled) throw new Error("expected an enabled config");
  return config;
}

describe("resolveConfig defaults", () => {
  it("writes the embedded audit files under ./audit with the documented defaults", () => {
    expect(resolveConfig({}, {}, context)).toEqual<ResolvedConfig>({
      disabled: false,
      exporter: "file",
      otlpTraces: undefined,
      logsExporter: "file",
      otlpLogs: undefined,
      auditDir: path.resolve(CWD, "audit"),
      spoolDir: undefined,
      spoolMaxBytes: 2 ** 30,
      serviceInstanceId: undefined,
      serviceName: undefined,
      defaultServiceName: "langchain-app",
      contentPolicy: "redacted",
      maxPayloadBytes: 8192,
      runTtlMillis: 600_000,
      emitSpans: true,
      emitAuditRecords: true,
      shutdownTimeoutMillis: 5000,
      batch: { maxQueueSize: 65_536 },
      logBatch: { maxQueueSize: 65_536 },
      metricsFromEnv: false,
      warnings: [],
    });
  });

  it("names the service after the app's package.json", () => {
    expect(enabled({}, {}, { cwd: CWD, appName: "checkout-bot" }).defaultServiceName).toBe("checkout-bot");
  });
});

describe("resolveConfig from the environment", () => {
  it.each<[string, Record<string, string>, Partial<ResolvedConfig>]>([
    ["LANGCHAIN_OTEL_CONTENT_POLICY", { LANGCHAIN_OTEL_CONTENT_POLICY: "full" }, { contentPolicy: "full" }],
    ["LANGCHAIN_OTEL_CONTENT_POLICY, any case", { LANGCHAIN_OTEL_CONTENT_POLICY: " None " }, { contentPolicy: "none" }],
    ["LANGCHAIN_OTEL_MAX_PAYLOAD_BYTES", { LANGCHAIN_OTEL_MAX_PAYLOAD_BYTES: "1024" }, { maxPayloadBytes: 1024 }],
    ["LANGCHAIN_OTEL_RUN_TTL_MILLIS", { LANGCHAIN_OTEL_RUN_TTL_MILLIS: "30000" }, { runTtlMillis: 30_000 }],
    ["LANGCHAIN_OTEL_SHUTDOWN_TIMEOUT_MILLIS", { LANGCHAIN_OTEL_SHUTDOWN_TIMEOUT_MILLIS: "250" }, { shutdownTimeoutMillis: 250 }],
    ["LANGCHAIN_OTEL_AUDIT_DIR, relative", { LANGCHAIN_OTEL_AUDIT_DIR: "var/trail" }, { auditDir: "/srv/app/var/trail" }],
    ["LANGCHAIN_OTEL_AUDIT_DIR, absolute", { LANGCHAIN_OTEL_AUDIT_DIR: "/data/trail" }, { auditDir: "/data/trail" }],
    ["an empty variable counts as unset", { LANGCHAIN_OTEL_CONTENT_POLICY: "", LANGCHAIN_OTEL_AUDIT_DIR: " " }, { contentPolicy: "redacted", auditDir: "/srv/app/audit" }],
    ["LANGCHAIN_OTEL_SPANS", { LANGCHAIN_OTEL_SPANS: "false" }, { emitSpans: false, emitAuditRecords: true }],
    ["LANGCHAIN_OTEL_AUDIT_RECORDS", { LANGCHAIN_OTEL_AUDIT_RECORDS: " FALSE " }, { emitAuditRecords: false, logsExporter: "none", emitSpans: true }],
    [
      "OTEL_EXPORTER_OTLP_ENDPOINT: both signals over OTLP",
      { OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318" },
      {
        exporter: "otlp",
        otlpTraces: { url: "http://127.0.0.1:4318/v1/traces", headers: {}, timeoutMillis: 10_000 },
        logsExporter: "otlp",
        otlpLogs: { url: "http://127.0.0.1:4318/v1/logs", headers: {}, timeoutMillis: 10_000 },
        auditDir: undefined,
        spoolDir: "/srv/app/.langchain-otel/spool",
        metricsFromEnv: true,
      },
    ],
    [
      "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: audit records still go to the audit directory",
      { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "https://collector.example/v1/traces" },
      { exporter: "otlp", logsExporter: "file", auditDir: "/srv/app/audit" },
    ],
    [
      "OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: spans still go to the audit directory",
      { OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: "https://collector.example/v1/logs" },
      {
        exporter: "file",
        otlpTraces: undefined,
        logsExporter: "otlp",
        otlpLogs: { url: "https://collector.example/v1/logs", headers: {}, timeoutMillis: 10_000 },
        auditDir: "/srv/app/audit",
        spoolDir: "/srv/app/.langchain-otel/spool",
        metricsFromEnv: false,
      },
    ],
    [
      "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT and OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: no audit directory",
      { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://a:4318/v1/traces", OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: "http://b:4318/v1/logs" },
      { exporter: "otlp", logsExporter: "otlp", auditDir: undefined },
    ],
    [
      "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT with audit records off: no audit directory",
      { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://a:4318/v1/traces", LANGCHAIN_OTEL_AUDIT_RECORDS: "false" },
      { exporter: "otlp", logsExporter: "none", auditDir: undefined },
    ],
    [
      "OTEL_BSP_*",
      { OTEL_BSP_SCHEDULE_DELAY: "100", OTEL_BSP_EXPORT_TIMEOUT: "2000", OTEL_BSP_MAX_QUEUE_SIZE: "64", OTEL_BSP_MAX_EXPORT_BATCH_SIZE: "8" },
      { batch: { scheduledDelayMillis: 100, exportTimeoutMillis: 2000, maxQueueSize: 64, maxExportBatchSize: 8 }, logBatch: { maxQueueSize: 65_536 } },
    ],
    [
      "OTEL_BLRP_*",
      { OTEL_BLRP_SCHEDULE_DELAY: "50", OTEL_BLRP_EXPORT_TIMEOUT: "1000", OTEL_BLRP_MAX_QUEUE_SIZE: "32", OTEL_BLRP_MAX_EXPORT_BATCH_SIZE: "4" },
      { batch: { maxQueueSize: 65_536 }, logBatch: { scheduledDelayMillis: 50, exportTimeoutMillis: 1000, maxQueueSize: 32, maxExportBatchSize: 4 } },
    ],
    ["OTEL_METRICS_EXPORTER with the file exporter", { OTEL_METRICS_EXPORTER: "console" }, { metricsFromEnv: true }],
    ["OTEL_LOGS_EXPORTER is not read: the audit stream is the log pipeline", { OTEL_LOGS_EXPORTER: "none" }, { logsExporter: "file" }],
  ])("%s", (_name, env, expected) => {
    expect(enabled({}, env)).toMatchObject(expected);
  });

  it.each([
    ["LANGCHAIN_OTEL_DISABLED", { LANGCHAIN_OTEL_DISABLED: "true" }],
    ["LANGCHAIN_OTEL_DISABLED, any case", { LANGCHAIN_OTEL_DISABLED: "TRUE" }],
    ["OTEL_SDK_DISABLED", { OTEL_SDK_DISABLED: "true" }],
  ])("%s=true disables everything, without checking the rest", (_name, env) => {
    expect(resolveConfig({}, { ...env, LANGCHAIN_OTEL_CONTENT_POLICY: "fulll" }, context)).toEqual({ disabled: true, warnings: [] });
  });

  it("LANGCHAIN_OTEL_DISABLED=false and OTEL_SDK_DISABLED=false leave it on", () => {
    expect(resolveConfig({}, { LANGCHAIN_OTEL_DISABLED: "false", OTEL_SDK_DISABLED: "false" }, context).disabled).toBe(false);
  });

  it("warns about, and ignores, a bad OTEL_BSP_* value (OpenTelemetry's rule for its variables)", () => {
    const config = enabled({}, { OTEL_BSP_SCHEDULE_DELAY: "soon" });
    expect(config.batch).toEqual({ maxQueueSize: 65_536 });
    expect(config.warnings).toEqual(['OTEL_BSP_SCHEDULE_DELAY="soon" is not a non-negative number; using the default']);
  });

  it("warns about, and ignores, a bad OTEL_BLRP_* value", () => {
    const config = enabled({}, { OTEL_BLRP_MAX_QUEUE_SIZE: "-1" });
    expect(config.logBatch).toEqual({ maxQueueSize: 65_536 });
    expect(config.warnings).toEqual(['OTEL_BLRP_MAX_QUEUE_SIZE="-1" is not a non-negative number; using the default']);
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

describe("resolveConfig options", () => {
  it("an option wins over its variable", () => {
    const config = enabled(
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
    expect(config).toMatchObject({
      contentPolicy: "full",
      maxPayloadBytes: 10,
      runTtlMillis: 20,
      shutdownTimeoutMillis: 30,
      auditDir: "/srv/app/mine",
      serviceName: "svc",
      emitSpans: false,
      emitAuditRecords: true,
      logsExporter: "file",
    });
  });

  it("otlpEndpoint is a base URL: spans go to <endpoint>/v1/traces, audit records to <endpoint>/v1/logs", () => {
    expect(enabled({ otlpEndpoint: "http://collector:4318/" })).toMatchObject({
      exporter: "otlp",
      otlpTraces: { url: "http://collector:4318/v1/traces" },
      logsExporter: "otlp",
      otlpLogs: { url: "http://collector:4318/v1/logs" },
      auditDir: undefined,
    });
  });

  it("otlpEndpoint wins over the per-signal variables", () => {
    const env = { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://a:4318/v1/traces", OTEL_EXPORTER_OTLP_LOGS_ENDPOINT: "http://b:4318/v1/logs" };
    expect(enabled({ otlpEndpoint: "https://collector" }, env)).toMatchObject({
      otlpTraces: { url: "https://collector/v1/traces" },
      otlpLogs: { url: "https://collector/v1/logs" },
    });
  });

  it("emitAuditRecords: false sets up no log export, so no audit directory behind an OTLP traces endpoint", () => {
    expect(enabled({ emitAuditRecords: false }, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://a:4318/v1/traces" })).toMatchObject({
      emitAuditRecords: false,
      logsExporter: "none",
      otlpLogs: undefined,
      auditDir: undefined,
      spoolDir: "/srv/app/.langchain-otel/spool",
    });
  });

  it("disabled: false wins over LANGCHAIN_OTEL_DISABLED=true", () => {
    expect(resolveConfig({ disabled: false }, { LANGCHAIN_OTEL_DISABLED: "true" }, context).disabled).toBe(false);
  });
});

describe("resolveConfig rejects bad values with the setting, the value and what is accepted", () => {
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
    expect(() => resolveConfig({}, env, context)).toThrow(new ConfigurationError(message));
    expect(() => resolveConfig({}, env, context)).toThrow(ConfigurationError);
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
    expect(() => resolveConfig(options, {}, context)).toThrow(new ConfigurationError(message));
  });
});

describe("resolveConfig: where OTLP goes and the spool", () => {
  it("resolves each signal's URL, headers and timeout as the OTLP/HTTP exporter does, signal variables first", () => {
    const config = enabled(
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
    expect(config.otlpTraces).toEqual({
      url: "http://collector:4318/base/v1/traces",
      headers: { "x-api-key": "for-traces", "x-tenant": "acme corp" },
      timeoutMillis: 2500,
    });
    expect(config.otlpLogs).toEqual({
      url: "http://logs.example:4318/custom/path",
      headers: { "x-api-key": "generic", "x-tenant": "acme corp" },
      timeoutMillis: 700,
    });
  });

  it("ignores a timeout that is not a positive number (the exporter warns about it)", () => {
    const config = enabled({}, { OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", OTEL_EXPORTER_OTLP_TRACES_TIMEOUT: "0", OTEL_EXPORTER_OTLP_TIMEOUT: "soon" });
    expect(config.otlpTraces?.timeoutMillis).toBe(10_000);
  });

  it("LANGCHAIN_OTEL_SPOOL_DIR and LANGCHAIN_OTEL_SPOOL_MAX_BYTES, and the options over them", () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: "http://c:4318", LANGCHAIN_OTEL_SPOOL_DIR: "var/spool", LANGCHAIN_OTEL_SPOOL_MAX_BYTES: "1048576" };
    expect(enabled({}, env)).toMatchObject({ spoolDir: "/srv/app/var/spool", spoolMaxBytes: 1_048_576 });
    expect(enabled({ spoolDir: "/data/spool", spoolMaxBytes: 10 }, env)).toMatchObject({ spoolDir: "/data/spool", spoolMaxBytes: 10 });
  });

  it("has no spool directory when nothing goes over OTLP", () => {
    expect(enabled({}, { LANGCHAIN_OTEL_SPOOL_DIR: "var/spool" }).spoolDir).toBeUndefined();
  });

  it("takes serviceInstanceId from the option only (OTEL_RESOURCE_ATTRIBUTES is read where the resource is built)", () => {
    expect(enabled({ serviceInstanceId: "worker-7" }).serviceInstanceId).toBe("worker-7");
    expect(enabled({}, { OTEL_RESOURCE_ATTRIBUTES: "service.instance.id=x" }).serviceInstanceId).toBeUndefined();
  });

  it("warns that TLS files of the exporter are not used when the spool is replayed", () => {
    const config = enabled({}, { OTEL_EXPORTER_OTLP_ENDPOINT: "https://c:4318", OTEL_EXPORTER_OTLP_CERTIFICATE: "/etc/ca.pem" });
    expect(config.warnings).toEqual([
      "OTEL_EXPORTER_OTLP_CERTIFICATE is used by the OTLP exporters but not when the spool is replayed; " +
        "batches spooled while the collector was unreachable are sent with the system's trust store and no client certificate",
    ]);
  });

  it.each<[LangChainOtelOptions, Record<string, string>, string]>([
    [{}, { LANGCHAIN_OTEL_SPOOL_MAX_BYTES: "1GiB" }, 'LANGCHAIN_OTEL_SPOOL_MAX_BYTES="1GiB" is not a positive integer'],
    [{ spoolMaxBytes: 0 }, {}, "option spoolMaxBytes=0 is not a positive integer"],
    [{ spoolDir: "" }, {}, 'option spoolDir="" is not a non-empty string'],
    [{ serviceInstanceId: "" }, {}, 'option serviceInstanceId="" is not a non-empty string'],
  ])("rejects %o %o", (options, env, message) => {
    expect(() => resolveConfig(options, env, context)).toThrow(new ConfigurationError(message));
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
