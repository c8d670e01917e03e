// SPDX-License-Identifier: Apache-2.0
import { diag } from "../diag.js";
import type { AuditSignal } from "../integrity/canonical.js";
import type { Reporter } from "../reporter.js";
import type { BatchSettings } from "../settings.js";
import type { LossLedger } from "./loss-ledger.js";
import { lossRangeOf } from "./loss-records.js";
import type { Batch, BatchSink, LossReason, SinkResult } from "./sink.js";

/** What a full queue does with one more item: write the queue to disk at once (`spill`) or lose the item (`drop`). */
export type QueueOverflow = "spill" | "drop";

/** What the queue tells the write-ahead journal: each item before it is queued, each batch once it is written. */
export interface QueueJournal<T> {
  append(signal: AuditSignal, item: T): void;
  /** The batch whose items have these `audit.seq` values (first and last) is written. */
  written(signal: AuditSignal, firstSeq: number, lastSeq: number): void;
}

export interface ExportQueueOptions<T> {
  readonly signal: AuditSignal;
  readonly sink: BatchSink;
  /** The OTLP/JSON request body for a batch (`encodeTraceLine` / `encodeLogsLine`). */
  encode(items: readonly T[]): string;
  /** An item's `audit.seq`, if stamped. */
  seqOf(item: T): number | undefined;
  readonly batch: BatchSettings;
  readonly overflow: QueueOverflow;
  readonly losses: LossLedger;
  readonly reporter: Reporter;
  /** The variable that sets the queue's size, for messages. */
  readonly queueVariable: string;
  readonly journal?: QueueJournal<T> | undefined;
  /** After each written batch, while losses wait to be written into the trail (loss records). */
  onLossesPending?(): void;
}

/** Counters of one queue. */
export interface QueueCounters {
  /** Batches written straight to disk because the queue was full. */
  spilledBatches: number;
  /** Items written synchronously by {@link ExportQueue.drainSync} (the exit path). */
  drainedItems: number;
  /** Items dropped because the queue was full (overflow `drop`). */
  droppedItems: number;
}

interface InFlight<T> {
  readonly items: T[];
  done: Promise<void>;
  settled: boolean;
  /** Written again by drainSync before it settled: its late result changes nothing. */
  drained: boolean;
}

/**
 * The batching export queue of one audit signal, in place of the SDK's batch processor, built for an exit path
 * that cannot wait: everything it holds (queued, and the batch in flight) can be written synchronously by
 * {@link drainSync}. Items are exported in batches of `maxExportBatchSize`, on a timer (`scheduledDelayMillis`,
 * unref'd) or as soon as a batch is full, one batch at a time, in order. A full queue (`maxQueueSize`) never drops
 * silently: by default (`spill`) it writes itself to the sink synchronously, which slows a producer that outruns
 * the export instead of losing its data; with `drop`, the item is counted, reported, and recorded as a loss range
 * that becomes a loss record in the trail.
 */
export class ExportQueue<T> {
  readonly counters: QueueCounters = { spilledBatches: 0, drainedItems: 0, droppedItems: 0 };
  private readonly _options: ExportQueueOptions<T>;
  private _items: T[] = [];
  private _inFlight: InFlight<T> | undefined;
  private _timer: NodeJS.Timeout | undefined;
  /** After drainSync: every later item is written at once (other exit listeners may still emit). */
  private _final = false;
  /** After shutdown: later items are not exported, as the SDK's processors do after theirs. */
  private _shutDown = false;

  constructor(options: ExportQueueOptions<T>) {
    this._options = options;
  }

  /** Items waiting (not counting a batch in flight). */
  get length(): number {
    return this._items.length;
  }

  /** Queues an item (already stamped); `privileged` items (loss records) are taken even when the queue is full. */
  add(item: T, privileged = false): void {
    const { batch, journal, signal } = this._options;
    if (this._shutDown) return;
    if (this._final) {
      this._writeNow([item]);
      return;
    }
    if (!privileged && this._items.length >= batch.maxQueueSize) {
      if (this._options.overflow === "drop") {
        this._drop(item);
        return;
      }
      this._spill();
    }
    journal?.append(signal, item);
    this._items.push(item);
    if (this._items.length >= batch.maxExportBatchSize) this._exportNext();
    else this._armTimer();
  }

  /** Exports everything queued; settles when it is written or lost (never rejects). */
  async forceFlush(): Promise<void> {
    for (let rounds = 0; this._items.length > 0 || this._inFlight !== undefined; rounds++) {
      if (this._inFlight === undefined) this._exportNext();
      const inFlight = this._inFlight;
      if (inFlight === undefined) break;
      await inFlight.done;
      // Bounded: each round takes a batch out; a producer adding as fast as we export is not waited for forever.
      if (rounds > this._options.batch.maxQueueSize) break;
    }
  }

  /**
   * The exit path: writes the batch in flight (it may already have arrived: at least once, the verifier dedupes)
   * and everything queued to the sink synchronously, then writes every later item at once. Never throws.
   */
  drainSync(): void {
    this._final = true;
    this._clearTimer();
    const inFlight = this._inFlight;
    if (inFlight !== undefined && !inFlight.settled) {
      inFlight.drained = true;
      this._inFlight = undefined;
      this._writeNow(inFlight.items);
    }
    while (this._items.length > 0) this._writeNow(this._take());
  }

  /** Exports what is queued, then lets the sink make its last bounded attempt; later items are not exported. */
  async shutdown(): Promise<void> {
    await this.forceFlush();
    this._shutDown = true;
    this._clearTimer();
    await this._options.sink.shutdown();
  }

  private _take(): T[] {
    const size = Math.min(this._items.length, this._options.batch.maxExportBatchSize);
    return this._items.length === size ? this._items.splice(0) : this._items.splice(0, size);
  }

  private _batch(items: readonly T[]): Batch | undefined {
    try {
      return { body: this._options.encode(items), count: items.length };
    } catch (err) {
      // A bug of ours, never a reason to throw into the app.
      diag.error(`could not encode ${items.length} ${this._options.sink.noun}`, err);
      return undefined;
    }
  }

  private _exportNext(): void {
    if (this._inFlight !== undefined || this._items.length === 0 || this._final) return;
    this._clearTimer();
    const items = this._take();
    const batch = this._batch(items);
    if (batch === undefined) {
      this._settle(items, { ok: false, reason: "write_failed" });
      return;
    }
    let result: SinkResult | Promise<SinkResult>;
    try {
      result = this._options.sink.export(batch);
    } catch (err) {
      diag.error(`exporting ${items.length} ${this._options.sink.noun} failed`, err);
      result = { ok: false, reason: "write_failed" };
    }
    if (!(result instanceof Promise)) {
      // Written already (a file): nothing is in flight, so the exit path cannot write it twice.
      this._settle(items, result);
      this._afterExport();
      return;
    }
    const entry: InFlight<T> = { items, done: Promise.resolve(), settled: false, drained: false };
    entry.done = result.then(
      (outcome) => this._finish(entry, outcome),
      (err: unknown) => {
        diag.error(`exporting ${items.length} ${this._options.sink.noun} failed`, err);
        this._finish(entry, { ok: false, reason: "write_failed" });
      },
    );
    this._inFlight = entry;
  }

  private _finish(entry: InFlight<T>, result: SinkResult): void {
    entry.settled = true;
    if (this._inFlight === entry) this._inFlight = undefined;
    if (!entry.drained) this._settle(entry.items, result);
    this._afterExport();
  }

  private _afterExport(): void {
    if (this._options.losses.hasPending && this._items.length < this._options.batch.maxQueueSize) this._options.onLossesPending?.();
    if (this._final) return;
    if (this._items.length >= this._options.batch.maxExportBatchSize) this._exportNext();
    else this._armTimer();
  }

  /** Writes synchronously (exit path, full queue) and settles. */
  private _writeNow(items: T[]): void {
    const batch = this._batch(items);
    let result: SinkResult = { ok: false, reason: "write_failed" };
    if (batch !== undefined) {
      try {
        result = this._options.sink.writeSync(batch);
      } catch (err) {
        diag.error(`writing ${items.length} ${this._options.sink.noun} failed`, err);
      }
    }
    if (this._final) this.counters.drainedItems += items.length;
    this._settle(items, result);
  }

  /** Tells the journal a batch is written, or the ledger that it is lost. */
  private _settle(items: readonly T[], result: SinkResult): void {
    const { journal, seqOf, signal } = this._options;
    if (result.ok) {
      if (journal === undefined) return;
      let first: number | undefined;
      let last: number | undefined;
      for (const item of items) {
        const seq = seqOf(item);
        if (seq === undefined) continue;
        first ??= seq;
        last = seq;
      }
      if (first !== undefined && last !== undefined) journal.written(signal, first, last);
      return;
    }
    this._lose(items, result.reason);
  }

  private _lose(items: readonly T[], reason: LossReason): void {
    // A loss record lost with the batch: the loss it reported must still reach the trail.
    for (const item of items) {
      const range = lossRangeOf(item);
      if (range !== undefined) this._options.losses.restore(range);
    }
    this._options.losses.add(
      this._options.signal,
      reason,
      items.map((item) => this._options.seqOf(item)),
    );
  }

  private _spill(): void {
    const { reporter, sink, batch, queueVariable } = this._options;
    reporter.say(
      `spill:${this._options.signal}`,
      `the ${sink.noun} export queue is full (${queueVariable}=${batch.maxQueueSize}): writing it to ${sink.where} at once, ` +
        "so the app waits for the disk instead of losing data",
      "info",
    );
    while (this._items.length > 0) {
      this._writeNow(this._take());
      this.counters.spilledBatches++;
    }
  }

  private _drop(item: T): void {
    this.counters.droppedItems++;
    this._lose([item], "queue_full");
    const { reporter, sink, batch, queueVariable } = this._options;
    reporter.say(
      `drop:${this._options.signal}`,
      `the ${sink.noun} export queue is full (${queueVariable}=${batch.maxQueueSize}) and LANGCHAIN_OTEL_QUEUE_OVERFLOW=drop: ` +
        `${this.counters.droppedItems} ${sink.noun} dropped so far; each range is recorded in the trail as a langchain.audit.loss record`,
      "error",
    );
  }

  private _armTimer(): void {
    if (this._timer !== undefined || this._items.length === 0 || this._final) return;
    this._timer = setTimeout(() => {
      this._timer = undefined;
      this._exportNext();
    }, this._options.batch.scheduledDelayMillis);
    this._timer.unref();
  }

  private _clearTimer(): void {
    if (this._timer === undefined) return;
    clearTimeout(this._timer);
    this._timer = undefined;
  }
}
