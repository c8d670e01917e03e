// SPDX-License-Identifier: Apache-2.0
/**
 * LangChain messages → the GenAI semantic-convention message shape
 * (https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-input-messages.json):
 * `{ role, parts: [{ type: "text", content } | { type: "tool_call", id, name, arguments } | ...], finish_reason? }`.
 * Messages are duck-typed: several copies of @langchain/core can be loaded.
 */

import { messageType } from "./langchain-shapes.js";
import { firstGenerations, type ModelResponse } from "./model-response.js";
import { isToolCallBlock } from "./providers.js";

export { messageType };

export interface GenAiPart {
  type: string;
  [key: string]: unknown;
}

export interface GenAiMessage {
  role: string;
  parts: GenAiPart[];
  finish_reason?: string;
}

type MessageLike = Record<string, unknown> & { role?: unknown; content?: unknown };

const ROLE_BY_TYPE: Record<string, string> = {
  human: "user",
  user: "user",
  ai: "assistant",
  assistant: "assistant",
  system: "system",
  developer: "system",
  tool: "tool",
  function: "tool",
  generic: "user",
};

/**
 * Content blocks as parts. With `hasToolCalls`, a provider's own tool-call blocks (Anthropic `tool_use`, Gemini
 * `functionCall`) are left out: the message's `tool_calls` carry the same call, and one call is one part.
 */
function contentParts(content: unknown, hasToolCalls: boolean): GenAiPart[] {
  if (typeof content === "string") return content === "" ? [] : [{ type: "text", content }];
  if (!Array.isArray(content)) return content === undefined || content === null ? [] : [{ type: "text", content }];
  const parts: GenAiPart[] = [];
  for (const block of content) {
    if (typeof block === "string") parts.push({ type: "text", content: block });
    else if (block !== null && typeof block === "object") {
      const b = block as Record<string, unknown>;
      if (hasToolCalls && isToolCallBlock(b["type"])) continue;
      if (b["type"] === "text" && typeof b["text"] === "string") parts.push({ type: "text", content: b["text"] });
      else if (b["type"] === "reasoning" || b["type"] === "thinking") {
        parts.push({ type: "reasoning", content: b["reasoning"] ?? b["thinking"] ?? "" });
      } else parts.push({ ...b, type: typeof b["type"] === "string" ? b["type"] : "unknown" });
    }
  }
  return parts;
}

/**
 * `tool_calls` as tool-call parts, then `invalid_tool_calls` (arguments that did not parse) with their raw arguments
 * and LangChain's error, so a call the app could not run is still in the trail.
 */
function toolCallParts(toolCalls: unknown, invalidToolCalls: unknown): GenAiPart[] {
  const parts: GenAiPart[] = [];
  for (const call of Array.isArray(toolCalls) ? toolCalls : []) {
    if (call === null || typeof call !== "object") continue;
    const c = call as Record<string, unknown>;
    parts.push({ type: "tool_call", id: c["id"], name: c["name"], arguments: c["args"] });
  }
  for (const call of Array.isArray(invalidToolCalls) ? invalidToolCalls : []) {
    if (call === null || typeof call !== "object") continue;
    const c = call as Record<string, unknown>;
    parts.push({ type: "tool_call", id: c["id"], name: c["name"], arguments: c["args"], error: c["error"] });
  }
  return parts;
}

function nonEmpty(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0;
}

/** One LangChain message as a GenAI message. */
export function toGenAiMessage(message: unknown): GenAiMessage {
  const type = messageType(message);
  // ChatMessage ("generic") carries its own role.
  const ownRole = type === "generic" ? (message as MessageLike).role : undefined;
  const role = typeof ownRole === "string" ? ownRole : (type && ROLE_BY_TYPE[type]) || type || "user";
  if (message === null || typeof message !== "object") return { role, parts: contentParts(message, false) };
  const m = message as MessageLike;
  if (role === "tool") {
    return { role, parts: [{ type: "tool_call_response", id: m["tool_call_id"], response: m.content }] };
  }
  const hasToolCalls = nonEmpty(m["tool_calls"]) || nonEmpty(m["invalid_tool_calls"]);
  return { role, parts: [...contentParts(m.content, hasToolCalls), ...toolCallParts(m["tool_calls"], m["invalid_tool_calls"])] };
}

/** The input messages of a chat run (`handleChatModelStart` gets one group per prompt; we record the first). */
export function inputMessages(groups: unknown): GenAiMessage[] {
  const group = Array.isArray(groups) ? groups[0] : undefined;
  return Array.isArray(group) ? group.map(toGenAiMessage) : [];
}

/** Text-completion prompts as user messages. */
export function promptMessages(prompts: unknown): GenAiMessage[] {
  return Array.isArray(prompts) ? prompts.map((p) => ({ role: "user", parts: contentParts(p, false) })) : [];
}

/** The output messages of an LLM/chat run, each with its finish reason as {@link readModelResponse} read it. */
export function outputMessages(output: unknown, response: ModelResponse): GenAiMessage[] {
  return firstGenerations(output).map((generation, i) => {
    const message = generation["message"];
    const base: GenAiMessage =
      message !== undefined
        ? toGenAiMessage(message)
        : { role: "assistant", parts: contentParts(generation["text"], false) };
    const finish = response.finishes[i];
    if (finish !== undefined) base.finish_reason = finish.reason;
    return base;
  });
}
