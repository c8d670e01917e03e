// SPDX-License-Identifier: Apache-2.0
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { SpanStatusCode } from "@opentelemetry/api";
import { ChatBedrockConverse } from "@langchain/aws";
import { renderTree } from "../helpers.js";
import { setupInstrumentation } from "./setup.js";
import { BEDROCK_TOOL_USE_ID, startFakeBedrock } from "./fake-bedrock-server.js";
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
const MODEL_ID = "anthropic.claude-3-5-haiku-20241022-v1:0";

beforeEach(async () => {
  exporter.reset();
  server = await startFakeBedrock();
});
afterEach(() => server.close());
afterAll(() => {
  instrumentation.disable();
  delete process.env["AWS_ENDPOINT_URL_BEDROCK_RUNTIME"];
});

/**
 * The client as an app builds it, with fake credentials. ChatBedrockConverse only takes an `https://` endpoint host,
 * so the AWS SDK's own per-service endpoint variable points it at the fake; one attempt, so a 429 is not retried.
 */
function model(extra: Partial<ConstructorParameters<typeof ChatBedrockConverse>[0]> = {}): ChatBedrockConverse {
  process.env["AWS_ENDPOINT_URL_BEDROCK_RUNTIME"] = server.origin;
  return new ChatBedrockConverse({
    model: MODEL_ID,
    region: "us-east-1",
    credentials: { accessKeyId: "AKIDTESTNOTREAL", secretAccessKey: "test-not-real" },
    clientOptions: { maxAttempts: 1 },
    temperature: 0.2,
    topP: 0.9,
    maxTokens: 256,
    ...extra,
  });
}

// ChatBedrockConverse nests its parameters under inferenceConfig.
const REQUEST = {
  "langchain.run_id": "<uuid>",
  "langchain.run_type": "chat_model",
  "langchain.run_name": "ChatBedrockConverse",
  "gen_ai.operation.name": "chat",
  "langchain.serialized.id": "langchain.chat_models.chat_bedrock_converse.ChatBedrockConverse",
  "langchain.metadata.ls_provider": "amazon_bedrock",
  "langchain.metadata.ls_model_name": MODEL_ID,
  "langchain.metadata.ls_model_type": "chat",
  "langchain.metadata.ls_temperature": 0.2,
  "langchain.metadata.ls_max_tokens": 256,
  "langchain.metadata.ls_integration": "langchain_chat_model",
  "langchain.metadata.versions": versionsOf("@langchain/aws"),
  "gen_ai.provider.name": "aws.bedrock",
  "gen_ai.request.model": MODEL_ID,
  "gen_ai.request.temperature": 0.2,
  "gen_ai.request.top_p": 0.9,
  "gen_ai.request.max_tokens": 256,
};
/** 40 fresh + 8 cache-read + 2 cache-written input tokens; 12 output. Converse names no model in its answer. */
const USAGE = {
  "gen_ai.usage.input_tokens": 50,
  "gen_ai.usage.output_tokens": 12,
  "gen_ai.usage.cache_read.input_tokens": 8,
  "gen_ai.usage.cache_creation.input_tokens": 2,
};
const STOPPED = { "gen_ai.response.finish_reasons": ["stop"], "langchain.response.finish_reasons.raw": ["end_turn"] };

describe("ChatBedrockConverse against a local Bedrock Runtime (Converse over HTTP/2, event-stream framing)", () => {
  it("invoke: parameters from inferenceConfig, stopReason, usage with cache reads and writes, the request id as response id", async () => {
    server.reply({ text: "Thirty days." });
    expect((await model().invoke("Return window?")).content).toBe("Thirty days.");
    const [chat] = spans();
    expect(chat!.name).toBe(`chat ${MODEL_ID}`);
    expect(attributesOf(chat!)).toEqual({
      ...REQUEST,
      ...userAsks("Return window?"),
      ...USAGE,
      ...STOPPED,
      "gen_ai.response.id": "bedrock-req-1",
      "gen_ai.output.messages": [{ role: "assistant", parts: [{ type: "text", content: "Thirty days." }], finish_reason: "stop" }],
    });
    // The request went out SigV4-signed for the region and service, with the fake key.
    expect(server.seen[0]!.path).toBe(`/model/${encodeURIComponent(MODEL_ID)}/converse`);
    expect(server.seen[0]!.headers["authorization"]).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDTESTNOTREAL\/\d{8}\/us-east-1\/bedrock\/aws4_request, /);
  });

  it("stream: stopReason from the messageStop event, usage from the metadata event; the streamed client passes no request id", async () => {
    server.reply({ text: "Returns within thirty days." });
    expect(await streamText(model(), "Return window?")).toBe("Returns within thirty days.");
    expect(server.seen[0]!.path).toBe(`/model/${encodeURIComponent(MODEL_ID)}/converse-stream`);
    expect(attributesOf(spans()[0]!)).toEqual({
      ...REQUEST,
      ...userAsks("Return window?"),
      ...USAGE,
      ...STOPPED,
      "gen_ai.response.time_to_first_chunk": "<seconds>",
      // One chunk per contentBlockDelta event.
      "langchain.stream.chunks": 7,
      "gen_ai.output.messages": [{ role: "assistant", parts: [{ type: "text", content: "Returns within thirty days." }], finish_reason: "stop" }],
    });
  });

  it("stream with streamUsage off: usage from the raw metadata event the client still hands over", async () => {
    server.reply({ text: "Thirty days." });
    await streamText(model({ streamUsage: false }), "Return window?");
    const attributes = attributesOf(spans()[0]!);
    expect(Object.fromEntries(Object.entries(attributes).filter(([k]) => k.startsWith("gen_ai.usage.")))).toEqual(USAGE);
  });

  it.each([
    ["invoke", false, { "gen_ai.response.id": "bedrock-req-1" }, { "gen_ai.response.id": "bedrock-req-2" }],
    [
      "stream",
      true,
      // Four text deltas, the toolUse start, three toolUse input deltas; then nine text deltas.
      { "gen_ai.response.time_to_first_chunk": "<seconds>", "langchain.stream.chunks": 8 },
      { "gen_ai.response.time_to_first_chunk": "<seconds>", "langchain.stream.chunks": 9 },
    ],
  ])("tool call round trip (%s): tool_use as tool_call, one part per call, the toolUseId links the spans", async (_mode, stream, first, second) => {
    server.reply({ toolCall: TOOL_CALL, text: "Let me check." });
    server.reply({ text: FINAL_ANSWER });
    expect((await toolRoundTrip(model(), "What is the return policy?", stream)).text).toBe(FINAL_ANSWER);
    expect(renderTree(spans())).toBe(["round_trip", `  chat ${MODEL_ID}`, "  execute_tool lookup_policy", `  chat ${MODEL_ID}`].join("\n"));
    const [ask, answer] = chatSpans(spans());
    const parts = [{ type: "text", content: "Let me check." }, { type: "tool_call", id: BEDROCK_TOOL_USE_ID, name: "lookup_policy", arguments: { topic: "returns" } }];
    expect(attributesOf(ask!)).toEqual({
      ...REQUEST,
      "langchain.parent_run_id": "<uuid>",
      ...userAsks("What is the return policy?"),
      ...USAGE,
      ...first,
      "gen_ai.response.finish_reasons": ["tool_call"],
      "langchain.response.finish_reasons.raw": ["tool_use"],
      "gen_ai.output.messages": [{ role: "assistant", parts, finish_reason: "tool_call" }],
    });
    expect(spans().find((s) => s.name === "execute_tool lookup_policy")!.attributes["gen_ai.tool.call.id"]).toBe(BEDROCK_TOOL_USE_ID);
    expect(attributesOf(answer!)).toEqual({
      ...REQUEST,
      "langchain.parent_run_id": "<uuid>",
      "gen_ai.input.messages": [
        { role: "user", parts: [{ type: "text", content: "What is the return policy?" }] },
        { role: "assistant", parts },
        { role: "tool", parts: [{ type: "tool_call_response", id: BEDROCK_TOOL_USE_ID, response: "policy returns: 30 days" }] },
      ],
      ...USAGE,
      ...second,
      ...STOPPED,
      "gen_ai.output.messages": [{ role: "assistant", parts: [{ type: "text", content: FINAL_ANSWER }], finish_reason: "stop" }],
    });
    expect((server.seen.at(-1)!.body["messages"] as unknown[]).at(-1)).toEqual({
      role: "user",
      content: [{ toolResult: { toolUseId: BEDROCK_TOOL_USE_ID, content: [{ text: "policy returns: 30 days" }] } }],
    });
  });

  it("max_tokens: finish reason length", async () => {
    server.reply({ text: "Thirty", cut: true });
    await model().invoke("Return window?");
    expectCutAtLength(spans()[0]!, "max_tokens");
  });

  it("invoke under streamEvents: the same response attributes, from the stream's events", async () => {
    server.reply({ text: "Thirty days." });
    await invokeUnderStreamEvents(model(), "Return window?");
    expect(renderTree(spans())).toBe(["answer", `  chat ${MODEL_ID}`].join("\n"));
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

  it("HTTP 429 ThrottlingException: status ERROR with the SDK's exception name and message", async () => {
    server.reply({ error: 429 });
    await expect(model().invoke("Return window?")).rejects.toThrow("Too many requests, please wait before trying again.");
    const [chat] = spans();
    expect(chat!.status).toEqual({ code: SpanStatusCode.ERROR, message: "Too many requests, please wait before trying again." });
    expect(attributesOf(chat!)).toEqual({ ...REQUEST, ...userAsks("Return window?"), "error.type": "ThrottlingException" });
  });
});
