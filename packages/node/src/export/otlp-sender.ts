// SPDX-License-Identifier: Apache-2.0
import { request as httpRequest, type IncomingMessage } from "node:http";
import { request as httpsRequest } from "node:https";
import { gzipSync } from "node:zlib";
import { retryAfterMillis } from "../spool/backoff.js";
import type { OtlpTarget } from "../spool/otlp-target.js";

/** How much of a refusal's response body goes into the error message. */
const MAX_REASON_CHARS = 500;
/** How much of any response body is read at all. */
const MAX_RESPONSE_BYTES = 64 * 1024;

/** What the collector made of a request. */
export type SendOutcome =
  | { readonly kind: "delivered" }
  /** A 4xx other than 408 / 429: sending it again can never succeed. */
  | { readonly kind: "rejected"; readonly status: number; readonly reason: string }
  /** Anything else (down, 5xx, 408, 429, a deadline passed): worth sending again later. */
  | { readonly kind: "retry"; readonly reason: string; readonly retryAfterMillis?: number | undefined };

/**
 * POSTs OTLP/JSON request bodies to one target over HTTP(S), each request under a hard deadline that covers
 * everything from connecting to the last byte of the answer: the target's timeout, or an earlier `deadline`
 * (shutdown's). A collector that is down, hangs, or sends its headers and then trickles the body never holds a
 * request longer than that, and one sent without a deadline (in the background) never keeps the process alive.
 * Requests never reject; {@link abortAll} ends the open ones at once.
 */
export class OtlpSender {
  readonly target: OtlpTarget;
  private readonly _open = new Set<() => void>();

  constructor(target: OtlpTarget) {
    this.target = target;
  }

  /** Sends `body`; settles by `deadline` (epoch milliseconds) at the latest. */
  send(body: string, deadline?: number): Promise<SendOutcome> {
    const { target } = this;
    const budget = Math.min(target.timeoutMillis, deadline === undefined ? Infinity : deadline - Date.now());
    if (budget <= 0) return Promise.resolve({ kind: "retry", reason: "no time left before shutdown" });
    return new Promise<SendOutcome>((resolve) => {
      let done = false;
      const finish = (outcome: SendOutcome): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        this._open.delete(abort);
        req.destroy();
        resolve(outcome);
      };
      const abort = (): void => finish({ kind: "retry", reason: "shutdown ended the request" });
      const timer = setTimeout(() => finish({ kind: "retry", reason: `no complete answer within ${Math.round(budget)} ms` }), budget);
      // A request in the background (no deadline) never keeps the process alive: when the app runs out of work,
      // shutdown takes over and gives it a deadline; a request made during shutdown holds the process until then.
      const background = deadline === undefined;
      if (background) timer.unref();
      const gzip = target.compression === "gzip";
      const payload = gzip ? gzipSync(body) : Buffer.from(body, "utf8");
      const url = new URL(target.url);
      const options = {
        method: "POST",
        headers: {
          ...target.headers,
          "Content-Type": "application/json",
          "Content-Length": String(payload.length),
          ...(gzip ? { "Content-Encoding": "gzip" } : {}),
        },
        ...(url.protocol === "https:" ? (target.tls ?? {}) : {}),
      };
      const req = (url.protocol === "https:" ? httpsRequest : httpRequest)(url, options, (res) => {
        readAnswer(
          res,
          (text) => finish(outcomeOf(res, text)),
          (reason) => finish({ kind: "retry", reason }),
        );
      });
      req.on("socket", (socket) => (background ? socket.unref() : socket.ref()));
      req.on("error", (err: NodeJS.ErrnoException) => finish({ kind: "retry", reason: err.code ?? err.message }));
      this._open.add(abort);
      req.end(payload);
    });
  }

  /** Ends every open request now (each settles as `retry`). */
  abortAll(): void {
    for (const abort of [...this._open]) abort();
  }
}

function readAnswer(res: IncomingMessage, done: (text: string) => void, failed: (reason: string) => void): void {
  const chunks: Buffer[] = [];
  let bytes = 0;
  res.on("data", (chunk: Buffer) => {
    if (bytes < MAX_RESPONSE_BYTES) chunks.push(chunk);
    bytes += chunk.length;
  });
  res.on("end", () => done(Buffer.concat(chunks).toString("utf8", 0, Math.min(bytes, MAX_RESPONSE_BYTES))));
  res.on("error", (err: NodeJS.ErrnoException) => failed(err.code ?? err.message));
  // Closed before its end: the connection broke mid-answer.
  res.on("close", () => {
    if (!res.complete) failed("the connection closed before the answer was complete");
  });
}

function outcomeOf(res: IncomingMessage, text: string): SendOutcome {
  const status = res.statusCode ?? 0;
  if (status >= 200 && status < 300) return { kind: "delivered" };
  if (status >= 400 && status < 500 && status !== 408 && status !== 429) {
    return { kind: "rejected", status, reason: text.slice(0, MAX_REASON_CHARS) || (res.statusMessage ?? "") };
  }
  const header = res.headers["retry-after"];
  return { kind: "retry", reason: `HTTP ${status}`, retryAfterMillis: retryAfterMillis(Array.isArray(header) ? header[0] : header) };
}
