// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from "vitest";
import { readModelResponse } from "../src/model-response.js";
import { providerFamily } from "../src/providers.js";

// Shapes as the clients hand them to handleLLMEnd (measured in the provider integration tests).
const result = (generation: Record<string, unknown>, llmOutput?: unknown) => ({ generations: [[generation]], llmOutput });

describe("readModelResponse: one reading per family, streamed or not", () => {
  it("Anthropic streamed: model, id and stop reason from the message_start / message_delta events in additional_kwargs", () => {
    const output = result({
      text: "Returns within thirty days.",
      generationInfo: {},
      message: {
        id: "msg_02",
        additional_kwargs: { id: "msg_02", model: "claude-sonnet-4-5-20250929", stop_reason: "end_turn", stop_sequence: null },
        response_metadata: { model_provider: "anthropic", usage: { cache_creation_input_tokens: 3, cache_read_input_tokens: 7 } },
        usage_metadata: { input_tokens: 30, output_tokens: 7, total_tokens: 37, input_token_details: { cache_read: 7, cache_creation: 3 } },
      },
    });
    expect(readModelResponse(output, providerFamily("anthropic"))).toEqual({
      finishes: [{ raw: "end_turn", reason: "stop" }],
      model: "claude-sonnet-4-5-20250929",
      id: "msg_02",
      usage: { inputTokens: 30, outputTokens: 7, cacheReadInputTokens: 7, cacheCreationInputTokens: 3, reasoningOutputTokens: undefined },
      providerAttributes: {},
    });
  });

  it("Anthropic streamed without usage_metadata (streamUsage off): the cache counts its message_start event kept", () => {
    const output = result({
      text: "x",
      message: { id: "msg_9", additional_kwargs: { stop_reason: "end_turn" }, response_metadata: { usage: { cache_creation_input_tokens: 3, cache_read_input_tokens: 7 } } },
    });
    expect(readModelResponse(output, providerFamily("anthropic")).usage).toEqual({
      inputTokens: undefined,
      outputTokens: undefined,
      cacheReadInputTokens: 7,
      cacheCreationInputTokens: 3,
      reasoningOutputTokens: undefined,
    });
  });

  it("Mistral streamed: the model once from generationInfo, not the per-chunk concatenation in response_metadata", () => {
    const output = result({
      text: "x",
      generationInfo: { prompt: 0, completion: 0, model: "mistral-small-2501", finishReason: "stop" },
      message: { id: "run-019a", response_metadata: { model: "mistral-small-2501mistral-small-2501mistral-small-2501", finishReason: "stop" } },
    });
    const response = readModelResponse(output, providerFamily("mistral"));
    expect(response.model).toBe("mistral-small-2501");
    expect(response.id).toBeUndefined();
    expect(response.finishes).toEqual([{ raw: "stop", reason: "stop" }]);
  });

  it("Bedrock streamed with streamUsage off: usage from the stream's metadata event, cache reads and writes added to input", () => {
    const output = result({
      text: "x",
      generationInfo: {},
      message: {
        id: "run-019a",
        response_metadata: {
          messageStart: { role: "assistant" },
          messageStop: { stopReason: "max_tokens" },
          metadata: { usage: { inputTokens: 40, outputTokens: 12, totalTokens: 62, cacheReadInputTokens: 8, cacheWriteInputTokens: 2 } },
        },
      },
    });
    expect(readModelResponse(output, providerFamily("amazon_bedrock"))).toEqual({
      finishes: [{ raw: "max_tokens", reason: "length" }],
      usage: { inputTokens: 50, outputTokens: 12, cacheReadInputTokens: 8, cacheCreationInputTokens: 2, reasoningOutputTokens: undefined },
      providerAttributes: {},
    });
  });

  it("Bedrock non-streamed: the AWS request id is the response id", () => {
    const output = result({ text: "x", message: { id: "req-1", response_metadata: { stopReason: "end_turn", $metadata: { requestId: "req-1", httpStatusCode: 200 } } } });
    expect(readModelResponse(output, providerFamily("amazon_bedrock")).id).toBe("req-1");
  });

  it("Gemini: STOP with a function call is tool_call; no model or id (the client drops modelVersion and responseId)", () => {
    const output = result({
      text: "",
      generationInfo: { finishReason: "STOP", index: 0 },
      message: { id: "run-019a", tool_calls: [{ id: "u1", name: "lookup", args: {} }], response_metadata: { finishReason: "STOP", index: 0 } },
    });
    const response = readModelResponse(output, providerFamily("google_genai"));
    expect(response.finishes).toEqual([{ raw: "STOP", reason: "tool_call" }]);
    expect(response.model).toBeUndefined();
    expect(response.id).toBeUndefined();
  });

  it("OpenAI: system fingerprint and service tier, and the raw usage object when usage_metadata is missing", () => {
    const output = result({
      text: "x",
      generationInfo: { finish_reason: "stop", model_name: "gpt-4o-mini-2024-07-18", system_fingerprint: "fp_44709d6fcb", service_tier: "default" },
      message: {
        id: "chatcmpl-1",
        response_metadata: { usage: { prompt_tokens: 12, completion_tokens: 5, prompt_tokens_details: { cached_tokens: 4 }, completion_tokens_details: { reasoning_tokens: 2 } } },
      },
    });
    expect(readModelResponse(output, providerFamily("openai"))).toEqual({
      finishes: [{ raw: "stop", reason: "stop" }],
      model: "gpt-4o-mini-2024-07-18",
      id: "chatcmpl-1",
      usage: { inputTokens: 12, outputTokens: 5, cacheReadInputTokens: 4, cacheCreationInputTokens: undefined, reasoningOutputTokens: 2 },
      providerAttributes: { "openai.response.system_fingerprint": "fp_44709d6fcb", "openai.response.service_tier": "default" },
    });
  });

  it("one finish entry per generation, undefined where a generation has none; an unknown provider is read with every family's paths", () => {
    const output = {
      generations: [[
        { text: "a", generationInfo: { finish_reason: "length" } },
        { text: "b" },
        { text: "c", message: { response_metadata: { done_reason: "stop" } } },
      ]],
    };
    expect(readModelResponse(output, undefined).finishes).toEqual([{ raw: "length", reason: "length" }, undefined, { raw: "stop", reason: "stop" }]);
  });

  it("never throws: a throwing getter or an odd output reads as absent", () => {
    const message = { id: "chatcmpl-7", response_metadata: {} };
    Object.defineProperty(message.response_metadata, "finish_reason", {
      get() {
        throw new Error("hostile getter");
      },
    });
    expect(readModelResponse(result({ text: "x", message }), providerFamily("openai"))).toEqual({ finishes: [undefined], id: "chatcmpl-7", providerAttributes: {} });
    for (const odd of [undefined, null, 42, "x", { generations: "no" }, { generations: [[null, 3]] }]) {
      expect(readModelResponse(odd, undefined)).toEqual({ finishes: [], providerAttributes: {} });
    }
  });
});
