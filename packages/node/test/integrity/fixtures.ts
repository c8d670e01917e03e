import { SeverityNumber, SpanKind, SpanStatusCode, TraceFlags } from "@opentelemetry/api";
import { resourceFromAttributes } from "@opentelemetry/resources";
import type { ReadableLogRecord } from "@opentelemetry/sdk-logs";
import type { ReadableSpan } from "@opentelemetry/sdk-trace";

export const resource = resourceFromAttributes({ "service.name": "support-bot", "service.instance.id": "3f1c9a52-0d7e-4b8a-9c61-2e5f7a8b9c0d" });
export const scope = { name: "@langchain-otel/instrumentation", version: "0.1.0" };

/**
 * A finished tool span as the SDK hands it to a processor, its attributes already stamped with `audit.seq` 1:
 * the test vector of README.md.
 */
export function vectorSpan(overrides: Partial<ReadableSpan> = {}): ReadableSpan {
  return {
    name: "execute_tool lookup_policy",
    kind: SpanKind.INTERNAL,
    spanContext: () => ({ traceId: "019ab3c4d5e67f00a1b2c3d4e5f60718", spanId: "9e9abde62ceed800", traceFlags: TraceFlags.SAMPLED }),
    parentSpanContext: { traceId: "019ab3c4d5e67f00a1b2c3d4e5f60718", spanId: "a1b2c3d4e5f60718", traceFlags: TraceFlags.SAMPLED },
    startTime: [1795517521, 838000000],
    endTime: [1795517521, 838493367],
    status: { code: SpanStatusCode.ERROR, message: "policy store unavailable" },
    attributes: {
      "langchain.run_id": "019ab3c4-d5e6-7f00-9e9a-bde62ceed800",
      "langchain.run_type": "tool",
      "gen_ai.tool.call.arguments": '{"query":"refund \u00e9"}',
      "gen_ai.usage.input_tokens": 12,
      "gen_ai.request.temperature": 0.25,
      "langchain.streamed": false,
      "langchain.tags": ["a", "b"],
      "error.type": "ToolError",
      "audit.seq": 1,
    },
    links: [],
    events: [
      { name: "exception", time: [1795517521, 838400000], attributes: { "exception.type": "ToolError" }, droppedAttributesCount: 0 },
      { name: "checkpoint", time: [1795517521, 838450000] },
    ],
    duration: [0, 493367],
    ended: true,
    resource,
    instrumentationScope: scope,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
    ...overrides,
  };
}

/** The canonical JSON of {@link vectorSpan}, spelled out: the test vector an auditor re-implements against. */
export const VECTOR_SPAN_CANONICAL_JSON =
  '{"attributes":{' +
  '"audit.seq":{"i":"1"},' +
  '"error.type":{"s":"ToolError"},' +
  '"gen_ai.request.temperature":{"d":0.25},' +
  '"gen_ai.tool.call.arguments":{"s":"{\\"query\\":\\"refund \u00e9\\"}"},' +
  '"gen_ai.usage.input_tokens":{"i":"12"},' +
  '"langchain.run_id":{"s":"019ab3c4-d5e6-7f00-9e9a-bde62ceed800"},' +
  '"langchain.run_type":{"s":"tool"},' +
  '"langchain.streamed":{"b":false},' +
  '"langchain.tags":{"a":[{"s":"a"},{"s":"b"}]}},' +
  '"endTimeUnixNano":"1795517521838493367",' +
  '"events":[' +
  '{"attributes":{"exception.type":{"s":"ToolError"}},"name":"exception","timeUnixNano":"1795517521838400000"},' +
  '{"attributes":{},"name":"checkpoint","timeUnixNano":"1795517521838450000"}],' +
  '"kind":1,' +
  '"name":"execute_tool lookup_policy",' +
  '"parentSpanId":"a1b2c3d4e5f60718",' +
  '"spanId":"9e9abde62ceed800",' +
  '"startTimeUnixNano":"1795517521838000000",' +
  '"status":{"code":2,"message":"policy store unavailable"},' +
  '"traceId":"019ab3c4d5e67f00a1b2c3d4e5f60718"}';

/** The audit record of a run's end, with a body and attributes of every type, as `onEmit` sees it. */
export function vectorRecord(overrides: Partial<ReadableLogRecord> = {}): ReadableLogRecord {
  return {
    hrTime: [1795517521, 838493367],
    hrTimeObserved: [1795517521, 838500000],
    spanContext: { traceId: "019ab3c4d5e67f00a1b2c3d4e5f60718", spanId: "9e9abde62ceed800", traceFlags: TraceFlags.SAMPLED },
    severityNumber: SeverityNumber.ERROR,
    severityText: "ERROR",
    body: { message: "tool failed", attempt: 2, bytes: new Uint8Array([0, 1, 254, 255]) },
    eventName: "langchain.run.error",
    resource,
    instrumentationScope: scope,
    attributes: {
      "event.name": "langchain.run.error",
      "langchain.run_id": "019ab3c4-d5e6-7f00-9e9a-bde62ceed800",
      "langchain.status": "error",
      "langchain.duration_ms": 0.493,
      "error.type": "ToolError",
      "audit.seq": 1,
    },
    droppedAttributesCount: 0,
    ...overrides,
  };
}
