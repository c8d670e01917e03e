import path from "node:path";
import { LangChainInstrumentation, RunIdGenerator } from "@langchain-otel/instrumentation";
import { OTLPLogExporter } from "@opentelemetry/exporter-logs-otlp-http";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { defaultResource, resourceFromAttributes } from "@opentelemetry/resources";
import { BatchLogRecordProcessor, type LogRecordExporter, type LogRecordProcessor } from "@opentelemetry/sdk-logs";
import { NodeSDK, type NodeSDKConfiguration } from "@opentelemetry/sdk-node";
import { BatchSpanProcessor, type SpanExporter, type SpanProcessor } from "@opentelemetry/sdk-trace";
import { ATTR_SERVICE_NAME } from "@opentelemetry/semantic-conventions";
import { ConfigurationError, LOGS_FILE_NAME, TRACES_FILE_NAME, readAppName, resolveConfig } from "./config.js";
import { diag } from "./diag.js";
import { OtlpJsonFileLogRecordExporter, OtlpJsonFileSpanExporter } from "./file-exporter.js";
import { IntegrityLogRecordProcessor } from "./integrity/log-record-processor.js";
import { IntegritySpanProcessor } from "./integrity/span-processor.js";
import { appSearchDirs, initializeLangChainContext, patchLangChainCore } from "./langchain-core.js";
import { QueueDropCounter } from "./queue-drops.js";
import { resourceDetectors, serviceInstanceId } from "./resource.js";
import { METRIC_OTEL_SDK_PROCESSOR_LOG_PROCESSED, METRIC_OTEL_SDK_PROCESSOR_SPAN_PROCESSED } from "./semconv.js";
import { zeroCounters } from "./spool/counters.js";
import { Spool } from "./spool/spool.js";
import { boundedShutdown, installExitHooks } from "./shutdown.js";
import type { LangChainOtelHandle, LangChainOtelOptions, LangChainOtelStats } from "./types.js";

// Shared through globalThis so every copy of this package (ESM and CJS loads, nested installs) sees one handle.
const HANDLE_KEY = Symbol.for("@langchain-otel/node.handle");
type HandleHolder = { [HANDLE_KEY]?: LangChainOtelHandle | undefined };

/** The handle of the running distro (started by `@langchain-otel/node/register` or {@link start}), if any. */
export function getHandle(): LangChainOtelHandle | undefined {
  return (globalThis as HandleHolder)[HANDLE_KEY];
}

function setHandle(handle: LangChainOtelHandle | undefined): void {
  (globalThis as HandleHolder)[HANDLE_KEY] = handle;
}

const settled = Promise.resolve();

const noStats = (): LangChainOtelStats => ({ ...zeroCounters(), queueDroppedSpans: 0, queueDroppedLogRecords: 0 });

function disabledHandle(): LangChainOtelHandle {
  const handle: LangChainOtelHandle = {
    enabled: false,
    exporter: "none",
    auditDir: undefined,
    instrumentation: undefined,
    instanceId: undefined,
    stats: noStats,
    ready: settled,
    forceFlush: () => settled,
    shutdown: () => {
      if (getHandle() === handle) setHandle(undefined);
      return settled;
    },
  };
  return handle;
}

/** A file exporter writing `fileName` in the audit directory; a directory that cannot be created is a configuration error. */
function fileExporter<T>(auditDir: string, fileName: string, create: (options: { path: string }) => T): T {
  try {
    return create({ path: path.join(auditDir, fileName) });
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException | undefined)?.code ?? (err as Error | undefined)?.message ?? String(err);
    throw new ConfigurationError(
      `audit directory ${JSON.stringify(auditDir)} cannot be created (${reason}); LANGCHAIN_OTEL_AUDIT_DIR or the auditDir option must name a writable directory`,
    );
  }
}

/** The spool; a directory that cannot be created is a configuration error. */
function createSpool(spoolDir: string, create: () => Spool): Spool {
  try {
    return create();
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException | undefined)?.code ?? (err as Error | undefined)?.message ?? String(err);
    throw new ConfigurationError(
      `spool directory ${JSON.stringify(spoolDir)} cannot be created (${reason}); LANGCHAIN_OTEL_SPOOL_DIR or the spoolDir option must name a writable directory`,
    );
  }
}

/**
 * Starts OpenTelemetry for a LangChain app: a NodeSDK whose span IDs are LangChain run IDs, the LangChain
 * instrumentation attached to every run (in every build of the app's `@langchain/core`), and, for spans and
 * for audit records (log records) each, an exporter: OTLP/HTTP when an endpoint is configured (spooled to disk
 * while the collector does not take them), else the embedded audit file (`traces.jsonl`, `logs.jsonl`). Every
 * exported span and record is stamped with `audit.seq` / `audit.hash` under this process's `service.instance.id`.
 * Flushes on `beforeExit`, SIGTERM and SIGINT. Calling it again while running returns the running handle.
 *
 * @throws {ConfigurationError} for a bad option or environment variable, naming it, its value and what is accepted.
 */
export function start(options: LangChainOtelOptions = {}): LangChainOtelHandle {
  const running = getHandle();
  if (running !== undefined) {
    diag.warn("start() called while already started; returning the running handle, the new options are ignored");
    return running;
  }
  const cwd = process.cwd();
  const config = resolveConfig(options, process.env, { cwd, appName: readAppName(cwd) });
  for (const warning of config.warnings) diag.warn(warning);
  if (config.disabled) {
    const handle = disabledHandle();
    setHandle(handle);
    return handle;
  }

  const instanceId = serviceInstanceId(config.serviceInstanceId);
  const { otlpTraces, otlpLogs } = config;
  // The files first: a configuration error there must not leave a spool behind.
  const traceFile =
    otlpTraces === undefined ? fileExporter(config.auditDir!, TRACES_FILE_NAME, (o) => new OtlpJsonFileSpanExporter(o)) : undefined;
  const logFile =
    config.logsExporter === "file" ? fileExporter(config.auditDir!, LOGS_FILE_NAME, (o) => new OtlpJsonFileLogRecordExporter(o)) : undefined;
  const spool =
    config.spoolDir === undefined
      ? undefined
      : createSpool(
          config.spoolDir,
          () =>
            new Spool({
              spoolDir: config.spoolDir!,
              maxBytes: config.spoolMaxBytes,
              instanceId,
              shutdownTimeoutMillis: config.shutdownTimeoutMillis,
              targets: { traces: otlpTraces, logs: otlpLogs },
            }),
        );
  const spanDrops = new QueueDropCounter("spans", METRIC_OTEL_SDK_PROCESSOR_SPAN_PROCESSED, "OTEL_BSP_MAX_QUEUE_SIZE");
  const logDrops = new QueueDropCounter("audit records", METRIC_OTEL_SDK_PROCESSOR_LOG_PROCESSED, "OTEL_BLRP_MAX_QUEUE_SIZE");

  const exporter: SpanExporter = traceFile ?? spool!.spanExporter(new OTLPTraceExporter(otlpTraces));
  // The audit pipeline: stamped in the order spans reach the batch processor, so a span it drops (full queue) is a
  // gap in audit.seq. The app's extra processors stay outside the chain.
  const auditSpanProcessor = new IntegritySpanProcessor(
    new BatchSpanProcessor({ exporter, ...config.batch, selfObsMeterProvider: spanDrops }),
  );
  const spanProcessors: SpanProcessor[] = [auditSpanProcessor, ...(options.spanProcessors ?? [])];
  // The audit stream. Always set explicitly (empty when audit records are off): left unset, NodeSDK would build
  // an OTLP log exporter from the environment of its own accord.
  const logRecordProcessors: LogRecordProcessor[] = [];
  if (config.logsExporter !== "none") {
    const logExporter: LogRecordExporter = logFile ?? spool!.logRecordExporter(new OTLPLogExporter(otlpLogs));
    logRecordProcessors.push(
      new IntegrityLogRecordProcessor(new BatchLogRecordProcessor({ exporter: logExporter, ...config.logBatch, selfObsMeterProvider: logDrops })),
    );
  }

  initializeLangChainContext();
  const instrumentation = new LangChainInstrumentation({
    contentPolicy: config.contentPolicy,
    maxPayloadBytes: config.maxPayloadBytes,
    runTtlMillis: config.runTtlMillis,
    emitSpans: config.emitSpans,
    emitAuditRecords: config.emitAuditRecords,
    redaction: options.redaction,
    redactionReplacement: options.redactionReplacement,
  });
  const sdkConfig: Partial<NodeSDKConfiguration> = {
    idGenerator: new RunIdGenerator(),
    instrumentations: [instrumentation],
    spanProcessors,
    logRecordProcessors,
    // Lowest precedence: OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES (read by the SDK's detectors) win over it.
    resource: defaultResource().merge(resourceFromAttributes({ [ATTR_SERVICE_NAME]: config.defaultServiceName })),
    // The SDK's own detectors, the last of them pinning service.instance.id to ours.
    resourceDetectors: resourceDetectors(instanceId),
  };
  if (config.serviceName !== undefined) sdkConfig.serviceName = config.serviceName;
  if (!config.metricsFromEnv) sdkConfig.metricReaders = [];
  const sdk = new NodeSDK(sdkConfig);
  sdk.start();

  const langchain = patchLangChainCore(instrumentation, appSearchDirs(cwd));
  const awaitCallbacks = async (): Promise<void> => {
    await langchain.ready;
    await Promise.all(langchain.copies.map((copy) => copy.awaitAllCallbacks?.()));
  };
  const flushAll = async (processors: ReadonlyArray<{ forceFlush(): Promise<void> }>): Promise<void> => {
    await Promise.all(processors.map((processor) => processor.forceFlush()));
  };

  let uninstallExitHooks: () => void = () => {};
  const shutdown = boundedShutdown(
    [
      // Not a step that waits: from here on, exports to a collector that does not answer are spooled in time.
      { name: "bound export time", run: () => spool?.beginShutdown(config.shutdownTimeoutMillis) },
      { name: "await LangChain callbacks", run: awaitCallbacks },
      { name: "end open runs", run: () => instrumentation.handler.endAllRuns("shutdown") },
      { name: "disable instrumentation", run: () => instrumentation.disable() },
      // The SDK's shutdown does not wait for exports a SimpleSpanProcessor still has pending; a flush does.
      // After "end open runs", so the records of runs ended there are flushed too.
      { name: "flush span processors", run: () => flushAll(spanProcessors) },
      { name: "flush log record processors", run: () => flushAll(logRecordProcessors) },
      // The exporters' shutdown gives each spool one bounded attempt to drain.
      { name: "shut down the SDK", run: () => sdk.shutdown() },
      {
        name: "close the spool",
        run: () => {
          spool?.close();
          spanDrops.reportTotal();
          logDrops.reportTotal();
        },
      },
      {
        name: "release",
        run: () => {
          uninstallExitHooks();
          if (getHandle() === handle) setHandle(undefined);
        },
      },
    ],
    config.shutdownTimeoutMillis,
  );

  const handle: LangChainOtelHandle = {
    enabled: true,
    exporter: config.exporter,
    auditDir: config.auditDir,
    instrumentation,
    instanceId,
    ready: langchain.ready,
    async forceFlush() {
      try {
        await awaitCallbacks();
        await Promise.all([flushAll(spanProcessors), flushAll(logRecordProcessors)]);
      } catch (err) {
        diag.error("forceFlush failed", err);
      }
    },
    shutdown,
    stats: () => ({
      ...(spool?.counters() ?? zeroCounters()),
      queueDroppedSpans: spanDrops.dropped,
      queueDroppedLogRecords: logDrops.dropped,
    }),
  };
  uninstallExitHooks = installExitHooks(shutdown);
  setHandle(handle);
  return handle;
}
