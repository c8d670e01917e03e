// SPDX-License-Identifier: Apache-2.0
import { pieces, startFakeServer, writeJson, type FakeServer } from "./fake-http.js";

/** Prompt and output token counts of every answer. */
export const OLLAMA_USAGE = { prompt_eval_count: 26, eval_count: 8 };

/**
 * Ollama's chat API (`POST /api/chat`): newline-delimited JSON objects, one per piece of the answer, then a last
 * one with `done: true`, `done_reason` and the token counts and durations. The model echoes the request's.
 * (ChatOllama always asks for a stream, also for `invoke`.)
 */
export async function startFakeOllama(): Promise<FakeServer> {
  return startFakeServer((request, reply, res) => {
    const model = String(request.body["model"]);
    if (request.path !== "/api/chat") return writeJson(res, 404, { error: `unknown path ${request.path}` });
    if (reply.error !== undefined) return writeJson(res, reply.error, { error: `model "${model}" not found, try pulling it first` });
    const createdAt = "2026-01-15T10:00:00.000000Z";
    const lines: unknown[] = [];
    if (reply.toolCall !== undefined) {
      lines.push({
        model,
        created_at: createdAt,
        message: { role: "assistant", content: "", tool_calls: [{ function: { name: reply.toolCall.name, arguments: reply.toolCall.args } }] },
        done: false,
      });
    } else {
      for (const content of pieces(reply.text)) lines.push({ model, created_at: createdAt, message: { role: "assistant", content }, done: false });
    }
    lines.push({
      model,
      created_at: createdAt,
      message: { role: "assistant", content: "" },
      done: true,
      done_reason: reply.cut === true ? "length" : "stop",
      total_duration: 912_000_000,
      load_duration: 11_000_000,
      prompt_eval_count: OLLAMA_USAGE.prompt_eval_count,
      prompt_eval_duration: 40_000_000,
      eval_count: OLLAMA_USAGE.eval_count,
      eval_duration: 800_000_000,
    });
    res.writeHead(200, { "content-type": "application/x-ndjson" });
    res.write(lines.map((line) => JSON.stringify(line) + "\n").join(""));
    res.end();
  });
}
