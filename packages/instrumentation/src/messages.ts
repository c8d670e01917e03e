/**
 * LangChain messages → the GenAI semantic-convention message shape
 * (https://opentelemetry.io/docs/specs/semconv/gen-ai/gen-ai-input-messages.json):
 * `{ role, parts: [{ type: "text", content } | { type: "tool_call", id, name, arguments } | ...], finish_reason? }`.
 * Messages are duck-typed: several copies of @langchain/core can be loaded.
 */

import { messageType } from "./langchain-shapes.js";

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

function contentParts(content: unknown): GenAiPart[] {
  if (typeof content === "string") return content === "" ? [] : [{ type: "text", content }];
  if (!Array.isArray(content)) return content === undefined || content === null ? [] : [{ type: "text", content }];
  const parts: GenAiPart[] = [];
  for (const block of content) {
    if (typeof block === "string") parts.push({ type: "text", content: block });
    else if (block !== null && typeof block === "object") {
      const b = block as Record<string, unknown>;
      if (b["type"] === "text" && typeof b["text"] === "string") parts.push({ type: "text", content: b["text"] });
      else if (b["type"] === "reasoning" || b["type"] === "thinking") {
        parts.push({ type: "reasoning", content: b["reasoning"] ?? b["thinking"] ?? "" });
      } else parts.push({ ...b, type: typeof b["type"] === "string" ? b["type"] : "unknown" });
    }
  }
  return parts;
}

function toolCallParts(toolCalls: unknown): GenAiPart[] {
  if (!Array.isArray(toolCalls)) return [];
  const parts: GenAiPart[] = [];
  for (const call of toolCalls) {
    if (call === null || typeof call !== "object") continue;
    const c = call as Record<string, unknown>;
    parts.push({ type: "tool_call", id: c["id"], name: c["name"], arguments: c["args"] });
  }
  return parts;
}

/** One LangChain message as a GenAI message. */
export function toGenAiMessage(message: unknown): GenAiMessage {
  const type = messageType(message);
  // ChatMessage ("generic") carries its own role.
  const ownRole = type === "generic" ? (message as MessageLike).role : undefined;
  const role = typeof ownRole === "string" ? ownRole : (type && ROLE_BY_TYPE[type]) || type || "user";
  if (message === null || typeof message !== "object") return { role, parts: contentParts(message) };
  const m = message as MessageLike;
  if (role === "tool") {
    return { role, parts: [{ type: "tool_call_response", id: m["tool_call_id"], response: m.content }] };
  }
  return { role, parts: [...contentParts(m.content), ...toolCallParts(m["tool_calls"])] };
}

/** The input messages of a chat run (`handleChatModelStart` gets one group per prompt; we record the first). */
export function inputMessages(groups: unknown): GenAiMessage[] {
  const group = Array.isArray(groups) ? groups[0] : undefined;
  return Array.isArray(group) ? group.map(toGenAiMessage) : [];
}

/** Text-completion prompts as user messages. */
export function promptMessages(prompts: unknown): GenAiMessage[] {
  return Array.isArray(prompts) ? prompts.map((p) => ({ role: "user", parts: contentParts(p) })) : [];
}

/** Generation objects of an LLMResult (`generations[0]`), duck-typed. */
export function firstGenerations(output: unknown): Record<string, unknown>[] {
  const generations = (output as { generations?: unknown } | undefined)?.generations;
  const first = Array.isArray(generations) ? generations[0] : undefined;
  return Array.isArray(first) ? first.filter((g): g is Record<string, unknown> => g !== null && typeof g === "object") : [];
}

/** The finish reason of one generation, from generationInfo or the message's response metadata. */
export function finishReason(generation: Record<string, unknown>): string | undefined {
  const info = generation["generationInfo"] as Record<string, unknown> | undefined;
  const message = generation["message"] as Record<string, unknown> | undefined;
  const meta = message?.["response_metadata"] as Record<string, unknown> | undefined;
  const reason = info?.["finish_reason"] ?? meta?.["finish_reason"] ?? meta?.["stop_reason"] ?? info?.["stop_reason"];
  return typeof reason === "string" ? reason : undefined;
}

/** The output messages of an LLM/chat run. */
export function outputMessages(output: unknown): GenAiMessage[] {
  return firstGenerations(output).map((generation) => {
    const message = generation["message"];
    const base: GenAiMessage =
      message !== undefined
        ? toGenAiMessage(message)
        : { role: "assistant", parts: contentParts(generation["text"]) };
    const reason = finishReason(generation);
    if (reason !== undefined) base.finish_reason = reason;
    return base;
  });
}
