import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** What the fake server saw; tests assert on it. */
export interface SeenRequest {
  body: Record<string, unknown>;
  traceparent: string | undefined;
}

/**
 * A local OpenAI-compatible `/v1/chat/completions` server on 127.0.0.1: answers plain, streamed (with usage)
 * and tool-call completions from a script of replies. No network beyond loopback.
 */
export async function startFakeOpenAI(): Promise<{
  baseURL: string;
  seen: SeenRequest[];
  reply: (r: { content?: string; toolCall?: { name: string; args: Record<string, unknown> } }) => void;
  close: () => Promise<void>;
}> {
  const replies: { content?: string; toolCall?: { name: string; args: Record<string, unknown> } }[] = [];
  const seen: SeenRequest[] = [];
  let n = 0;
  const server: Server = createServer((req, res) => {
    let raw = "";
    req.on("data", (c: Buffer) => (raw += c.toString("utf8")));
    req.on("end", () => {
      const body = JSON.parse(raw || "{}") as Record<string, unknown>;
      seen.push({ body, traceparent: req.headers["traceparent"] as string | undefined });
      const next = replies.shift() ?? { content: "ok" };
      const id = `chatcmpl-${++n}`;
      const model = "gpt-4o-mini-2024-07-18";
      const usage = { prompt_tokens: 12, completion_tokens: 5, total_tokens: 17, prompt_tokens_details: { cached_tokens: 4 } };
      const toolCalls = next.toolCall
        ? [{ id: "call_abc", type: "function", function: { name: next.toolCall.name, arguments: JSON.stringify(next.toolCall.args) } }]
        : undefined;
      const finish = toolCalls ? "tool_calls" : "stop";
      if (body["stream"] === true) {
        res.writeHead(200, { "content-type": "text/event-stream" });
        const send = (obj: unknown) => res.write(`data: ${JSON.stringify(obj)}\n\n`);
        const base = { id, object: "chat.completion.chunk", created: 1_700_000_000, model };
        if (toolCalls) {
          send({ ...base, choices: [{ index: 0, delta: { role: "assistant", tool_calls: [{ index: 0, ...toolCalls[0] }] }, finish_reason: null }] });
        } else {
          // Like the real API: the first delta carries the role, then content in small pieces.
          send({ ...base, choices: [{ index: 0, delta: { role: "assistant", content: "" }, finish_reason: null }] });
          for (const piece of (next.content ?? "").match(/.{1,4}/gs) ?? []) {
            send({ ...base, choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] });
          }
        }
        send({ ...base, choices: [{ index: 0, delta: {}, finish_reason: finish }] });
        const options = body["stream_options"] as { include_usage?: boolean } | undefined;
        if (options?.include_usage) send({ ...base, choices: [], usage });
        res.end("data: [DONE]\n\n");
        return;
      }
      res.writeHead(200, { "content-type": "application/json" });
      res.end(
        JSON.stringify({
          id,
          object: "chat.completion",
          created: 1_700_000_000,
          model,
          choices: [
            { index: 0, message: { role: "assistant", content: toolCalls ? null : next.content, tool_calls: toolCalls }, finish_reason: finish },
          ],
          usage,
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseURL: `http://127.0.0.1:${port}/v1`,
    seen,
    reply: (r) => void replies.push(r),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
