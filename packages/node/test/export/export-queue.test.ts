// SPDX-License-Identifier: Apache-2.0
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { ExportQueue, type QueueOverflow } from "../../src/export/export-queue.js";
import { LossLedger } from "../../src/export/loss-ledger.js";
import type { Batch, BatchSink, SinkResult } from "../../src/export/sink.js";
import { Reporter } from "../../src/reporter.js";

/** Items are their own seq; a batch's body lists them. */
const encode = (items: readonly number[]): string => items.join(",");

/**
 * A sink whose async exports stay in flight until the test settles them; synchronous writes succeed unless told
 * to fail. It records what each path received, by body.
 */
class FakeSink implements BatchSink {
  readonly noun = "spans";
  readonly where = "/fake";
  readonly exported: string[] = [];
  readonly written: string[] = [];
  failWrites = false;
  private readonly _pending: Array<(result: SinkResult) => void> = [];

  export(batch: Batch): Promise<SinkResult> {
    this.exported.push(batch.body);
    return new Promise((resolve) => this._pending.push(resolve));
  }

  writeSync(batch: Batch): SinkResult {
    if (this.failWrites) return { ok: false, reason: "write_failed" };
    this.written.push(batch.body);
    return { ok: true };
  }

  /** Settles the oldest export in flight. */
  settle(result: SinkResult = { ok: true }): void {
    this._pending.shift()?.(result);
  }

  get inFlight(): number {
    return this._pending.length;
  }

  beginShutdown(): void {}
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
  closeSync(): void {}
}

let sink: FakeSink;
let ledger: LossLedger;
let lines: string[];
let journal: { appended: number[]; written: Array<[number, number]> };

function queue(overflow: QueueOverflow = "spill", maxQueueSize = 4, maxExportBatchSize = 2) {
  return new ExportQueue<number>({
    signal: "traces",
    sink,
    encode,
    seqOf: (item) => item,
    batch: { scheduledDelayMillis: 1000, exportTimeoutMillis: 30_000, maxQueueSize, maxExportBatchSize },
    overflow,
    losses: ledger,
    reporter: new Reporter((line) => void lines.push(line), () => Date.now()),
    queueVariable: "OTEL_BSP_MAX_QUEUE_SIZE",
    journal: {
      append: (_signal, item) => void journal.appended.push(item),
      written: (_signal, first, last) => void journal.written.push([first, last]),
    },
  });
}

/** Flushes the queue, settling every export it starts (bounded rounds). */
async function flushSettling(q: ExportQueue<number>): Promise<void> {
  let done = false;
  const flushed = q.forceFlush().then(() => (done = true));
  for (let round = 0; round < 20 && !done; round++) {
    sink.settle();
    await vi.advanceTimersByTimeAsync(1000);
  }
  await flushed;
}

beforeEach(() => {
  vi.useFakeTimers();
  sink = new FakeSink();
  ledger = new LossLedger();
  lines = [];
  journal = { appended: [], written: [] };
});
afterEach(() => vi.useRealTimers());

describe("ExportQueue", () => {
  it("exports a full batch at once, one batch in flight at a time, in order; the rest on the timer", async () => {
    const q = queue("spill", 10, 2);
    for (const seq of [1, 2, 3]) q.add(seq);
    expect(sink.exported).toEqual(["1,2"]);
    sink.settle();
    await vi.advanceTimersByTimeAsync(0);
    // 3 waits for the delay: a batch is not full.
    expect(sink.exported).toEqual(["1,2"]);
    await vi.advanceTimersByTimeAsync(1000);
    expect(sink.exported).toEqual(["1,2", "3"]);
    sink.settle();
    await q.forceFlush();
    expect(journal).toEqual({ appended: [1, 2, 3], written: [[1, 2], [3, 3]] });
    expect(ledger.total("traces")).toBe(0);
  });

  it("spill (the default): a full queue writes itself to the sink synchronously and loses nothing", async () => {
    const q = queue("spill", 4, 2);
    for (let seq = 1; seq <= 9; seq++) q.add(seq);
    // 1,2 in flight; 3..6 filled the queue; 7 spilled them; 8 and 9 started a new queue.
    expect(sink.exported).toEqual(["1,2"]);
    expect(sink.written).toEqual(["3,4", "5,6"]);
    expect(q.counters.spilledBatches).toBe(2);
    expect(lines).toEqual([
      "[langchain-otel] the spans export queue is full (OTEL_BSP_MAX_QUEUE_SIZE=4): writing it to /fake at once, so the app waits for the disk instead of losing data\n",
    ]);
    await flushSettling(q);
    expect([...sink.exported, ...sink.written].join(",").split(",").map(Number).sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(ledger.total("traces")).toBe(0);
  });

  it("drop: a full queue loses the item, counts it, says so once, and keeps its seq range for a loss record", () => {
    const q = queue("drop", 4, 2);
    for (let seq = 1; seq <= 9; seq++) q.add(seq);
    expect(sink.exported).toEqual(["1,2"]);
    expect(q.counters.droppedItems).toBe(3);
    expect(lines).toEqual([
      "[langchain-otel] the spans export queue is full (OTEL_BSP_MAX_QUEUE_SIZE=4) and LANGCHAIN_OTEL_QUEUE_OVERFLOW=drop: 1 spans dropped so far; each range is recorded in the trail as a langchain.audit.loss record\n",
    ]);
    expect(ledger.take()).toEqual([{ signal: "traces", reason: "queue_full", firstSeq: 7, lastSeq: 9, count: 3 }]);
    // Dropped before the journal: the next start must not bring back what the trail says was lost.
    expect(journal.appended).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it("a privileged item (a loss record) is taken even when the queue is full", () => {
    const q = queue("drop", 2, 2);
    for (const seq of [1, 2, 3, 4]) q.add(seq);
    q.add(5, true);
    expect(q.counters.droppedItems).toBe(0);
    expect(q.length).toBe(3);
  });

  it("drainSync (the exit path) writes the batch in flight and everything queued, then writes later items at once", async () => {
    const q = queue("spill", 10, 2);
    for (const seq of [1, 2, 3]) q.add(seq);
    expect(sink.inFlight).toBe(1);
    q.drainSync();
    expect(sink.written).toEqual(["1,2", "3"]);
    expect(q.counters.drainedItems).toBe(3);
    // The request in flight may still have arrived (at least once); its late answer changes nothing.
    sink.settle();
    await vi.advanceTimersByTimeAsync(0);
    expect(journal.written).toEqual([[1, 2], [3, 3]]);
    q.add(4);
    expect(sink.written).toEqual(["1,2", "3", "4"]);
    expect(sink.exported).toEqual(["1,2"]);
  });

  it("what a sink cannot write is a loss range per contiguous run of seqs", async () => {
    const q = queue("spill", 10, 2);
    q.add(1);
    q.add(2);
    sink.settle({ ok: false, reason: "write_failed" });
    await vi.advanceTimersByTimeAsync(0);
    q.add(3);
    q.add(4);
    sink.settle({ ok: false, reason: "write_failed" });
    await vi.advanceTimersByTimeAsync(0);
    sink.failWrites = true;
    q.add(6);
    q.drainSync();
    expect(ledger.take()).toEqual([
      { signal: "traces", reason: "write_failed", firstSeq: 1, lastSeq: 4, count: 4 },
      { signal: "traces", reason: "write_failed", firstSeq: 6, lastSeq: 6, count: 1 },
    ]);
    expect(ledger.total("traces")).toBe(5);
  });

  it("after shutdown, later items are not exported (as the SDK's processors do)", async () => {
    const q = queue();
    const done = q.shutdown();
    await done;
    q.add(1);
    expect([sink.exported, sink.written]).toEqual([[], []]);
  });
});
