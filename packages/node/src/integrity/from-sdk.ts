import type { Attributes, HrTime } from "@opentelemetry/api";
import type { ReadableLogRecord } from "@opentelemetry/sdk-logs";
import type { ReadableSpan, TimedEvent } from "@opentelemetry/sdk-trace";
import { ATTR_AUDIT_HASH } from "./attributes.js";
import {
  canonicalId,
  emptyAttributes,
  wellFormed,
  type CanonicalAttributes,
  type CanonicalEvent,
  type CanonicalLogRecord,
  type CanonicalSpan,
  type TypedValue,
} from "./canonical.js";

const INT64_MIN = -(2 ** 63);
const INT64_LIMIT = 2 ** 63;

/** Nanoseconds since the epoch as a decimal string ("0" for a zero time). */
function nanos(time: HrTime | undefined): string {
  if (time === undefined) return "0";
  return (BigInt(Math.trunc(time[0])) * 1_000_000_000n + BigInt(Math.trunc(time[1]))).toString();
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

/**
 * An attribute value (or log body) from the SDK, typed as the JavaScript OTLP encoders send it:
 * a string → `{"s"}`; a boolean → `{"b"}`; a number that `Number.isInteger` and fits int64 → `{"i": decimal}`,
 * any other number → `{"d"}` (NaN and ±Infinity as the strings "NaN", "Infinity", "-Infinity"); a bigint →
 * `{"i"}`; a `Uint8Array` → `{"x": base64}`; an array → `{"a": [...]}`; another object → `{"m": {...}}` over its
 * own enumerable keys; null, undefined and anything else → `null`. Strings and keys are made well-formed
 * (lone surrogates → U+FFFD).
 */
export function typedValue(value: unknown): TypedValue {
  switch (typeof value) {
    case "string":
      return { s: wellFormed(value) };
    case "boolean":
      return { b: value };
    case "number":
      if (Number.isInteger(value) && value >= INT64_MIN && value < INT64_LIMIT) return { i: BigInt(value).toString() };
      if (Number.isNaN(value)) return { d: "NaN" };
      if (value === Infinity) return { d: "Infinity" };
      if (value === -Infinity) return { d: "-Infinity" };
      return { d: value };
    case "bigint":
      return { i: value.toString() };
    case "object": {
      if (value === null) return null;
      if (value instanceof Uint8Array) return { x: base64(value) };
      if (Array.isArray(value)) return { a: value.map(typedValue) };
      return { m: typedAttributes(value as Record<string, unknown>) };
    }
    default:
      return null;
  }
}

function typedAttributes(attributes: Readonly<Record<string, unknown>> | undefined, omit?: string): CanonicalAttributes {
  const out = emptyAttributes();
  if (attributes === undefined) return out;
  for (const key of Object.keys(attributes)) {
    if (key === omit) continue;
    out[wellFormed(key)] = typedValue(attributes[key]);
  }
  return out;
}

function canonicalEvent(event: TimedEvent): CanonicalEvent {
  return {
    attributes: typedAttributes(event.attributes),
    name: wellFormed(event.name),
    timeUnixNano: nanos(event.time),
  };
}

/**
 * The canonical form of a finished SDK span (`ReadableSpan` of `@opentelemetry/sdk-trace`):
 * `{attributes, endTimeUnixNano, events: [{attributes, name, timeUnixNano}], kind: API kind + 1, name,
 * parentSpanId, spanId, startTimeUnixNano, status: {code, message}, traceId}`. Attributes leave out `audit.hash`
 * (and keep `audit.seq`); times are decimal nanosecond strings; IDs lower-case hex, "" when missing or all zero;
 * a missing status message is "". Not covered: resource, scope, links, trace state, flags, dropped counts.
 */
export function canonicalSpan(span: ReadableSpan): CanonicalSpan {
  const context = span.spanContext();
  return {
    attributes: typedAttributes(span.attributes as Attributes, ATTR_AUDIT_HASH),
    endTimeUnixNano: nanos(span.endTime),
    events: span.events.map(canonicalEvent),
    kind: span.kind + 1,
    name: wellFormed(span.name),
    parentSpanId: canonicalId(span.parentSpanContext?.spanId),
    spanId: canonicalId(context.spanId),
    startTimeUnixNano: nanos(span.startTime),
    status: { code: span.status.code, message: wellFormed(span.status.message ?? "") },
    traceId: canonicalId(context.traceId),
  };
}

/**
 * The canonical form of an SDK log record (`ReadableLogRecord` / the `ReadWriteLogRecord` a processor gets in
 * `onEmit`, `@opentelemetry/sdk-logs`): `{attributes, body, eventName, observedTimeUnixNano, severityNumber,
 * severityText, spanId, timeUnixNano, traceId}`. Attributes leave out `audit.hash`; the body is a typed value or
 * null; missing strings are "", a missing severity number 0; IDs "" without a span context.
 * Not covered: resource, scope, flags, dropped counts.
 */
export function canonicalLogRecord(record: ReadableLogRecord): CanonicalLogRecord {
  const context = record.spanContext;
  return {
    attributes: typedAttributes(record.attributes as Attributes, ATTR_AUDIT_HASH),
    body: typedValue(record.body),
    eventName: wellFormed(record.eventName ?? ""),
    observedTimeUnixNano: nanos(record.hrTimeObserved),
    severityNumber: record.severityNumber ?? 0,
    severityText: wellFormed(record.severityText ?? ""),
    spanId: canonicalId(context?.spanId),
    timeUnixNano: nanos(record.hrTime),
    traceId: canonicalId(context?.traceId),
  };
}
