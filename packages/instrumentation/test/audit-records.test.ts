// SPDX-License-Identifier: Apache-2.0
import { beforeEach, describe, expect, it } from "vitest";
import { SeverityNumber } from "@opentelemetry/api";
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from "@opentelemetry/sdk-logs";
import { OpenTelemetryCallbackHandler } from "../src/handler.js";
import { setupTracing, spanOfRun } from "./helpers.js";

const ROOT = "019a1b2c-3d4e-7f00-8a11-000000000001";
const TOOL = "019a1b2c-3d4e-7f00-8a11-000000000003";
const SEQ = { id: ["langchain_core", "runnables", "RunnableSequence"] };

const { provider, exporter: spanExporter, spans } = setupTracing();
const logExporter = new InMemoryLogRecordExporter();
const loggerProvider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter: logExporter })] });
const records = () => logExporter.getFinishedLogRecords();

function handler(options: ConstructorParameters<typeof OpenTelemetryCallbackHandler>[0] = {}) {
  return new OpenTelemetryCallbackHandler({ contentPolicy: "full", tracerProvider: provider, loggerProvider, ...options });
}

function runAppWithFailingTool(h: OpenTelemetryCallbackHandler): void {
  h.handleChainStart(SEQ, { q: "refund A-1" }, ROOT, undefined, [], { session_id: "s-1", user_id: "u-1", tenant_id: "t-1" }, undefined, "app");
  h.handleToolStart({ id: ["tool"] }, '{"order":"A-1"}', TOOL, ROOT, [], { session_id: "s-1" }, "refund", "call_7");
  h.handleToolError(Object.assign(new Error("unknown order A-1"), { name: "OrderError" }), TOOL);
  h.handleChainEnd({ answer: "sorry" }, ROOT);
}

beforeEach(() => {
  spanExporter.reset();
  logExporter.reset();
});

describe("audit records", () => {
  it("one record per run start, end and error, in the run's span context, with identity, context and payloads", () => {
    runAppWithFailingTool(handler());
    expect(records().map((r) => [r.eventName, r.attributes["langchain.run_name"], r.severityNumber])).toEqual([
      ["langchain.run.start", "app", SeverityNumber.INFO],
      ["langchain.run.start", "refund", SeverityNumber.INFO],
      ["langchain.run.error", "refund", SeverityNumber.ERROR],
      ["langchain.run.end", "app", SeverityNumber.INFO],
    ]);
    const [rootStart, toolStart, toolError, rootEnd] = records();
    const rootSpan = spanOfRun(spans(), ROOT);
    const toolSpan = spanOfRun(spans(), TOOL);
    expect(rootStart!.spanContext).toMatchObject({ traceId: rootSpan.spanContext().traceId, spanId: rootSpan.spanContext().spanId });
    expect(toolError!.spanContext).toMatchObject({ traceId: rootSpan.spanContext().traceId, spanId: toolSpan.spanContext().spanId });

    // The start record carries what the span started with.
    expect(rootStart!.attributes).toEqual({ "event.name": "langchain.run.start", ...rootSpan.attributes, "langchain.outputs": undefined });
    expect(toolStart!.attributes).toMatchObject({
      "event.name": "langchain.run.start",
      "langchain.run_id": TOOL,
      "langchain.parent_run_id": ROOT,
      "session.id": "s-1",
      "user.id": "u-1",
      "tenant.id": "t-1",
      "gen_ai.tool.name": "refund",
      "gen_ai.tool.call.id": "call_7",
      "gen_ai.tool.call.arguments": '{"order":"A-1"}',
    });
    const { ["langchain.duration_ms"]: duration, ...errorAttrs } = toolError!.attributes;
    expect(typeof duration).toBe("number");
    expect(errorAttrs).toEqual({
      "event.name": "langchain.run.error",
      "langchain.run_id": TOOL,
      "langchain.parent_run_id": ROOT,
      "langchain.run_type": "tool",
      "langchain.run_name": "refund",
      "gen_ai.operation.name": "execute_tool",
      "session.id": "s-1",
      "user.id": "u-1",
      "tenant.id": "t-1",
      "error.type": "OrderError",
      "exception.message": "unknown order A-1",
      "langchain.status": "error",
    });
    expect(rootEnd!.attributes).toMatchObject({
      "event.name": "langchain.run.end",
      "langchain.run_id": ROOT,
      "langchain.status": "ok",
      "langchain.outputs": '{"answer":"sorry"}',
    });
  });

  it("under content policy none the records carry no content either", () => {
    runAppWithFailingTool(handler({ contentPolicy: "none" }));
    for (const record of records()) {
      for (const key of ["langchain.inputs", "langchain.outputs", "gen_ai.tool.call.arguments", "exception.message"]) {
        expect(record.attributes[key]).toBeUndefined();
      }
    }
    expect(records()[0]!.attributes["langchain.inputs.sha256"]).toMatch(/^[0-9a-f]{64}$/);
    expect(records()[2]!.attributes["error.type"]).toBe("OrderError");
  });

  it("with spans off, records still carry run-derived trace and span IDs", () => {
    runAppWithFailingTool(handler({ emitSpans: false }));
    expect(spans()).toEqual([]);
    expect(records().map((r) => [r.eventName, r.spanContext?.traceId, r.spanContext?.spanId])).toEqual([
      ["langchain.run.start", ROOT.replaceAll("-", ""), "8a11000000000001"],
      ["langchain.run.start", ROOT.replaceAll("-", ""), "8a11000000000003"],
      ["langchain.run.error", ROOT.replaceAll("-", ""), "8a11000000000003"],
      ["langchain.run.end", ROOT.replaceAll("-", ""), "8a11000000000001"],
    ]);
    expect(records()[3]!.attributes["langchain.outputs"]).toBe('{"answer":"sorry"}');
  });

  it("with records off, only spans", () => {
    runAppWithFailingTool(handler({ emitAuditRecords: false }));
    expect(records()).toEqual([]);
    expect(spans()).toHaveLength(2);
  });

  it("a run that never ends gets an error record naming why", () => {
    const h = handler();
    h.handleChainStart(SEQ, {}, ROOT, undefined, [], {}, undefined, "app");
    h.endAllRuns("shutdown");
    const last = records().at(-1)!;
    expect(last.eventName).toBe("langchain.run.error");
    expect(last.attributes).toMatchObject({ "error.type": "RunAbandoned", "langchain.abandon_reason": "shutdown", "langchain.status": "error" });
  });
});
