// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from "vitest";
import { AIMessage, ChatMessage, HumanMessage, SystemMessage, ToolMessage } from "@langchain/core/messages";
import { inputMessages, outputMessages, promptMessages, toGenAiMessage } from "../src/messages.js";
import { readModelResponse } from "../src/model-response.js";
import { providerFamily } from "../src/providers.js";

describe("LangChain messages → GenAI messages", () => {
  it("maps roles, text, content blocks, tool calls and tool results", () => {
    expect(
      inputMessages([
        [
          new SystemMessage("be brief"),
          new HumanMessage({ content: [{ type: "text", text: "what is this?" }, { type: "image_url", image_url: { url: "https://x/y.png" } }] }),
          new AIMessage({ content: "", tool_calls: [{ id: "c1", name: "lookup", args: { q: 1 }, type: "tool_call" }] }),
          new ToolMessage({ content: "found", tool_call_id: "c1" }),
          new ChatMessage({ content: "hi", role: "critic" }),
        ],
      ]),
    ).toEqual([
      { role: "system", parts: [{ type: "text", content: "be brief" }] },
      {
        role: "user",
        parts: [
          { type: "text", content: "what is this?" },
          { type: "image_url", image_url: { url: "https://x/y.png" } },
        ],
      },
      { role: "assistant", parts: [{ type: "tool_call", id: "c1", name: "lookup", arguments: { q: 1 } }] },
      { role: "tool", parts: [{ type: "tool_call_response", id: "c1", response: "found" }] },
      { role: "critic", parts: [{ type: "text", content: "hi" }] },
    ]);
  });

  it("maps plain objects and odd values without throwing", () => {
    expect(toGenAiMessage({ role: "user", content: "x" })).toEqual({ role: "user", parts: [{ type: "text", content: "x" }] });
    expect(toGenAiMessage(null)).toEqual({ role: "user", parts: [] });
    expect(inputMessages("nope")).toEqual([]);
    expect(promptMessages(["a", "b"])).toEqual([
      { role: "user", parts: [{ type: "text", content: "a" }] },
      { role: "user", parts: [{ type: "text", content: "b" }] },
    ]);
  });

  it("output messages carry the finish reason in the schema's terms, text generations too", () => {
    const output = {
      generations: [[{ text: "ok", message: new AIMessage({ content: "ok", response_metadata: { finish_reason: "length" } }) }, { text: "plain", generationInfo: { finish_reason: "stop" } }]],
    };
    expect(outputMessages(output, readModelResponse(output, providerFamily("openai")))).toEqual([
      { role: "assistant", parts: [{ type: "text", content: "ok" }], finish_reason: "length" },
      { role: "assistant", parts: [{ type: "text", content: "plain" }], finish_reason: "stop" },
    ]);
  });

  it("one tool call is one part: a provider's own tool-call blocks go when tool_calls carry the call", () => {
    const call = { id: "toolu_01", name: "lookup", args: { q: 1 }, type: "tool_call" as const };
    const anthropic = new AIMessage({
      content: [{ type: "text", text: "Let me check." }, { type: "tool_use", id: "toolu_01", name: "lookup", input: { q: 1 } }],
      tool_calls: [call],
    });
    const anthropicStreamed = new AIMessage({
      content: [
        { index: 0, type: "text", text: "Let me check." },
        { index: 1, type: "tool_use", id: "toolu_01", name: "lookup", input: "" },
        { index: 1, type: "input_json_delta", input: '{"q":1}' },
      ],
      tool_calls: [call],
    });
    const gemini = new AIMessage({ content: [{ type: "text", text: "Let me check." }, { type: "functionCall", functionCall: { name: "lookup", args: { q: 1 } } }], tool_calls: [call] });
    const expected = { role: "assistant", parts: [{ type: "text", content: "Let me check." }, { type: "tool_call", id: "toolu_01", name: "lookup", arguments: { q: 1 } }] };
    expect(toGenAiMessage(anthropic)).toEqual(expected);
    expect(toGenAiMessage(anthropicStreamed)).toEqual(expected);
    expect(toGenAiMessage(gemini)).toEqual(expected);
    // Without a parsed call the block is the only trace of it: kept.
    expect(toGenAiMessage(new AIMessage({ content: [{ type: "tool_use", id: "t", name: "n", input: {} }] }))).toEqual({
      role: "assistant",
      parts: [{ type: "tool_use", id: "t", name: "n", input: {} }],
    });
  });

  it("a tool call whose arguments did not parse is a part too, with its raw arguments and the error", () => {
    const message = new AIMessage({
      content: [{ type: "tool_use", id: "toolu_02", name: "lookup", input: '{"q":' }],
      invalid_tool_calls: [{ id: "toolu_02", name: "lookup", args: '{"q":', error: "Malformed args.", type: "invalid_tool_call" }],
    });
    expect(toGenAiMessage(message)).toEqual({
      role: "assistant",
      parts: [{ type: "tool_call", id: "toolu_02", name: "lookup", arguments: '{"q":', error: "Malformed args." }],
    });
  });
});
