// SPDX-License-Identifier: Apache-2.0
// A small OTLP/HTTP endpoint on 127.0.0.1 that stands between an app and the real collector and answers badly
// for a while, where the real collector cannot be made to: slowly, or with a fault status (500, 429), each
// answer held for a set time. After its fault period it forwards every request to the collector as is and hands
// back the collector's answer. It records every request: signal, when it came and was answered, the answer, and
// the `audit.seq`s and instance of what it carried (OTLP/JSON bodies).
import http from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { HOST, endpoints } from "../../collector-config/scripts/stack.mjs";

export interface FaultPlan {
  /** What to answer during the fault period; undefined: forward to the collector, only after `delayMillis`. */
  status?: number;
  /** Response headers with a fault status (say, `Retry-After`). */
  headers?: Record<string, string>;
  /** How long each request received during the fault period is held before it is answered. */
  delayMillis: number;
  /** The fault period, from the first request on; requests received later are forwarded at once. Infinity: always. */
  durationMillis: number;
}

/** No fault: every request forwarded at once. */
export const HEALTHY: FaultPlan = { delayMillis: 0, durationMillis: 0 };

export interface EndpointRequest {
  signal: "traces" | "logs" | "other";
  /** Epoch milliseconds. */
  receivedAt: number;
  answeredAt: number;
  status: number;
  /** Whether the collector got it (and answered `status`). */
  forwarded: boolean;
  contentType: string;
  /** `audit.seq` of each span or record in the body, in body order (empty for a body that is not OTLP/JSON). */
  seqs: number[];
  /** `service.instance.id`s in the body. */
  instances: string[];
}

const MAX_BODY_BYTES = 64 * 1024 * 1024;
const FORWARD_TIMEOUT_MILLIS = 15_000;

function signalOf(url: string | undefined): EndpointRequest["signal"] {
  if (url?.startsWith("/v1/traces")) return "traces";
  if (url?.startsWith("/v1/logs")) return "logs";
  return "other";
}

/** The seqs and instances an OTLP/JSON export request carries. */
function stampsOf(body: Buffer, contentType: string): { seqs: number[]; instances: string[] } {
  if (!contentType.includes("json")) return { seqs: [], instances: [] };
  try {
    const request = JSON.parse(body.toString("utf8"));
    const groups = [
      ...(request.resourceSpans ?? []).map((rs: any) => ({ resource: rs.resource, items: (rs.scopeSpans ?? []).flatMap((ss: any) => ss.spans ?? []) })),
      ...(request.resourceLogs ?? []).map((rl: any) => ({ resource: rl.resource, items: (rl.scopeLogs ?? []).flatMap((sl: any) => sl.logRecords ?? []) })),
    ];
    const seqs: number[] = [];
    const instances = new Set<string>();
    for (const group of groups) {
      const instance = (group.resource?.attributes ?? []).find((a: any) => a.key === "service.instance.id")?.value?.stringValue;
      if (instance !== undefined) instances.add(instance);
      for (const item of group.items) {
        const seq = (item.attributes ?? []).find((a: any) => a.key === "audit.seq")?.value?.intValue;
        seqs.push(Number(seq ?? Number.NaN));
      }
    }
    return { seqs, instances: [...instances] };
  } catch {
    return { seqs: [], instances: [] };
  }
}

function readBody(req: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    req.on("data", (chunk: Buffer) => {
      bytes += chunk.length;
      if (bytes > MAX_BODY_BYTES) req.destroy(new Error("body too large"));
      else chunks.push(chunk);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

export class FaultyOtlpEndpoint {
  readonly requests: EndpointRequest[] = [];
  private readonly _server: http.Server;
  private readonly _plan: FaultPlan;
  private readonly _upstream: string;
  private _firstRequestAt: number | undefined;

  private constructor(server: http.Server, plan: FaultPlan, upstream: string) {
    this._server = server;
    this._plan = plan;
    this._upstream = upstream;
  }

  /** Listens on 127.0.0.1 (an ephemeral port) and forwards to `upstream` (the local collector's OTLP/HTTP base URL). */
  static async start(plan: FaultPlan, upstream: string = endpoints().otlpHttp): Promise<FaultyOtlpEndpoint> {
    const server = http.createServer();
    const endpoint = new FaultyOtlpEndpoint(server, plan, upstream);
    server.on("request", (req, res) => {
      endpoint._handle(req, res).catch((err: unknown) => {
        res.statusCode = 502;
        res.end(String(err));
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(0, HOST, () => resolve());
    });
    return endpoint;
  }

  /** The base URL to give the app as OTEL_EXPORTER_OTLP_ENDPOINT. */
  get url(): string {
    return `http://${HOST}:${(this._server.address() as AddressInfo).port}`;
  }

  /** Epoch milliseconds at which the fault period ends (undefined before the first request). */
  get faultEndsAt(): number | undefined {
    return this._firstRequestAt === undefined ? undefined : this._firstRequestAt + this._plan.durationMillis;
  }

  /** Stops listening and closes open connections. */
  async close(): Promise<void> {
    this._server.closeAllConnections();
    await new Promise<void>((resolve) => this._server.close(() => resolve()));
  }

  private async _handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const receivedAt = Date.now();
    this._firstRequestAt ??= receivedAt;
    const body = await readBody(req);
    const contentType = String(req.headers["content-type"] ?? "");
    const inFault = receivedAt < this._firstRequestAt + this._plan.durationMillis;
    if (inFault) await sleep(this._plan.delayMillis);

    let status: number;
    let forwarded = false;
    if (inFault && this._plan.status !== undefined) {
      status = this._plan.status;
      res.writeHead(status, { "Content-Type": "text/plain", ...this._plan.headers });
      res.end(`fault injected by the e2e test: ${status}`);
    } else {
      const answer = await fetch(`${this._upstream}${req.url ?? "/"}`, {
        method: req.method ?? "POST",
        // The app's bearer token goes on to the collector, as a proxy in front of it would pass it.
        headers: { "Content-Type": contentType, ...(req.headers.authorization === undefined ? {} : { Authorization: req.headers.authorization }) },
        body: req.method === "GET" || req.method === "HEAD" ? undefined : body,
        signal: AbortSignal.timeout(FORWARD_TIMEOUT_MILLIS),
      });
      const text = await answer.arrayBuffer();
      status = answer.status;
      forwarded = true;
      res.writeHead(status, { "Content-Type": answer.headers.get("content-type") ?? "application/json" });
      res.end(Buffer.from(text));
    }
    this.requests.push({ signal: signalOf(req.url), receivedAt, answeredAt: Date.now(), status, forwarded, contentType, ...stampsOf(body, contentType) });
  }
}
