// SPDX-License-Identifier: Apache-2.0
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { SpanStatusCode } from "@opentelemetry/api";
import { ChatGoogleGenerativeAI } from "@langchain/google-genai";
import { renderTree } from "../helpers.js";
import { setupInstrumentation } from "./setup.js";
import { startFakeGemini } from "./fake-gemini-server.js";
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
  server = await startFakeGemini();
});
afterEach(() => server.close());
afterAll(() => instrumentation.disable());

function model(): ChatGoogleGenerativeAI {
  return new ChatGoogleGenerativeAI({
    model: "gemini-2.5-flash",
    apiKey: "test-not-real",
    baseUrl: server.origin,
    maxRetries: 0,
    temperature: 0.2,
    topP: 0.9,
    topK: 40,
    maxOutputTokens: 256,
  });
}

// ChatGoogleGenerativeAI nests its parameters under generationConfig, in camelCase.
const REQUEST = {
  "langchain.run_id": "<uuid>",
  "langchain.run_type": "chat_model",
  "langchain.run_name": "ChatGoogleGenerativeAI",
  "gen_ai.operation.name": "chat",
  "langchain.serialized.id": "langchain.chat_models.google_genai.ChatGoogleGenerativeAI",
  "langchain.metadata.ls_provider": "google_genai",
  "langchain.metadata.ls_model_name": "gemini-2.5-flash",
  "langchain.metadata.ls_model_type": "chat",
  "langchain.metadata.ls_temperature": 0.2,
  "langchain.metadata.ls_max_tokens": 256,
  "langchain.metadata.ls_integration": "langchain_chat_model",
  "langchain.metadata.versions": versionsOf("@langchain/google-genai"),
  "gen_ai.provider.name": "gcp.gemini",
  "gen_ai.request.model": "gemini-2.5-flash",
  "gen_ai.request.temperature": 0.2,
  "gen_ai.request.top_p": 0.9,
  "gen_ai.request.top_k": 40,
  "gen_ai.request.max_tokens": 256,
};
/**
 * The fake reports modelVersion, responseId and 5 thought tokens too; ChatGoogleGenerativeAI hands none of them to the
 * callbacks, so no gen_ai.response.model, gen_ai.response.id or reasoning tokens (README, providers table).
 */
const USAGE = { "gen_ai.usage.input_tokens": 30, "gen_ai.usage.output_tokens": 9, "gen_ai.usage.cache_read.input_tokens": 10 };
const STOPPED = { "gen_ai.response.finish_reasons": ["stop"], "langchain.response.finish_reasons.raw": ["STOP"] };
/** Not streamed, the client still reports the whole answer as one token: a first chunk, one chunk. */
const ONE_CHUNK = { "gen_ai.response.time_to_first_chunk": "<seconds>", "langchain.stream.chunks": 1 };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("ChatGoogleGenerativeAI against a local Gemini API", () => {
  it("invoke: parameters from generationConfig, STOP as stop, usage with cached tokens; no model or id to report", async () => {
    server.reply({ text: "Thirty days." });
    expect((await model().invoke("Return window?")).content).toBe("Thirty days.");
    const [chat] = spans();
    expect(chat!.name).toBe("chat gemini-2.5-flash");
    expect(attributesOf(chat!)).toEqual({
      ...REQUEST,
      ...userAsks("Return window?"),
      ...USAGE,
      ...STOPPED,
      ...ONE_CHUNK,
      "gen_ai.output.messages": [{ role: "assistant", parts: [{ type: "text", content: "Thirty days." }], finish_reason: "stop" }],
    });
  });

  it("stream: the finish reason and usage of the last event", async () => {
    server.reply({ text: "Returns within thirty days." });
    expect(await streamText(model(), "Return window?")).toBe("Returns within thirty days.");
    expect(attributesOf(spans()[0]!)).toEqual({
      ...REQUEST,
      ...userAsks("Return window?"),
      ...USAGE,
      ...STOPPED,
      "gen_ai.response.time_to_first_chunk": "<seconds>",
      "langchain.stream.chunks": 7,
      "gen_ai.output.messages": [{ role: "assistant", parts: [{ type: "text", content: "Returns within thirty days." }], finish_reason: "stop" }],
    });
  });

  it.each([
    ["invoke", false, 1, 1],
    ["stream", true, 2, 9],
  ])("tool call round trip (%s): STOP with a function call reads tool_call; one part, no functionCall block beside it", async (_mode, stream, firstChunks, secondChunks) => {
    server.reply({ toolCall: TOOL_CALL, text: "Let me check." });
    server.reply({ text: FINAL_ANSWER });
    expect((await toolRoundTrip(model(), "What is the return policy?", stream)).text).toBe(FINAL_ANSWER);
    expect(renderTree(spans())).toBe(["round_trip", "  chat gemini-2.5-flash", "  execute_tool lookup_policy", "  chat gemini-2.5-flash"].join("\n"));
    const [ask, answer] = chatSpans(spans());
    // Gemini's function calls carry no id; the client makes up a UUID, which the tool run and the history carry.
    const callId = spans().find((s) => s.name === "execute_tool lookup_policy")!.attributes["gen_ai.tool.call.id"] as string;
    expect(callId).toMatch(UUID);
    const parts = [{ type: "text", content: "Let me check." }, { type: "tool_call", id: callId, name: "lookup_policy", arguments: { topic: "returns" } }];
    expect(attributesOf(ask!)).toEqual({
      ...REQUEST,
      "langchain.parent_run_id": "<uuid>",
      ...userAsks("What is the return policy?"),
      ...USAGE,
      "gen_ai.response.time_to_first_chunk": "<seconds>",
      "langchain.stream.chunks": firstChunks,
      "gen_ai.response.finish_reasons": ["tool_call"],
      "langchain.response.finish_reasons.raw": ["STOP"],
      "gen_ai.output.messages": [{ role: "assistant", parts, finish_reason: "tool_call" }],
    });
    expect(attributesOf(answer!)).toEqual({
      ...REQUEST,
      "langchain.parent_run_id": "<uuid>",
      "gen_ai.input.messages": [
        { role: "user", parts: [{ type: "text", content: "What is the return policy?" }] },
        { role: "assistant", parts },
        { role: "tool", parts: [{ type: "tool_call_response", id: callId, response: "policy returns: 30 days" }] },
      ],
      ...USAGE,
      ...STOPPED,
      "gen_ai.response.time_to_first_chunk": "<seconds>",
      "langchain.stream.chunks": secondChunks,
      "gen_ai.output.messages": [{ role: "assistant", parts: [{ type: "text", content: FINAL_ANSWER }], finish_reason: "stop" }],
    });
    expect((server.seen.at(-1)!.body["contents"] as unknown[]).at(-1)).toEqual({
      role: "user",
      parts: [{ functionResponse: { name: "lookup_policy", response: { result: "policy returns: 30 days" } } }],
    });
  });

  it("MAX_TOKENS: finish reason length", async () => {
    server.reply({ text: "Thirty", cut: true });
    await model().invoke("Return window?");
    expectCutAtLength(spans()[0]!, "MAX_TOKENS");
  });

  it("invoke under streamEvents: the same response attributes", async () => {
    server.reply({ text: "Thirty days." });
    await invokeUnderStreamEvents(model(), "Return window?");
    expect(renderTree(spans())).toBe(["answer", "  chat gemini-2.5-flash"].join("\n"));
    expect(attributesOf(chatSpans(spans())[0]!)).toEqual({
      ...REQUEST,
      "langchain.parent_run_id": "<uuid>",
      ...userAsks("Return window?"),
      ...USAGE,
      ...STOPPED,
      "gen_ai.response.time_to_first_chunk": "<seconds>",
      "langchain.stream.chunks": 3,
      "gen_ai.output.messages": [{ role: "assistant", parts: [{ type: "text", content: "Thirty days." }], finish_reason: "stop" }],
    });
  });

  it("HTTP 429: status ERROR with LangChain's error type and the client's message", async () => {
    server.reply({ error: 429 });
    await expect(model().invoke("Return window?")).rejects.toThrow(/RESOURCE_EXHAUSTED|Resource has been exhausted/);
    const [chat] = spans();
    expect(chat!.status).toEqual({
      code: SpanStatusCode.ERROR,
      message:
        `[GoogleGenerativeAI Error]: Error fetching from ${server.origin}/v1beta/models/gemini-2.5-flash:generateContent: ` +
        "[429 Too Many Requests] Resource has been exhausted (e.g. check quota).",
    });
    expect(attributesOf(chat!)).toEqual({ ...REQUEST, ...userAsks("Return window?"), "error.type": "RateLimitCapacityError" });
  });
});
