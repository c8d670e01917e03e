// SPDX-License-Identifier: Apache-2.0
import { DiagLogLevel, SeverityNumber, SpanKind, TraceFlags, diag, type DiagLogger } from "@opentelemetry/api";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor, type ReadableLogRecord } from "@opentelemetry/sdk-logs";
import {
  InMemorySpanExporter,
  SamplingDecision,
  SimpleSpanProcessor,
  TracerProvider,
  type ReadableSpan,
  type Sampler,
  type SpanProcessor,
} from "@opentelemetry/sdk-trace";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  GENESIS_HASH,
  IntegrityLogRecordProcessor,
  IntegritySpanProcessor,
  canonicalJson,
  canonicalLogRecordFromOtlpJson,
  canonicalSpanFromOtlpJson,
  chainHash,
  type OtlpJsonLogRecord,
  type OtlpJsonSpan,
} from "../../src/integrity/index.js";
import { encodeLogsLine, encodeTraceLine } from "../../src/otlp-json.js";
import { resource, vectorSpan } from "./fixtures.js";
import { recordsOfLine, spansOfLine, type LineRecord, type LineSpan } from "./otlp-lines.js";

const INSTANCE = "3f1c9a52-0d7e-4b8a-9c61-2e5f7a8b9c0d";
const T0 = 1795517521000;

/** Warnings and errors the SDK and our processors report through the diag API. */
let diagMessages: string[];
beforeEach(() => {
  diagMessages = [];
  // Component loggers put their namespace first.
  const record = (level: string) => (...args: unknown[]) =>
    diagMessages.push(`${level}: ${args.filter((a) => typeof a === "string" && a !== "@langchain-otel/node").join(" ")}`);
  const logger: DiagLogger = { error: record("error"), warn: record("warn"), info: () => {}, debug: () => {}, verbose: () => {} };
  diag.setLogger(logger, DiagLogLevel.WARN);
});
afterEach(() => diag.disable());

function traced(downstreamOf: (exporter: InMemorySpanExporter) => SpanProcessor = (e) => new SimpleSpanProcessor({ exporter: e }), sampler?: Sampler) {
  const exporter = new InMemorySpanExporter();
  const processor = new IntegritySpanProcessor(downstreamOf(exporter));
  const provider = new TracerProvider({ resource, spanProcessors: [processor], ...(sampler ? { sampler } : {}) });
  return { exporter, processor, provider, tracer: provider.getTracer("integrity-test", "1.0.0") };
}

function logged(options: { attributeCountLimit?: number; attributeValueLengthLimit?: number } = {}) {
  const exporter = new InMemoryLogRecordExporter();
  const processor = new IntegrityLogRecordProcessor(new SimpleLogRecordProcessor({ exporter }));
  const provider = new LoggerProvider({ resource, processors: [processor], logRecordLimits: options });
  return { exporter, processor, provider, logger: provider.getLogger("integrity-test", "1.0.0") };
}

const fileSpans = spansOfLine;
const fileRecords = recordsOfLine;
function itemOf(item: LineSpan | LineRecord): OtlpJsonSpan | OtlpJsonLogRecord {
  return "span" in item ? item.span : item.record;
}
function attr(item: LineSpan | LineRecord, key: string): Record<string, unknown> | undefined {
  return itemOf(item).attributes?.find((a) => a.key === key)?.value as Record<string, unknown> | undefined;
}

/** Checks a chain read back from a file: seq 1, 2, … and each hash over the previous one. Returns the first bad seq. */
function firstBrokenLink<T extends LineSpan | LineRecord>(items: T[], canonical: (item: T) => string): number | undefined {
  let prev = GENESIS_HASH;
  for (let i = 0; i < items.length; i++) {
    const item = items[i]!;
    const claimed = attr(item, "audit.hash")?.stringValue as string;
    if (attr(item, "audit.seq")?.intValue !== String(i + 1) || chainHash(prev, canonical(item)) !== claimed) return i + 1;
    prev = claimed;
  }
  return undefined;
}
const spanCanonical = (s: LineSpan) => canonicalJson(canonicalSpanFromOtlpJson(s.span, s.context));
const recordCanonical = (r: LineRecord) => canonicalJson(canonicalLogRecordFromOtlpJson(r.record, r.context));

describe("IntegritySpanProcessor", () => {
  it("stamps a chain of 3 spans that verifies from the file form", async () => {
    const { exporter, provider, tracer } = traced();
    const root = tracer.startSpan("invoke_agent support", { startTime: T0, attributes: { "langchain.run_type": "chain" } });
    tracer.startSpan("chat fake", { kind: SpanKind.CLIENT, startTime: T0 + 1, attributes: { "gen_ai.usage.input_tokens": 12 } }).end(T0 + 2);
    const tool = tracer.startSpan("execute_tool lookup", { startTime: T0 + 3 });
    tool.addEvent("checkpoint", { step: 1 }, T0 + 4);
    tool.end(T0 + 5);
    root.end(T0 + 6);
    await provider.forceFlush();

    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => [s.name, s.attributes["audit.seq"]])).toEqual([
      ["chat fake", 1],
      ["execute_tool lookup", 2],
      ["invoke_agent support", 3],
    ]);
    expect(spans.every((s) => /^[0-9a-f]{64}$/.test(String(s.attributes["audit.hash"])))).toBe(true);

    const items = fileSpans(encodeTraceLine(spans));
    expect(items.map((i) => i.instance)).toEqual([INSTANCE, INSTANCE, INSTANCE]);
    expect(firstBrokenLink(items, spanCanonical)).toBeUndefined();
    expect(diagMessages).toEqual([]);
  });

  it("writes into the ended span's own attributes: sdk-trace 3.1 leaves them writable after end()", async () => {
    const { exporter, provider, tracer } = traced();
    tracer.startSpan("one", { startTime: T0 }).end(T0 + 1);
    await provider.forceFlush();
    const [span] = exporter.getFinishedSpans();
    expect(span!.ended).toBe(true);
    expect(Object.isExtensible(span!.attributes)).toBe(true);
    expect(Object.keys(span!.attributes)).toEqual(["audit.chain", "audit.seq", "audit.hash"]);
    expect(diagMessages).toEqual([]); // no "Cannot execute the operation on ended Span"
  });

  it("stamps past the span attribute count limit, which must not drop the stamp", async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new TracerProvider({
      resource,
      spanLimits: { attributeCountLimit: 1, attributeValueLengthLimit: 8 },
      spanProcessors: [new IntegritySpanProcessor(new SimpleSpanProcessor({ exporter }))],
    });
    provider.getTracer("t").startSpan("full", { attributes: { a: "x" } }).end();
    await provider.forceFlush();
    const attributes = exporter.getFinishedSpans()[0]!.attributes;
    expect(attributes["audit.seq"]).toBe(1);
    expect(String(attributes["audit.hash"])).toHaveLength(64);
  });

  it("detects a changed attribute value and a changed order", async () => {
    const { exporter, provider, tracer } = traced();
    for (let i = 0; i < 3; i++) tracer.startSpan(`s${i}`, { startTime: T0 + i, attributes: { "user.id": "u-1", n: i } }).end(T0 + i + 1);
    await provider.forceFlush();
    const line = encodeTraceLine(exporter.getFinishedSpans());

    const tampered = fileSpans(line.replace('"stringValue":"u-1"', '"stringValue":"u-2"'));
    expect(firstBrokenLink(tampered, spanCanonical)).toBe(1);
    const retyped = fileSpans(line.replace('"key":"n","value":{"intValue":"2"}', '"key":"n","value":{"doubleValue":2}'));
    expect(firstBrokenLink(retyped, spanCanonical)).toBe(3);

    const spans = fileSpans(line);
    const swapped = [spans[0]!, spans[2]!, spans[1]!];
    expect(firstBrokenLink(swapped, spanCanonical)).toBe(2);
  });

  it("keeps one chain per service.instance.id", () => {
    const exporter = new InMemorySpanExporter();
    const processor = new IntegritySpanProcessor(new SimpleSpanProcessor({ exporter }));
    const other = resourceFromAttributes({ "service.instance.id": "other" });
    const none = resourceFromAttributes({ "service.name": "no-instance" });
    for (const r of [resource, other, resource, none, other]) processor.onEnd(vectorSpan({ resource: r, attributes: {} }));
    expect(exporter.getFinishedSpans().map((s) => s.attributes["audit.seq"])).toEqual([1, 1, 2, 1, 2]);
    const [a1, b1, a2] = exporter.getFinishedSpans();
    expect(chainHash(String(a1!.attributes["audit.hash"]), spanCanonical(fileSpans(encodeTraceLine([a2!]))[0]!))).toBe(a2!.attributes["audit.hash"]);
    expect(chainHash(GENESIS_HASH, spanCanonical(fileSpans(encodeTraceLine([b1!]))[0]!))).toBe(b1!.attributes["audit.hash"]);
  });

  it("forwards unsampled spans unstamped, as the batch processor will not export them", async () => {
    const recordOnly: Sampler = { shouldSample: () => ({ decision: SamplingDecision.RECORD }), toString: () => "RecordOnly" };
    const seen: ReadableSpan[] = [];
    const { provider, tracer } = traced(() => ({ onStart() {}, onEnd: (s) => seen.push(s), forceFlush: async () => {}, shutdown: async () => {} }), recordOnly);
    tracer.startSpan("unsampled").end();
    await provider.forceFlush();
    expect(seen).toHaveLength(1);
    expect(seen[0]!.spanContext().traceFlags & TraceFlags.SAMPLED).toBe(0);
    expect(seen[0]!.attributes["audit.seq"]).toBeUndefined();
  });

  it("stamps a view of a span whose attributes are frozen, leaving the span untouched", () => {
    const seen: ReadableSpan[] = [];
    const processor = new IntegritySpanProcessor({ onStart() {}, onEnd: (s) => seen.push(s), forceFlush: async () => {}, shutdown: async () => {} });
    const frozen = vectorSpan({ attributes: Object.freeze({ "user.id": "u-1" }) });
    processor.onEnd(frozen);
    const view = seen[0]!;
    expect(view).not.toBe(frozen);
    expect(view.attributes).toMatchObject({ "user.id": "u-1", "audit.seq": 1 });
    expect(frozen.attributes).toEqual({ "user.id": "u-1" });
    expect([view.name, view.spanContext().spanId, view.resource]).toEqual([frozen.name, frozen.spanContext().spanId, frozen.resource]);
    const fromFile = fileSpans(encodeTraceLine([view]))[0]!;
    expect(chainHash(GENESIS_HASH, spanCanonical(fromFile))).toBe(view.attributes["audit.hash"]);
  });

  it("never throws: a span it cannot canonicalize goes out unstamped and takes no seq", () => {
    const exporter = new InMemorySpanExporter();
    const processor = new IntegritySpanProcessor(new SimpleSpanProcessor({ exporter }));
    const attributes = {};
    Object.defineProperty(attributes, "bad", { enumerable: true, get: () => { throw new Error("getter"); } });
    expect(() => processor.onEnd(vectorSpan({ attributes }))).not.toThrow();
    processor.onEnd(vectorSpan({ attributes: {} }));
    expect(exporter.getFinishedSpans().map((s) => s.attributes["audit.seq"])).toEqual([undefined, 1]);
    expect(diagMessages).toEqual(["error: could not stamp a span with audit.seq and audit.hash; it is exported without them"]);
  });

  it("stops stamping once shut down", async () => {
    const seen: ReadableSpan[] = [];
    const processor = new IntegritySpanProcessor({ onStart() {}, onEnd: (s) => seen.push(s), forceFlush: async () => {}, shutdown: async () => {} });
    await processor.shutdown();
    processor.onEnd(vectorSpan({ attributes: {} }));
    expect(seen[0]!.attributes).toEqual({});
  });
});

describe("IntegrityLogRecordProcessor", () => {
  it("stamps a chain of 3 records that verifies from the file form, and detects tampering", async () => {
    const { exporter, provider, logger } = logged();
    logger.emit({ eventName: "langchain.run.start", timestamp: T0, observedTimestamp: T0, attributes: { "langchain.run_id": "r-1" } });
    logger.emit({ eventName: "langchain.run.end", severityNumber: SeverityNumber.INFO, timestamp: T0 + 1, body: { out: [1, 2.5] }, attributes: { "langchain.run_id": "r-1", "langchain.status": "ok" } });
    logger.emit({ eventName: "note", timestamp: T0 + 2, body: new Uint8Array([7]) });
    await provider.forceFlush();

    const records = exporter.getFinishedLogRecords();
    expect(records.map((r) => r.attributes["audit.seq"])).toEqual([1, 2, 3]);
    const line = encodeLogsLine(records);
    expect(firstBrokenLink(fileRecords(line), recordCanonical)).toBeUndefined();
    expect(firstBrokenLink(fileRecords(line.replace('"doubleValue":2.5', '"doubleValue":2.6')), recordCanonical)).toBe(2);
    const [a, b, c] = fileRecords(line);
    expect(firstBrokenLink([b!, a!, c!], recordCanonical)).toBe(1);
    expect(diagMessages).toEqual([]);
  });

  it("keeps the stamp whole when the record's attribute limits would drop or cut it", async () => {
    const { exporter, provider, logger } = logged({ attributeCountLimit: 1, attributeValueLengthLimit: 10 });
    logger.emit({ eventName: "full", attributes: { a: "x" } });
    await provider.forceFlush();
    const [record] = exporter.getFinishedLogRecords() as ReadableLogRecord[];
    expect(record!.attributes["audit.seq"]).toBe(1);
    expect(String(record!.attributes["audit.hash"])).toHaveLength(64);
    const fromFile = fileRecords(encodeLogsLine([record!]))[0]!;
    expect(chainHash(GENESIS_HASH, recordCanonical(fromFile))).toBe(record!.attributes["audit.hash"]);
  });

  it("stops stamping once shut down", async () => {
    const emitted: ReadableLogRecord[] = [];
    const bare = new IntegrityLogRecordProcessor({ onEmit: (r) => emitted.push(r), forceFlush: async () => {}, shutdown: async () => {} });
    await bare.shutdown();
    const provider = new LoggerProvider({ resource, processors: [bare] });
    provider.getLogger("t").emit({ eventName: "late" });
    expect(emitted[0]!.attributes).toEqual({});
  });
});
