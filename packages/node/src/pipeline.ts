// SPDX-License-Identifier: Apache-2.0
import path from "node:path";
import { ATTR_AUDIT_SEQ } from "@langchain-otel/instrumentation/semconv";
import { PeriodicExportingMetricReader, type MetricReader, type PushMetricExporter } from "@opentelemetry/sdk-metrics";
import type { Logger } from "@opentelemetry/api";
import type { LogRecordProcessor, ReadWriteLogRecord } from "@opentelemetry/sdk-logs";
import type { ReadableSpan, SpanProcessor } from "@opentelemetry/sdk-trace";
import { diag } from "./diag.js";
import { ExportQueue, type QueueJournal } from "./export/export-queue.js";
import { LossLedger } from "./export/loss-ledger.js";
import { OtlpJsonMetricExporter } from "./export/otlp-metric-exporter.js";
import { lossLogRecord, lossSpan } from "./export/loss-records.js";
import { QueueLogRecordProcessor, QueueSpanProcessor } from "./export/queue-processors.js";
import { FileSink, type BatchSink } from "./export/sink.js";
import { OtlpJsonFileMetricExporter } from "./file-exporter.js";
import { JsonLinesFile } from "./files/json-lines-file.js";
import type { AuditSignal } from "./integrity/canonical.js";
import { AuditCheckpointer } from "./integrity/checkpointer.js";
import { IntegrityLogRecordProcessor } from "./integrity/log-record-processor.js";
import { IntegritySpanProcessor } from "./integrity/span-processor.js";
import { Journal } from "./journal/journal.js";
import { recoverJournals } from "./journal/recover.js";
import { encodeLogsLine, encodeTraceLine } from "./otlp-json.js";
import { errorText, Reporter } from "./reporter.js";
import { ConfigurationError, LOGS_FILE_NAME, METRICS_FILE_NAME, TRACES_FILE_NAME, otlpTargets, type Settings } from "./settings.js";
import { zeroCounters } from "./spool/counters.js";
import { Spool, exportBudgetMillis } from "./spool/spool.js";
import type { LangChainOtelStats } from "./types.js";

/** Runs `create`; what it cannot do with a directory is a configuration error naming the setting. */
function inDirectory<T>(what: string, dir: string, settingNames: string, create: () => T): T {
  try {
    return create();
  } catch (err) {
    throw new ConfigurationError(`${what} ${JSON.stringify(dir)} cannot be written (${errorText(err)}); ${settingNames} must name a writable directory`);
  }
}

const AUDIT_DIR_SETTING = "LANGCHAIN_OTEL_AUDIT_DIR or the auditDir option";
const JOURNAL_DIR_SETTING = "LANGCHAIN_OTEL_JOURNAL_DIR or the journalDir option";

/** What a final-records hook is told. */
export interface FinalDrain {
  /** True on the synchronous exit path, false in the asynchronous `shutdown()`. */
  readonly exiting: boolean;
}

/** How long `shutdown()` waits for records held while the resource settles, before the final records. */
const SETTLE_BEFORE_SEAL_MILLIS = 1000;

function seqOf(item: ReadableSpan | ReadWriteLogRecord): number | undefined {
  const seq = item.attributes[ATTR_AUDIT_SEQ];
  return typeof seq === "number" ? seq : undefined;
}

/**
 * The audit export path of one start, for spans and for audit records each: the integrity stamping (`audit.chain`,
 * `audit.seq`, `audit.hash`), an {@link ExportQueue} in place of the SDK's batch processor, and its sink (the
 * embedded audit file, or OTLP/HTTP with the spool behind it); the write-ahead journal when asked for; the app's
 * own span processors after it (outside the chain).
 *
 * Built for every way the process may end: {@link drainSync} writes everything it holds synchronously (the exit
 * path), {@link finalRecords}, {@link forceFlush} and {@link close} are the asynchronous shutdown's. Before
 * either writes its last records, the {@link onFinalDrain} hooks run once, synchronously: records they emit (the
 * signed seal of each chain, with a signing key) are stamped and written like any other.
 */
export class AuditPipeline {
  readonly chainId: string;
  /** The provider's span processors: the audit one first, then the app's (outside the chain). */
  readonly spanProcessors: readonly SpanProcessor[];
  /** The provider's log record processors: the audit one, or none when audit records are off. */
  readonly logRecordProcessors: readonly LogRecordProcessor[];
  readonly reporter: Reporter;
  /**
   * The meter provider's reader: periodic export of the GenAI metrics to `metrics.jsonl` or OTLP/HTTP (not spooled:
   * metrics are cumulative, the next export carries what a failed one held); none when the SDK builds its own.
   */
  readonly metricReaders: readonly MetricReader[];
  /** The OTLP metrics exporter, given the shutdown deadline with the sinks. */
  private readonly _otlpMetrics: OtlpJsonMetricExporter | undefined;
  /** Signs the chains, when a signing key is set; its seal is a final-records hook. */
  readonly checkpointer: AuditCheckpointer | undefined;
  private readonly _settings: Settings;
  private readonly _ledger = new LossLedger();
  private readonly _sinks: readonly BatchSink[];
  private _spool: Spool | undefined;
  private readonly _journal: Journal | undefined;
  private readonly _spanIntegrity: IntegritySpanProcessor;
  private readonly _spanQueue: ExportQueue<ReadableSpan>;
  private readonly _spanTail: QueueSpanProcessor;
  private readonly _logIntegrity: IntegrityLogRecordProcessor | undefined;
  private readonly _logQueue: ExportQueue<ReadWriteLogRecord> | undefined;
  private readonly _logTail: QueueLogRecordProcessor | undefined;
  private readonly _finalDrainHooks: Array<(drain: FinalDrain) => void> = [];
  private readonly _integrity: ReadonlyArray<IntegritySpanProcessor | IntegrityLogRecordProcessor>;
  private _finalDrainDone = false;
  private _flushingLosses = false;
  private _recoveredItems = 0;
  private _closed = false;

  /**
   * Creates the audit directory, the spool and the journal (all the disk work of startup), and writes what the
   * journals of killed processes hold.
   *
   * @throws {ConfigurationError} when a directory cannot be created or written, or an audit file is a symbolic link.
   */
  constructor(settings: Settings, chainId: string, appSpanProcessors: readonly SpanProcessor[], reporter = new Reporter()) {
    this._settings = settings;
    this.chainId = chainId;
    this.reporter = reporter;
    const { traces, logs, fileModes } = settings;
    // The audit files first: a configuration error there must not leave a spool behind.
    const recordFile = logs.kind === "file" ? this._fileSink(logs.dir, LOGS_FILE_NAME, "audit records") : undefined;
    const spanSink: BatchSink = traces.kind === "file" ? this._fileSink(traces.dir, TRACES_FILE_NAME, "spans") : this._spoolSink("traces");
    const recordSink: BatchSink | undefined = logs.kind === "otlp" ? this._spoolSink("logs") : recordFile;
    const sinks: Partial<Record<AuditSignal, BatchSink>> = { traces: spanSink };
    if (recordSink !== undefined) sinks.logs = recordSink;
    this._sinks = [spanSink, ...(recordSink === undefined ? [] : [recordSink])];

    if (settings.journal.mode === "sync") {
      const dir = settings.journal.dir;
      try {
        // Before this process's own journal exists: recovery takes every journal whose process is not running.
        this._recoveredItems = recoverJournals(dir, sinks, reporter).reduce((n, r) => n + r.recovered.traces + r.recovered.logs, 0);
        this._journal = inDirectory("journal directory", dir, JOURNAL_DIR_SETTING, () => new Journal(dir, chainId, reporter, fileModes));
      } catch (err) {
        this._spool?.close();
        throw err;
      }
    }

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

    // With the journal, a batch is built from the texts the journal encoded (each item encoded once).
    const journal = this._journal;
    const encodeSpans = journal === undefined ? encodeTraceLine : (spans: readonly ReadableSpan[]) => journal.encodeBatch("traces", spans);
    const encodeRecords = journal === undefined ? encodeLogsLine : (records: readonly ReadWriteLogRecord[]) => journal.encodeBatch("logs", records);
    this._spanQueue = this._queue<ReadableSpan>("traces", spanSink, encodeSpans, "OTEL_BSP_MAX_QUEUE_SIZE");
    this._spanTail = new QueueSpanProcessor(this._spanQueue);
    // Stamped in the order spans reach the queue, so a span it loses is a gap in audit.seq (and a loss record).
    this._spanIntegrity = new IntegritySpanProcessor(this._spanTail, { chainId, checkpointer });
    this.spanProcessors = [this._spanIntegrity, ...appSpanProcessors];

    if (recordSink !== undefined) {
      const logQueue = this._queue<ReadWriteLogRecord>("logs", recordSink, encodeRecords, "OTEL_BLRP_MAX_QUEUE_SIZE");
      this._logQueue = logQueue;
      this._logTail = new QueueLogRecordProcessor(logQueue);
      this._logIntegrity = new IntegrityLogRecordProcessor(this._logTail, { chainId, checkpointer });
      this.logRecordProcessors = [this._logIntegrity];
    } else {
      this.logRecordProcessors = [];
    }
    this._integrity = this._logIntegrity === undefined ? [this._spanIntegrity] : [this._spanIntegrity, this._logIntegrity];
    // The seal: the last record of every chain, however the process ends.
    if (checkpointer !== undefined) this.onFinalDrain(() => checkpointer.seal());

    const { metrics } = settings;
    let metricExporter: PushMetricExporter | undefined;
    if (metrics.kind === "file") {
      metricExporter = new OtlpJsonFileMetricExporter({ path: path.join(metrics.dir, METRICS_FILE_NAME), fileMode: fileModes.file });
    } else if (metrics.kind === "otlp") {
      this._otlpMetrics = new OtlpJsonMetricExporter(metrics.target);
      metricExporter = this._otlpMetrics;
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
   * Registers `hook` to run once, synchronously, when the process's chains are about to get their last records:
   * on the exit path or in `shutdown()`, after the open runs have ended and before the queues are written out.
   * Records it emits (through the global logger or tracer provider) are stamped and written synchronously with
   * the rest; a hook that throws is logged and the others still run.
   */
  onFinalDrain(hook: (drain: FinalDrain) => void): void {
    this._finalDrainHooks.push(hook);
  }

  /** Shutdown has begun: sending stops a little before its budget ends, so what is left can reach the disk. */
  beginShutdown(): void {
    const deadline = Date.now() + exportBudgetMillis(this._settings.shutdownTimeoutMillis);
    for (const sink of this._sinks) sink.beginShutdown(deadline);
    this._otlpMetrics?.beginShutdown(deadline);
  }

  /** Exports every ended span and emitted record the queues hold, and the metrics collected so far. */
  async forceFlush(): Promise<void> {
    await Promise.all([this.flushProcessors(), ...this.metricReaders.map((reader) => reader.forceFlush())]);
  }

  /**
   * Exports every ended span and emitted record the queues hold (and the loss records of what was lost); at
   * shutdown, where the SDK's shutdown collects the metrics once more.
   */
  async flushProcessors(): Promise<void> {
    this._flushLosses();
    await Promise.all([...this.spanProcessors, ...this.logRecordProcessors].map((processor) => processor.forceFlush()));
    if (this._ledger.hasPending) {
      this._flushLosses();
      await this._logQueue?.forceFlush();
      await this._spanQueue.forceFlush();
    }
  }

  /**
   * The shutdown's final records: waits, at most a second, for records held while the resource settles (so they
   * are stamped over the resource their exporter writes), then runs the final-drain hooks (see
   * {@link onFinalDrain}).
   */
  async finalRecords(settleMillis = SETTLE_BEFORE_SEAL_MILLIS): Promise<void> {
    if (this._finalDrainDone) return;
    let timer: NodeJS.Timeout | undefined;
    const bound = new Promise<void>((resolve) => (timer = setTimeout(resolve, settleMillis)));
    await Promise.race([Promise.all(this._integrity.map((p) => p.whenSettled())), bound]);
    clearTimeout(timer);
    this._runFinalDrain(false);
  }

  /** The final-drain hooks, once; records still held while the resource settles are stamped first. */
  private _runFinalDrain(exiting: boolean): void {
    if (this._finalDrainDone) return;
    this._finalDrainDone = true;
    for (const processor of this._integrity) processor.releaseHeld();
    const drain: FinalDrain = { exiting };
    for (const hook of this._finalDrainHooks) {
      try {
        hook(drain);
      } catch (err) {
        diag.error("a final-drain hook threw", err);
      }
    }
  }

  /**
   * The exit path: stamps the records held while the resource settles, writes the loss records known so far,
   * runs the final-drain hooks, then writes everything held (spans first, then records, then the loss records of
   * anything that could not be written) synchronously to the audit files or the spool, and closes the spool and
   * the journal. Idempotent; never throws.
   */
  drainSync(): void {
    if (this._closed) return;
    for (const processor of this._integrity) processor.releaseHeld();
    this._flushLosses();
    this._runFinalDrain(true);
    this._flushLosses();
    this._spanQueue.drainSync();
    this._flushLosses();
    this._logQueue?.drainSync();
    this._flushLosses();
    this._close();
  }

  /** After the SDK has shut down: closes the spool and the journal, and says what was lost. Idempotent. */
  close(): void {
    if (this._closed) return;
    this._close();
  }

  /** What the export path has done and lost so far. */
  stats(): LangChainOtelStats {
    const spool = this._spool?.counters() ?? zeroCounters();
    const queueDroppedSpans = this._spanQueue.counters.droppedItems;
    const queueDroppedLogRecords = this._logQueue?.counters.droppedItems ?? 0;
    const lost = this._ledger.total("traces") + this._ledger.total("logs");
    return {
      spooledBatches: spool.spooledBatches,
      replayedBatches: spool.replayedBatches,
      rejectedBatches: spool.rejectedBatches,
      droppedItems: lost - queueDroppedSpans - queueDroppedLogRecords,
      queueDroppedSpans,
      queueDroppedLogRecords,
      spilledBatches: this._spanQueue.counters.spilledBatches + (this._logQueue?.counters.spilledBatches ?? 0),
      pendingBatches: this._spool?.pendingBatches ?? 0,
      exitDrainedItems: this._spanQueue.counters.drainedItems + (this._logQueue?.counters.drainedItems ?? 0),
      recoveredItems: this._recoveredItems,
    };
  }

  /** Absolute spool directory, when a signal goes over OTLP. */
  get spoolDir(): string | undefined {
    return this._spool?.dir;
  }

  private _fileSink(dir: string, name: string, noun: string): FileSink {
    const file = new JsonLinesFile(path.join(dir, name), this._settings.fileModes);
    inDirectory("audit directory", dir, AUDIT_DIR_SETTING, () => file.prepare());
    return new FileSink(file, noun, this.reporter);
  }

  /** The sink of a signal sent over OTLP; the spool is created with the first. */
  private _spoolSink(signal: AuditSignal): BatchSink {
    const settings = this._settings;
    this._spool ??= inDirectory(
      "spool directory",
      settings.spool.dir,
      "LANGCHAIN_OTEL_SPOOL_DIR or the spoolDir option",
      () =>
        new Spool({
          spoolDir: settings.spool.dir,
          maxBytes: settings.spool.maxBytes,
          key: this.chainId,
          targets: otlpTargets(settings),
          reporter: this.reporter,
          modes: settings.fileModes,
        }),
    );
    return this._spool.sink(signal);
  }

  private _queue<T extends ReadableSpan | ReadWriteLogRecord>(
    signal: AuditSignal,
    sink: BatchSink,
    encode: (items: readonly T[]) => string,
    queueVariable: string,
  ): ExportQueue<T> {
    return new ExportQueue<T>({
      signal,
      sink,
      encode,
      seqOf,
      batch: signal === "traces" ? this._settings.spanBatch : this._settings.logBatch,
      overflow: this._settings.queueOverflow,
      losses: this._ledger,
      reporter: this.reporter,
      queueVariable,
      journal: this._journal as QueueJournal<T> | undefined,
      onLossesPending: () => this._flushLosses(),
    });
  }

  /** Writes what was lost into the trail: a loss record per range, in the records' chain (or the spans' without records). */
  private _flushLosses(): void {
    if (this._flushingLosses || !this._ledger.hasPending) return;
    this._flushingLosses = true;
    try {
      const resource = this._logTail?.resource ?? this._spanTail.resource;
      if (resource === undefined) return;
      for (const range of this._ledger.take()) {
        if (this._logIntegrity !== undefined) this._logIntegrity.onEmit(lossLogRecord(range, resource));
        else this._spanIntegrity.onEnd(lossSpan(range, resource));
      }
    } catch (err) {
      diag.error("could not write a loss record", err);
    } finally {
      this._flushingLosses = false;
    }
  }

  private _close(): void {
    this._closed = true;
    this.checkpointer?.shutdown();
    const lost = this._ledger.total("traces") + this._ledger.total("logs");
    if (this._journal !== undefined) {
      // What could not be written is still in the journal: the next start tries again.
      if (lost === 0) this._journal.closeClean();
      else this._journal.closeKeep();
    }
    this._spool?.close();
    if (lost > 0) {
      this.reporter.line(
        `${this._ledger.total("traces")} spans and ${this._ledger.total("logs")} audit records of this process were lost ` +
          "(see the lines above); the trail records each loss it could write as a langchain.audit.loss record, and verify reports them",
      );
    }
  }
}
