// SPDX-License-Identifier: Apache-2.0
import path from "node:path";
import { ExportResultCode, type ExportResult } from "@opentelemetry/core";
import type { LogRecordExporter, ReadableLogRecord } from "@opentelemetry/sdk-logs";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace";
import { AggregationTemporality, type PushMetricExporter, type ResourceMetrics } from "@opentelemetry/sdk-metrics";
import { diag } from "./diag.js";
import { JsonLinesFile } from "./files/json-lines-file.js";
import { ensureDirectory, fileModes } from "./files/private-files.js";
import { encodeLogsLine, encodeTraceLine } from "./otlp-json.js";
import { dataPointCount, encodeMetricsLine } from "./otlp-json-metrics.js";
import type { OtlpJsonFileLogRecordExporterOptions, OtlpJsonFileSpanExporterOptions } from "./types.js";

/** The export path shared by the span and the log record exporter: one line per export call. */
class LinesExporter {
  readonly file: JsonLinesFile;
  private readonly _owner: string;
  private _isShutdown = false;

  /** Creates the file's directory if missing; throws if it cannot be created. `owner` names the exporter in errors. */
  constructor(file: string, owner: string, fileMode: number | undefined) {
    this.file = new JsonLinesFile(file, fileModes(fileMode));
    this._owner = owner;
    ensureDirectory(path.dirname(this.file.path), fileModes(fileMode));
  }

  /**
   * Appends the line `encode` returns for `count` items (nothing for none) and reports the outcome: FAILED after
   * shutdown or when encoding or writing fails (logged, never thrown), SUCCESS once the line is written.
   */
  export(count: number, noun: string, encode: () => string, resultCallback: (result: ExportResult) => void): void {
    if (this._isShutdown) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error(`${this._owner} is shut down`) });
      return;
    }
    if (count === 0) {
      resultCallback({ code: ExportResultCode.SUCCESS });
      return;
    }
    try {
      this.file.append(encode() + "\n");
    } catch (err) {
      diag.error(`could not write ${count} ${noun} to ${this.file.path}`, err);
      resultCallback({ code: ExportResultCode.FAILED, error: err instanceof Error ? err : new Error(String(err)) });
      return;
    }
    resultCallback({ code: ExportResultCode.SUCCESS });
  }

  shutdown(): Promise<void> {
    this._isShutdown = true;
    return Promise.resolve();
  }
}

/**
 * Appends one line per `export` call to a file: the OTLP/JSON `ExportTraceServiceRequest` for those spans,
 * in exactly the format the OpenTelemetry Collector's file exporter writes (`format: json`), so the same
 * tools read a local audit trail and a collector's.
 *
 * Each line is written synchronously: when `export` reports success the line has been handed to the operating
 * system, so a crash of the app right after cannot lose it. There is no buffer, so {@link forceFlush} has
 * nothing to wait for. The file is never written through a symbolic link, is created with mode 0600 (or
 * `fileMode`) whatever the umask, and a failed write never glues two lines together (see `JsonLinesFile`).
 */
export class OtlpJsonFileSpanExporter implements SpanExporter {
  private readonly _file: LinesExporter;

  /** Creates the file's directory if missing; throws if it cannot be created. */
  constructor(options: OtlpJsonFileSpanExporterOptions) {
    this._file = new LinesExporter(options.path, "OtlpJsonFileSpanExporter", options.fileMode);
  }

  /** Absolute path of the file lines are appended to. */
  get path(): string {
    return this._file.file.path;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this._file.export(spans.length, "span(s)", () => encodeTraceLine(spans), resultCallback);
  }

  /** Every export is written before it reports success; nothing is buffered here. */
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  /** Later exports fail; the file is not held open, so there is nothing to close. */
  shutdown(): Promise<void> {
    return this._file.shutdown();
  }
}

/**
 * Appends one line per `export` call to a file: the OTLP/JSON `ExportLogsServiceRequest` for those log records
 * (the audit records), in exactly the format the OpenTelemetry Collector's file exporter writes (`format: json`).
 * Same durability as {@link OtlpJsonFileSpanExporter}: each line is written synchronously before `export`
 * reports success. The file is created by the first record, so a run without records leaves no empty file.
 */
export class OtlpJsonFileLogRecordExporter implements LogRecordExporter {
  private readonly _file: LinesExporter;

  /** Creates the file's directory if missing; throws if it cannot be created. */
  constructor(options: OtlpJsonFileLogRecordExporterOptions) {
    this._file = new LinesExporter(options.path, "OtlpJsonFileLogRecordExporter", options.fileMode);
  }

  /** Absolute path of the file lines are appended to. */
  get path(): string {
    return this._file.file.path;
  }

  export(logs: ReadableLogRecord[], resultCallback: (result: ExportResult) => void): void {
    this._file.export(logs.length, "log record(s)", () => encodeLogsLine(logs), resultCallback);
  }

  /** Every export is written before it reports success; nothing is buffered here. */
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  /** Later exports fail; the file is not held open, so there is nothing to close. */
  shutdown(): Promise<void> {
    return this._file.shutdown();
  }
}

/**
 * Appends one line per metrics collection to a file: the OTLP/JSON `ExportMetricsServiceRequest`, in the format
 * the OpenTelemetry Collector's file exporter writes (`format: json`), cumulative like the OTLP exporter's default.
 * A collection without data points writes nothing. Written like the audit files: never through a symbolic link,
 * mode 0600 (or `fileMode`) whatever the umask, and a failed write never glues two lines together.
 */
export class OtlpJsonFileMetricExporter implements PushMetricExporter {
  private readonly _file: LinesExporter;

  /** Creates the file's directory if missing; throws if it cannot be created. */
  constructor(options: { path: string; fileMode?: number }) {
    this._file = new LinesExporter(options.path, "OtlpJsonFileMetricExporter", options.fileMode);
  }

  /** Absolute path of the file lines are appended to. */
  get path(): string {
    return this._file.file.path;
  }

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    this._file.export(dataPointCount(metrics), "metric point(s)", () => encodeMetricsLine(metrics), resultCallback);
  }

  selectAggregationTemporality(): AggregationTemporality {
    return AggregationTemporality.CUMULATIVE;
  }

  /** Every export is written before it reports success; nothing is buffered here. */
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  /** Later exports fail; the file is not held open, so there is nothing to close. */
  shutdown(): Promise<void> {
    return this._file.shutdown();
  }
}
