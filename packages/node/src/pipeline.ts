// SPDX-License-Identifier: Apache-2.0
import { mkdirSync } from "node:fs";
import path from "node:path";
import { OTLPLogExporter } from "@opentelemetry/exporter-logs-otlp-http";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPMetricExporter } from "@opentelemetry/exporter-metrics-otlp-http";
import { PeriodicExportingMetricReader, type MetricReader, type PushMetricExporter } from "@opentelemetry/sdk-metrics";
import { BatchLogRecordProcessor, type LogRecordExporter, type LogRecordProcessor } from "@opentelemetry/sdk-logs";
import { BatchSpanProcessor, type SpanExporter, type SpanProcessor } from "@opentelemetry/sdk-trace";
import { OtlpJsonFileLogRecordExporter, OtlpJsonFileMetricExporter, OtlpJsonFileSpanExporter } from "./file-exporter.js";
import type { Logger } from "@opentelemetry/api";
import { AuditCheckpointer } from "./integrity/checkpointer.js";
import { IntegrityLogRecordProcessor } from "./integrity/log-record-processor.js";
import { IntegritySpanProcessor } from "./integrity/span-processor.js";
import { QueueDropCounter } from "./queue-drops.js";
import { METRIC_OTEL_SDK_PROCESSOR_LOG_PROCESSED, METRIC_OTEL_SDK_PROCESSOR_SPAN_PROCESSED } from "./semconv.js";
import { ConfigurationError, LOGS_FILE_NAME, METRICS_FILE_NAME, TRACES_FILE_NAME, otlpTargets, type Settings } from "./settings.js";
import { zeroCounters } from "./spool/counters.js";
import { Spool } from "./spool/spool.js";
import type { LangChainOtelStats } from "./types.js";

function errorReason(err: unknown): string {
  return (err as NodeJS.ErrnoException | undefined)?.code ?? (err as Error | undefined)?.message ?? String(err);
}

/** Runs `create`; a directory it cannot create is a configuration error naming the setting. */
function inDirectory<T>(what: string, dir: string, settingNames: string, create: () => T): T {
  try {
    return create();
  } catch (err) {
    throw new ConfigurationError(
      `${what} ${JSON.stringify(dir)} cannot be created (${errorReason(err)}); ${settingNames} must name a writable directory`,
    );
  }
}

/** The spool of the signals sent over OTLP; a directory that cannot be created is a configuration error. */
function createSpool(settings: Settings, instanceId: string): Spool {
  return inDirectory(
    "spool directory",
    settings.spool.dir,
    "LANGCHAIN_OTEL_SPOOL_DIR or the spoolDir option",
    () =>
      new Spool({
        spoolDir: settings.spool.dir,
        maxBytes: settings.spool.maxBytes,
        instanceId,
        shutdownTimeoutMillis: settings.shutdownTimeoutMillis,
        targets: otlpTargets(settings),
      }),
  );
}

/**
 * The audit export path of one start: for spans and for audit records each, the integrity stamping, a batch
 * processor and its exporter (the embedded audit file, or OTLP/HTTP spooled to disk while the collector does not
 * take it), plus the app's own span processors after it.
 */
export class AuditPipeline {
  /** The provider's span processors: the audit one first, then the app's (outside the chain). */
  readonly spanProcessors: readonly SpanProcessor[];
  /** The provider's log record processors: the audit one, or none when audit records are off. */
  readonly logRecordProcessors: readonly LogRecordProcessor[];
  /**
   * The meter provider's reader: periodic export of the GenAI metrics to `metrics.jsonl` or OTLP/HTTP (not spooled:
   * metrics are cumulative, the next export carries what a failed one held); none when the SDK builds its own.
   */
  readonly metricReaders: readonly MetricReader[];
  private readonly _auditSpans: IntegritySpanProcessor;
  private readonly _auditRecords: IntegrityLogRecordProcessor[];
  /** Signs the chains, when a signing key is set. */
  readonly checkpointer: AuditCheckpointer | undefined;
  private _spool: Spool | undefined;
  private readonly _spanDrops: QueueDropCounter;
  private readonly _logDrops: QueueDropCounter;
  private readonly _shutdownTimeoutMillis: number;

  /**
   * Creates the files' and the spool's directories (all the disk work of startup).
   *
   * @throws {ConfigurationError} when a directory cannot be created.
   */
  constructor(settings: Settings, instanceId: string, appSpanProcessors: readonly SpanProcessor[]) {
    this._shutdownTimeoutMillis = settings.shutdownTimeoutMillis;
    const { traces, logs } = settings;
    // The audit directory first: a configuration error there must not leave a spool behind.
    for (const destination of [traces, logs]) {
      if (destination.kind !== "file") continue;
      inDirectory("audit directory", destination.dir, "LANGCHAIN_OTEL_AUDIT_DIR or the auditDir option", () => mkdirSync(destination.dir, { recursive: true }));
    }
    const spool = (): Spool => (this._spool ??= createSpool(settings, instanceId));
    const signing = settings.signing;
    const checkpointer =
      signing === undefined
        ? undefined
        : new AuditCheckpointer({
            signingKey: signing.key,
            checkpointRecords: signing.checkpointRecords,
            checkpointIntervalMillis: signing.checkpointIntervalMillis,
          });
    this.checkpointer = checkpointer;
    this._spanDrops = new QueueDropCounter("spans", METRIC_OTEL_SDK_PROCESSOR_SPAN_PROCESSED, "OTEL_BSP_MAX_QUEUE_SIZE");
    this._logDrops = new QueueDropCounter("audit records", METRIC_OTEL_SDK_PROCESSOR_LOG_PROCESSED, "OTEL_BLRP_MAX_QUEUE_SIZE");

    const spanExporter: SpanExporter =
      traces.kind === "file"
        ? new OtlpJsonFileSpanExporter({ path: path.join(traces.dir, TRACES_FILE_NAME) })
        : spool().spanExporter(new OTLPTraceExporter(traces.target));
    // Stamped in the order spans reach the batch processor, so a span it drops (full queue) is a gap in audit.seq.
    const auditSpans = new IntegritySpanProcessor(
      new BatchSpanProcessor({ exporter: spanExporter, ...settings.spanBatch, selfObsMeterProvider: this._spanDrops }),
      { checkpointer },
    );
    this._auditSpans = auditSpans;
    this.spanProcessors = [auditSpans, ...appSpanProcessors];

    let logExporter: LogRecordExporter | undefined;
    if (logs.kind === "file") logExporter = new OtlpJsonFileLogRecordExporter({ path: path.join(logs.dir, LOGS_FILE_NAME) });
    else if (logs.kind === "otlp") logExporter = spool().logRecordExporter(new OTLPLogExporter(logs.target));
    this._auditRecords =
      logExporter === undefined
        ? []
        : [
            new IntegrityLogRecordProcessor(new BatchLogRecordProcessor({ exporter: logExporter, ...settings.logBatch, selfObsMeterProvider: this._logDrops }), {
              checkpointer,
            }),
          ];
    this.logRecordProcessors = this._auditRecords;

    const { metrics } = settings;
    let metricExporter: PushMetricExporter | undefined;
    if (metrics.kind === "file") {
      metricExporter = new OtlpJsonFileMetricExporter({ path: path.join(metrics.dir, METRICS_FILE_NAME) });
    } else if (metrics.kind === "otlp") {
      const { url, headers, timeoutMillis } = metrics.target;
      metricExporter = new OTLPMetricExporter({ url, headers: { ...headers }, timeoutMillis });
    }
    this.metricReaders =
      metricExporter === undefined || metrics.kind === "env"
        ? []
        : [
            new PeriodicExportingMetricReader({
              exporter: metricExporter,
              exportIntervalMillis: metrics.intervalMillis,
              exportTimeoutMillis: Math.min(metrics.intervalMillis, 30_000),
            }),
          ];
  }

  /**
   * With a signing key: checkpoints from now on, emitted through `logger` (one of the provider that has this
   * pipeline's log record processors).
   */
  startSigning(logger: Logger): void {
    this.checkpointer?.setLogger(logger);
    this.checkpointer?.start();
  }

  /**
   * Seals every chain (a no-op without a signing key): after the last record of the process and before the logger
   * provider shuts down. First waits, at most `settleMillis`, for records held until the resource has settled, so
   * they are stamped over the resource their exporter writes; the seal itself is synchronous (`sealNow`).
   */
  async seal(settleMillis = 1000): Promise<void> {
    if (this.checkpointer === undefined) return;
    const processors = [this._auditSpans, ...this._auditRecords];
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, settleMillis)));
    await Promise.race([Promise.all(processors.map((p) => p.whenSettled())), bound]);
    clearTimeout(timer);
    this.sealNow();
  }

  /** Seals every chain at once, synchronously: for exit paths that cannot wait (held records are stamped as they are). */
  sealNow(): void {
    this.checkpointer?.seal();
  }

  /** Shutdown has begun: from here on, exports to a collector that does not answer are spooled within the budget. */
  beginShutdown(): void {
    this._spool?.beginShutdown(this._shutdownTimeoutMillis);
  }

  /** Exports every ended span and emitted record the processors hold, and the metrics collected so far. */
  async forceFlush(): Promise<void> {
    await Promise.all([this.flushProcessors(), ...this.metricReaders.map((reader) => reader.forceFlush())]);
  }

  /** Exports what the span and log record processors hold; at shutdown, where the SDK's shutdown collects metrics once more. */
  async flushProcessors(): Promise<void> {
    await Promise.all([...this.spanProcessors, ...this.logRecordProcessors].map((processor) => processor.forceFlush()));
  }

  /** After the SDK has shut down: stops replaying, gives up the spool, reports what the queues dropped. */
  close(): void {
    this._spool?.close();
    this._spanDrops.reportTotal();
    this._logDrops.reportTotal();
  }

  /** What the export path has done and lost so far. */
  stats(): LangChainOtelStats {
    return {
      ...(this._spool?.counters() ?? zeroCounters()),
      queueDroppedSpans: this._spanDrops.dropped,
      queueDroppedLogRecords: this._logDrops.dropped,
    };
  }
}
