// SPDX-License-Identifier: Apache-2.0
import { createHash, createHmac } from "node:crypto";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { SpanKind, SpanStatusCode, context, trace } from "@opentelemetry/api";
import { OpenTelemetryCallbackHandler } from "../src/handler.js";
import { renderTree, setupTracing, spanOfRun } from "./helpers.js";

const ROOT = "019a1b2c-3d4e-7f00-8a11-000000000001";
const MODEL = "019a1b2c-3d4e-7f00-8a11-000000000002";
const TOOL = "019a1b2c-3d4e-7f00-8a11-000000000003";
const CHILD = "019a1b2c-3d4e-7f00-8a11-000000000004";

const CHAT_SERIALIZED = { id: ["langchain", "chat_models", "openai", "ChatOpenAI"] };
const SEQ_SERIALIZED = { id: ["langchain_core", "runnables", "RunnableSequence"] };

const { provider, exporter, spans } = setupTracing();

function handler(options: ConstructorParameters<typeof OpenTelemetryCallbackHandler>[0] = {}): OpenTelemetryCallbackHandler {
  return new OpenTelemetryCallbackHandler({ contentPolicy: "full", tracerProvider: provider, ...options });
}

function aiGeneration(text: string, extra: Record<string, unknown> = {}) {
  return {
    text,
    message: {
      type: "ai",
      content: text,
      tool_calls: [],
      id: "chatcmpl-42",
      usage_metadata: {
        input_tokens: 11,
        output_tokens: 7,
        total_tokens: 18,
        input_token_details: { cache_read: 3 },
        output_token_details: { reasoning: 2 },
      },
      response_metadata: { model_name: "gpt-4o-mini-2024-07-18", finish_reason: "stop" },
      ...extra,
    },
    generationInfo: { finish_reason: "stop" },
  };
}

beforeEach(() => exporter.reset());

describe("OpenTelemetryCallbackHandler driven with fixed run IDs", () => {
  it("maps a chain → chat model → tool tree onto run-derived IDs, names, kinds and attributes", () => {
    const h = handler();
    h.handleChainStart(SEQ_SERIALIZED, { question: "hi" }, ROOT, undefined, ["t1"], { session_id: "s-1", user_id: "u-1" }, undefined, "RunnableSequence");
    h.handleChatModelStart(
      CHAT_SERIALIZED,
      [[{ type: "system", content: "be brief" }, { type: "human", content: "hi" }]],
      MODEL,
      ROOT,
      { invocation_params: { model: "gpt-4o-mini", temperature: 0.2, max_tokens: 64, top_p: 0.9, stop: ["\n\n"] } },
      ["t1"],
      { session_id: "s-1", user_id: "u-1", ls_provider: "openai", ls_model_name: "gpt-4o-mini" },
      "ChatOpenAI",
    );
    h.handleLLMEnd({ generations: [[aiGeneration("hello")]] }, MODEL);
    h.handleToolStart({ id: ["tool"], kwargs: { description: "looks up a policy" } }, '{"topic":"refunds"}', TOOL, ROOT, [], { session_id: "s-1" }, "lookup_policy", "call_1");
    h.handleToolEnd({ content: "30 days", tool_call_id: "call_1", status: "success" }, TOOL);
    h.handleChainEnd({ answer: "hello" }, ROOT);

    expect(renderTree(spans())).toBe(["RunnableSequence", "  chat gpt-4o-mini", "  execute_tool lookup_policy"].join("\n"));
    const root = spanOfRun(spans(), ROOT);
    const model = spanOfRun(spans(), MODEL);
    const tool = spanOfRun(spans(), TOOL);

    expect(root.spanContext().traceId).toBe(ROOT.replaceAll("-", ""));
    expect(root.spanContext().spanId).toBe("8a11000000000001");
    expect(model.spanContext().spanId).toBe("8a11000000000002");
    expect(model.spanContext().traceId).toBe(ROOT.replaceAll("-", ""));
    expect(model.parentSpanContext?.spanId).toBe("8a11000000000001");
    expect(tool.parentSpanContext?.spanId).toBe("8a11000000000001");

    expect(root.kind).toBe(SpanKind.INTERNAL);
    expect(root.attributes).toEqual({
      "langchain.run_id": ROOT,
      "langchain.run_type": "chain",
      "langchain.run_name": "RunnableSequence",
      "langchain.serialized.id": "langchain_core.runnables.RunnableSequence",
      "langchain.tags": ["t1"],
      "langchain.metadata.session_id": "s-1",
      "langchain.metadata.user_id": "u-1",
      "session.id": "s-1",
      "user.id": "u-1",
      "langchain.inputs": '{"question":"hi"}',
      "langchain.outputs": '{"answer":"hello"}',
    });

    expect(model.kind).toBe(SpanKind.CLIENT);
    expect(model.attributes).toMatchObject({
      "langchain.run_id": MODEL,
      "langchain.parent_run_id": ROOT,
      "langchain.run_type": "chat_model",
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "gpt-4o-mini",
      "gen_ai.request.temperature": 0.2,
      "gen_ai.request.max_tokens": 64,
      "gen_ai.request.top_p": 0.9,
      "gen_ai.request.stop_sequences": ["\n\n"],
      "gen_ai.response.model": "gpt-4o-mini-2024-07-18",
      "gen_ai.response.id": "chatcmpl-42",
      "gen_ai.response.finish_reasons": ["stop"],
      "gen_ai.usage.input_tokens": 11,
      "gen_ai.usage.output_tokens": 7,
      "gen_ai.usage.cache_read.input_tokens": 3,
      "gen_ai.usage.reasoning.output_tokens": 2,
      "session.id": "s-1",
      "user.id": "u-1",
    });
    expect(JSON.parse(model.attributes["gen_ai.input.messages"] as string)).toEqual([
      { role: "system", parts: [{ type: "text", content: "be brief" }] },
      { role: "user", parts: [{ type: "text", content: "hi" }] },
    ]);
    expect(JSON.parse(model.attributes["gen_ai.output.messages"] as string)).toEqual([
      { role: "assistant", parts: [{ type: "text", content: "hello" }], finish_reason: "stop" },
    ]);

    expect(tool.attributes).toMatchObject({
      "gen_ai.operation.name": "execute_tool",
      "gen_ai.tool.name": "lookup_policy",
      "gen_ai.tool.call.id": "call_1",
      "gen_ai.tool.description": "looks up a policy",
      "gen_ai.tool.call.arguments": '{"topic":"refunds"}',
      "gen_ai.tool.call.result": "30 days",
      "session.id": "s-1",
    });
    expect(tool.status.code).toBe(SpanStatusCode.UNSET);
    expect(h.openRunCount).toBe(0);
  });

  it("records errors with status ERROR, error.type and an exception event", () => {
    const h = handler();
    h.handleToolStart({ id: ["tool"] }, "{}", TOOL, undefined, [], {}, "flaky");
    class PolicyLookupError extends Error {
      override name = "PolicyLookupError";
    }
    h.handleToolError(new PolicyLookupError("backend down"), TOOL);
    const [span] = spans();
    expect(span!.status).toEqual({ code: SpanStatusCode.ERROR, message: "backend down" });
    expect(span!.attributes["error.type"]).toBe("PolicyLookupError");
    expect(span!.events.map((e) => [e.name, e.attributes?.["exception.type"], e.attributes?.["exception.message"]])).toEqual([
      ["exception", "PolicyLookupError", "backend down"],
    ]);
  });

  it("marks a tool that returns an error ToolMessage as failed", () => {
    const h = handler();
    h.handleToolStart({ id: ["tool"] }, "{}", TOOL, undefined, [], {}, "flaky");
    h.handleToolEnd({ content: "Error: boom", tool_call_id: "c", status: "error" }, TOOL);
    const [span] = spans();
    expect(span!.status.code).toBe(SpanStatusCode.ERROR);
    expect(span!.attributes["error.type"]).toBe("ToolError");
  });

  it("under content policy none keeps sizes and keyed digests only, and no error message", () => {
    const key = "deployment-key-0123456789";
    const h = handler({ contentPolicy: "none", redaction: { hmacKey: key } });
    h.handleChainStart(SEQ_SERIALIZED, { secret: "x" }, ROOT, undefined, [], {}, undefined, "seq");
    h.handleChainError(new TypeError("contains user text"), ROOT);
    const [span] = spans();
    expect(span!.attributes["langchain.inputs"]).toBeUndefined();
    expect(span!.attributes["langchain.inputs.size_bytes"]).toBe(14);
    // HMAC-SHA-256 with the deployment's key: a bare SHA-256 of a short value could be found by trying them all.
    expect(span!.attributes["langchain.inputs.sha256"]).toBe(createHmac("sha256", key).update('{"secret":"x"}').digest("hex"));
    expect(span!.attributes["langchain.inputs.sha256"]).not.toBe(createHash("sha256").update('{"secret":"x"}').digest("hex"));
    expect(span!.status).toEqual({ code: SpanStatusCode.ERROR, message: "TypeError" });
    expect(span!.events[0]!.attributes).toEqual({ "exception.type": "TypeError" });
  });

  it("truncates payloads over the byte budget with size and hash", () => {
    const h = handler({ maxPayloadBytes: 100 });
    h.handleChainStart(SEQ_SERIALIZED, "x".repeat(1000), ROOT, undefined, [], {}, undefined, "seq");
    h.handleChainEnd("ok", ROOT);
    const [span] = spans();
    expect(Buffer.byteLength(span!.attributes["langchain.inputs"] as string)).toBeLessThanOrEqual(100);
    expect(span!.attributes["langchain.inputs.truncated"]).toBe(true);
    expect(span!.attributes["langchain.inputs.size_bytes"]).toBe(1000);
  });

  it("times the first streamed chunk and counts chunks", () => {
    const h = handler();
    h.handleChatModelStart(CHAT_SERIALIZED, [[{ type: "human", content: "hi" }]], MODEL, undefined, {}, [], { ls_model_name: "m" }, "ChatX");
    for (let i = 0; i < 5; i++) h.handleLLMNewToken(`t${i}`, { prompt: 0, completion: 0 }, MODEL);
    h.handleLLMEnd({ generations: [[aiGeneration("t0t1t2t3t4")]] }, MODEL);
    const [span] = spans();
    expect(span!.name).toBe("chat m");
    expect(span!.attributes["langchain.stream.chunks"]).toBe(5);
    expect(typeof span!.attributes["gen_ai.response.time_to_first_chunk"]).toBe("number");
    expect(span!.events.map((e) => e.name)).toEqual(["gen_ai.first_chunk"]);
  });

  it("joins the active trace when a root run starts inside a span", () => {
    const h = handler();
    const tracer = provider.getTracer("test");
    const request = tracer.startSpan("GET /chat");
    context.with(trace.setSpan(context.active(), request), () => {
      h.handleChainStart(SEQ_SERIALIZED, {}, ROOT, undefined, [], {}, undefined, "seq");
    });
    h.handleChainEnd({}, ROOT);
    request.end();
    const run = spanOfRun(spans(), ROOT);
    expect(run.spanContext().traceId).toBe(request.spanContext().traceId);
    expect(run.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
    expect(run.spanContext().spanId).toBe("8a11000000000001");
  });

  it("ends runs left open when their root ends, after a grace for their own end, as ERROR with a reason", () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
    try {
      const h = handler();
      h.handleChainStart(SEQ_SERIALIZED, {}, ROOT, undefined, [], {}, undefined, "seq");
      h.handleChatModelStart(CHAT_SERIALIZED, [[]], MODEL, ROOT, {}, [], {}, "ChatX");
      h.handleChainEnd({}, ROOT);
      expect(h.openRunCount).toBe(1);
      vi.advanceTimersByTime(999);
      expect(h.openRunCount).toBe(1);
      vi.advanceTimersByTime(1);
      const model = spanOfRun(spans(), MODEL);
      expect(model.status).toEqual({ code: SpanStatusCode.ERROR, message: "run did not end: its root run ended before it" });
      expect(model.attributes["error.type"]).toBe("RunAbandoned");
      expect(model.events.map((e) => e.name)).toEqual([]);
      expect(h.openRunCount).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it("keeps LangChain's own error class for a child that fails just after its root (an abandoned streamEvents loop)", () => {
    const h = handler();
    h.handleChainStart(SEQ_SERIALIZED, {}, ROOT, undefined, [], {}, undefined, "seq");
    h.handleChatModelStart(CHAT_SERIALIZED, [[]], MODEL, ROOT, {}, [], {}, "ChatX");
    const abort = Object.assign(new Error("This operation was aborted"), { name: "AbortError" });
    h.handleChainError(abort, ROOT);
    h.handleLLMError(abort, MODEL);
    const model = spanOfRun(spans(), MODEL);
    expect(model.status).toEqual({ code: SpanStatusCode.ERROR, message: "This operation was aborted" });
    expect(model.attributes["error.type"]).toBe("AbortError");
    expect(model.events.map((e) => [e.name, e.attributes?.["exception.type"]])).toEqual([["exception", "AbortError"]]);
    expect(spans().map((s) => s.attributes["error.type"])).not.toContain("RunAbandoned");
    expect(h.openRunCount).toBe(0);
  });

  it("endAllRuns closes every open run", () => {
    const h = handler();
    h.handleChainStart(SEQ_SERIALIZED, {}, ROOT, undefined, [], {}, undefined, "seq");
    h.handleChainStart(SEQ_SERIALIZED, {}, CHILD, ROOT, [], {}, undefined, "inner");
    h.endAllRuns("shutdown");
    expect(spans().map((s) => [s.name, s.status.message])).toEqual([
      ["inner", "run did not end: shutdown"],
      ["seq", "run did not end: shutdown"],
    ]);
    expect(h.openRunCount).toBe(0);
  });

  it("ends runs past their TTL", () => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
    try {
      const h = handler({ runTtlMillis: 20 });
      h.handleChainStart(SEQ_SERIALIZED, {}, ROOT, undefined, [], {}, undefined, "seq");
      vi.advanceTimersByTime(19);
      expect(h.openRunCount).toBe(1);
      vi.advanceTimersByTime(1);
      expect(spans().map((s) => s.status.message)).toEqual(["run did not end: no end within runTtlMillis (20 ms)"]);
      expect(h.openRunCount).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });

  it("treats LangGraph interrupts as control flow, not errors", () => {
    const h = handler();
    h.handleChainStart(SEQ_SERIALIZED, {}, ROOT, undefined, [], {}, undefined, "graph");
    const interrupt = Object.assign(new Error("interrupted"), { name: "GraphInterrupt" });
    h.handleChainError(interrupt, ROOT);
    const [span] = spans();
    expect(span!.status.code).toBe(SpanStatusCode.UNSET);
    expect(span!.events.map((e) => [e.name, e.attributes?.["langchain.signal"]])).toEqual([["langchain.interrupt", "GraphInterrupt"]]);
  });

  it("runs hooks guarded: a throwing hook changes nothing", () => {
    const h = handler({
      spanStartHook: () => {
        throw new Error("hook bug");
      },
      spanEndHook: (span, run) => span.setAttribute("app.hooked", run.name),
    });
    expect(() => h.handleChainStart(SEQ_SERIALIZED, {}, ROOT, undefined, [], {}, undefined, "seq")).not.toThrow();
    h.handleChainEnd({}, ROOT);
    expect(spans()[0]!.attributes["app.hooked"]).toBe("seq");
  });

  it("never throws on garbage arguments and uses random IDs for non-UUID run IDs", () => {
    const h = handler();
    const garbage = [undefined, null, 42, "not-a-uuid", Symbol("s"), { id: 7 }];
    for (const g of garbage) {
      expect(() => h.handleChainStart(g as never, g, "not-a-uuid", g as never, g, g, g as never, g as never)).not.toThrow();
      expect(() => h.handleLLMEnd(g, "not-a-uuid")).not.toThrow();
      expect(() => h.handleToolEnd(g, "missing")).not.toThrow();
    }
    const [span] = spans();
    expect(span!.attributes["langchain.run_id"]).toBe("not-a-uuid");
    expect(span!.spanContext().spanId).toMatch(/^[0-9a-f]{16}$/);
  });

  it("records agent actions, agent finish and custom events as span events on their run", () => {
    const h = handler();
    h.handleChainStart({ id: ["langchain", "agents", "AgentExecutor"] }, { input: "q" }, ROOT, undefined, [], {}, undefined, "AgentExecutor");
    h.handleAgentAction({ tool: "lookup_policy", toolInput: { topic: "returns" }, log: "I should look it up" }, ROOT);
    h.handleCustomEvent("progress", { pct: 50 }, ROOT);
    h.handleAgentEnd({ returnValues: { output: "done" }, log: "" }, ROOT);
    h.handleChainEnd({ output: "done" }, ROOT);
    const [span] = spans();
    expect(span!.name).toBe("invoke_agent AgentExecutor");
    expect(span!.attributes["gen_ai.agent.name"]).toBe("AgentExecutor");
    expect(span!.events.map((e) => [e.name, e.attributes])).toEqual([
      [
        "langchain.agent.action",
        { "gen_ai.tool.name": "lookup_policy", "langchain.agent.tool_input": '{"topic":"returns"}', "langchain.agent.log": "I should look it up" },
      ],
      ["langchain.custom_event", { "langchain.custom_event.name": "progress", "langchain.custom_event.data": '{"pct":50}' }],
      ["langchain.agent.finish", { "langchain.agent.return_values": '{"output":"done"}' }],
    ]);
  });
});
