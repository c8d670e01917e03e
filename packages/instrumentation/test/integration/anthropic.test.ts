// SPDX-License-Identifier: Apache-2.0
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { SpanStatusCode } from "@opentelemetry/api";
import { ChatAnthropic } from "@langchain/anthropic";
import { renderTree } from "../helpers.js";
import { setupInstrumentation } from "./setup.js";
import { ANTHROPIC_MODEL, startFakeAnthropic } from "./fake-anthropic-server.js";
import type { FakeServer } from "./fake-http.js";
import {
  FINAL_ANSWER,
  TOOL_CALL,
  attributesOf,
  chatSpans,
  expectCutAtLength,
  invokeUnderStreamEvents,
  streamText,
  toolRoundTrip,
  userAsks,
  versionsOf,
} from "./provider-scenarios.js";

const { exporter, spans, instrumentation } = setupInstrumentation();
let server: FakeServer;

// A fresh server per test, so its message ids count from msg_01.
beforeEach(async () => {
  exporter.reset();
  server = await startFakeAnthropic();
});
afterEach(() => server.close());
afterAll(() => instrumentation.disable());

function model(extra: Partial<ConstructorParameters<typeof ChatAnthropic>[0]> = {}): ChatAnthropic {
  return new ChatAnthropic({
    model: "claude-sonnet-4-5",
    temperature: 0.2,
    topK: 40,
    maxTokens: 256,
    apiKey: "sk-ant-test-not-real",
    anthropicApiUrl: server.origin,
    maxRetries: 0,
    ...extra,
  });
}

const REQUEST = {
  "langchain.run_id": "<uuid>",
  "langchain.run_type": "chat_model",
  "langchain.run_name": "ChatAnthropic",
  "gen_ai.operation.name": "chat",
  "langchain.serialized.id": "langchain.chat_models.anthropic.ChatAnthropic",
  "langchain.metadata.ls_provider": "anthropic",
  "langchain.metadata.ls_model_name": "claude-sonnet-4-5",
  "langchain.metadata.ls_model_type": "chat",
  "langchain.metadata.ls_temperature": 0.2,
  "langchain.metadata.ls_max_tokens": 256,
  "langchain.metadata.ls_integration": "langchain_chat_model",
  "langchain.metadata.versions": versionsOf("@langchain/anthropic"),
  "gen_ai.provider.name": "anthropic",
  "gen_ai.request.model": "claude-sonnet-4-5",
  "gen_ai.request.temperature": 0.2,
  "gen_ai.request.top_k": 40,
  "gen_ai.request.max_tokens": 256,
};
/** 20 fresh prompt tokens + 3 written to the cache + 7 read from it = 30 input tokens; 6 output tokens. */
const USAGE = {
  "gen_ai.usage.input_tokens": 30,
  "gen_ai.usage.output_tokens": 6,
  "gen_ai.usage.cache_read.input_tokens": 7,
  "gen_ai.usage.cache_creation.input_tokens": 3,
};
/**
 * Streamed, ChatAnthropic adds message_start's output count (1) to message_delta's (6, already the total): 7.
 * That is the client's sum, handed to the callbacks as usage_metadata; the span reports it as handed.
 */
const STREAMED_USAGE = { ...USAGE, "gen_ai.usage.output_tokens": 7 };
const STOPPED = { "gen_ai.response.finish_reasons": ["stop"], "langchain.response.finish_reasons.raw": ["end_turn"] };

describe("ChatAnthropic against a local Anthropic Messages API", () => {
  it("invoke: request parameters, response model and id, end_turn as stop, usage with cache reads and writes", async () => {
    server.reply({ text: "Thirty days." });
    expect((await model().invoke("Return window?")).content).toBe("Thirty days.");
    const [chat] = spans();
    expect(chat!.name).toBe("chat claude-sonnet-4-5");
    expect(attributesOf(chat!)).toEqual({
      ...REQUEST,
      ...userAsks("Return window?"),
      ...USAGE,
      ...STOPPED,
      "gen_ai.response.model": ANTHROPIC_MODEL,
      "gen_ai.response.id": "msg_01",
      "gen_ai.output.messages": [{ role: "assistant", parts: [{ type: "text", content: "Thirty days." }], finish_reason: "stop" }],
    });
  });

  it("stream: model, id and stop reason from the message_start and message_delta events", async () => {
    server.reply({ text: "Returns within thirty days." });
    expect(await streamText(model(), "Return window?")).toBe("Returns within thirty days.");
    const [chat] = spans();
    expect(attributesOf(chat!)).toEqual({
      ...REQUEST,
      ...userAsks("Return window?"),
      ...STREAMED_USAGE,
      ...STOPPED,
      "gen_ai.response.model": ANTHROPIC_MODEL,
      "gen_ai.response.id": "msg_01",
      "gen_ai.response.time_to_first_chunk": "<seconds>",
      // message_start, the text block's start, seven text deltas, message_delta.
      "langchain.stream.chunks": 10,
      "gen_ai.output.messages": [{ role: "assistant", parts: [{ type: "text", content: "Returns within thirty days." }], finish_reason: "stop" }],
    });
  });

  it("stream with streamUsage off: the cache counts the client still hands over, and no invented totals", async () => {
    server.reply({ text: "Thirty days." });
    await streamText(model({ streamUsage: false }), "Return window?");
    const attributes = attributesOf(spans()[0]!);
    expect(Object.keys(attributes).filter((k) => k.startsWith("gen_ai.usage."))).toEqual([
      "gen_ai.usage.cache_read.input_tokens",
      "gen_ai.usage.cache_creation.input_tokens",
    ]);
    expect(attributes).toMatchObject({ "gen_ai.usage.cache_read.input_tokens": 7, "gen_ai.usage.cache_creation.input_tokens": 3 });
  });

  it.each([
    ["invoke", false, {}, {}],
    [
      "stream",
      true,
      // message_start, text start, four text deltas, tool_use start, three input_json deltas, message_delta.
      { "gen_ai.response.time_to_first_chunk": "<seconds>", "langchain.stream.chunks": 11 },
      { "gen_ai.response.time_to_first_chunk": "<seconds>", "langchain.stream.chunks": 12 },
    ],
  ])("tool call round trip (%s): text and one tool_call part, no tool_use block beside it, the tool span has its id", async (_mode, stream, firstStream, secondStream) => {
    server.reply({ toolCall: TOOL_CALL, text: "Let me check." });
    server.reply({ text: FINAL_ANSWER });
    expect((await toolRoundTrip(model(), "What is the return policy?", stream)).text).toBe(FINAL_ANSWER);
    expect(renderTree(spans())).toBe(["round_trip", "  chat claude-sonnet-4-5", "  execute_tool lookup_policy", "  chat claude-sonnet-4-5"].join("\n"));
    const [ask, answer] = chatSpans(spans());
    const parts = [{ type: "text", content: "Let me check." }, { type: "tool_call", id: "toolu_01", name: "lookup_policy", arguments: { topic: "returns" } }];
    const usage = stream ? STREAMED_USAGE : USAGE;
    expect(attributesOf(ask!)).toEqual({
      ...REQUEST,
      "langchain.parent_run_id": "<uuid>",
      ...userAsks("What is the return policy?"),
      ...usage,
      ...firstStream,
      "gen_ai.response.model": ANTHROPIC_MODEL,
      "gen_ai.response.id": "msg_01",
      "gen_ai.response.finish_reasons": ["tool_call"],
      "langchain.response.finish_reasons.raw": ["tool_use"],
      "gen_ai.output.messages": [{ role: "assistant", parts, finish_reason: "tool_call" }],
    });
    expect(spans().find((s) => s.name === "execute_tool lookup_policy")!.attributes["gen_ai.tool.call.id"]).toBe("toolu_01");
    expect(attributesOf(answer!)).toEqual({
      ...REQUEST,
      "langchain.parent_run_id": "<uuid>",
      "gen_ai.input.messages": [
        { role: "user", parts: [{ type: "text", content: "What is the return policy?" }] },
        { role: "assistant", parts },
        { role: "tool", parts: [{ type: "tool_call_response", id: "toolu_01", response: "policy returns: 30 days" }] },
      ],
      ...usage,
      ...secondStream,
      ...STOPPED,
      "gen_ai.response.model": ANTHROPIC_MODEL,
      "gen_ai.response.id": "msg_02",
      "gen_ai.output.messages": [{ role: "assistant", parts: [{ type: "text", content: FINAL_ANSWER }], finish_reason: "stop" }],
    });
    expect((server.seen.at(-1)!.body["messages"] as unknown[]).at(-1)).toEqual({
      role: "user",
      content: [{ type: "tool_result", content: "policy returns: 30 days", tool_use_id: "toolu_01" }],
    });
  });

  it("max_tokens: finish reason length", async () => {
    server.reply({ text: "Thirty", cut: true });
    await model().invoke("Return window?");
    expectCutAtLength(spans()[0]!, "max_tokens");
  });

  it("invoke under streamEvents (LangChain aggregates the stream itself): the same response attributes", async () => {
    server.reply({ text: "Thirty days." });
    await invokeUnderStreamEvents(model(), "Return window?");
    expect(renderTree(spans())).toBe(["answer", "  chat claude-sonnet-4-5"].join("\n"));
    expect(attributesOf(chatSpans(spans())[0]!)).toEqual({
      ...REQUEST,
      "langchain.parent_run_id": "<uuid>",
      ...userAsks("Return window?"),
      ...STREAMED_USAGE,
      ...STOPPED,
      "gen_ai.response.model": ANTHROPIC_MODEL,
      "gen_ai.response.id": "msg_01",
      "gen_ai.response.time_to_first_chunk": "<seconds>",
      "langchain.stream.chunks": 6,
      "gen_ai.output.messages": [{ role: "assistant", parts: [{ type: "text", content: "Thirty days." }], finish_reason: "stop" }],
    });
  });

  it("HTTP 429: status ERROR with LangChain's error type, the request attributes and nothing of a response", async () => {
    server.reply({ error: 429 });
    await expect(model().invoke("Return window?")).rejects.toThrow(/rate_limit_error/);
    const [chat] = spans();
    expect(chat!.status.code).toBe(SpanStatusCode.ERROR);
    expect(attributesOf(chat!)).toEqual({ ...REQUEST, ...userAsks("Return window?"), "error.type": "RateLimitCapacityError" });
    expect(chat!.events.map((e) => [e.name, e.attributes?.["exception.type"]])).toEqual([["exception", "RateLimitCapacityError"]]);
  });
});
