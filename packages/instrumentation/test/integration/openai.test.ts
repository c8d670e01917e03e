// SPDX-License-Identifier: Apache-2.0
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { SpanStatusCode } from "@opentelemetry/api";
import { ChatOpenAI } from "@langchain/openai";
import { renderTree } from "../helpers.js";
import { setupInstrumentation } from "./setup.js";
import { OPENAI_MODEL, startFakeOpenAI } from "./fake-openai-server.js";
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

// A fresh server per test, so its completion ids count from 1.
beforeEach(async () => {
  exporter.reset();
  server = await startFakeOpenAI();
});
afterEach(() => server.close());
afterAll(() => instrumentation.disable());

function model(): ChatOpenAI {
  return new ChatOpenAI({
    model: "gpt-4o-mini",
    temperature: 0.1,
    maxTokens: 100,
    topP: 0.9,
    frequencyPenalty: 0.5,
    presencePenalty: 0.25,
    apiKey: "sk-test-not-real",
    configuration: { baseURL: `${server.origin}/v1` },
    maxRetries: 0,
  });
}

/** What every chat span of this client carries: identity, LangChain's ls_* metadata, the request parameters. */
const REQUEST = {
  "langchain.run_id": "<uuid>",
  "langchain.run_type": "chat_model",
  "langchain.run_name": "ChatOpenAI",
  "gen_ai.operation.name": "chat",
  "langchain.serialized.id": "langchain.chat_models.openai.ChatOpenAI",
  "langchain.metadata.ls_provider": "openai",
  "langchain.metadata.ls_model_name": "gpt-4o-mini",
  "langchain.metadata.ls_model_type": "chat",
  "langchain.metadata.ls_temperature": 0.1,
  "langchain.metadata.ls_max_tokens": 100,
  "langchain.metadata.ls_integration": "langchain_chat_model",
  "langchain.metadata.versions": versionsOf("@langchain/openai"),
  "gen_ai.provider.name": "openai",
  "gen_ai.request.model": "gpt-4o-mini",
  "gen_ai.request.temperature": 0.1,
  "gen_ai.request.top_p": 0.9,
  "gen_ai.request.max_tokens": 100,
  "gen_ai.request.frequency_penalty": 0.5,
  "gen_ai.request.presence_penalty": 0.25,
  "server.address": "127.0.0.1",
  "server.port": "<port>",
};
/** Usage of every answer (fake-openai-server): 12 prompt tokens of which 4 cached, 5 completion tokens. */
const USAGE = { "gen_ai.usage.input_tokens": 12, "gen_ai.usage.output_tokens": 5, "gen_ai.usage.cache_read.input_tokens": 4 };
/** gpt-4o-mini's built-in price of that usage: 8 uncached × 0.15 + 4 cached × 0.075 + 5 × 0.6 USD per million. */
const COST = { "gen_ai.usage.cost": 0.0000045 };
const RESPONSE = { ...USAGE, ...COST, "gen_ai.response.model": OPENAI_MODEL, "openai.response.system_fingerprint": "fp_44709d6fcb" };
/** Streamed, the client also passes on the service tier (from the chunks' generationInfo). */
const STREAMED = { "openai.response.service_tier": "default", "gen_ai.response.time_to_first_chunk": "<seconds>" };

describe("ChatOpenAI against a local OpenAI chat completions server", () => {
  it("invoke: request parameters, response model and id, finish reason, usage with cache reads, system fingerprint", async () => {
    server.reply({ text: "Thirty days." });
    expect((await model().invoke("Return window?")).content).toBe("Thirty days.");
    const [chat] = spans();
    expect(chat!.name).toBe("chat gpt-4o-mini");
    expect(attributesOf(chat!)).toEqual({
      ...REQUEST,
      ...userAsks("Return window?"),
      ...RESPONSE,
      "gen_ai.response.id": "chatcmpl-1",
      "gen_ai.response.finish_reasons": ["stop"],
      "langchain.response.finish_reasons.raw": ["stop"],
      "gen_ai.output.messages": [{ role: "assistant", parts: [{ type: "text", content: "Thirty days." }], finish_reason: "stop" }],
    });
  });

  it("stream with usage: the same from the chunks, with time to first chunk and the chunk count", async () => {
    server.reply({ text: "Returns within thirty days." });
    expect(await streamText(model(), "Return window?")).toBe("Returns within thirty days.");
    const [chat] = spans();
    expect(attributesOf(chat!)).toEqual({
      ...REQUEST,
      ...userAsks("Return window?"),
      ...RESPONSE,
      ...STREAMED,
      "gen_ai.response.id": "chatcmpl-1",
      "gen_ai.response.finish_reasons": ["stop"],
      "langchain.response.finish_reasons.raw": ["stop"],
      // The role, seven pieces of text, the finish reason, the usage.
      "langchain.stream.chunks": 10,
      "gen_ai.output.messages": [{ role: "assistant", parts: [{ type: "text", content: "Returns within thirty days." }], finish_reason: "stop" }],
    });
  });

  it.each([
    ["invoke", false, {}, {}],
    // Chunks: the role, the tool call, the finish reason, the usage; then the role, nine pieces of text, finish, usage.
    ["stream", true, { ...STREAMED, "langchain.stream.chunks": 4 }, { ...STREAMED, "langchain.stream.chunks": 12 }],
  ])("tool call round trip (%s): one tool_call part per call, the tool span has its id, the history goes back", async (_mode, stream, firstStream, secondStream) => {
    server.reply({ toolCall: TOOL_CALL });
    server.reply({ text: FINAL_ANSWER });
    expect((await toolRoundTrip(model(), "What is the return policy?", stream)).content).toBe(FINAL_ANSWER);
    expect(renderTree(spans())).toBe(["round_trip", "  chat gpt-4o-mini", "  execute_tool lookup_policy", "  chat gpt-4o-mini"].join("\n"));
    const [ask, answer] = chatSpans(spans());
    const call = { type: "tool_call", id: "call_abc", name: "lookup_policy", arguments: { topic: "returns" } };
    expect(attributesOf(ask!)).toEqual({
      ...REQUEST,
      "langchain.parent_run_id": "<uuid>",
      ...userAsks("What is the return policy?"),
      ...RESPONSE,
      ...firstStream,
      "gen_ai.response.id": "chatcmpl-1",
      "gen_ai.response.finish_reasons": ["tool_call"],
      "langchain.response.finish_reasons.raw": ["tool_calls"],
      "gen_ai.output.messages": [{ role: "assistant", parts: [call], finish_reason: "tool_call" }],
    });
    expect(spans().find((s) => s.name === "execute_tool lookup_policy")!.attributes["gen_ai.tool.call.id"]).toBe("call_abc");
    expect(attributesOf(answer!)).toEqual({
      ...REQUEST,
      "langchain.parent_run_id": "<uuid>",
      "gen_ai.input.messages": [
        { role: "user", parts: [{ type: "text", content: "What is the return policy?" }] },
        { role: "assistant", parts: [call] },
        { role: "tool", parts: [{ type: "tool_call_response", id: "call_abc", response: "policy returns: 30 days" }] },
      ],
      ...RESPONSE,
      ...secondStream,
      "gen_ai.response.id": "chatcmpl-2",
      "gen_ai.response.finish_reasons": ["stop"],
      "langchain.response.finish_reasons.raw": ["stop"],
      "gen_ai.output.messages": [{ role: "assistant", parts: [{ type: "text", content: FINAL_ANSWER }], finish_reason: "stop" }],
    });
    // On the wire: the tool result went back under the model's call id.
    expect((server.seen.at(-1)!.body["messages"] as unknown[]).at(-1)).toEqual({
      role: "tool",
      content: "policy returns: 30 days",
      name: "lookup_policy",
      tool_call_id: "call_abc",
    });
  });

  it("cut at the token limit: finish reason length", async () => {
    server.reply({ text: "Thirty", cut: true });
    await model().invoke("Return window?");
    expectCutAtLength(spans()[0]!, "length");
  });

  it("invoke under streamEvents (LangChain aggregates the stream itself): the same response attributes", async () => {
    server.reply({ text: "Thirty days." });
    await invokeUnderStreamEvents(model(), "Return window?");
    expect(renderTree(spans())).toBe(["answer", "  chat gpt-4o-mini"].join("\n"));
    expect(attributesOf(chatSpans(spans())[0]!)).toEqual({
      ...REQUEST,
      "langchain.parent_run_id": "<uuid>",
      ...userAsks("Return window?"),
      ...RESPONSE,
      ...STREAMED,
      "gen_ai.response.id": "chatcmpl-1",
      "gen_ai.response.finish_reasons": ["stop"],
      "langchain.response.finish_reasons.raw": ["stop"],
      "langchain.stream.chunks": 6,
      "gen_ai.output.messages": [{ role: "assistant", parts: [{ type: "text", content: "Thirty days." }], finish_reason: "stop" }],
    });
  });

  it("HTTP 429: status ERROR with LangChain's error type, the request attributes and nothing of a response", async () => {
    server.reply({ error: 429 });
    await expect(model().invoke("Return window?")).rejects.toThrow(/429 Rate limit reached/);
    const [chat] = spans();
    expect(chat!.status.code).toBe(SpanStatusCode.ERROR);
    expect(attributesOf(chat!)).toEqual({ ...REQUEST, ...userAsks("Return window?"), "error.type": "RateLimitCapacityError" });
    expect(chat!.events.map((e) => [e.name, e.attributes?.["exception.type"]])).toEqual([["exception", "RateLimitCapacityError"]]);
  });
});
