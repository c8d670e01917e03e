// SPDX-License-Identifier: Apache-2.0
import { ATTR_AUDIT_HASH } from "./attributes.js";
import {
  canonicalId,
  emptyAttributes,
  resourceText,
  scopeText,
  wellFormed,
  type CanonicalAttributes,
  type CanonicalEvent,
  type CanonicalLink,
  type CanonicalLogRecord,
  type CanonicalSpan,
  type TypedValue,
} from "./canonical.js";
import type { CanonicalJsonText } from "./canonical-json.js";
import type {
  OtlpJsonAnyValue,
  OtlpJsonEvent,
  OtlpJsonKeyValue,
  OtlpJsonLink,
  OtlpJsonLogRecord,
  OtlpJsonResource,
  OtlpJsonScope,
  OtlpJsonSpan,
} from "./otlp-json-types.js";

/** Thrown for a record whose shape is not OTLP/JSON (a field of the wrong type); the message names the field. */
export class OtlpJsonShapeError extends TypeError {
  override readonly name = "OtlpJsonShapeError";
}

const DECIMAL = /^-?\d+$/;
const SPECIAL_DOUBLES = new Set(["NaN", "Infinity", "-Infinity"]);

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function text(value: unknown, field: string): string {
  if (value === undefined || value === null) return "";
  if (typeof value !== "string") throw new OtlpJsonShapeError(`${field} is not a string`);
  return wellFormed(value);
}

function integer(value: unknown, field: string): number {
  if (value === undefined || value === null) return 0;
  if (typeof value !== "number" || !Number.isInteger(value)) throw new OtlpJsonShapeError(`${field} is not an integer`);
  return value;
}

/** A 64-bit integer field (a decimal string, or a JSON number) as a normalized decimal string; "0" when missing. */
function int64Text(value: unknown, field: string): string {
  if (value === undefined || value === null) return "0";
  if (typeof value === "string" && DECIMAL.test(value)) return BigInt(value).toString();
  if (typeof value === "number" && Number.isInteger(value)) return BigInt(value).toString();
  throw new OtlpJsonShapeError(`${field} is not a decimal integer`);
}

function list<T>(value: unknown, field: string): T[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new OtlpJsonShapeError(`${field} is not an array`);
  return value as T[];
}

/**
 * An OTLP/JSON `AnyValue` as a typed value: `stringValue` → `{"s"}`, `boolValue` → `{"b"}`, `intValue` →
 * `{"i": decimal}`, `doubleValue` → `{"d"}` (a number, or the strings "NaN", "Infinity", "-Infinity"),
 * `bytesValue` → `{"x": base64}` (re-encoded as padded standard base64), `arrayValue` → `{"a"}`, `kvlistValue`
 * → `{"m"}`, and a missing or empty value → `null`.
 *
 * @throws {OtlpJsonShapeError} when a field holds the wrong JSON type.
 */
export function typedValueFromOtlpJson(value: unknown, field = "value"): TypedValue {
  if (value === undefined || value === null) return null;
  if (!isObject(value)) throw new OtlpJsonShapeError(`${field} is not an object`);
  if (value.stringValue !== undefined) return { s: text(value.stringValue, `${field}.stringValue`) };
  if (value.boolValue !== undefined) {
    if (typeof value.boolValue !== "boolean") throw new OtlpJsonShapeError(`${field}.boolValue is not a boolean`);
    return { b: value.boolValue };
  }
  if (value.intValue !== undefined) return { i: int64Text(value.intValue, `${field}.intValue`) };
  if (value.doubleValue !== undefined) return { d: doubleFromOtlpJson(value.doubleValue, `${field}.doubleValue`) };
  if (value.bytesValue !== undefined) {
    if (typeof value.bytesValue !== "string") throw new OtlpJsonShapeError(`${field}.bytesValue is not a string`);
    return { x: Buffer.from(value.bytesValue, "base64").toString("base64") };
  }
  if (value.arrayValue !== undefined) {
    if (!isObject(value.arrayValue)) throw new OtlpJsonShapeError(`${field}.arrayValue is not an object`);
    const values = list<OtlpJsonAnyValue>(value.arrayValue.values, `${field}.arrayValue.values`);
    return { a: values.map((v, i) => typedValueFromOtlpJson(v, `${field}.arrayValue.values[${i}]`)) };
  }
  if (value.kvlistValue !== undefined) {
    if (!isObject(value.kvlistValue)) throw new OtlpJsonShapeError(`${field}.kvlistValue is not an object`);
    return { m: attributesFromOtlpJson(value.kvlistValue.values, `${field}.kvlistValue.values`) };
  }
  return null;
}

function doubleFromOtlpJson(value: unknown, field: string): number | "NaN" | "Infinity" | "-Infinity" {
  if (typeof value === "number") return value;
  if (typeof value === "string") {
    if (SPECIAL_DOUBLES.has(value)) return value as "NaN" | "Infinity" | "-Infinity";
    const parsed = Number(value);
    if (value.trim() !== "" && Number.isFinite(parsed)) return parsed;
  }
  throw new OtlpJsonShapeError(`${field} is not a number`);
}

/**
 * An OTLP/JSON attribute list as canonical attributes (a later duplicate key wins), leaving out the key `omit`.
 *
 * @throws {OtlpJsonShapeError} when the list or an entry has the wrong shape.
 */
export function attributesFromOtlpJson(attributes: unknown, field = "attributes", omit?: string): CanonicalAttributes {
  const out = emptyAttributes();
  const entries = list<OtlpJsonKeyValue>(attributes, field);
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    if (!isObject(entry)) throw new OtlpJsonShapeError(`${field}[${i}] is not an object`);
    const key = text(entry.key, `${field}[${i}].key`);
    if (key === omit) continue;
    out[key] = typedValueFromOtlpJson(entry.value, `${field}[${i}].value`);
  }
  return out;
}

function eventFromOtlpJson(event: OtlpJsonEvent, field: string): CanonicalEvent {
  if (!isObject(event)) throw new OtlpJsonShapeError(`${field} is not an object`);
  return {
    attributes: attributesFromOtlpJson(event.attributes, `${field}.attributes`),
    droppedAttributesCount: integer(event.droppedAttributesCount, `${field}.droppedAttributesCount`),
    name: text(event.name, `${field}.name`),
    timeUnixNano: int64Text(event.timeUnixNano, `${field}.timeUnixNano`),
  };
}

function linkFromOtlpJson(link: OtlpJsonLink, field: string): CanonicalLink {
  if (!isObject(link)) throw new OtlpJsonShapeError(`${field} is not an object`);
  return {
    attributes: attributesFromOtlpJson(link.attributes, `${field}.attributes`),
    droppedAttributesCount: integer(link.droppedAttributesCount, `${field}.droppedAttributesCount`),
    flags: integer(link.flags, `${field}.flags`),
    spanId: canonicalId(text(link.spanId, `${field}.spanId`)),
    traceId: canonicalId(text(link.traceId, `${field}.traceId`)),
    traceState: text(link.traceState, `${field}.traceState`),
  };
}

/**
 * What a record's canonical form takes from the levels of its export request above it: the canonical JSON of
 * its resource and of its instrumentation scope ({@link canonicalResourceFromOtlpJson},
 * {@link canonicalScopeFromOtlpJson}), computed once per `resourceSpans` / `scopeSpans` (or logs) entry.
 */
export interface OtlpJsonRecordContext {
  readonly resource: CanonicalJsonText;
  readonly scope: CanonicalJsonText;
}

/**
 * The canonical resource (`{attributes, schemaUrl}`) of a `resourceSpans` / `resourceLogs` entry: its `resource`
 * and its `schemaUrl`; equal to the SDK side's for the resource it was encoded from.
 *
 * @throws {OtlpJsonShapeError} when a field has the wrong JSON type.
 */
export function canonicalResourceFromOtlpJson(resource: OtlpJsonResource | undefined, schemaUrl: unknown): CanonicalJsonText {
  const r = resource === undefined || resource === null ? {} : resource;
  if (!isObject(r)) throw new OtlpJsonShapeError("resource is not an object");
  return resourceText({ attributes: attributesFromOtlpJson(r.attributes, "resource.attributes"), schemaUrl: text(schemaUrl, "schemaUrl") });
}

/**
 * The canonical scope (`{attributes, name, schemaUrl, version}`) of a `scopeSpans` / `scopeLogs` entry: its
 * `scope` and its `schemaUrl`.
 *
 * @throws {OtlpJsonShapeError} when a field has the wrong JSON type.
 */
export function canonicalScopeFromOtlpJson(scope: OtlpJsonScope | undefined, schemaUrl: unknown): CanonicalJsonText {
  const sc = scope === undefined || scope === null ? {} : scope;
  if (!isObject(sc)) throw new OtlpJsonShapeError("scope is not an object");
  return scopeText({
    attributes: attributesFromOtlpJson(sc.attributes, "scope.attributes"),
    name: text(sc.name, "scope.name"),
    schemaUrl: text(schemaUrl, "scope schemaUrl"),
    version: text(sc.version, "scope.version"),
  });
}

/**
 * The canonical form of a span read from an OTLP/JSON file; equal to {@link canonicalSpan} of the SDK span it was
 * encoded from. Missing fields take their zero value ("" / 0 / "0"); IDs are lower-cased, all-zero IDs are "".
 *
 * @throws {OtlpJsonShapeError} when a field has the wrong JSON type.
 */
export function canonicalSpanFromOtlpJson(span: OtlpJsonSpan, context: OtlpJsonRecordContext): CanonicalSpan {
  if (!isObject(span)) throw new OtlpJsonShapeError("span is not an object");
  const status = span.status === undefined || span.status === null ? {} : span.status;
  if (!isObject(status)) throw new OtlpJsonShapeError("status is not an object");
  return {
    attributes: attributesFromOtlpJson(span.attributes, "attributes", ATTR_AUDIT_HASH),
    droppedAttributesCount: integer(span.droppedAttributesCount, "droppedAttributesCount"),
    droppedEventsCount: integer(span.droppedEventsCount, "droppedEventsCount"),
    droppedLinksCount: integer(span.droppedLinksCount, "droppedLinksCount"),
    endTimeUnixNano: int64Text(span.endTimeUnixNano, "endTimeUnixNano"),
    events: list<OtlpJsonEvent>(span.events, "events").map((e, i) => eventFromOtlpJson(e, `events[${i}]`)),
    flags: integer(span.flags, "flags"),
    kind: integer(span.kind, "kind"),
    links: list<OtlpJsonLink>(span.links, "links").map((l, i) => linkFromOtlpJson(l, `links[${i}]`)),
    name: text(span.name, "name"),
    parentSpanId: canonicalId(text(span.parentSpanId, "parentSpanId")),
    resource: context.resource,
    scope: context.scope,
    spanId: canonicalId(text(span.spanId, "spanId")),
    startTimeUnixNano: int64Text(span.startTimeUnixNano, "startTimeUnixNano"),
    status: { code: integer(status.code, "status.code"), message: text(status.message, "status.message") },
    traceId: canonicalId(text(span.traceId, "traceId")),
    traceState: text(span.traceState, "traceState"),
  };
}

/**
 * The canonical form of a log record read from an OTLP/JSON file; equal to {@link canonicalLogRecord} of the SDK
 * record it was encoded from.
 *
 * @throws {OtlpJsonShapeError} when a field has the wrong JSON type.
 */
export function canonicalLogRecordFromOtlpJson(record: OtlpJsonLogRecord, context: OtlpJsonRecordContext): CanonicalLogRecord {
  if (!isObject(record)) throw new OtlpJsonShapeError("log record is not an object");
  return {
    attributes: attributesFromOtlpJson(record.attributes, "attributes", ATTR_AUDIT_HASH),
    body: typedValueFromOtlpJson(record.body, "body"),
    droppedAttributesCount: integer(record.droppedAttributesCount, "droppedAttributesCount"),
    eventName: text(record.eventName, "eventName"),
    flags: integer(record.flags, "flags"),
    observedTimeUnixNano: int64Text(record.observedTimeUnixNano, "observedTimeUnixNano"),
    resource: context.resource,
    scope: context.scope,
    severityNumber: integer(record.severityNumber, "severityNumber"),
    severityText: text(record.severityText, "severityText"),
    spanId: canonicalId(text(record.spanId, "spanId")),
    timeUnixNano: int64Text(record.timeUnixNano, "timeUnixNano"),
    traceId: canonicalId(text(record.traceId, "traceId")),
  };
}
