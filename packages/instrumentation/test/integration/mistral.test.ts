// SPDX-License-Identifier: Apache-2.0
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { SpanStatusCode } from "@opentelemetry/api";
import { ChatMistralAI } from "@langchain/mistralai";
import { renderTree } from "../helpers.js";
import { setupInstrumentation } from "./setup.js";
import { MISTRAL_MODEL, MISTRAL_TOOL_CALL_ID, startFakeMistral } from "./fake-mistral-server.js";
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

beforeEach(async () => {
  exporter.reset();
  server = await startFakeMistral();
});
afterEach(() => server.close());
afterAll(() => instrumentation.disable());

function model(): ChatMistralAI {
  return new ChatMistralAI({
    model: "mistral-small-latest",
    apiKey: "test-not-real",
    serverURL: server.origin,
    maxRetries: 0,
    temperature: 0.2,
    topP: 0.9,
    maxTokens: 256,
    seed: 7,
  });
}

// ChatMistralAI reports camelCase parameters and the seed as randomSeed.
const REQUEST = {
  "langchain.run_id": "<uuid>",
  "langchain.run_type": "chat_model",
  "langchain.run_name": "ChatMistralAI",
  "gen_ai.operation.name": "chat",
  "langchain.serialized.id": "langchain.chat_models.mistralai.ChatMistralAI",
  "langchain.metadata.ls_provider": "mistral",
  "langchain.metadata.ls_model_name": "mistral-small-latest",
  "langchain.metadata.ls_model_type": "chat",
  "langchain.metadata.ls_temperature": 0.2,
  "langchain.metadata.ls_max_tokens": 256,
  "langchain.metadata.ls_integration": "langchain_chat_model",
  "langchain.metadata.versions": versionsOf("@langchain/mistralai"),
  "gen_ai.provider.name": "mistral_ai",
  "gen_ai.request.model": "mistral-small-latest",
  "gen_ai.request.temperature": 0.2,
  "gen_ai.request.top_p": 0.9,
  "gen_ai.request.max_tokens": 256,
  "gen_ai.request.seed": 7,
};
/** The fake's completion ids (cmpl-1, ...) never reach the callbacks: ChatMistralAI drops them. */
const RESPONSE = { "gen_ai.usage.input_tokens": 14, "gen_ai.usage.output_tokens": 7, "gen_ai.response.model": MISTRAL_MODEL };
const STOPPED = { "gen_ai.response.finish_reasons": ["stop"], "langchain.response.finish_reasons.raw": ["stop"] };

describe("ChatMistralAI against a local Mistral chat completions API", () => {
  it("invoke: camelCase parameters and randomSeed, the dated model, finish reason and usage", async () => {
    server.reply({ text: "Thirty days." });
    expect((await model().invoke("Return window?")).content).toBe("Thirty days.");
    const [chat] = spans();
    expect(chat!.name).toBe("chat mistral-small-latest");
    expect(attributesOf(chat!)).toEqual({
      ...REQUEST,
      ...userAsks("Return window?"),
      ...RESPONSE,
      ...STOPPED,
      "gen_ai.output.messages": [{ role: "assistant", parts: [{ type: "text", content: "Thirty days." }], finish_reason: "stop" }],
    });
  });

  it("stream: the model once (LangChain concatenates it once per chunk in response_metadata; generationInfo has it once)", async () => {
    server.reply({ text: "Returns within thirty days." });
    expect(await streamText(model(), "Return window?")).toBe("Returns within thirty days.");
    expect(attributesOf(spans()[0]!)).toEqual({
      ...REQUEST,
      ...userAsks("Return window?"),
      ...RESPONSE,
      ...STOPPED,
      "gen_ai.response.time_to_first_chunk": "<seconds>",
      // Seven pieces of text and the last chunk with the finish reason and usage.
      "langchain.stream.chunks": 8,
      "gen_ai.output.messages": [{ role: "assistant", parts: [{ type: "text", content: "Returns within thirty days." }], finish_reason: "stop" }],
    });
  });

  it.each([
    ["invoke", false, {}, {}],
    [
      "stream",
      true,
      { "gen_ai.response.time_to_first_chunk": "<seconds>", "langchain.stream.chunks": 6 },
      { "gen_ai.response.time_to_first_chunk": "<seconds>", "langchain.stream.chunks": 10 },
    ],
  ])("tool call round trip (%s): tool_calls as tool_call, the call id links the spans", async (_mode, stream, first, second) => {
    server.reply({ toolCall: TOOL_CALL, text: "Let me check." });
    server.reply({ text: FINAL_ANSWER });
    expect((await toolRoundTrip(model(), "What is the return policy?", stream)).text).toBe(FINAL_ANSWER);
    expect(renderTree(spans())).toBe(["round_trip", "  chat mistral-small-latest", "  execute_tool lookup_policy", "  chat mistral-small-latest"].join("\n"));
    const [ask, answer] = chatSpans(spans());
    const parts = [{ type: "text", content: "Let me check." }, { type: "tool_call", id: MISTRAL_TOOL_CALL_ID, name: "lookup_policy", arguments: { topic: "returns" } }];
    expect(attributesOf(ask!)).toEqual({
      ...REQUEST,
      "langchain.parent_run_id": "<uuid>",
      ...userAsks("What is the return policy?"),
      ...RESPONSE,
      ...first,
      "gen_ai.response.finish_reasons": ["tool_call"],
      "langchain.response.finish_reasons.raw": ["tool_calls"],
      "gen_ai.output.messages": [{ role: "assistant", parts, finish_reason: "tool_call" }],
    });
    expect(spans().find((s) => s.name === "execute_tool lookup_policy")!.attributes["gen_ai.tool.call.id"]).toBe(MISTRAL_TOOL_CALL_ID);
    expect(attributesOf(answer!)).toEqual({
      ...REQUEST,
      "langchain.parent_run_id": "<uuid>",
      "gen_ai.input.messages": [
        { role: "user", parts: [{ type: "text", content: "What is the return policy?" }] },
        { role: "assistant", parts },
        { role: "tool", parts: [{ type: "tool_call_response", id: MISTRAL_TOOL_CALL_ID, response: "policy returns: 30 days" }] },
      ],
      ...RESPONSE,
      ...second,
      ...STOPPED,
      "gen_ai.output.messages": [{ role: "assistant", parts: [{ type: "text", content: FINAL_ANSWER }], finish_reason: "stop" }],
    });
    expect((server.seen.at(-1)!.body["messages"] as unknown[]).at(-1)).toEqual({
      role: "tool",
      content: "policy returns: 30 days",
      tool_call_id: MISTRAL_TOOL_CALL_ID,
      name: "lookup_policy",
    });
  });

  it("length: finish reason length", async () => {
    server.reply({ text: "Thirty", cut: true });
    await model().invoke("Return window?");
    expectCutAtLength(spans()[0]!, "length");
  });

  it("invoke under streamEvents: the model from generationInfo, where response_metadata has none", async () => {
    server.reply({ text: "Thirty days." });
    await invokeUnderStreamEvents(model(), "Return window?");
    expect(renderTree(spans())).toBe(["answer", "  chat mistral-small-latest"].join("\n"));
    expect(attributesOf(chatSpans(spans())[0]!)).toEqual({
      ...REQUEST,
      "langchain.parent_run_id": "<uuid>",
      ...userAsks("Return window?"),
      ...RESPONSE,
      ...STOPPED,
      "gen_ai.response.time_to_first_chunk": "<seconds>",
      "langchain.stream.chunks": 4,
      "gen_ai.output.messages": [{ role: "assistant", parts: [{ type: "text", content: "Thirty days." }], finish_reason: "stop" }],
    });
  });

  it("HTTP 429: status ERROR with the SDK's error type and message", async () => {
    server.reply({ error: 429 });
    await expect(model().invoke("Return window?")).rejects.toThrow(/Status 429/);
    const [chat] = spans();
    expect(chat!.status).toEqual({
      code: SpanStatusCode.ERROR,
      message: 'API error occurred: Status 429\nBody: {"object":"error","message":"Requests rate limit exceeded","type":"rate_limited","param":null,"code":"1300"}',
    });
    expect(attributesOf(chat!)).toEqual({ ...REQUEST, ...userAsks("Return window?"), "error.type": "SDKError" });
  });
});
