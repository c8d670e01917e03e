// SPDX-License-Identifier: Apache-2.0
import { pieces, startFakeServer, writeJson, writeSse, type FakeServer } from "./fake-http.js";

/** The dated model the API answers with when asked for `gpt-4o-mini`. */
export const OPENAI_MODEL = "gpt-4o-mini-2024-07-18";
export const OPENAI_USAGE = { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17, prompt_tokens_details: { cached_tokens: 4 } };

/**
 * OpenAI's chat completions API (`POST /v1/chat/completions`): JSON, or server-sent events ending in `[DONE]` when
 * `stream` is set (the role first, content in small pieces, the finish reason, then usage when `stream_options`
 * asks for it). Completion ids count up (`chatcmpl-1`, ...); the tool call id is `call_abc`.
 */
export async function startFakeOpenAI(): Promise<FakeServer> {
  let n = 0;
  return startFakeServer((request, reply, res) => {
    if (request.path !== "/v1/chat/completions") return writeJson(res, 404, { error: { message: request.path } });
    if (reply.error !== undefined) {
      return writeJson(res, reply.error, {
        error: { message: "Rate limit reached for gpt-4o-mini", type: "requests", param: null, code: "rate_limit_exceeded" },
      });
    }
    const base = { id: `chatcmpl-${++n}`, created: 1_767_000_000, model: reply.model ?? OPENAI_MODEL, system_fingerprint: "fp_44709d6fcb", service_tier: "default" };
    const toolCalls =
      reply.toolCall !== undefined
        ? [{ id: "call_abc", type: "function", function: { name: reply.toolCall.name, arguments: JSON.stringify(reply.toolCall.args) } }]
        : undefined;
    const finish = toolCalls !== undefined ? "tool_calls" : reply.cut === true ? "length" : "stop";
    const text = reply.text ?? null;
    if (request.body["stream"] !== true) {
      return writeJson(res, 200, {
        ...base,
        object: "chat.completion",
        choices: [{ index: 0, message: { role: "assistant", content: text, tool_calls: toolCalls, refusal: null }, logprobs: null, finish_reason: finish }],
        usage: OPENAI_USAGE,
      });
    }
    const chunk = (choices: unknown[], extra: Record<string, unknown> = {}) => ({ data: { ...base, object: "chat.completion.chunk", choices, ...extra } });
    const events = [chunk([{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }])];
    for (const content of pieces(text ?? "")) events.push(chunk([{ index: 0, delta: { content }, finish_reason: null }]));
    if (toolCalls !== undefined) events.push(chunk([{ index: 0, delta: { tool_calls: [{ index: 0, ...toolCalls[0] }] }, finish_reason: null }]));
    events.push(chunk([{ index: 0, delta: {}, finish_reason: finish }]));
    const options = request.body["stream_options"] as { include_usage?: boolean } | undefined;
    if (options?.include_usage === true) events.push(chunk([], { usage: OPENAI_USAGE }));
    writeSse(res, events, "[DONE]");
  });
}
