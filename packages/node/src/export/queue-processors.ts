// SPDX-License-Identifier: Apache-2.0
import { TraceFlags, type Context } from "@opentelemetry/api";
import type { Resource } from "@opentelemetry/resources";
import type { LogRecordProcessor, ReadWriteLogRecord } from "@opentelemetry/sdk-logs";
import type { ReadableSpan, Span, SpanProcessor } from "@opentelemetry/sdk-trace";
import type { ExportQueue } from "./export-queue.js";
import { isLossRecord } from "./loss-records.js";

/** What both processors share: the queue they feed, and the resource of the items seen (for loss records). */
abstract class QueueProcessor<T extends ReadableSpan | ReadWriteLogRecord> {
  /** The resource of the items seen, for loss records. */
  resource: Resource | undefined;
  private readonly _queue: ExportQueue<T>;

  constructor(queue: ExportQueue<T>) {
    this._queue = queue;
  }

  protected _add(item: T): void {
    this.resource = item.resource;
    this._queue.add(item, isLossRecord(item));
  }

  forceFlush(): Promise<void> {
    return this._queue.forceFlush();
  }

  shutdown(): Promise<void> {
    return this._queue.shutdown();
  }
}

/** The export queue as the SDK's span processor (behind the integrity stamping). Unsampled spans are not exported. */
export class QueueSpanProcessor extends QueueProcessor<ReadableSpan> implements SpanProcessor {
  onStart(_span: Span, _parentContext: Context): void {}

  onEnd(span: ReadableSpan): void {
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) !== TraceFlags.SAMPLED) return;
    this._add(span);
  }
}

/** The export queue as the SDK's log record processor (behind the integrity stamping). */
export class QueueLogRecordProcessor extends QueueProcessor<ReadWriteLogRecord> implements LogRecordProcessor {
  onEmit(logRecord: ReadWriteLogRecord): void {
    this._add(logRecord);
  }
}
