// SPDX-License-Identifier: Apache-2.0
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** One request the stand-in collector received, and what it answered. */
export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  status: number;
  /** `Date.now()` when the request had arrived in full. */
  receivedAt: number;
}

/** How the collector answers a request: a status, headers, and how long it waits before answering. */
export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
  delayMillis?: number;
}

/** Decides the reply to the `index`-th request (from 0, over all paths) on `path`. */
export type Replier = (request: { path: string; index: number; body: string }) => Reply;

export interface Collector {
  readonly url: string;
  readonly port: number;
  /** Every request, in arrival order. */
  readonly requests: ReceivedRequest[];
  /** Bodies answered with a 2xx on `path`, in arrival order: what the collector took. */
  accepted(path: "/v1/traces" | "/v1/logs"): string[];
  /** Requests on `path` that arrived, whatever the answer. */
  received(path: "/v1/traces" | "/v1/logs"): number;
  /** Requests on `path` answered so far. */
  answered(path: "/v1/traces" | "/v1/logs"): number;
  close(): Promise<void>;
}

const ok: Replier = () => ({ status: 200 });

/**
 * A stand-in OTLP/HTTP collector on 127.0.0.1 (port 0 unless given), answering as `reply` says (200 by default).
 * Metrics requests (the SDK may send them) are answered 200 and not recorded.
 */
export async function startCollector(reply: Replier = ok, port = 0): Promise<Collector> {
  const requests: ReceivedRequest[] = [];
  const answered = new Map<string, number>();
  let index = 0;
  const server: Server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8").on("data", (chunk: string) => (body += chunk));
    req.on("end", () => {
      const path = req.url ?? "";
      if (path !== "/v1/traces" && path !== "/v1/logs") {
        res.writeHead(200).end("{}");
        return;
      }
      const answer = reply({ path, index: index++, body });
      const request: ReceivedRequest = { path, headers: req.headers, body, status: answer.status, receivedAt: Date.now() };
      requests.push(request);
      const send = () => {
        answered.set(path, (answered.get(path) ?? 0) + 1);
        res.writeHead(answer.status, { "content-type": "application/json", ...answer.headers }).end(answer.body ?? "{}");
      };
      if (answer.delayMillis === undefined) send();
      else setTimeout(send, answer.delayMillis);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const actualPort = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${actualPort}`,
    port: actualPort,
    requests,
    accepted: (path) => requests.filter((r) => r.path === path && r.status >= 200 && r.status < 300).map((r) => r.body),
    received: (path) => requests.filter((r) => r.path === path).length,
    answered: (path) => answered.get(path) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** A port on 127.0.0.1 that nothing listens on (it was free a moment ago): "the collector is down". */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Polls `condition` every 20 ms until it holds; throws `what` after `timeoutMillis`. */
export async function waitFor(condition: () => boolean, what: string, timeoutMillis = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMillis;
  while (!condition()) {
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMillis} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** An item (span or log record) of an OTLP/JSON body, with the instance it came from. */
export interface BodyItem {
  signal: "traces" | "logs";
  instanceId: string | undefined;
  seq: number | undefined;
  /** A span's name, a log record's event name. */
  name: string | undefined;
  /** String and integer attributes, by key. */
  attributes: Record<string, string | number>;
}

interface KeyValue {
  key: string;
  value: { stringValue?: string; intValue?: string };
}

/** The spans or log records of OTLP/JSON request bodies, in order, with `service.instance.id` and `audit.seq`. */
export function itemsOf(bodies: readonly string[]): BodyItem[] {
  type Scope = { spans?: Array<{ name?: string; attributes?: KeyValue[] }>; logRecords?: Array<{ eventName?: string; attributes?: KeyValue[] }> };
  type Resource = { resource?: { attributes?: KeyValue[] }; scopeSpans?: Scope[]; scopeLogs?: Scope[] };
  const items: BodyItem[] = [];
  for (const body of bodies) {
    const request = JSON.parse(body) as { resourceSpans?: Resource[]; resourceLogs?: Resource[] };
    const signal = request.resourceSpans !== undefined ? "traces" : "logs";
    for (const resource of [...(request.resourceSpans ?? []), ...(request.resourceLogs ?? [])]) {
      const instanceId = resource.resource?.attributes?.find((a) => a.key === "service.instance.id")?.value.stringValue;
      for (const scope of [...(resource.scopeSpans ?? []), ...(resource.scopeLogs ?? [])]) {
        for (const item of [...(scope.spans ?? []), ...(scope.logRecords ?? [])]) {
          const attributes: Record<string, string | number> = {};
          for (const { key, value } of item.attributes ?? []) {
            if (value.stringValue !== undefined) attributes[key] = value.stringValue;
            else if (value.intValue !== undefined) attributes[key] = Number(value.intValue);
          }
          const seq = attributes["audit.seq"];
          const name = "name" in item ? item.name : (item as { eventName?: string }).eventName;
          items.push({ signal, instanceId, seq: typeof seq === "number" ? seq : undefined, name, attributes });
        }
      }
    }
  }
  return items;
}

/** 1..n */
export const oneTo = (n: number): number[] => Array.from({ length: n }, (_, i) => i + 1);
