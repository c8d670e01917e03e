// SPDX-License-Identifier: Apache-2.0
import { pieces, startFakeServer, writeJson, writeSse, type FakeReply, type FakeServer } from "./fake-http.js";

export const ANTHROPIC_MODEL = "claude-sonnet-4-5-20250929";
/** Prompt tokens of every answer: 20 fresh, 3 written to the cache, 7 read from it; 6 output tokens. */
export const ANTHROPIC_USAGE = { input_tokens: 20, cache_creation_input_tokens: 3, cache_read_input_tokens: 7, output_tokens: 6 };

/**
 * Anthropic's Messages API (`POST /v1/messages`): JSON, or server-sent events when `stream` is set
 * (message_start, content_block_start / delta / stop, message_delta with the stop reason, message_stop).
 * Message ids count up per server (`msg_01`, ...); the tool call id is `toolu_01`.
 */
export async function startFakeAnthropic(): Promise<FakeServer> {
  let n = 0;
  return startFakeServer((request, reply, res) => {
    if (request.path !== "/v1/messages") return writeJson(res, 404, { type: "error", error: { type: "not_found_error", message: request.path } });
    if (reply.error !== undefined) {
      return writeJson(
        res,
        reply.error,
        { type: "error", error: { type: "rate_limit_error", message: "Number of requests has exceeded your rate limit" } },
        { "request-id": "req_fake_429" },
      );
    }
    const id = `msg_0${++n}`;
    const blocks = contentBlocks(reply);
    const stopReason = reply.toolCall !== undefined ? "tool_use" : reply.cut === true ? "max_tokens" : "end_turn";
    if (request.body["stream"] !== true) {
      return writeJson(res, 200, {
        id,
        type: "message",
        role: "assistant",
        model: ANTHROPIC_MODEL,
        content: blocks,
        stop_reason: stopReason,
        stop_sequence: null,
        usage: ANTHROPIC_USAGE,
      });
    }
    const events: { event: string; data: unknown }[] = [];
    const send = (data: { type: string } & Record<string, unknown>) => events.push({ event: data.type, data });
    const { output_tokens, ...promptUsage } = ANTHROPIC_USAGE;
    send({
      type: "message_start",
      message: { id, type: "message", role: "assistant", model: ANTHROPIC_MODEL, content: [], stop_reason: null, stop_sequence: null, usage: { ...promptUsage, output_tokens: 1 } },
    });
    blocks.forEach((block, index) => {
      if (block.type === "text") {
        send({ type: "content_block_start", index, content_block: { type: "text", text: "" } });
        for (const text of pieces(block.text)) send({ type: "content_block_delta", index, delta: { type: "text_delta", text } });
      } else {
        send({ type: "content_block_start", index, content_block: { ...block, input: {} } });
        for (const partial_json of pieces(JSON.stringify(block.input), 8)) {
          send({ type: "content_block_delta", index, delta: { type: "input_json_delta", partial_json } });
        }
      }
      send({ type: "content_block_stop", index });
    });
    send({ type: "message_delta", delta: { stop_reason: stopReason, stop_sequence: null }, usage: { output_tokens } });
    send({ type: "message_stop" });
    writeSse(res, events);
  });
}

type Block = { type: "text"; text: string } | { type: "tool_use"; id: string; name: string; input: Record<string, unknown> };

function contentBlocks(reply: Exclude<FakeReply, { error: number }>): Block[] {
  if (!(reply.toolCall !== undefined)) return [{ type: "text", text: reply.text }];
  const call: Block = { type: "tool_use", id: "toolu_01", name: reply.toolCall.name, input: reply.toolCall.args };
  return reply.text === undefined ? [call] : [{ type: "text", text: reply.text }, call];
}
