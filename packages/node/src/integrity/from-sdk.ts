// SPDX-License-Identifier: Apache-2.0
import type { AttributeValue, Attributes, HrTime, Link } from "@opentelemetry/api";
import { isSimpleAttributeValue, type InstrumentationScope } from "@opentelemetry/core";
import type { Resource } from "@opentelemetry/resources";
import type { ReadableLogRecord } from "@opentelemetry/sdk-logs";
import type { ReadableSpan, TimedEvent } from "@opentelemetry/sdk-trace";
import { ATTR_AUDIT_HASH } from "./attributes.js";
import {
  canonicalId,
  emptyAttributes,
  resourceText,
  scopeText,
  spanFlags,
  wellFormed,
  type CanonicalAttributes,
  type CanonicalEvent,
  type CanonicalLink,
  type CanonicalLogRecord,
  type CanonicalSpan,
  type TypedValue,
} from "./canonical.js";
import type { CanonicalJsonText } from "./canonical-json.js";

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
    droppedAttributesCount: event.droppedAttributesCount ?? 0,
    name: wellFormed(event.name),
    timeUnixNano: nanos(event.time),
  };
}

function canonicalLink(link: Link): CanonicalLink {
  const context = link.context;
  return {
    attributes: typedAttributes(link.attributes),
    droppedAttributesCount: link.droppedAttributesCount ?? 0,
    flags: spanFlags(context.traceFlags, context.isRemote),
    spanId: canonicalId(context.spanId),
    traceId: canonicalId(context.traceId),
    traceState: wellFormed(context.traceState?.serialize() ?? ""),
  };
}

/**
 * A resource's attributes as its exporter will write them: `resource.attributes` once every detected value has
 * settled; before that (only on the synchronous exit path, which cannot wait) the values settled so far, chosen
 * the way `ResourceImpl.attributes` chooses (the first entry of a key wins; empty keys and values that are not
 * simple attribute values are left out), without its "accessed before settled" diag error.
 */
export function settledResourceAttributes(resource: Resource): Attributes {
  if (resource.asyncAttributesPending !== true) return resource.attributes;
  const attributes: Attributes = {};
  for (const [key, value] of resource.getRawAttributes()) {
    if (typeof (value as PromiseLike<unknown> | undefined)?.then === "function") continue;
    if (key === "" || Object.hasOwn(attributes, key) || !isSimpleAttributeValue(value)) continue;
    attributes[key] = value as AttributeValue;
  }
  return attributes;
}

// Per resource and scope object: every record of a process shares them, so each is written once.
const resourceTexts = new WeakMap<Resource, CanonicalJsonText>();
const scopeTexts = new WeakMap<object, CanonicalJsonText>();

/** The canonical JSON of a resource (`{attributes, schemaUrl}`), kept per resource once it has settled. */
export function canonicalResourceText(resource: Resource): CanonicalJsonText {
  const known = resourceTexts.get(resource);
  if (known !== undefined) return known;
  const text = resourceText({ attributes: typedAttributes(settledResourceAttributes(resource)), schemaUrl: wellFormed(resource.schemaUrl ?? "") });
  if (resource.asyncAttributesPending !== true) resourceTexts.set(resource, text);
  return text;
}

type Scope = InstrumentationScope & { readonly attributes?: Attributes };

/** The canonical JSON of an instrumentation scope (`{attributes, name, schemaUrl, version}`), kept per scope. */
export function canonicalScopeText(scope: Scope): CanonicalJsonText {
  let text = scopeTexts.get(scope);
  if (text === undefined) {
    text = scopeText({
      attributes: typedAttributes(scope.attributes),
      name: wellFormed(scope.name),
      schemaUrl: wellFormed(scope.schemaUrl ?? ""),
      version: wellFormed(scope.version ?? ""),
    });
    scopeTexts.set(scope, text);
  }
  return text;
}

/**
 * The canonical form of a finished SDK span (`ReadableSpan` of `@opentelemetry/sdk-trace`); README.md in this
 * directory lists its fields. Attributes leave out `audit.hash` (and keep `audit.seq`); times are decimal
 * nanosecond strings; IDs lower-case hex, "" when missing or all zero; a missing status message is "".
 */
export function canonicalSpan(span: ReadableSpan): CanonicalSpan {
  const context = span.spanContext();
  const parent = span.parentSpanContext;
  return {
    attributes: typedAttributes(span.attributes as Attributes, ATTR_AUDIT_HASH),
    droppedAttributesCount: span.droppedAttributesCount,
    droppedEventsCount: span.droppedEventsCount,
    droppedLinksCount: span.droppedLinksCount,
    endTimeUnixNano: nanos(span.endTime),
    events: span.events.map(canonicalEvent),
    flags: spanFlags(context.traceFlags, parent?.isRemote),
    kind: span.kind + 1,
    links: span.links.map(canonicalLink),
    name: wellFormed(span.name),
    parentSpanId: canonicalId(parent?.spanId),
    resource: canonicalResourceText(span.resource),
    scope: canonicalScopeText(span.instrumentationScope),
    spanId: canonicalId(context.spanId),
    startTimeUnixNano: nanos(span.startTime),
    status: { code: span.status.code, message: wellFormed(span.status.message ?? "") },
    traceId: canonicalId(context.traceId),
    traceState: wellFormed(context.traceState?.serialize() ?? ""),
  };
}

/**
 * The canonical form of an SDK log record (`ReadableLogRecord` / the `ReadWriteLogRecord` a processor gets in
 * `onEmit`, `@opentelemetry/sdk-logs`); README.md in this directory lists its fields. Attributes leave out
 * `audit.hash`; the body is a typed value or null; missing strings are "", a missing severity number 0; IDs ""
 * and flags 0 without a span context.
 */
export function canonicalLogRecord(record: ReadableLogRecord): CanonicalLogRecord {
  const context = record.spanContext;
  return {
    attributes: typedAttributes(record.attributes as Attributes, ATTR_AUDIT_HASH),
    body: typedValue(record.body),
    droppedAttributesCount: record.droppedAttributesCount,
    eventName: wellFormed(record.eventName ?? ""),
    flags: context === undefined ? 0 : context.traceFlags & 0xff,
    observedTimeUnixNano: nanos(record.hrTimeObserved),
    resource: canonicalResourceText(record.resource),
    scope: canonicalScopeText(record.instrumentationScope),
    severityNumber: record.severityNumber ?? 0,
    severityText: wellFormed(record.severityText ?? ""),
    spanId: canonicalId(context?.spanId),
    timeUnixNano: nanos(record.hrTime),
    traceId: canonicalId(context?.traceId),
  };
}
