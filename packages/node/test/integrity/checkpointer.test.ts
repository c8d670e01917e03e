// SPDX-License-Identifier: Apache-2.0
import { DiagLogLevel, diag, type DiagLogger } from "@opentelemetry/api";
import { resourceFromAttributes, type Resource } from "@opentelemetry/resources";
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor, type ReadableLogRecord } from "@opentelemetry/sdk-logs";
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from "@opentelemetry/sdk-trace";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import {
  AuditCheckpointer,
  IntegrityLogRecordProcessor,
  IntegritySpanProcessor,
  checkpointFromAttributes,
  checkpointSignatureValid,
  signingKeyFromPem,
  verifyKeyFromPem,
  type SignedCheckpoint,
} from "../../src/integrity/index.js";
import { VECTOR_PRIVATE_KEY_PEM, VECTOR_PUBLIC_KEY_PEM, resource } from "./fixtures.js";

const INSTANCE = "3f1c9a52-0d7e-4b8a-9c61-2e5f7a8b9c0d";
const T0 = Date.UTC(2026, 10, 24, 10, 0, 0);
const trusted = verifyKeyFromPem(VECTOR_PUBLIC_KEY_PEM);

let diagMessages: string[];
beforeEach(() => {
  diagMessages = [];
  const record = (level: string) => (...args: unknown[]) => diagMessages.push(`${level}: ${args.filter((a) => typeof a === "string" && a !== "@langchain-otel/node").join(" ")}`);
  const logger: DiagLogger = { error: record("error"), warn: record("warn"), info: () => {}, debug: () => {}, verbose: () => {} };
  diag.setLogger(logger, DiagLogLevel.WARN);
});
afterEach(() => {
  diag.disable();
  vi.useRealTimers();
});

/** A process's two providers, both signed by one checkpointer, exporting into memory. */
function signedProcess(options: { checkpointRecords?: number; checkpointIntervalMillis?: number; resource?: Resource } = {}) {
  const checkpointer = new AuditCheckpointer({ signingKey: signingKeyFromPem(VECTOR_PRIVATE_KEY_PEM), now: () => Date.now(), ...options });
  const spans = new InMemorySpanExporter();
  const records = new InMemoryLogRecordExporter();
  const r = options.resource ?? resource;
  const tracerProvider = new TracerProvider({ resource: r, spanProcessors: [new IntegritySpanProcessor(new SimpleSpanProcessor({ exporter: spans }), { checkpointer })] });
  const loggerProvider = new LoggerProvider({ resource: r, processors: [new IntegrityLogRecordProcessor(new SimpleLogRecordProcessor({ exporter: records }), { checkpointer })] });
  checkpointer.setLogger(loggerProvider.getLogger("@langchain-otel/node"));
  const tracer = tracerProvider.getTracer("test");
  const logger = loggerProvider.getLogger("test");
  return {
    checkpointer,
    span: (name: string) => tracer.startSpan(name).end(),
    record: (name: string) => logger.emit({ eventName: name, attributes: { "event.name": name } }),
    spans: () => spans.getFinishedSpans() as ReadableSpan[],
    records: () => records.getFinishedLogRecords() as ReadableLogRecord[],
    flush: async () => {
      await tracerProvider.forceFlush();
      await loggerProvider.forceFlush();
    },
  };
}

type Checkpoint = SignedCheckpoint & { readonly seq: number };

/** The checkpoint records among the log records, parsed, each with its own seq in the logs chain. */
function checkpointsOf(records: ReadableLogRecord[]): Checkpoint[] {
  return records
    .filter((r) => r.eventName === "audit.checkpoint")
    .map((r) => {
      const parsed = checkpointFromAttributes((name) => r.attributes[name] as string | number | undefined, INSTANCE);
      if ("error" in parsed) throw new Error(parsed.error);
      return { ...parsed, seq: Number(r.attributes["audit.seq"]) };
    });
}

const hashAt = (items: Array<ReadableSpan | ReadableLogRecord>, seq: number) => items.find((i) => i.attributes["audit.seq"] === seq)?.attributes["audit.hash"];
const summary = (c: Checkpoint) => [c.fields.signal, c.fields.index, c.fields.first, c.fields.last, c.fields.kind, c.seq];

describe("AuditCheckpointer", () => {
  it("signs a checkpoint of a chain every N records, chained to the previous one, its head the hash at its last seq", async () => {
    const p = signedProcess({ checkpointRecords: 3 });
    for (let i = 0; i < 7; i++) p.span(`s${i}`);
    await p.flush();
    const checkpoints = checkpointsOf(p.records());
    expect(checkpoints.map(summary)).toEqual([
      ["traces", 1, 1, 3, "checkpoint", 1],
      ["traces", 2, 4, 6, "checkpoint", 2],
    ]);
    for (const c of checkpoints) {
      expect(checkpointSignatureValid(c, trusted)).toBe(true);
      expect(c.fields.head).toBe(hashAt(p.spans(), c.fields.last));
    }
    expect(checkpoints[0]!.fields.prev).toBe("");
    expect(checkpoints[1]!.fields.prev).toBe(checkpoints[0]!.signature);
    expect(diagMessages).toEqual([]);
  });

  it("does not count checkpoint records towards the logs chain's next checkpoint", async () => {
    const p = signedProcess({ checkpointRecords: 2 });
    for (let i = 0; i < 6; i++) p.span(`s${i}`);
    p.record("r1");
    p.record("r2");
    await p.flush();
    // Logs chain: 3 traces checkpoints (seq 1..3), r1 (4), r2 (5), then its own checkpoint over 1..5 (6).
    expect(checkpointsOf(p.records()).map(summary)).toEqual([
      ["traces", 1, 1, 2, "checkpoint", 1],
      ["traces", 2, 3, 4, "checkpoint", 2],
      ["traces", 3, 5, 6, "checkpoint", 3],
      ["logs", 1, 1, 5, "checkpoint", 6],
    ]);
  });

  it("checkpoints every chain with new records each interval, traces first, and stays quiet when idle", async () => {
    vi.useFakeTimers({ now: T0 });
    const p = signedProcess({ checkpointIntervalMillis: 5000 });
    p.checkpointer.start();
    p.span("a");
    p.record("r1");
    await vi.advanceTimersByTimeAsync(5000);
    // The traces checkpoint lands in the logs chain (seq 2) before the logs checkpoint covers 1..2.
    expect(checkpointsOf(p.records()).map((c) => [...summary(c), c.fields.time])).toEqual([
      ["traces", 1, 1, 1, "checkpoint", 2, "2026-11-24T10:00:05.000Z"],
      ["logs", 1, 1, 2, "checkpoint", 3, "2026-11-24T10:00:05.000Z"],
    ]);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(checkpointsOf(p.records())).toHaveLength(2);
    p.record("r2");
    await vi.advanceTimersByTimeAsync(5000);
        // From seq 3: the logs chain's first checkpoint record, covered now with r2.
    expect(checkpointsOf(p.records()).map(summary).at(-1)).toEqual(["logs", 2, 3, 4, "checkpoint", 5]);
    p.checkpointer.shutdown();
  });

  it("seals every chain at exit, traces first, the logs seal covering the traces seal and ending the chain", async () => {
    const p = signedProcess({ checkpointRecords: 2 });
    for (let i = 0; i < 3; i++) p.span(`s${i}`);
    p.record("r1");
    p.checkpointer.seal();
    await p.flush();
    const checkpoints = checkpointsOf(p.records());
    expect(checkpoints.map(summary)).toEqual([
      ["traces", 1, 1, 2, "checkpoint", 1],
      ["traces", 2, 3, 3, "seal", 3],
      ["logs", 1, 1, 3, "seal", 4],
    ]);
    expect(checkpoints.every((c) => checkpointSignatureValid(c, trusted))).toBe(true);
    expect(checkpoints[2]!.fields.head).toBe(hashAt(p.records(), 3));
    // Sealed: records after it are stamped (the verifier reports them) but no longer checkpointed.
    for (let i = 0; i < 4; i++) p.span(`late${i}`);
    p.checkpointer.seal();
    await p.flush();
    expect(checkpointsOf(p.records())).toHaveLength(3);
  });

  it("seals a chain whose records all have been checkpointed with an empty range", async () => {
    const p = signedProcess({ checkpointRecords: 2 });
    p.span("a");
    p.span("b");
    p.checkpointer.seal();
    await p.flush();
    expect(checkpointsOf(p.records()).map(summary)).toEqual([
      ["traces", 1, 1, 2, "checkpoint", 1],
      ["traces", 2, 3, 2, "seal", 2],
      ["logs", 1, 1, 2, "seal", 3],
    ]);
  });

  it("holds records while the resource detects attributes, then stamps them over the settled resource, in order", async () => {
    let settle!: (value: string) => void;
    const pending = resourceFromAttributes({ "service.instance.id": INSTANCE, "host.id": new Promise<string>((resolve) => (settle = resolve)) as never });
    const p = signedProcess({ checkpointRecords: 2, resource: pending });
    p.span("early-1");
    p.record("early");
    p.span("early-2");
    expect([p.spans().length, p.records().length]).toEqual([0, 0]);
    settle("machine-1");
    await p.flush();
    expect(p.spans().map((s) => [s.name, s.attributes["audit.seq"]])).toEqual([
      ["early-1", 1],
      ["early-2", 2],
    ]);
    expect(p.records().map((r) => [r.eventName, r.attributes["audit.seq"]])).toEqual([
      ["early", 1],
      ["audit.checkpoint", 2],
    ]);
    expect(diagMessages).toEqual([]);
  });

  it("releases held records at the seal, which cannot wait (the exit path), and the seal covers them", () => {
    const pending = resourceFromAttributes({ "service.instance.id": INSTANCE, "host.id": new Promise<string>(() => {}) as never });
    const checkpointer = new AuditCheckpointer({ signingKey: signingKeyFromPem(VECTOR_PRIVATE_KEY_PEM) });
    // What the exporters' processors receive (a batch processor would wait for the resource before exporting).
    const spans: ReadableSpan[] = [];
    const records: ReadableLogRecord[] = [];
    const tracerProvider = new TracerProvider({
      resource: pending,
      spanProcessors: [new IntegritySpanProcessor({ onStart() {}, onEnd: (s) => spans.push(s), forceFlush: async () => {}, shutdown: async () => {} }, { checkpointer })],
    });
    const loggerProvider = new LoggerProvider({
      resource: pending,
      processors: [new IntegrityLogRecordProcessor({ onEmit: (r) => records.push(r), forceFlush: async () => {}, shutdown: async () => {} }, { checkpointer })],
    });
    checkpointer.setLogger(loggerProvider.getLogger("@langchain-otel/node"));
    tracerProvider.getTracer("t").startSpan("held").end();
    loggerProvider.getLogger("t").emit({ eventName: "held" });
    expect([spans.length, records.length]).toEqual([0, 0]);
    checkpointer.seal();
    expect(spans.map((s) => s.attributes["audit.seq"])).toEqual([1]);
    expect(records.map((r) => r.eventName)).toEqual(["held", "audit.checkpoint", "audit.checkpoint"]);
    expect(checkpointsOf(records).map(summary)).toEqual([
      ["traces", 1, 1, 1, "seal", 2],
      ["logs", 1, 1, 2, "seal", 3],
    ]);
    expect(checkpointsOf(records)[0]!.fields.head).toBe(spans[0]!.attributes["audit.hash"]);
  });

  it("never throws into the app: a logger that throws is reported on the diag channel", () => {
    const checkpointer = new AuditCheckpointer({ signingKey: signingKeyFromPem(VECTOR_PRIVATE_KEY_PEM), checkpointRecords: 1 });
    checkpointer.setLogger({ emit: () => { throw new Error("exporter gone"); }, enabled: () => true });
    const processor = new IntegritySpanProcessor(new SimpleSpanProcessor({ exporter: new InMemorySpanExporter() }), { checkpointer });
    const provider = new TracerProvider({ resource, spanProcessors: [processor] });
    expect(() => provider.getTracer("t").startSpan("x").end()).not.toThrow();
    expect(() => checkpointer.seal()).not.toThrow();
    expect(diagMessages).toEqual(["error: could not write an audit checkpoint", "error: could not seal the audit chains"]);
  });
});
