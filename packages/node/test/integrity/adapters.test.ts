import { SpanKind, SpanStatusCode, TraceFlags } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import {
  GENESIS_HASH,
  OtlpJsonShapeError,
  canonicalJson,
  canonicalLogRecord,
  canonicalLogRecordFromOtlpJson,
  canonicalSpan,
  canonicalSpanFromOtlpJson,
  chainHash,
  typedValue,
  typedValueFromOtlpJson,
  type OtlpJsonLogsRequest,
  type OtlpJsonTracesRequest,
} from "../../src/integrity/index.js";
import { anyValue, encodeLogsLine, encodeTraceLine } from "../../src/otlp-json.js";
import { VECTOR_SPAN_CANONICAL_JSON, vectorRecord, vectorSpan } from "./fixtures.js";

function spanOfLine(line: string) {
  return (JSON.parse(line) as OtlpJsonTracesRequest).resourceSpans![0]!.scopeSpans![0]!.spans![0]!;
}
function recordOfLine(line: string) {
  return (JSON.parse(line) as OtlpJsonLogsRequest).resourceLogs![0]!.scopeLogs![0]!.logRecords![0]!;
}

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
    expect(chainHash(GENESIS_HASH, canonical)).toBe("d7a3235cd7037aa53224cbf46349cc6037fed5a9f68d94c7ab1fd0413dd07517");
  });

  it("is the same from the SDK span and from its line in the file", () => {
    const attributes: Record<string, unknown> = { "audit.seq": 3, "audit.hash": "ff".repeat(32) };
    for (const [name, value] of EVERY_TYPE) if (value !== null && !(value instanceof Uint8Array) && typeof value !== "object") attributes[name] = value;
    for (const [name, value] of EVERY_TYPE) if (Array.isArray(value)) attributes[name] = value;
    const span = vectorSpan({ attributes: attributes as never });
    const fromSdk = canonicalSpan(span);
    const fromFile = canonicalSpanFromOtlpJson(spanOfLine(encodeTraceLine([span])));
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
      startTime: [0, 0],
    });
    const expected = {
      attributes: {},
      endTimeUnixNano: "1795517521838493367",
      events: [],
      kind: 3,
      name: "execute_tool lookup_policy",
      parentSpanId: "",
      spanId: "9e9abde62ceed800",
      startTimeUnixNano: "0",
      status: { code: 0, message: "" },
      traceId: "019ab3c4d5e67f00a1b2c3d4e5f60718",
    };
    expect(canonicalSpan(span)).toEqual(expected);
    expect(canonicalSpanFromOtlpJson(spanOfLine(encodeTraceLine([span])))).toEqual(expected);
  });

  it("reads an all-zero or upper-case ID as the SDK's", () => {
    const fromFile = canonicalSpanFromOtlpJson({ traceId: "019AB3C4D5E67F00A1B2C3D4E5F60718", spanId: "9E9ABDE62CEED800", parentSpanId: "0000000000000000" });
    expect([fromFile.traceId, fromFile.spanId, fromFile.parentSpanId]).toEqual(["019ab3c4d5e67f00a1b2c3d4e5f60718", "9e9abde62ceed800", ""]);
  });
});

describe("canonical log records", () => {
  it("is the same from the SDK record and from its line in the file, body and attributes of every type", () => {
    const body: Record<string, unknown> = {};
    for (const [name, value] of EVERY_TYPE) body[name] = value;
    const record = vectorRecord({ body: body as never, attributes: { ...(body as object), "audit.seq": 9, "audit.hash": "00" } as never });
    const fromSdk = canonicalLogRecord(record);
    const fromFile = canonicalLogRecordFromOtlpJson(recordOfLine(encodeLogsLine([record])));
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
      eventName: "",
      observedTimeUnixNano: "1795517521838500000",
      severityNumber: 0,
      severityText: "",
      spanId: "",
      timeUnixNano: "1795517521838493367",
      traceId: "",
    };
    expect(canonicalLogRecord(record)).toEqual(expected);
    expect(canonicalLogRecordFromOtlpJson(recordOfLine(encodeLogsLine([record])))).toEqual(expected);
  });

  it("gives an invalid (all-zero) span context no IDs, as the file does", () => {
    const record = vectorRecord({ spanContext: { traceId: "0".repeat(32), spanId: "0".repeat(16), traceFlags: TraceFlags.NONE } });
    expect(canonicalLogRecord(record)).toMatchObject({ traceId: "", spanId: "" });
    expect(canonicalLogRecordFromOtlpJson(recordOfLine(encodeLogsLine([record])))).toMatchObject({ traceId: "", spanId: "" });
  });

  it("names the field of a malformed record", () => {
    expect(() => canonicalLogRecordFromOtlpJson({ timeUnixNano: "soon" } as never)).toThrow("timeUnixNano is not a decimal integer");
    expect(() => canonicalSpanFromOtlpJson({ events: [{ name: 5 }] } as never)).toThrow("events[0].name is not a string");
  });
});
