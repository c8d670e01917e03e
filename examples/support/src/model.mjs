// SPDX-License-Identifier: Apache-2.0
import { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AIMessage } from "@langchain/core/messages";

/**
 * An offline chat model that answers from a script and reports token usage like a real provider, so the
 * examples show model names, usage and tool calls without a network. Each reply is a string or
 * `{ content, toolCalls: [{ name, args }] }`; the script repeats its last reply when it runs out.
 */
export class ScriptedChatModel extends BaseChatModel {
  static lc_name() {
    return "ScriptedChatModel";
  }

  constructor({ replies, model = "scripted-model-1" }) {
    super({});
    this.replies = replies;
    this.model = model;
    this.calls = 0;
  }

  _llmType() {
    return "scripted";
  }

  getLsParams() {
    return { ls_provider: "scripted", ls_model_name: this.model, ls_model_type: "chat", ls_temperature: 0 };
  }

  invocationParams() {
    return { model: this.model, temperature: 0 };
  }

  bindTools() {
    // The script already decides when to call tools.
    return this;
  }

  async _generate(messages) {
    const reply = this.replies[Math.min(this.calls, this.replies.length - 1)];
    this.calls++;
    const { content, toolCalls = [] } = typeof reply === "string" ? { content: reply } : reply;
    const inputTokens = messages.reduce((n, m) => n + Math.ceil(String(m.content).length / 4), 0);
    const outputTokens = Math.ceil(content.length / 4) + toolCalls.length * 8;
    const message = new AIMessage({
      content,
      tool_calls: toolCalls.map((call, i) => ({ id: `call_${this.calls}_${i}`, name: call.name, args: call.args, type: "tool_call" })),
      usage_metadata: { input_tokens: inputTokens, output_tokens: outputTokens, total_tokens: inputTokens + outputTokens },
      response_metadata: { model_name: this.model, finish_reason: toolCalls.length > 0 ? "tool_calls" : "stop" },
      id: `scripted-${this.calls}`,
    });
    return { generations: [{ text: content, message }] };
  }
}

/**
 * `ChatOpenAI` when OPENAI_API_KEY is set (model from OPENAI_MODEL, default gpt-4o-mini), else the offline script.
 */
export async function chatModel(replies) {
  if (process.env.OPENAI_API_KEY) {
    const { ChatOpenAI } = await import("@langchain/openai");
    return new ChatOpenAI({ model: process.env.OPENAI_MODEL ?? "gpt-4o-mini", temperature: 0 });
  }
  return new ScriptedChatModel({ replies });
}
