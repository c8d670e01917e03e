// SPDX-License-Identifier: Apache-2.0
import { SeverityNumber, SpanKind, SpanStatusCode, TraceFlags } from "@opentelemetry/api";
import { TraceState } from "@opentelemetry/core";
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
    spanContext: () => ({
      traceId: "019ab3c4d5e67f00a1b2c3d4e5f60718",
      spanId: "9e9abde62ceed800",
      traceFlags: TraceFlags.SAMPLED,
      traceState: new TraceState("vendor=refunds"),
    }),
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
    links: [
      {
        context: { traceId: "019ab3c4d5e67f00a1b2c3d4e5f6aaaa", spanId: "a1b2c3d4e5f6aaaa", traceFlags: TraceFlags.SAMPLED, isRemote: true },
        attributes: { "link.reason": "retry of" },
        droppedAttributesCount: 0,
      },
    ],
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
  '"droppedAttributesCount":0,"droppedEventsCount":0,"droppedLinksCount":0,' +
  '"endTimeUnixNano":"1795517521838493367",' +
  '"events":[' +
  '{"attributes":{"exception.type":{"s":"ToolError"}},"droppedAttributesCount":0,"name":"exception","timeUnixNano":"1795517521838400000"},' +
  '{"attributes":{},"droppedAttributesCount":0,"name":"checkpoint","timeUnixNano":"1795517521838450000"}],' +
  '"flags":257,' +
  '"kind":1,' +
  '"links":[{"attributes":{"link.reason":{"s":"retry of"}},"droppedAttributesCount":0,"flags":769,' +
  '"spanId":"a1b2c3d4e5f6aaaa","traceId":"019ab3c4d5e67f00a1b2c3d4e5f6aaaa","traceState":""}],' +
  '"name":"execute_tool lookup_policy",' +
  '"parentSpanId":"a1b2c3d4e5f60718",' +
  '"resource":{"attributes":{"service.instance.id":{"s":"3f1c9a52-0d7e-4b8a-9c61-2e5f7a8b9c0d"},"service.name":{"s":"support-bot"}},"schemaUrl":""},' +
  '"scope":{"attributes":{},"name":"@langchain-otel/instrumentation","schemaUrl":"","version":"0.1.0"},' +
  '"spanId":"9e9abde62ceed800",' +
  '"startTimeUnixNano":"1795517521838000000",' +
  '"status":{"code":2,"message":"policy store unavailable"},' +
  '"traceId":"019ab3c4d5e67f00a1b2c3d4e5f60718",' +
  '"traceState":"vendor=refunds"}';

/** `audit.hash` of {@link vectorSpan} at seq 1: SHA-256 of 64 zeros, a line feed and the canonical JSON. */
export const VECTOR_SPAN_HASH = "13e0e63fca7b00d1f611ed2198cf7d19028c16bceb51aa5dfe3b5fb0b434922f";

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

/**
 * The Ed25519 key of the checkpoint test vector (README.md), made with `openssl genpkey -algorithm ed25519`.
 * A test key: never sign a real trail with it.
 */
export const VECTOR_PRIVATE_KEY_PEM = `-----BEGIN PRIVATE KEY-----
MC4CAQAwBQYDK2VwBCIEIBLhfJ0EoRK4QSauzNg8zaXdeyoll+2/ypQ763W92sm+
-----END PRIVATE KEY-----
`;
/** Its public key (`openssl pkey -pubout`). */
export const VECTOR_PUBLIC_KEY_PEM = `-----BEGIN PUBLIC KEY-----
MCowBQYDK2VwAyEAZF6h5OR3aoZp7LUbxlRPxkdFX6GgTHaezKT/zupLqC0=
-----END PUBLIC KEY-----
`;
/** Its key ID: `openssl pkey -pubout -outform DER | sha256sum | cut -c1-16`. */
export const VECTOR_KEY_ID = "11ed0b0927a682d5";

/** The checkpoint of the test vector: the traces chain's first checkpoint, covering the vector span alone. */
export const VECTOR_CHECKPOINT = {
  instance: "3f1c9a52-0d7e-4b8a-9c61-2e5f7a8b9c0d",
  chain: "7d3f6a0e-5b1c-4e2a-9f80-1c2d3e4f5a6b",
  signal: "traces",
  index: 1,
  first: 1,
  last: 1,
  head: VECTOR_SPAN_HASH,
  prev: "",
  kind: "checkpoint",
  keyId: VECTOR_KEY_ID,
  time: "2026-11-24T10:00:05.000Z",
} as const;

/** The bytes its signature covers (a context line, then the canonical JSON of the fields). */
export const VECTOR_CHECKPOINT_MESSAGE =
  "langchain-otel audit checkpoint v1\n" +
  '{"chain":"7d3f6a0e-5b1c-4e2a-9f80-1c2d3e4f5a6b","first":1,' +
  '"head":"13e0e63fca7b00d1f611ed2198cf7d19028c16bceb51aa5dfe3b5fb0b434922f","index":1,' +
  '"instance":"3f1c9a52-0d7e-4b8a-9c61-2e5f7a8b9c0d","keyId":"11ed0b0927a682d5","kind":"checkpoint","last":1,"prev":"",' +
  '"signal":"traces","time":"2026-11-24T10:00:05.000Z"}';

/** Its Ed25519 signature (deterministic): `openssl pkeyutl -sign -inkey key.pem -rawin -in message | base64`. */
export const VECTOR_CHECKPOINT_SIGNATURE = "UVjrKCsIDyzFqpGlGdfU7rSehIixf8REOacj4zeE/1DauSB+dXAAd9WlRxq3IF3jG0P6/vfhbBvHLm1GUB0mBQ==";
