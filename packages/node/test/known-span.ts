// SPDX-License-Identifier: Apache-2.0
import { SpanKind, SpanStatusCode, TraceFlags, createTraceState } from "@opentelemetry/api";
import { resourceFromAttributes } from "@opentelemetry/resources";
import type { ReadableSpan } from "@opentelemetry/sdk-trace";

export const resource = resourceFromAttributes({ "service.name": "support-bot", "service.instance.id": "i-1" });
export const scope = { name: "@langchain-otel/instrumentation", version: "0.1.0" };

/** A finished tool span, as the SDK hands it to an exporter. */
export function toolSpan(overrides: Partial<ReadableSpan> = {}): ReadableSpan {
  return {
    name: "execute_tool lookup_policy",
    kind: SpanKind.INTERNAL,
    spanContext: () => ({
      traceId: "01a20d2f1fa97120a01ee9d9ca842143",
      spanId: "9e9abde62ceed800",
      traceFlags: TraceFlags.SAMPLED,
      traceState: createTraceState("vendor=abc"),
    }),
    parentSpanContext: { traceId: "01a20d2f1fa97120a01ee9d9ca842143", spanId: "a01ee9d9ca842143", traceFlags: TraceFlags.SAMPLED },
    startTime: [1795517521, 838000000],
    endTime: [1795517521, 838493367],
    status: { code: SpanStatusCode.ERROR, message: "policy store unavailable" },
    attributes: {
      "gen_ai.tool.name": "lookup_policy",
      "langchain.inputs.size_bytes": 11,
      "gen_ai.request.temperature": 0.25,
      "langchain.streamed": false,
      "langchain.tags": ["a", "b"],
      "langchain.empty": [],
      "note": "tab\tform\fbell\b\u0001",
    },
    links: [],
    events: [
      {
        name: "exception",
        time: [1795517521, 838400000],
        attributes: { "exception.type": "ToolError" },
        droppedAttributesCount: 0,
      },
      { name: "checkpoint", time: [1795517521, 838450000] },
    ],
    duration: [0, 493367],
    ended: true,
    resource,
    instrumentationScope: scope,
    droppedAttributesCount: 2,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
    ...overrides,
  };
}

// Written by hand in the collector file exporter's format (pdata's JSON marshaler): protobuf field order,
// zero values left out, int64 as decimal strings, enums as numbers, hex IDs, status message before code.
export const EXPECTED_LINE =
  '{"resourceSpans":[{"resource":{"attributes":[' +
  '{"key":"service.name","value":{"stringValue":"support-bot"}},' +
  '{"key":"service.instance.id","value":{"stringValue":"i-1"}}]},' +
  '"scopeSpans":[{"scope":{"name":"@langchain-otel/instrumentation","version":"0.1.0"},"spans":[{' +
  '"traceId":"01a20d2f1fa97120a01ee9d9ca842143",' +
  '"spanId":"9e9abde62ceed800",' +
  '"traceState":"vendor=abc",' +
  '"parentSpanId":"a01ee9d9ca842143",' +
  '"flags":257,' +
  '"name":"execute_tool lookup_policy",' +
  '"kind":1,' +
  '"startTimeUnixNano":"1795517521838000000",' +
  '"endTimeUnixNano":"1795517521838493367",' +
  '"attributes":[' +
  '{"key":"gen_ai.tool.name","value":{"stringValue":"lookup_policy"}},' +
  '{"key":"langchain.inputs.size_bytes","value":{"intValue":"11"}},' +
  '{"key":"gen_ai.request.temperature","value":{"doubleValue":0.25}},' +
  '{"key":"langchain.streamed","value":{"boolValue":false}},' +
  '{"key":"langchain.tags","value":{"arrayValue":{"values":[{"stringValue":"a"},{"stringValue":"b"}]}}},' +
  '{"key":"langchain.empty","value":{"arrayValue":{}}},' +
  '{"key":"note","value":{"stringValue":"tab\\tform\\u000cbell\\u0008\\u0001"}}],' +
  '"droppedAttributesCount":2,' +
  '"events":[' +
  '{"timeUnixNano":"1795517521838400000","name":"exception","attributes":[{"key":"exception.type","value":{"stringValue":"ToolError"}}]},' +
  '{"timeUnixNano":"1795517521838450000","name":"checkpoint"}],' +
  '"status":{"message":"policy store unavailable","code":2}' +
  "}]}]}]}";
