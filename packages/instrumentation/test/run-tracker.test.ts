// SPDX-License-Identifier: Apache-2.0
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { diag, SpanStatusCode } from "@opentelemetry/api";
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from "@opentelemetry/sdk-logs";
import { resolveTracingOptions, type ResolvedTracingOptions } from "../src/options.js";
import { ORPHAN_GRACE_MILLIS, RunTracker, type RunStart } from "../src/run-tracker.js";
import { setupTracing, spanOfRun } from "./helpers.js";

const ROOT = "019a1b2c-3d4e-7f00-8a11-000000000001";
const CHILD = "019a1b2c-3d4e-7f00-8a11-000000000002";

const { provider, exporter, spans } = setupTracing();
const logExporter = new InMemoryLogRecordExporter();
const loggerProvider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter: logExporter })] });
const records = () => logExporter.getFinishedLogRecords();

/** A tracker on a hand-driven clock; `options` can be swapped like the instrumentation's setConfig does. */
function tracker(overrides: Parameters<typeof resolveTracingOptions>[0] = {}) {
  const clock = { now: 1_000 };
  let options: ResolvedTracingOptions = resolveTracingOptions({ contentPolicy: "full", ...overrides }, {});
  const t = new RunTracker({
    tracer: () => provider.getTracer("test"),
    logger: () => loggerProvider.getLogger("test"),
    options: () => options,
    diag,
    now: () => clock.now,
  });
  return { t, clock, setOptions: (o: Parameters<typeof resolveTracingOptions>[0]) => (options = resolveTracingOptions({ contentPolicy: "full", ...o }, {})) };
}

function run(runId: string, parentRunId?: string, extra: Partial<RunStart> = {}): RunStart {
  return { runId, parentRunId, runType: "chain", name: runId === ROOT ? "root" : "child", tags: [], metadata: {}, serialized: undefined, ...extra };
}

beforeEach(() => {
  exporter.reset();
  logExporter.reset();
});
afterEach(() => vi.useRealTimers());

describe("RunTracker", () => {
  it("ends a run once: a second end or a fail for the same run changes nothing", () => {
    const { t } = tracker();
    t.start(run(ROOT));
    t.end(ROOT, { output: "ok" });
    t.end(ROOT, { output: "again" });
    t.fail(ROOT, new Error("late"));
    expect(spans().map((s) => [s.name, s.status.code])).toEqual([["root", SpanStatusCode.UNSET]]);
    expect(records().map((r) => r.eventName)).toEqual(["langchain.run.start", "langchain.run.end"]);
    expect(t.openRunCount).toBe(0);
  });

  it("a returned failure is explicit: status ERROR, error.type, an error record, the end attributes still written", () => {
    const { t } = tracker();
    t.start(run(ROOT, undefined, { runType: "tool", name: "refund" }));
    t.end(ROOT, {
      output: "Error: no such order",
      failure: { type: "ToolError", message: "tool returned an error result" },
      attributes: (_run, attrs) => (attrs["app.result"] = "Error: no such order"),
    });
    const [span] = spans();
    expect(span!.status).toEqual({ code: SpanStatusCode.ERROR, message: "tool returned an error result" });
    expect(span!.attributes["error.type"]).toBe("ToolError");
    expect(span!.attributes["app.result"]).toBe("Error: no such order");
    expect(records().map((r) => [r.eventName, r.attributes["error.type"], r.attributes["langchain.status"]])).toEqual([
      ["langchain.run.start", undefined, undefined],
      ["langchain.run.error", "ToolError", "error"],
    ]);
  });

  it("an end attribute named error.type does not by itself make a run fail", () => {
    const { t } = tracker();
    t.start(run(ROOT));
    t.end(ROOT, { output: {}, attributes: (_run, attrs) => (attrs["error.type"] = "Reported") });
    expect(spans()[0]!.status.code).toBe(SpanStatusCode.UNSET);
    expect(records().at(-1)!.attributes["langchain.status"]).toBe("ok");
  });

  it("times the first chunk and counts chunks on its clock, and shows them to the end attributes", () => {
    const { t, clock } = tracker();
    t.start(run(ROOT, undefined, { runType: "chat_model", name: "ChatX" }));
    clock.now += 250;
    for (let i = 0; i < 3; i++) t.recordChunk(ROOT);
    let seen: [number | undefined, number, number] | undefined;
    clock.now += 750;
    t.end(ROOT, { output: {}, attributes: (r) => (seen = [r.firstChunkAtMillis, r.chunkCount, r.startedAtMillis]) });
    expect(seen).toEqual([1_250, 3, 1_000]);
    expect(spans()[0]!.events.map((e) => e.name)).toEqual(["gen_ai.first_chunk"]);
    expect(records().at(-1)!.attributes["langchain.duration_ms"]).toBe(1_000);
  });

  it("adds events only to open runs, building their attributes only then", () => {
    const { t } = tracker();
    const build = vi.fn(() => ({ "app.k": "v" }));
    t.addEvent(ROOT, "app.before", build);
    t.start(run(ROOT));
    t.addEvent(ROOT, "app.during", build);
    t.end(ROOT, { output: {} });
    t.addEvent(ROOT, "app.after", build);
    expect(build).toHaveBeenCalledTimes(1);
    expect(spans()[0]!.events.map((e) => [e.name, e.attributes])).toEqual([["app.during", { "app.k": "v" }]]);
  });

  it("a LangGraph interrupt ends the run as interrupted, not failed", () => {
    const { t } = tracker();
    t.start(run(ROOT));
    t.fail(ROOT, Object.assign(new Error("wait for a human"), { name: "GraphInterrupt" }));
    expect(spans()[0]!.status.code).toBe(SpanStatusCode.UNSET);
    expect(records().at(-1)!.attributes).toMatchObject({ "langchain.status": "interrupted", "langchain.signal": "GraphInterrupt" });
  });

  it("a root's end abandons the runs it left open once the grace for their own end has passed", () => {
    vi.useFakeTimers();
    const { t } = tracker();
    t.start(run(ROOT));
    t.start(run(CHILD, ROOT));
    t.end(ROOT, { output: {} });
    vi.advanceTimersByTime(ORPHAN_GRACE_MILLIS - 1);
    expect(t.openRunCount).toBe(1);
    vi.advanceTimersByTime(1);
    expect(spanOfRun(spans(), CHILD).status).toEqual({ code: SpanStatusCode.ERROR, message: "run did not end: its root run ended before it" });
    expect(t.openRunCount).toBe(0);
  });

  it("a run that reports its error within the grace keeps that error, and no abandonment follows", () => {
    vi.useFakeTimers();
    const { t } = tracker();
    t.start(run(ROOT));
    t.start(run(CHILD, ROOT));
    t.fail(ROOT, Object.assign(new Error("aborted"), { name: "AbortError" }));
    t.fail(CHILD, Object.assign(new Error("aborted"), { name: "AbortError" }));
    vi.advanceTimersByTime(ORPHAN_GRACE_MILLIS);
    expect(spans().map((s) => [s.name, s.attributes["error.type"]])).toEqual([
      ["root", "AbortError"],
      ["child", "AbortError"],
    ]);
    expect(records().map((r) => [r.eventName, r.attributes["langchain.run_name"]])).toEqual([
      ["langchain.run.start", "root"],
      ["langchain.run.start", "child"],
      ["langchain.run.error", "root"],
      ["langchain.run.error", "child"],
    ]);
  });

  it("the TTL ends runs past it, reading runTtlMillis on each tick", () => {
    vi.useFakeTimers();
    const { t, clock, setOptions } = tracker({ runTtlMillis: 60_000 });
    t.start(run(ROOT));
    clock.now += 30_000;
    vi.advanceTimersByTime(59_999);
    expect(t.openRunCount).toBe(1);
    // A shorter TTL set while the run is open applies from the next tick (armed with the old period).
    setOptions({ runTtlMillis: 20_000 });
    vi.advanceTimersByTime(1);
    expect(t.openRunCount).toBe(0);
    expect(spans().map((s) => s.status.message)).toEqual(["run did not end: no end within runTtlMillis (20000 ms)"]);
  });

  it("keeps one timer while runs are open and none once idle", () => {
    vi.useFakeTimers();
    // No spans or records: their exports would hold timers of their own.
    const { t, clock } = tracker({ runTtlMillis: 1_000, emitSpans: false, emitAuditRecords: false });
    t.start(run(ROOT));
    t.start(run(CHILD));
    expect(vi.getTimerCount()).toBe(1);
    clock.now += 500;
    vi.advanceTimersByTime(1_000);
    expect(t.openRunCount).toBe(2);
    expect(vi.getTimerCount()).toBe(1);
    t.end(ROOT, { output: {} });
    t.end(CHILD, { output: {} });
    expect(vi.getTimerCount()).toBe(0);
  });
});
