// SPDX-License-Identifier: Apache-2.0
import { TraceFlags, type Context } from "@opentelemetry/api";
import type { Resource } from "@opentelemetry/resources";
import type { LogRecordProcessor, ReadWriteLogRecord } from "@opentelemetry/sdk-logs";
import type { ReadableSpan, Span, SpanProcessor } from "@opentelemetry/sdk-trace";
import type { ExportQueue } from "./export-queue.js";
import { isLossRecord } from "./loss-records.js";

/** The export queue as the SDK's span processor (behind the integrity stamping). Unsampled spans are not exported. */
export class QueueSpanProcessor implements SpanProcessor {
  /** The resource of the spans seen, for loss records. */
  resource: Resource | undefined;
  private readonly _queue: ExportQueue<ReadableSpan>;

  constructor(queue: ExportQueue<ReadableSpan>) {
    this._queue = queue;
  }

  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: ReadableSpan): void {
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) !== TraceFlags.SAMPLED) return;
    this.resource = span.resource;
    this._queue.add(span, isLossRecord(span));
  }

  forceFlush(): Promise<void> {
    return this._queue.forceFlush();
  }

  shutdown(): Promise<void> {
    return this._queue.shutdown();
  }
}

/** The export queue as the SDK's log record processor (behind the integrity stamping). */
export class QueueLogRecordProcessor implements LogRecordProcessor {
  /** The resource of the records seen, for loss records. */
  resource: Resource | undefined;
  private readonly _queue: ExportQueue<ReadWriteLogRecord>;

  constructor(queue: ExportQueue<ReadWriteLogRecord>) {
    this._queue = queue;
  }

  onEmit(logRecord: ReadWriteLogRecord): void {
    this.resource = logRecord.resource;
    this._queue.add(logRecord, isLossRecord(logRecord));
  }

  forceFlush(): Promise<void> {
    return this._queue.forceFlush();
  }

  shutdown(): Promise<void> {
    return this._queue.shutdown();
  }
}
