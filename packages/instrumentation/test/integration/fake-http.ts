// SPDX-License-Identifier: Apache-2.0
import { createServer, type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import { createServer as createH2cServer, type Http2ServerRequest } from "node:http2";
import type { AddressInfo } from "node:net";

/**
 * What every fake provider server answers, in its own wire format: text (finished normally or cut at the token
 * limit), a tool call (optionally after some text), or an HTTP error.
 */
export type FakeReply =
  | { text: string; cut?: boolean; toolCall?: undefined; error?: undefined; model?: string }
  | { toolCall: { name: string; args: Record<string, unknown> }; text?: string; cut?: undefined; error?: undefined; model?: string }
  | { error: number };

/** A request as the fake server saw it; tests assert on what the client sent. */
export interface FakeRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/** What both `http.ServerResponse` and `http2.Http2ServerResponse` offer, and all a fake needs. */
export interface FakeResponse {
  writeHead(status: number, headers: Record<string, string>): unknown;
  write(chunk: string | Buffer): unknown;
  end(): unknown;
}

export interface FakeServer {
  /** `http://127.0.0.1:<port>` */
  origin: string;
  seen: FakeRequest[];
  /** Queues the answer to the next request. */
  reply: (r: FakeReply) => void;
  close: () => Promise<void>;
}

/**
 * A scripted HTTP server on 127.0.0.1, port 0: each request gets the next queued reply, rendered by `respond`
 * in the provider's wire format. A request with nothing queued gets a 500, so a test never hangs on a surprise call.
 * `h2c`: HTTP/2 without TLS (prior knowledge), the transport the AWS SDK uses by default.
 */
export async function startFakeServer(
  respond: (request: FakeRequest, reply: FakeReply, res: FakeResponse) => void,
  options: { h2c?: boolean } = {},
): Promise<FakeServer> {
  const queue: FakeReply[] = [];
  const seen: FakeRequest[] = [];
  const handle = (req: IncomingMessage | Http2ServerRequest, res: FakeResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const raw = Buffer.concat(chunks).toString("utf8");
      const request: FakeRequest = {
        method: req.method ?? "",
        path: req.url ?? "",
        headers: req.headers,
        body: raw === "" ? {} : (JSON.parse(raw) as Record<string, unknown>),
      };
      seen.push(request);
      const next = queue.shift();
      if (next === undefined) {
        res.writeHead(500, { "content-type": "application/json" });
        res.write(JSON.stringify({ error: `fake server: no reply queued for ${request.method} ${request.path}` }));
        res.end();
        return;
      }
      respond(request, next, res);
    });
  };
  const server = options.h2c === true ? createH2cServer(handle) : createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    seen,
    reply: (r) => void queue.push(r),
    close: () =>
      new Promise<void>((resolve) => {
        if ("closeAllConnections" in server) server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Writes a complete `text/event-stream` body: one `event:` (when named) and `data:` line pair per event. */
export function writeSse(res: FakeResponse, events: readonly { event?: string; data: unknown }[], done?: string): void {
  res.writeHead(200, { "content-type": "text/event-stream" });
  for (const { event, data } of events) {
    res.write(`${event === undefined ? "" : `event: ${event}\n`}data: ${typeof data === "string" ? data : JSON.stringify(data)}\n\n`);
  }
  if (done !== undefined) res.write(`data: ${done}\n\n`);
  res.end();
}

export function writeJson(res: FakeResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.write(JSON.stringify(body));
  res.end();
}

/** Text in the small pieces a streaming API sends. */
export function pieces(text: string, size = 4): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}
