// SPDX-License-Identifier: Apache-2.0
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { SpanStatusCode } from "@opentelemetry/api";
import { ChatOllama } from "@langchain/ollama";
import { renderTree } from "../helpers.js";
import { setupInstrumentation } from "./setup.js";
import { startFakeOllama } from "./fake-ollama-server.js";
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
  server = await startFakeOllama();
});
afterEach(() => server.close());
afterAll(() => instrumentation.disable());

function model(): ChatOllama {
  return new ChatOllama({ model: "llama3.2", baseUrl: server.origin, temperature: 0.2, topP: 0.9, topK: 40, numPredict: 256, seed: 7 });
}

// ChatOllama nests its parameters under `options` (num_predict for the token limit); the table reads them there.
const REQUEST = {
  "langchain.run_id": "<uuid>",
  "langchain.run_type": "chat_model",
  "langchain.run_name": "ChatOllama",
  "gen_ai.operation.name": "chat",
  "langchain.serialized.id": "langchain.chat_models.ollama.ChatOllama",
  "langchain.metadata.ls_provider": "ollama",
  "langchain.metadata.ls_model_name": "llama3.2",
  "langchain.metadata.ls_model_type": "chat",
  "langchain.metadata.ls_temperature": 0.2,
  "langchain.metadata.ls_max_tokens": 256,
  "langchain.metadata.ls_integration": "langchain_chat_model",
  "langchain.metadata.versions": versionsOf("@langchain/ollama"),
  "gen_ai.provider.name": "ollama",
  "gen_ai.request.model": "llama3.2",
  "gen_ai.request.temperature": 0.2,
  "gen_ai.request.top_p": 0.9,
  "gen_ai.request.top_k": 40,
  "gen_ai.request.max_tokens": 256,
  "gen_ai.request.seed": 7,
};
/** prompt_eval_count and eval_count of the last NDJSON line; Ollama has no response id and echoes the model. */
const RESPONSE = { "gen_ai.usage.input_tokens": 26, "gen_ai.usage.output_tokens": 8, "gen_ai.response.model": "llama3.2" };
const STOPPED = { "gen_ai.response.finish_reasons": ["stop"], "langchain.response.finish_reasons.raw": ["stop"] };
/** ChatOllama always streams, `invoke` too: every call has a time to first chunk. */
const FIRST_CHUNK = { "gen_ai.response.time_to_first_chunk": "<seconds>" };
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe("ChatOllama against a local Ollama chat API", () => {
  it("invoke: parameters from options, done_reason as the finish reason, model and token counts", async () => {
    server.reply({ text: "Thirty days." });
    expect((await model().invoke("Return window?")).content).toBe("Thirty days.");
    const [chat] = spans();
    expect(chat!.name).toBe("chat llama3.2");
    expect(attributesOf(chat!)).toEqual({
      ...REQUEST,
      ...userAsks("Return window?"),
      ...RESPONSE,
      ...STOPPED,
      ...FIRST_CHUNK,
      // Three pieces of text and the done line.
      "langchain.stream.chunks": 4,
      "gen_ai.output.messages": [{ role: "assistant", parts: [{ type: "text", content: "Thirty days." }], finish_reason: "stop" }],
    });
  });

  it("stream: the same from the chunks", async () => {
    server.reply({ text: "Returns within thirty days." });
    expect(await streamText(model(), "Return window?")).toBe("Returns within thirty days.");
    expect(attributesOf(spans()[0]!)).toEqual({
      ...REQUEST,
      ...userAsks("Return window?"),
      ...RESPONSE,
      ...STOPPED,
      ...FIRST_CHUNK,
      "langchain.stream.chunks": 8,
      "gen_ai.output.messages": [{ role: "assistant", parts: [{ type: "text", content: "Returns within thirty days." }], finish_reason: "stop" }],
    });
  });

  it.each([
    ["invoke", false],
    ["stream", true],
  ])("tool call round trip (%s): done_reason stop with a tool call reads tool_call; the client's call id links the spans", async (_mode, stream) => {
    server.reply({ toolCall: TOOL_CALL });
    server.reply({ text: FINAL_ANSWER });
    expect((await toolRoundTrip(model(), "What is the return policy?", stream)).content).toBe(FINAL_ANSWER);
    expect(renderTree(spans())).toBe(["round_trip", "  chat llama3.2", "  execute_tool lookup_policy", "  chat llama3.2"].join("\n"));
    const [ask, answer] = chatSpans(spans());
    // Ollama sends no call id; ChatOllama makes up a UUID, which the tool run and the history then carry.
    const callId = spans().find((s) => s.name === "execute_tool lookup_policy")!.attributes["gen_ai.tool.call.id"] as string;
    expect(callId).toMatch(UUID);
    const call = { type: "tool_call", id: callId, name: "lookup_policy", arguments: { topic: "returns" } };
    expect(attributesOf(ask!)).toEqual({
      ...REQUEST,
      "langchain.parent_run_id": "<uuid>",
      ...userAsks("What is the return policy?"),
      ...RESPONSE,
      ...FIRST_CHUNK,
      "langchain.stream.chunks": 2,
      "gen_ai.response.finish_reasons": ["tool_call"],
      "langchain.response.finish_reasons.raw": ["stop"],
      "gen_ai.output.messages": [{ role: "assistant", parts: [call], finish_reason: "tool_call" }],
    });
    expect(attributesOf(answer!)).toEqual({
      ...REQUEST,
      "langchain.parent_run_id": "<uuid>",
      "gen_ai.input.messages": [
        { role: "user", parts: [{ type: "text", content: "What is the return policy?" }] },
        { role: "assistant", parts: [call] },
        { role: "tool", parts: [{ type: "tool_call_response", id: callId, response: "policy returns: 30 days" }] },
      ],
      ...RESPONSE,
      ...STOPPED,
      ...FIRST_CHUNK,
      "langchain.stream.chunks": 10,
      "gen_ai.output.messages": [{ role: "assistant", parts: [{ type: "text", content: FINAL_ANSWER }], finish_reason: "stop" }],
    });
    expect((server.seen.at(-1)!.body["messages"] as unknown[]).at(-1)).toEqual({ role: "tool", content: "policy returns: 30 days" });
  });

  it("done_reason length: finish reason length", async () => {
    server.reply({ text: "Thirty", cut: true });
    await model().invoke("Return window?");
    expectCutAtLength(spans()[0]!, "length");
  });

  it("invoke under streamEvents: the same response attributes", async () => {
    server.reply({ text: "Thirty days." });
    await invokeUnderStreamEvents(model(), "Return window?");
    expect(renderTree(spans())).toBe(["answer", "  chat llama3.2"].join("\n"));
    expect(attributesOf(chatSpans(spans())[0]!)).toEqual({
      ...REQUEST,
      "langchain.parent_run_id": "<uuid>",
      ...userAsks("Return window?"),
      ...RESPONSE,
      ...STOPPED,
      ...FIRST_CHUNK,
      "langchain.stream.chunks": 4,
      "gen_ai.output.messages": [{ role: "assistant", parts: [{ type: "text", content: "Thirty days." }], finish_reason: "stop" }],
    });
  });

  it("HTTP 404 (model not pulled): status ERROR with the client's error type and Ollama's message", async () => {
    server.reply({ error: 404 });
    await expect(model().invoke("Return window?")).rejects.toThrow('model "llama3.2" not found, try pulling it first');
    const [chat] = spans();
    expect(chat!.status).toEqual({ code: SpanStatusCode.ERROR, message: 'model "llama3.2" not found, try pulling it first' });
    expect(attributesOf(chat!)).toEqual({ ...REQUEST, ...userAsks("Return window?"), "error.type": "ResponseError" });
  });
});
