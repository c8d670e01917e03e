// SPDX-License-Identifier: Apache-2.0
import { context, trace, type Context } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from "@opentelemetry/sdk-trace";
import { MeterProvider, MetricReader } from "@opentelemetry/sdk-metrics";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { RunIdGenerator } from "../src/ids.js";

let contextManagerSet = false;

/** One provider with run-derived IDs and an in-memory exporter; call `reset()` in beforeEach. */
export function setupTracing(): { provider: TracerProvider; exporter: InMemorySpanExporter; spans: () => ReadableSpan[] } {
  if (!contextManagerSet) {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    contextManagerSet = true;
  }
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({
    idGenerator: new RunIdGenerator(),
    spanProcessors: [new SimpleSpanProcessor({ exporter })],
  });
  trace.disable();
  trace.setGlobalTracerProvider(provider);
  return { provider, exporter, spans: () => exporter.getFinishedSpans() };
}

/** Renders finished spans as an indented tree of names (children in start order) for exact comparison. */
export function renderTree(spans: readonly ReadableSpan[], label: (s: ReadableSpan) => string = (s) => s.name): string {
  const byParent = new Map<string | undefined, ReadableSpan[]>();
  const ids = new Set(spans.map((s) => s.spanContext().spanId));
  for (const span of spans) {
    const parentId = span.parentSpanContext?.spanId;
    const key = parentId !== undefined && ids.has(parentId) ? parentId : undefined;
    const list = byParent.get(key) ?? [];
    list.push(span);
    byParent.set(key, list);
  }
  const lines: string[] = [];
  const walk = (parent: string | undefined, depth: number): void => {
    const children = (byParent.get(parent) ?? []).sort((a, b) => compareTime(a.startTime, b.startTime));
    for (const child of children) {
      lines.push("  ".repeat(depth) + label(child));
      walk(child.spanContext().spanId, depth + 1);
    }
  };
  walk(undefined, 0);
  return lines.join("\n");
}

function compareTime(a: [number, number], b: [number, number]): number {
  return a[0] - b[0] || a[1] - b[1];
}

/** The span of a run, by the run ID attribute. */
export function spanOfRun(spans: readonly ReadableSpan[], runId: string): ReadableSpan {
  const span = spans.find((s) => s.attributes["langchain.run_id"] === runId);
  if (span === undefined) throw new Error(`no span for run ${runId}`);
  return span;
}

/** Asserts the ID scheme on every span and that each parent edge equals the run's parent; returns problems. */
export function idSchemeProblems(spans: readonly ReadableSpan[]): string[] {
  const problems: string[] = [];
  const byRun = new Map(spans.map((s) => [s.attributes["langchain.run_id"] as string, s]));
  for (const span of spans) {
    const runId = span.attributes["langchain.run_id"] as string;
    const expected = runId.replaceAll("-", "").slice(16);
    if (span.spanContext().spanId !== expected) problems.push(`${span.name}: span id ${span.spanContext().spanId} != ${expected}`);
    const parentRunId = span.attributes["langchain.parent_run_id"] as string | undefined;
    const parentSpan = parentRunId !== undefined ? byRun.get(parentRunId) : undefined;
    if (parentSpan !== undefined && span.parentSpanContext?.spanId !== parentSpan.spanContext().spanId) {
      problems.push(`${span.name}: parent span is not the parent run's span`);
    }
  }
  return problems;
}

export function activeContext(): Context {
  return context.active();
}

/** A meter provider whose points a test reads on demand, and a flat view of them. */
export function setupMetrics(): { meterProvider: MeterProvider; points: () => Promise<MetricPoint[]> } {
  const reader = new (class extends MetricReader {
    protected async onForceFlush(): Promise<void> {}
    protected async onShutdown(): Promise<void> {}
  })();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const points = async (): Promise<MetricPoint[]> => {
    const { resourceMetrics } = await reader.collect();
    return resourceMetrics.scopeMetrics.flatMap((scope) =>
      scope.metrics.flatMap((metric) =>
        metric.dataPoints.map((point): MetricPoint => {
          const value = point.value as number | { count: number; sum?: number; buckets: { boundaries: number[]; counts: number[] } };
          const base = { name: metric.descriptor.name, unit: metric.descriptor.unit, attributes: point.attributes };
          if (typeof value === "number") return { ...base, value };
          return { ...base, count: value.count, sum: value.sum, boundaries: value.buckets.boundaries, counts: value.buckets.counts };
        }),
      ),
    );
  };
  return { meterProvider, points };
}

/** One data point: a counter's value, or a histogram's count, sum, boundaries and bucket counts. */
export interface MetricPoint {
  name: string;
  unit: string;
  attributes: Record<string, unknown>;
  value?: number;
  count?: number;
  sum?: number | undefined;
  boundaries?: number[];
  counts?: number[];
}

/** Bucket counts for values in explicit `boundaries` (upper bounds inclusive, as the SDK buckets them). */
export function bucketCounts(boundaries: readonly number[], values: readonly number[]): number[] {
  const counts = new Array<number>(boundaries.length + 1).fill(0);
  for (const v of values) {
    const i = boundaries.findIndex((b) => v <= b);
    counts[i === -1 ? boundaries.length : i]!++;
  }
  return counts;
}

let gc: (() => void) | undefined;

/**
 * The heap in use after two full collections, in MB. The test runner starts Node without `--expose-gc`: the flag is
 * set at run time and `gc` taken from a fresh context.
 */
export function heapUsedAfterGcMb(): number {
  if (gc === undefined) {
    setFlagsFromString("--expose-gc");
    gc = runInNewContext("gc") as () => void;
  }
  gc();
  gc();
  return process.memoryUsage().heapUsed / 1e6;
}
