// SPDX-License-Identifier: Apache-2.0
import { pieces, startFakeServer, writeJson, writeSse, type FakeServer } from "./fake-http.js";

/** The dated model the API answers with when asked for `mistral-small-latest`. */
export const MISTRAL_MODEL = "mistral-small-2501";
export const MISTRAL_USAGE = { prompt_tokens: 14, completion_tokens: 7, total_tokens: 21 };
export const MISTRAL_TOOL_CALL_ID = "D681PevKs";

/**
 * Mistral's chat completions API (`POST /v1/chat/completions`): JSON, or server-sent events ending in `[DONE]`
 * when `stream` is set, the finish reason and usage on the last chunk. Completion ids count up (`cmpl-1`, ...).
 */
export async function startFakeMistral(): Promise<FakeServer> {
  let n = 0;
  return startFakeServer((request, reply, res) => {
    if (request.path !== "/v1/chat/completions") return writeJson(res, 404, { object: "error", message: request.path });
    if (reply.error !== undefined) {
      return writeJson(res, reply.error, { object: "error", message: "Requests rate limit exceeded", type: "rate_limited", param: null, code: "1300" });
    }
    const base = { id: `cmpl-${++n}`, created: 1_767_000_000, model: MISTRAL_MODEL };
    const toolCalls =
      reply.toolCall !== undefined
        ? [{ id: MISTRAL_TOOL_CALL_ID, type: "function", function: { name: reply.toolCall.name, arguments: JSON.stringify(reply.toolCall.args) }, index: 0 }]
        : undefined;
    const finish = toolCalls !== undefined ? "tool_calls" : reply.cut === true ? "length" : "stop";
    const text = reply.text ?? "";
    if (request.body["stream"] !== true) {
      return writeJson(res, 200, {
        ...base,
        object: "chat.completion",
        choices: [{ index: 0, message: { role: "assistant", content: text, tool_calls: toolCalls ?? null }, finish_reason: finish }],
        usage: MISTRAL_USAGE,
      });
    }
    const chunk = (delta: Record<string, unknown>, finishReason: string | null, extra: Record<string, unknown> = {}) => ({
      data: { ...base, object: "chat.completion.chunk", choices: [{ index: 0, delta, finish_reason: finishReason }], ...extra },
    });
    const events = [chunk({ role: "assistant", content: "" }, null)];
    for (const content of pieces(text)) events.push(chunk({ content }, null));
    if (toolCalls !== undefined) events.push(chunk({ tool_calls: toolCalls }, null));
    events.push(chunk({ content: "" }, finish, { usage: MISTRAL_USAGE }));
    writeSse(res, events, "[DONE]");
  });
}
