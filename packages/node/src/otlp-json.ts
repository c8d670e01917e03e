// SPDX-License-Identifier: Apache-2.0
import type { Attributes, HrTime, Link, SpanContext } from "@opentelemetry/api";
import type { InstrumentationScope } from "@opentelemetry/core";
import type { Resource } from "@opentelemetry/resources";
import type { ReadableLogRecord } from "@opentelemetry/sdk-logs";
import type { ReadableSpan, TimedEvent } from "@opentelemetry/sdk-trace";
import { spanFlags } from "./integrity/canonical.js";

/**
 * OTLP/JSON as the OpenTelemetry Collector writes it (`ptrace.JSONMarshaler` / `plog.JSONMarshaler`, used by its
 * file exporter with `format: json`), so the embedded audit files and the collector's are the same format, line
 * for line:
 * - fields in the order the messages declare them in opentelemetry-proto (which is not always field-number order:
 *   a span's `flags` (16) follows `parentSpanId`, a log record's `observedTimeUnixNano` (11) follows
 *   `timeUnixNano`), fields at their zero value left out (`resource`, `scope`, a span's `status` and a log
 *   record's `body` are always written, possibly as `{}`);
 * - 64-bit integers (times, `intValue`) as decimal strings, enums as numbers, IDs as lower-case hex, doubles with
 *   at least two exponent digits (`1e-07`);
 * - strings escaped like the collector's encoder (`\b` and `\f` as `\u0008` / `\u000c`, a lone surrogate as U+FFFD).
 * Checked line for line against the collector v0.162.0 (otlp receiver → file exporter) fed by the SDK's OTLP exporters.
 * `@opentelemetry/otlp-transformer`'s JSON serializer differs (numeric `intValue`, zero counts and empty
 * arrays written, status code before message), hence this module.
 */

export type JsonObject = Record<string, unknown>;
/** An instrumentation scope as spans and log records carry it (log records may add attributes). */
type Scope = InstrumentationScope & { attributes?: Attributes; droppedAttributesCount?: number };
/** What an export request groups by: a span or a log record. */
interface Instrumented {
  readonly resource: Resource;
  readonly instrumentationScope: Scope;
}
/** The member names of one signal's export request, outermost first. */
interface SignalNames {
  readonly resources: string;
  readonly scopes: string;
  readonly items: string;
}

const TRACES: SignalNames = { resources: "resourceSpans", scopes: "scopeSpans", items: "spans" };
const LOGS: SignalNames = { resources: "resourceLogs", scopes: "scopeLogs", items: "logRecords" };

const INT64_MIN = -(2 ** 63);
const INT64_LIMIT = 2 ** 63;

export function nanos(time: HrTime): string | undefined {
  const value = BigInt(Math.trunc(time[0])) * 1_000_000_000n + BigInt(Math.trunc(time[1]));
  return value === 0n ? undefined : value.toString();
}


/** Builds an object in the given key order, leaving out undefined, "", 0 and empty arrays. */
export function fields(entries: ReadonlyArray<readonly [string, unknown]>): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of entries) {
    if (value === undefined || value === "" || value === 0) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    out[key] = value;
  }
  return out;
}

// Emits its text verbatim from JSON.stringify (Node >= 21).
const rawJSON = (JSON as unknown as { rawJSON(text: string): unknown }).rawJSON;

export function doubleValue(value: number): unknown {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "Infinity";
  if (value === -Infinity) return "-Infinity";
  // JavaScript and the collector's encoder agree on the digits and on when to use an exponent (below 1e-6, from
  // 1e21), but the collector writes at least two exponent digits: 1e-07 where JavaScript writes 1e-7.
  const text = String(value);
  const padded = text.replace(/e([+-])(\d)$/, (_match, sign: string, digit: string) => `e${sign}0${digit}`);
  return padded === text ? value : rawJSON(padded);
}

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

/** An attribute value as an OTLP `AnyValue`. */
export function anyValue(value: unknown): JsonObject {
  switch (typeof value) {
    case "string":
      return { stringValue: value };
    case "boolean":
      return { boolValue: value };
    case "number":
      if (Number.isInteger(value) && value >= INT64_MIN && value < INT64_LIMIT) return { intValue: BigInt(value).toString() };
      return { doubleValue: doubleValue(value) };
    case "bigint":
      return { intValue: value.toString() };
    case "object": {
      if (value === null) return {};
      if (value instanceof Uint8Array) return { bytesValue: base64(value) };
      if (Array.isArray(value)) return { arrayValue: fields([["values", value.map(anyValue)]]) };
      const values = Object.entries(value as Record<string, unknown>).map(([key, v]) => keyValue(key, v));
      return { kvlistValue: fields([["values", values]]) };
    }
    default:
      return {};
  }
}

function keyValue(key: string, value: unknown): JsonObject {
  return fields([
    ["key", key],
    ["value", anyValue(value)],
  ]);
}

export function attributes(attrs: Record<string, unknown> | undefined): JsonObject[] {
  return attrs === undefined ? [] : Object.keys(attrs).map((key) => keyValue(key, attrs[key]));
}

function event(e: TimedEvent): JsonObject {
  return fields([
    ["timeUnixNano", nanos(e.time)],
    ["name", e.name],
    ["attributes", attributes(e.attributes)],
    ["droppedAttributesCount", e.droppedAttributesCount],
  ]);
}

function link(l: Link): JsonObject {
  const ctx: SpanContext = l.context;
  return fields([
    ["traceId", ctx.traceId],
    ["spanId", ctx.spanId],
    ["traceState", ctx.traceState?.serialize()],
    ["attributes", attributes(l.attributes)],
    ["droppedAttributesCount", l.droppedAttributesCount],
    ["flags", spanFlags(ctx.traceFlags, ctx.isRemote)],
  ]);
}

function span(s: ReadableSpan): JsonObject {
  const ctx = s.spanContext();
  const parent = s.parentSpanContext;
  return fields([
    ["traceId", ctx.traceId],
    ["spanId", ctx.spanId],
    ["traceState", ctx.traceState?.serialize()],
    ["parentSpanId", parent?.spanId],
    ["flags", spanFlags(ctx.traceFlags, parent?.isRemote)],
    ["name", s.name],
    // API SpanKind starts at INTERNAL = 0; OTLP reserves 0 for UNSPECIFIED.
    ["kind", s.kind + 1],
    ["startTimeUnixNano", nanos(s.startTime)],
    ["endTimeUnixNano", nanos(s.endTime)],
    ["attributes", attributes(s.attributes)],
    ["droppedAttributesCount", s.droppedAttributesCount],
    ["events", s.events.map(event)],
    ["droppedEventsCount", s.droppedEventsCount],
    ["links", s.links.map(link)],
    ["droppedLinksCount", s.droppedLinksCount],
    [
      "status",
      fields([
        ["message", s.status.message],
        ["code", s.status.code],
      ]),
    ],
  ]);
}

function logRecord(r: ReadableLogRecord): JsonObject {
  const ctx = r.spanContext;
  return fields([
    ["timeUnixNano", nanos(r.hrTime)],
    ["observedTimeUnixNano", nanos(r.hrTimeObserved)],
    ["severityNumber", r.severityNumber],
    ["severityText", r.severityText],
    // Written even when unset (as {}), as the collector's marshaler does.
    ["body", anyValue(r.body)],
    ["attributes", attributes(r.attributes)],
    ["droppedAttributesCount", r.droppedAttributesCount],
    // A log record's flags are the W3C trace flags alone (no "parent is remote" bits, unlike a span's).
    ["flags", ctx === undefined ? undefined : ctx.traceFlags & 0xff],
    ["traceId", nonZeroId(ctx?.traceId)],
    ["spanId", nonZeroId(ctx?.spanId)],
    ["eventName", r.eventName],
  ]);
}

// The collector reads an all-zero ID as "no ID" and leaves it out.
function nonZeroId(id: string | undefined): string | undefined {
  return id === undefined || /^0*$/.test(id) ? undefined : id;
}

export function scope(sc: Scope): JsonObject {
  return fields([
    ["name", sc.name],
    ["version", sc.version],
    ["attributes", attributes(sc.attributes)],
    ["droppedAttributesCount", sc.droppedAttributesCount],
  ]);
}

/**
 * Items grouped by their resource, then by their scope, each level keyed by what `resourceOf` / `scopeOf` give, in
 * first-seen order: how an export request groups a batch (and how recovery regroups journaled items).
 */
export function groupByResourceAndScope<T, R, S>(items: readonly T[], resourceOf: (item: T) => R, scopeOf: (item: T) => S): Map<R, Map<S, T[]>> {
  const byResource = new Map<R, Map<S, T[]>>();
  for (const item of items) {
    const resource = resourceOf(item);
    let byScope = byResource.get(resource);
    if (byScope === undefined) byResource.set(resource, (byScope = new Map()));
    const key = scopeOf(item);
    const group = byScope.get(key);
    if (group === undefined) byScope.set(key, [item]);
    else group.push(item);
  }
  return byResource;
}

/** What an export request groups scopes by: name, version and schema URL (the first scope of a group is written). */
export function scopeKey(sc: Scope): string {
  return `${sc.name}@${sc.version ?? ""}:${sc.schemaUrl ?? ""}`;
}

// JSON.stringify writes \b and \f; the collector's encoder writes \u0008 and \u000c. JSON.stringify escapes a lone
// surrogate (\ud800); the collector, holding UTF-8, has replaced it with U+FFFD. Every other escape agrees.
// Matching escapes left to right keeps an escaped backslash followed by "b" (or "ud800") intact. An escape never
// spans two JSON values, so escaping the pieces of a request one by one gives the request's escaping.
export function collectorEscapes(json: string): string {
  if (!json.includes("\\b") && !json.includes("\\f") && !json.includes("\\ud")) return json;
  return json.replace(/\\(ud[89a-f][0-9a-f]{2}|.)/g, (escape, c: string) =>
    c === "b" ? "\\u0008" : c === "f" ? "\\u000c" : c.length > 1 ? "\ufffd" : escape,
  );
}

/** A value as the collector's JSON text. */
const collectorJson = (value: unknown): string => collectorEscapes(JSON.stringify(value));

/**
 * A resource or a scope as JSON text: the object (`resource` / `scope` of an export request) and its schema URL
 * (the JSON string, or "" when it has none, as the request leaves it out).
 */
export interface EncodedPlace {
  readonly text: string;
  readonly schemaUrl: string;
}

const schemaUrlText = (url: string | undefined): string => (url === undefined || url === "" ? "" : collectorJson(url));

// A process has one resource and a few scopes, each written at the head of every request: encoded once each.
const encodedResources = new WeakMap<Resource, EncodedPlace>();
const encodedScopes = new WeakMap<Scope, EncodedPlace>();

/** The resource's JSON text, encoded once per resource (not while its asynchronous attributes are pending). */
export function encodeResource(resource: Resource): EncodedPlace {
  const cached = encodedResources.get(resource);
  if (cached !== undefined) return cached;
  const encoded = { text: collectorJson(fields([["attributes", attributes(resource.attributes)]])), schemaUrl: schemaUrlText(resource.schemaUrl) };
  if (resource.asyncAttributesPending !== true) encodedResources.set(resource, encoded);
  return encoded;
}

/** The scope's JSON text, encoded once per scope object. */
export function encodeScope(sc: Scope): EncodedPlace {
  let encoded = encodedScopes.get(sc);
  if (encoded === undefined) encodedScopes.set(sc, (encoded = { text: collectorJson(scope(sc)), schemaUrl: schemaUrlText(sc.schemaUrl) }));
  return encoded;
}

/** One span as the collector's JSON text (an element of a request's `spans`). */
export const encodeSpan = (s: ReadableSpan): string => collectorJson(span(s));

/** One log record as the collector's JSON text (an element of a request's `logRecords`). */
export const encodeLogRecord = (r: ReadableLogRecord): string => collectorJson(logRecord(r));

/** The items of one scope of a request: the scope, and its items' JSON texts. */
export interface EncodedScopeGroup {
  readonly scope: EncodedPlace;
  readonly items: readonly string[];
}

/** The items of one resource of a request. */
export interface EncodedResourceGroup {
  readonly resource: EncodedPlace;
  readonly scopes: readonly EncodedScopeGroup[];
}

const withSchemaUrl = (schemaUrl: string): string => (schemaUrl === "" ? "}" : `,"schemaUrl":${schemaUrl}}`);

/**
 * One signal's export request as text, from pieces already encoded: the text JSON.stringify and the collector's
 * escapes give for the request object (the same members, in the same order, the same zero values left out).
 */
export function requestLine(signal: "traces" | "logs", groups: readonly EncodedResourceGroup[]): string {
  const names = signal === "traces" ? TRACES : LOGS;
  if (groups.length === 0) return "{}";
  let line = `{"${names.resources}":[`;
  for (let r = 0; r < groups.length; r++) {
    const group = groups[r]!;
    line += `${r === 0 ? "" : ","}{"resource":${group.resource.text},"${names.scopes}":[`;
    for (let s = 0; s < group.scopes.length; s++) {
      const scopeGroup = group.scopes[s]!;
      line += `${s === 0 ? "" : ","}{"scope":${scopeGroup.scope.text},"${names.items}":[${scopeGroup.items.join(",")}]${withSchemaUrl(scopeGroup.scope.schemaUrl)}`;
    }
    line += `]${withSchemaUrl(group.resource.schemaUrl)}`;
  }
  return `${line}]}`;
}

/** One signal's export request line: grouped by resource, then by scope, each item's text from `encodeItem`. */
export function encodeLine<T extends Instrumented>(signal: "traces" | "logs", items: readonly T[], encodeItem: (item: T) => string): string {
  const groups: EncodedResourceGroup[] = [];
  // By resource identity, then by scope name, version and schema URL.
  for (const [resource, byScope] of groupByResourceAndScope(items, (item) => item.resource, (item) => scopeKey(item.instrumentationScope))) {
    const scopes: EncodedScopeGroup[] = [];
    for (const group of byScope.values()) scopes.push({ scope: encodeScope(group[0]!.instrumentationScope), items: group.map(encodeItem) });
    groups.push({ resource: encodeResource(resource), scopes });
  }
  return requestLine(signal, groups);
}

/** One line of the collector's JSON file format (without the newline) for the spans of one export call. */
export function encodeTraceLine(spans: readonly ReadableSpan[]): string {
  return encodeLine("traces", spans, encodeSpan);
}

/** One line of the collector's JSON file format (without the newline) for the log records of one export call. */
export function encodeLogsLine(records: readonly ReadableLogRecord[]): string {
  return encodeLine("logs", records, encodeLogRecord);
}
