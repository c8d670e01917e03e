// SPDX-License-Identifier: Apache-2.0
import { SpanKind, SpanStatusCode, TraceFlags } from "@opentelemetry/api";
import { TraceState } from "@opentelemetry/core";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { describe, expect, it } from "vitest";
import {
  CanonicalJsonText,
  GENESIS_HASH,
  OtlpJsonShapeError,
  canonicalJson,
  canonicalLogRecord,
  canonicalLogRecordFromOtlpJson,
  canonicalResourceFromOtlpJson,
  canonicalScopeFromOtlpJson,
  canonicalSpan,
  canonicalSpanFromOtlpJson,
  chainHash,
  typedValue,
  typedValueFromOtlpJson,
} from "../../src/integrity/index.js";
import { anyValue, encodeLogsLine, encodeTraceLine } from "../../src/otlp-json.js";
import { VECTOR_SPAN_CANONICAL_JSON, VECTOR_SPAN_HASH, resource, scope, vectorRecord, vectorSpan } from "./fixtures.js";
import { recordsOfLine, spansOfLine } from "./otlp-lines.js";

/** The canonical form of the first span of a traces line, as the verifier computes it. */
function spanOfLine(line: string) {
  const { span, context } = spansOfLine(line)[0]!;
  return canonicalSpanFromOtlpJson(span, context);
}
function recordOfLine(line: string) {
  const { record, context } = recordsOfLine(line)[0]!;
  return canonicalLogRecordFromOtlpJson(record, context);
}
/** The canonical JSON of the fixtures' resource and scope, as the canonical objects hold them. */
const RESOURCE_JSON =
  '{"attributes":{"service.instance.id":{"s":"3f1c9a52-0d7e-4b8a-9c61-2e5f7a8b9c0d"},"service.name":{"s":"support-bot"}},"schemaUrl":""}';
const SCOPE_JSON = '{"attributes":{},"name":"@langchain-otel/instrumentation","schemaUrl":"","version":"0.1.0"}';
const context = { resource: new CanonicalJsonText(RESOURCE_JSON), scope: new CanonicalJsonText(SCOPE_JSON) };

/** Attribute values of every type an SDK span or log record can carry, and each one's typed value. */
const EVERY_TYPE: Array<[string, unknown, unknown]> = [
  ["string", "refund", { s: "refund" }],
  ["empty string", "", { s: "" }],
  ["escapes", 'tab\tform\fbell\b\u0001 "q" \\ \u2028', { s: 'tab\tform\fbell\b\u0001 "q" \\ \u2028' }],
  ["non-BMP", "\u{1F600}", { s: "\u{1F600}" }],
  ["lone surrogate", "a\uD800b", { s: "a\uFFFDb" }],
  ["integer", 42, { i: "42" }],
  ["zero", 0, { i: "0" }],
  ["negative integer", -7, { i: "-7" }],
  ["largest safe integer", Number.MAX_SAFE_INTEGER, { i: "9007199254740991" }],
  ["integer beyond 2^53", 2 ** 60, { i: "1152921504606846976" }],
  ["int64 overflow", 2 ** 63, { d: 2 ** 63 }],
  ["double", 0.25, { d: 0.25 }],
  ["tiny double", 5e-324, { d: 5e-324 }],
  ["NaN", NaN, { d: "NaN" }],
  ["Infinity", Infinity, { d: "Infinity" }],
  ["-Infinity", -Infinity, { d: "-Infinity" }],
  ["true", true, { b: true }],
  ["false", false, { b: false }],
  ["string array", ["a", "b"], { a: [{ s: "a" }, { s: "b" }] }],
  ["number array", [1, 1.5], { a: [{ i: "1" }, { d: 1.5 }] }],
  ["array with holes", ["a", null, undefined], { a: [{ s: "a" }, null, null] }],
  ["empty array", [], { a: [] }],
  ["bytes", new Uint8Array([0, 1, 254, 255]), { x: "AAH+/w==" }],
  ["empty bytes", new Uint8Array([]), { x: "" }],
  ["map", { b: 1, a: { c: [true] } }, { m: { b: { i: "1" }, a: { m: { c: { a: [{ b: true }] } } } } }],
  ["empty map", {}, { m: {} }],
  ["null", null, null],
];

describe("typed values", () => {
  it.each(EVERY_TYPE)("types %s from the SDK and from its OTLP/JSON alike", (_name, value, typed) => {
    expect(typedValue(value)).toEqual(typed);
    const fromFile = typedValueFromOtlpJson(JSON.parse(JSON.stringify(anyValue(value))));
    expect(fromFile).toEqual(typed);
    expect(canonicalJson(fromFile)).toBe(canonicalJson(typedValue(value)));
  });

  it("accepts a numeric intValue and normalizes decimals and base64 as other writers may send them", () => {
    expect(typedValueFromOtlpJson({ intValue: 12 })).toEqual({ i: "12" });
    expect(typedValueFromOtlpJson({ intValue: "007" })).toEqual({ i: "7" });
    expect(typedValueFromOtlpJson({ doubleValue: "0.5" })).toEqual({ d: 0.5 });
    expect(typedValueFromOtlpJson({ bytesValue: "AAH+/w" })).toEqual({ x: "AAH+/w==" });
    expect(typedValueFromOtlpJson({})).toBeNull();
  });

  it.each<[unknown, string]>([
    [{ stringValue: 1 }, "value.stringValue is not a string"],
    [{ intValue: "1.5" }, "value.intValue is not a decimal integer"],
    [{ doubleValue: "abc" }, "value.doubleValue is not a number"],
    [{ arrayValue: { values: {} } }, "value.arrayValue.values is not an array"],
    [{ kvlistValue: { values: [{ key: 3 }] } }, "value.kvlistValue.values[0].key is not a string"],
    ["text", "value is not an object"],
  ])("rejects a malformed value %j", (value, message) => {
    expect(() => typedValueFromOtlpJson(value)).toThrow(new OtlpJsonShapeError(message));
  });
});

describe("canonical spans", () => {
  it("spells out the test vector: canonical JSON and hash of a known span", () => {
    const canonical = canonicalJson(canonicalSpan(vectorSpan()));
    expect(canonical).toBe(VECTOR_SPAN_CANONICAL_JSON);
    // printf '%s\n%s' 0000…0000 "$CANONICAL" | sha256sum
    expect(chainHash(GENESIS_HASH, canonical)).toBe(VECTOR_SPAN_HASH);
  });

  it("is the same from the SDK span and from its line in the file", () => {
    const attributes: Record<string, unknown> = { "audit.seq": 3, "audit.hash": "ff".repeat(32) };
    for (const [name, value] of EVERY_TYPE) if (value !== null && !(value instanceof Uint8Array) && typeof value !== "object") attributes[name] = value;
    for (const [name, value] of EVERY_TYPE) if (Array.isArray(value)) attributes[name] = value;
    const span = vectorSpan({ attributes: attributes as never });
    const fromSdk = canonicalSpan(span);
    const fromFile = spanOfLine(encodeTraceLine([span]));
    expect(fromFile).toEqual(fromSdk);
    expect(canonicalJson(fromFile)).toBe(canonicalJson(fromSdk));
    expect(Object.keys(fromSdk.attributes)).not.toContain("audit.hash");
    expect(fromSdk.attributes["audit.seq"]).toEqual({ i: "3" });
  });

  it("fills what the file leaves out: root span, unset status, no attributes or events, zero times", () => {
    const span = vectorSpan({
      parentSpanContext: undefined,
      kind: SpanKind.CLIENT,
      status: { code: SpanStatusCode.UNSET },
      attributes: {},
      events: [],
      links: [],
      startTime: [0, 0],
      spanContext: () => ({ traceId: "019ab3c4d5e67f00a1b2c3d4e5f60718", spanId: "9e9abde62ceed800", traceFlags: TraceFlags.NONE }),
    });
    const expected = {
      attributes: {},
      droppedAttributesCount: 0,
      droppedEventsCount: 0,
      droppedLinksCount: 0,
      endTimeUnixNano: "1795517521838493367",
      events: [],
      flags: 256,
      kind: 3,
      links: [],
      name: "execute_tool lookup_policy",
      parentSpanId: "",
      resource: context.resource,
      scope: context.scope,
      spanId: "9e9abde62ceed800",
      startTimeUnixNano: "0",
      status: { code: 0, message: "" },
      traceId: "019ab3c4d5e67f00a1b2c3d4e5f60718",
      traceState: "",
    };
    expect(canonicalSpan(span)).toEqual(expected);
    expect(spanOfLine(encodeTraceLine([span]))).toEqual(expected);
  });

  it("covers the resource, the scope, links, trace state, flags and dropped counts", () => {
    const base = canonicalJson(canonicalSpan(vectorSpan()));
    const changed = [
      vectorSpan({ resource: resource.merge(resourceFromAttributes({ "service.name": "other-bot" })) }),
      vectorSpan({ instrumentationScope: { ...scope, version: "0.1.1" } }),
      vectorSpan({ instrumentationScope: { ...scope, schemaUrl: "https://opentelemetry.io/schemas/1.30.0" } }),
      vectorSpan({ links: [] }),
      vectorSpan({ links: [{ ...vectorSpan().links[0]!, attributes: { "link.reason": "retry" } }] }),
      vectorSpan({ spanContext: () => ({ ...vectorSpan().spanContext(), traceState: new TraceState("vendor=other") }) }),
      vectorSpan({ spanContext: () => ({ ...vectorSpan().spanContext(), traceFlags: TraceFlags.NONE }) }),
      vectorSpan({ parentSpanContext: { ...vectorSpan().parentSpanContext!, isRemote: true } }),
      vectorSpan({ droppedAttributesCount: 1 }),
      vectorSpan({ droppedEventsCount: 1 }),
      vectorSpan({ droppedLinksCount: 1 }),
    ].map((span) => canonicalJson(canonicalSpan(span)));
    for (const text of changed) expect(text).not.toBe(base);
    expect(new Set(changed).size).toBe(changed.length);
  });

  it("reads resource and scope of the file as the SDK's", () => {
    const fromFile = spanOfLine(encodeTraceLine([vectorSpan()]));
    expect([fromFile.resource.text, fromFile.scope.text]).toEqual([RESOURCE_JSON, SCOPE_JSON]);
    expect(canonicalJson(fromFile)).toBe(VECTOR_SPAN_CANONICAL_JSON);
  });

  it("reads an all-zero or upper-case ID as the SDK's", () => {
    const fromFile = canonicalSpanFromOtlpJson({ traceId: "019AB3C4D5E67F00A1B2C3D4E5F60718", spanId: "9E9ABDE62CEED800", parentSpanId: "0000000000000000" }, context);
    expect([fromFile.traceId, fromFile.spanId, fromFile.parentSpanId]).toEqual(["019ab3c4d5e67f00a1b2c3d4e5f60718", "9e9abde62ceed800", ""]);
  });
});

describe("canonical log records", () => {
  it("is the same from the SDK record and from its line in the file, body and attributes of every type", () => {
    const body: Record<string, unknown> = {};
    for (const [name, value] of EVERY_TYPE) body[name] = value;
    const record = vectorRecord({ body: body as never, attributes: { ...(body as object), "audit.seq": 9, "audit.hash": "00" } as never });
    const fromSdk = canonicalLogRecord(record);
    const fromFile = recordOfLine(encodeLogsLine([record]));
    expect(fromFile).toEqual(fromSdk);
    expect(canonicalJson(fromFile)).toBe(canonicalJson(fromSdk));
  });

  it("fills what the file leaves out: no span context, severity, body or event name", () => {
    const record = vectorRecord({
      spanContext: undefined,
      severityNumber: undefined,
      severityText: undefined,
      body: undefined,
      eventName: undefined,
      attributes: {},
    });
    const expected = {
      attributes: {},
      body: null,
      droppedAttributesCount: 0,
      eventName: "",
      flags: 0,
      observedTimeUnixNano: "1795517521838500000",
      resource: context.resource,
      scope: context.scope,
      severityNumber: 0,
      severityText: "",
      spanId: "",
      timeUnixNano: "1795517521838493367",
      traceId: "",
    };
    expect(canonicalLogRecord(record)).toEqual(expected);
    expect(recordOfLine(encodeLogsLine([record]))).toEqual(expected);
  });

  it("gives an invalid (all-zero) span context no IDs, as the file does", () => {
    const record = vectorRecord({ spanContext: { traceId: "0".repeat(32), spanId: "0".repeat(16), traceFlags: TraceFlags.NONE } });
    expect(canonicalLogRecord(record)).toMatchObject({ traceId: "", spanId: "" });
    expect(recordOfLine(encodeLogsLine([record]))).toMatchObject({ traceId: "", spanId: "", flags: 0 });
  });

  it("names the field of a malformed record", () => {
    expect(() => canonicalLogRecordFromOtlpJson({ timeUnixNano: "soon" } as never, context)).toThrow("timeUnixNano is not a decimal integer");
    expect(() => canonicalSpanFromOtlpJson({ events: [{ name: 5 }] } as never, context)).toThrow("events[0].name is not a string");
    expect(() => canonicalSpanFromOtlpJson({ links: [{ flags: "1" }] } as never, context)).toThrow("links[0].flags is not an integer");
    expect(() => canonicalResourceFromOtlpJson({ attributes: [{ key: 1 }] } as never, "")).toThrow("resource.attributes[0].key is not a string");
    expect(() => canonicalScopeFromOtlpJson({ name: 1 } as never, "")).toThrow("scope.name is not a string");
  });
});
