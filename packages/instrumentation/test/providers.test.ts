// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from "vitest";
import {
  familyByProviderName,
  familyOfModelRun,
  isToolCallBlock,
  knownFamilies,
  normalizeFinishReason,
  providerFamily,
  providerName,
  readersOf,
} from "../src/providers.js";

describe("provider families", () => {
  it.each([
    ["openai", "openai"],
    ["azure_openai", "azure.ai.openai"],
    ["anthropic", "anthropic"],
    ["ollama", "ollama"],
    ["google_genai", "gcp.gemini"],
    ["amazon_bedrock", "aws.bedrock"],
    ["bedrock", "aws.bedrock"],
    ["mistral", "mistral_ai"],
  ])("ls_provider %s → gen_ai.provider.name %s, and back to the same row", (lsProvider, name) => {
    const family = providerFamily(lsProvider);
    expect(family?.providerName).toBe(name);
    expect(familyByProviderName(name)).toBe(family);
  });

  it("without ls_provider, the serialized class names the family; a named but unknown provider is not guessed", () => {
    expect(providerFamily(undefined, ["langchain", "chat_models", "anthropic", "ChatAnthropic"])?.providerName).toBe("anthropic");
    expect(familyOfModelRun({}, {}, { id: ["langchain", "chat_models", "chat_bedrock_converse", "ChatBedrockConverse"] })?.providerName).toBe("aws.bedrock");
    expect(familyOfModelRun({}, { invocation_params: { _type: "ollama" } }, undefined)?.providerName).toBe("ollama");
    // ChatOpenAI pointed at Groq reports ls_provider "groq": the class must not turn it into OpenAI.
    expect(providerFamily("groq", ["langchain", "chat_models", "openai", "ChatOpenAI"])).toBeUndefined();
    expect(providerName(undefined, "groq")).toBe("groq");
    expect(providerName(undefined, "google_vertexai")).toBe("gcp.vertex_ai");
    expect(providerName(undefined, "")).toBeUndefined();
    expect(providerFamily("fake")).toBeUndefined();
  });

  // The documented table (README "Providers"), pinned.
  it.each([
    ["openai", "stop", "stop"],
    ["openai", "length", "length"],
    ["openai", "tool_calls", "tool_call"],
    ["openai", "function_call", "tool_call"],
    ["openai", "content_filter", "content_filter"],
    ["anthropic", "end_turn", "stop"],
    ["anthropic", "stop_sequence", "stop"],
    ["anthropic", "pause_turn", "stop"],
    ["anthropic", "max_tokens", "length"],
    ["anthropic", "model_context_window_exceeded", "length"],
    ["anthropic", "tool_use", "tool_call"],
    ["anthropic", "refusal", "content_filter"],
    ["ollama", "stop", "stop"],
    ["ollama", "length", "length"],
    ["ollama", "load", "load"],
    ["google_genai", "STOP", "stop"],
    ["google_genai", "MAX_TOKENS", "length"],
    ["google_genai", "SAFETY", "content_filter"],
    ["google_genai", "RECITATION", "content_filter"],
    ["google_genai", "PROHIBITED_CONTENT", "content_filter"],
    ["google_genai", "SPII", "content_filter"],
    ["google_genai", "BLOCKLIST", "content_filter"],
    ["google_genai", "MALFORMED_FUNCTION_CALL", "error"],
    ["google_genai", "OTHER", "OTHER"],
    ["amazon_bedrock", "end_turn", "stop"],
    ["amazon_bedrock", "stop_sequence", "stop"],
    ["amazon_bedrock", "max_tokens", "length"],
    ["amazon_bedrock", "tool_use", "tool_call"],
    ["amazon_bedrock", "guardrail_intervened", "content_filter"],
    ["amazon_bedrock", "content_filtered", "content_filter"],
    ["amazon_bedrock", "malformed_tool_use", "error"],
    ["mistral", "stop", "stop"],
    ["mistral", "length", "length"],
    ["mistral", "model_length", "length"],
    ["mistral", "tool_calls", "tool_call"],
    ["mistral", "error", "error"],
  ])("%s finish reason %s → %s", (lsProvider, raw, expected) => {
    expect(normalizeFinishReason(readersOf(providerFamily(lsProvider)), raw, false)).toBe(expected);
  });

  it("a model that stopped with tool calls to make reports tool_call, whatever its spelling; other reasons stay", () => {
    expect(normalizeFinishReason(readersOf(providerFamily("google_genai")), "STOP", true)).toBe("tool_call");
    expect(normalizeFinishReason(readersOf(providerFamily("ollama")), "stop", true)).toBe("tool_call");
    expect(normalizeFinishReason(readersOf(providerFamily("openai")), "stop", true)).toBe("tool_call");
    expect(normalizeFinishReason(readersOf(providerFamily("anthropic")), "max_tokens", true)).toBe("length");
  });

  it("an unknown provider is read with every family's spellings, and no two families disagree on one", () => {
    const seen = new Map<string, string>();
    for (const family of knownFamilies()) {
      for (const [raw, reason] of Object.entries(family.finishReasons)) {
        expect(seen.get(raw) ?? reason, `${family.providerName} maps ${raw} differently`).toBe(reason);
        seen.set(raw, reason);
      }
    }
    const unknown = readersOf(undefined);
    for (const [raw, reason] of seen) expect(normalizeFinishReason(unknown, raw, false)).toBe(reason);
    // generationInfo (last chunk wins) before response_metadata (strings concatenated per chunk).
    expect(unknown.responseModelAt.indexOf("generationInfo.model")).toBeLessThan(unknown.responseModelAt.indexOf("message.response_metadata.model"));
  });

  it("knows which content blocks are a provider's own form of a tool call", () => {
    expect(["tool_use", "input_json_delta", "functionCall"].map(isToolCallBlock)).toEqual([true, true, true]);
    expect(["text", "thinking", "image_url", undefined].map(isToolCallBlock)).toEqual([false, false, false, false]);
  });
});
