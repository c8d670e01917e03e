// SPDX-License-Identifier: Apache-2.0
import { crc32 } from "node:zlib";
import { pieces, startFakeServer, writeJson, type FakeServer } from "./fake-http.js";

/** Fresh prompt tokens 40, cache reads 8, cache writes 2, output 12. */
export const BEDROCK_USAGE = { inputTokens: 40, outputTokens: 12, totalTokens: 62, cacheReadInputTokens: 8, cacheWriteInputTokens: 2 };
export const BEDROCK_TOOL_USE_ID = "tooluse_kZJMlvQmRJ6eAyJE5GIl7Q";

/**
 * Bedrock Runtime's Converse API over HTTP/2 without TLS, the AWS SDK's default transport:
 * `POST /model/{modelId}/converse` (JSON) and `/converse-stream` (the AWS event-stream binary framing, below).
 * Request ids count up (`bedrock-req-1`, ...) in the `x-amzn-requestid` header.
 */
export async function startFakeBedrock(): Promise<FakeServer> {
  let n = 0;
  return startFakeServer(
    (request, reply, res) => {
      const match = /^\/model\/([^/]+)\/(converse|converse-stream)$/.exec(request.path);
      if (match === null) return writeJson(res, 404, { message: request.path }, { "x-amzn-errortype": "UnknownOperationException" });
      const requestId = `bedrock-req-${++n}`;
      if (reply.error !== undefined) {
        return writeJson(res, reply.error, { message: "Too many requests, please wait before trying again." }, {
          "x-amzn-requestid": requestId,
          "x-amzn-errortype": "ThrottlingException:http://internal.amazon.com/coral/com.amazon.bedrock/",
        });
      }
      const stopReason = reply.toolCall !== undefined ? "tool_use" : reply.cut === true ? "max_tokens" : "end_turn";
      const content: Record<string, unknown>[] = [];
      if ("text" in reply && reply.text !== undefined) content.push({ text: reply.text });
      if (reply.toolCall !== undefined) content.push({ toolUse: { toolUseId: BEDROCK_TOOL_USE_ID, name: reply.toolCall.name, input: reply.toolCall.args } });
      const metrics = { latencyMs: 321 };
      if (match[2] === "converse") {
        return writeJson(res, 200, { output: { message: { role: "assistant", content } }, stopReason, usage: BEDROCK_USAGE, metrics }, {
          "x-amzn-requestid": requestId,
        });
      }
      const frames: Buffer[] = [eventFrame("messageStart", { role: "assistant" })];
      content.forEach((block, contentBlockIndex) => {
        if ("text" in block) {
          for (const text of pieces(String(block["text"]))) frames.push(eventFrame("contentBlockDelta", { contentBlockIndex, delta: { text } }));
        } else {
          const toolUse = block["toolUse"] as { toolUseId: string; name: string; input: unknown };
          frames.push(eventFrame("contentBlockStart", { contentBlockIndex, start: { toolUse: { toolUseId: toolUse.toolUseId, name: toolUse.name } } }));
          for (const input of pieces(JSON.stringify(toolUse.input), 8)) {
            frames.push(eventFrame("contentBlockDelta", { contentBlockIndex, delta: { toolUse: { input } } }));
          }
        }
        frames.push(eventFrame("contentBlockStop", { contentBlockIndex }));
      });
      frames.push(eventFrame("messageStop", { stopReason }));
      frames.push(eventFrame("metadata", { usage: BEDROCK_USAGE, metrics }));
      res.writeHead(200, { "content-type": "application/vnd.amazon.eventstream", "x-amzn-requestid": requestId });
      res.write(Buffer.concat(frames));
      res.end();
    },
    { h2c: true },
  );
}

/**
 * One message of the AWS event-stream encoding: total length (4 bytes), headers length (4), CRC-32 of those 8 bytes,
 * the headers (name length, name, type 7 = string, value length on 2 bytes, value), the payload, and the CRC-32 of
 * everything before it. All integers big-endian.
 */
export function eventFrame(eventType: string, payload: unknown): Buffer {
  const headers = Buffer.concat(
    Object.entries({ ":event-type": eventType, ":content-type": "application/json", ":message-type": "event" }).map(([name, value]) => {
      const nameBytes = Buffer.from(name, "utf8");
      const valueBytes = Buffer.from(value, "utf8");
      const header = Buffer.alloc(1 + nameBytes.length + 1 + 2 + valueBytes.length);
      let at = header.writeUInt8(nameBytes.length, 0);
      at += nameBytes.copy(header, at);
      at = header.writeUInt8(7, at);
      at = header.writeUInt16BE(valueBytes.length, at);
      valueBytes.copy(header, at);
      return header;
    }),
  );
  const body = Buffer.from(JSON.stringify(payload), "utf8");
  const total = 12 + headers.length + body.length + 4;
  const message = Buffer.alloc(total);
  message.writeUInt32BE(total, 0);
  message.writeUInt32BE(headers.length, 4);
  message.writeUInt32BE(crc32(message.subarray(0, 8)), 8);
  headers.copy(message, 12);
  body.copy(message, 12 + headers.length);
  message.writeUInt32BE(crc32(message.subarray(0, total - 4)), total - 4);
  return message;
}
