// SPDX-License-Identifier: Apache-2.0
import { pieces, startFakeServer, writeJson, writeSse, type FakeServer } from "./fake-http.js";

/** What the API reports beyond what ChatGoogleGenerativeAI passes on: the README's "not exposed" column. */
export const GEMINI_MODEL_VERSION = "gemini-2.5-flash-001";
export const GEMINI_USAGE = { promptTokenCount: 30, candidatesTokenCount: 9, thoughtsTokenCount: 5, cachedContentTokenCount: 10, totalTokenCount: 44 };

/**
 * The Gemini API (`POST /v1beta/models/{model}:generateContent`, and `:streamGenerateContent?alt=sse` for server-sent
 * events): one candidate; the finish reason and the usage on the last event of a stream. Function calls carry no id
 * (the client makes one up).
 */
export async function startFakeGemini(): Promise<FakeServer> {
  let n = 0;
  return startFakeServer((request, reply, res) => {
    const match = /^\/v1beta\/models\/([^:]+):(generateContent|streamGenerateContent\?alt=sse)$/.exec(request.path);
    if (match === null) return writeJson(res, 404, { error: { code: 404, message: request.path, status: "NOT_FOUND" } });
    if (reply.error !== undefined) {
      return writeJson(res, reply.error, {
        error: { code: reply.error, message: "Resource has been exhausted (e.g. check quota).", status: "RESOURCE_EXHAUSTED" },
      });
    }
    const responseId = `gemini-response-${++n}`;
    const finishReason = reply.cut === true ? "MAX_TOKENS" : "STOP";
    const parts =
      reply.toolCall !== undefined
        ? [...(reply.text === undefined ? [] : [{ text: reply.text }]), { functionCall: { name: reply.toolCall.name, args: reply.toolCall.args } }]
        : [{ text: reply.text }];
    const last = { finishReason, index: 0 };
    const tail = { usageMetadata: GEMINI_USAGE, modelVersion: GEMINI_MODEL_VERSION, responseId };
    if (match[2] === "generateContent") {
      return writeJson(res, 200, { candidates: [{ content: { parts, role: "model" }, ...last }], ...tail });
    }
    const events: { data: unknown }[] = [];
    const streamed = reply.toolCall !== undefined ? parts.map((part) => [part]) : pieces(reply.text).map((text) => [{ text }]);
    streamed.forEach((chunkParts, i) => {
      const isLast = i === streamed.length - 1;
      const candidate = { content: { parts: chunkParts, role: "model" }, ...(isLast ? last : { index: 0 }) };
      events.push({ data: { candidates: [candidate], ...(isLast ? tail : { modelVersion: GEMINI_MODEL_VERSION, responseId }) } });
    });
    writeSse(res, events);
  });
}
