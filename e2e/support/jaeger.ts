// SPDX-License-Identifier: Apache-2.0
// The Jaeger query HTTP API (the JSON the Jaeger UI reads): /api/traces/<trace id> and /api/traces?service=….
import { endpoints } from "../../collector-config/scripts/stack.mjs";

export interface JaegerReference {
  refType: "CHILD_OF" | "FOLLOWS_FROM";
  traceID: string;
  spanID: string;
}

export interface JaegerSpan {
  traceID: string;
  spanID: string;
  operationName: string;
  references: JaegerReference[] | null;
  processID: string;
}

export interface JaegerTrace {
  traceID: string;
  spans: JaegerSpan[];
  processes: Record<string, { serviceName: string }>;
}

async function getText(url: string, timeoutMillis = 5000): Promise<{ status: number; text: string }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(timeoutMillis) });
  return { status: response.status, text: await response.text() };
}

async function getJson(url: string, timeoutMillis?: number): Promise<{ status: number; body: any }> {
  const { status, text } = await getText(url, timeoutMillis);
  return { status, body: text === "" ? undefined : JSON.parse(text) };
}

/** The response body of /api/traces/<trace id> exactly as Jaeger sent it, or undefined when Jaeger does not have the trace (404). */
export async function getJaegerTraceText(traceId: string): Promise<string | undefined> {
  const { status, text } = await getText(endpoints().jaegerTrace(traceId));
  if (status === 404) return undefined;
  if (status !== 200) throw new Error(`Jaeger answered ${status} for trace ${traceId}: ${text.slice(0, 500)}`);
  return text;
}

/** The trace with this ID, or undefined when Jaeger does not have it (404). */
export async function getJaegerTrace(traceId: string): Promise<JaegerTrace | undefined> {
  const { status, body } = await getJson(endpoints().jaegerTrace(traceId));
  if (status === 404) return undefined;
  if (status !== 200) throw new Error(`Jaeger answered ${status} for trace ${traceId}: ${JSON.stringify(body)}`);
  const traces: JaegerTrace[] = body.data ?? [];
  if (traces.length !== 1) throw new Error(`Jaeger returned ${traces.length} traces for ${traceId}`);
  return traces[0];
}

/** Traces of `service` that started after `sinceMillis` (epoch ms), at most `limit`; the request may take `timeoutMillis` (5 s). */
export async function findJaegerTraces(
  service: string,
  { sinceMillis, limit, timeoutMillis }: { sinceMillis: number; limit: number; timeoutMillis?: number },
): Promise<JaegerTrace[]> {
  const query = new URLSearchParams({
    service,
    limit: String(limit),
    start: String((sinceMillis - 60_000) * 1000),
    end: String((Date.now() + 60_000) * 1000),
  });
  const { status, body } = await getJson(`${endpoints().jaegerQuery}/api/traces?${query}`, timeoutMillis);
  if (status !== 200) throw new Error(`Jaeger answered ${status} for service ${service}: ${JSON.stringify(body)}`);
  return body.data ?? [];
}

/** Child span ID → parent span ID, from each span's CHILD_OF reference (absent for a trace's root). */
export function jaegerParents(trace: JaegerTrace): Map<string, string | undefined> {
  return new Map(trace.spans.map((span) => [span.spanID, (span.references ?? []).find((r) => r.refType === "CHILD_OF")?.spanID]));
}
