import { describe, expect, it } from "vitest";
import { AIMessage, ChatMessage, HumanMessage, SystemMessage, ToolMessage } from "@langchain/core/messages";
import { inputMessages, outputMessages, promptMessages, toGenAiMessage } from "../src/messages.js";

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

  it("output messages carry the finish reason, text generations too", () => {
    expect(
      outputMessages({
        generations: [[{ text: "ok", message: new AIMessage({ content: "ok", response_metadata: { finish_reason: "length" } }) }, { text: "plain", generationInfo: { finish_reason: "stop" } }]],
      }),
    ).toEqual([
      { role: "assistant", parts: [{ type: "text", content: "ok" }], finish_reason: "length" },
      { role: "assistant", parts: [{ type: "text", content: "plain" }], finish_reason: "stop" },
    ]);
  });
});
