// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from "vitest";
import { metadataAttributes, modelRequestAttributes, modelResponseAttributes, numberAttribute } from "../src/attributes.js";
import { readModelResponse } from "../src/model-response.js";
import { providerFamily } from "../src/providers.js";
import { resolveTracingOptions } from "../src/options.js";
import { hmacSha256Hex } from "../src/hmac.js";
import { createSecretKey } from "node:crypto";

describe("numberAttribute", () => {
  it.each([
    [42, 42],
    [0.25, 0.25],
    [Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER],
    // Integral but outside int64 (or beyond exact JS integers): a string, so no collector rejects the batch.
    [2 ** 63, "9223372036854776000"],
    [1e300, "1e+300"],
    [-1e21, "-1e+21"],
    [NaN, undefined],
    [Infinity, undefined],
  ])("%s → %j", (input, expected) => {
    expect(numberAttribute(input)).toBe(expected);
  });

  it("applies to metadata and model parameters", () => {
    expect(metadataAttributes({ huge: 1e300, small: 3 }, { contentPolicy: "full", maxPayloadBytes: 100, redactor: undefined, digestKey: undefined }, {})).toMatchObject({ "langchain.metadata.huge": "1e+300", "langchain.metadata.small": 3 });
    expect(modelRequestAttributes({ invocation_params: { seed: 2 ** 64, temperature: 0.5 } }, {}, "m", undefined)).toMatchObject({
      "gen_ai.request.seed": "18446744073709552000",
      "gen_ai.request.temperature": 0.5,
    });
  });

  it("cuts an object value of metadata under redacted with the size and keyed digest of its whole JSON text", () => {
    const key = Buffer.alloc(32, 7);
    const options = resolveTracingOptions({ contentPolicy: "redacted", maxPayloadBytes: 200, redaction: { hmacKey: key } }, {});
    const doc = { title: "refunds", body: "five business days. ".repeat(100), when: new Date(0) };
    const whole = JSON.stringify({ title: "refunds", body: doc.body, when: "1970-01-01T00:00:00.000Z" });
    const attrs = metadataAttributes({ doc, n: 3 }, options, {});
    const value = attrs["langchain.metadata.doc"] as string;
    expect(value.endsWith(`\u2026[truncated: ${Buffer.byteLength(whole)} bytes, hmac-sha256:${hmacSha256Hex(createSecretKey(key), whole)}]`)).toBe(true);
    expect(Buffer.byteLength(value)).toBeLessThanOrEqual(200);
    expect(attrs["langchain.metadata.n"]).toBe(3);
  });

  it("reads usage from usage_metadata, or llmOutput.tokenUsage for older integrations", () => {
    const output = { generations: [[{ text: "x" }]], llmOutput: { tokenUsage: { promptTokens: 5, completionTokens: 2 } } };
    expect(modelResponseAttributes(readModelResponse(output, undefined))).toEqual({ "gen_ai.usage.input_tokens": 5, "gen_ai.usage.output_tokens": 2 });
  });
});

describe("modelRequestAttributes reads each family's invocation params where its client puts them", () => {
  const STOP = { ls_stop: ["END"] };
  it.each([
    [
      "ollama (under options, num_predict)",
      "ollama",
      { model: "llama3.2", options: { seed: 7, num_predict: 256, top_k: 40, top_p: 0.9, temperature: 0.2, presence_penalty: 0.25, frequency_penalty: 0.5, stop: ["END"] } },
      { "gen_ai.provider.name": "ollama", "gen_ai.request.seed": 7, "gen_ai.request.max_tokens": 256, "gen_ai.request.top_k": 40, "gen_ai.request.top_p": 0.9, "gen_ai.request.temperature": 0.2, "gen_ai.request.presence_penalty": 0.25, "gen_ai.request.frequency_penalty": 0.5, "gen_ai.request.stop_sequences": ["END"] },
    ],
    [
      // The client sends no call-time stop sequences to Gemini (stopSequences: []): none is what was asked.
      "google_genai (under generationConfig, camelCase)",
      "google_genai",
      { generationConfig: { stopSequences: [], maxOutputTokens: 256, temperature: 0.2, topP: 0.9, topK: 40 } },
      { "gen_ai.provider.name": "gcp.gemini", "gen_ai.request.max_tokens": 256, "gen_ai.request.temperature": 0.2, "gen_ai.request.top_p": 0.9, "gen_ai.request.top_k": 40 },
    ],
    [
      "amazon_bedrock (under inferenceConfig)",
      "amazon_bedrock",
      { inferenceConfig: { maxTokens: 256, temperature: 0.2, topP: 0.9, stopSequences: ["END"] } },
      { "gen_ai.provider.name": "aws.bedrock", "gen_ai.request.max_tokens": 256, "gen_ai.request.temperature": 0.2, "gen_ai.request.top_p": 0.9, "gen_ai.request.stop_sequences": ["END"] },
    ],
    [
      "mistral (camelCase, randomSeed)",
      "mistral",
      { model: "mistral-small-latest", temperature: 0.2, maxTokens: 256, topP: 0.9, randomSeed: 7, safePrompt: false },
      { "gen_ai.provider.name": "mistral_ai", "gen_ai.request.temperature": 0.2, "gen_ai.request.max_tokens": 256, "gen_ai.request.top_p": 0.9, "gen_ai.request.seed": 7, "gen_ai.request.stop_sequences": ["END"] },
    ],
    [
      "anthropic",
      "anthropic",
      { model: "claude-sonnet-4-5", stop_sequences: ["END"], stream: false, max_tokens: 256, temperature: 0.2, top_k: 40, top_p: 0.9 },
      { "gen_ai.provider.name": "anthropic", "gen_ai.request.max_tokens": 256, "gen_ai.request.temperature": 0.2, "gen_ai.request.top_k": 40, "gen_ai.request.top_p": 0.9, "gen_ai.request.stop_sequences": ["END"] },
    ],
    [
      "groq (no row: every family's spellings)",
      "groq",
      { model: "llama-3.3-70b", temperature: 0.2, max_tokens: 256, top_p: 0.9 },
      { "gen_ai.provider.name": "groq", "gen_ai.request.temperature": 0.2, "gen_ai.request.max_tokens": 256, "gen_ai.request.top_p": 0.9, "gen_ai.request.stop_sequences": ["END"] },
    ],
  ])("%s", (_label, lsProvider, invocation, expected) => {
    const metadata = { ls_provider: lsProvider, ...STOP };
    expect(modelRequestAttributes({ invocation_params: invocation }, metadata, undefined, providerFamily(lsProvider))).toEqual(expected);
  });
});
