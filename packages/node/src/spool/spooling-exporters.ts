// SPDX-License-Identifier: Apache-2.0
import type { ExportResult } from "@opentelemetry/core";
import type { LogRecordExporter, ReadableLogRecord } from "@opentelemetry/sdk-logs";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace";
import type { SpoolingExporterCore } from "./spooling-exporter.js";

/**
 * A span exporter that tries its OTLP/HTTP exporter and spools to disk what that cannot deliver
 * (see {@link SpoolingExporterCore}); the bodies written are `encodeTraceLine` output, the `/v1/traces` request.
 */
export class SpoolingSpanExporter implements SpanExporter {
  private readonly _core: SpoolingExporterCore<ReadableSpan>;

  constructor(core: SpoolingExporterCore<ReadableSpan>) {
    this._core = core;
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this._core.export(spans, resultCallback);
  }

  forceFlush(): Promise<void> {
    return this._core.forceFlush();
  }

  shutdown(): Promise<void> {
    return this._core.shutdown();
  }
}

/**
 * The same for log records (the audit records); the bodies written are `encodeLogsLine` output, the `/v1/logs` request.
 */
export class SpoolingLogRecordExporter implements LogRecordExporter {
  private readonly _core: SpoolingExporterCore<ReadableLogRecord>;

  constructor(core: SpoolingExporterCore<ReadableLogRecord>) {
    this._core = core;
  }

  export(logs: ReadableLogRecord[], resultCallback: (result: ExportResult) => void): void {
    this._core.export(logs, resultCallback);
  }

  forceFlush(): Promise<void> {
    return this._core.forceFlush();
  }

  shutdown(): Promise<void> {
    return this._core.shutdown();
  }
}
