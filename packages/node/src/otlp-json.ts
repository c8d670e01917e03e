import type { HrTime, Link, SpanContext } from "@opentelemetry/api";
import type { ReadableSpan, TimedEvent } from "@opentelemetry/sdk-trace";

/**
 * OTLP/JSON as the OpenTelemetry Collector writes it (`ptrace.JSONMarshaler`, used by its file exporter with
 * `format: json`), so the embedded audit file and the collector's are the same format, line for line:
 * - fields in protobuf field order, fields at their zero value left out (`resource`, `scope` and `status` are
 *   always written, possibly as `{}`);
 * - 64-bit integers (times, `intValue`) as decimal strings, enums as numbers, IDs as lower-case hex;
 * - strings escaped like the collector's encoder (`\b` and `\f` as `\u0008` / `\u000c`).
 * `@opentelemetry/otlp-transformer`'s JSON serializer differs (numeric `intValue`, zero counts and empty
 * arrays written, status code before message), hence this module.
 */

type JsonObject = Record<string, unknown>;
type Resource = ReadableSpan["resource"];
type Scope = ReadableSpan["instrumentationScope"];

// W3C trace flags in the low byte; bit 8 says whether "parent is remote" is known, bit 9 that it is.
const FLAG_HAS_IS_REMOTE = 0x100;
const FLAG_IS_REMOTE = 0x200;
const INT64_MIN = -(2 ** 63);
const INT64_LIMIT = 2 ** 63;

function nanos(time: HrTime): string | undefined {
  const value = BigInt(Math.trunc(time[0])) * 1_000_000_000n + BigInt(Math.trunc(time[1]));
  return value === 0n ? undefined : value.toString();
}

function spanFlags(traceFlags: number, parentIsRemote: boolean | undefined): number {
  return (traceFlags & 0xff) | FLAG_HAS_IS_REMOTE | (parentIsRemote === true ? FLAG_IS_REMOTE : 0);
}

/** Builds an object in the given key order, leaving out undefined, "", 0 and empty arrays. */
function fields(entries: ReadonlyArray<readonly [string, unknown]>): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of entries) {
    if (value === undefined || value === "" || value === 0) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    out[key] = value;
  }
  return out;
}

function doubleValue(value: number): number | string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "Infinity";
  if (value === -Infinity) return "-Infinity";
  return value;
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

function attributes(attrs: Record<string, unknown> | undefined): JsonObject[] {
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

function scope(sc: Scope): JsonObject {
  return fields([
    ["name", sc.name],
    ["version", sc.version],
    ["attributes", attributes((sc as { attributes?: Record<string, unknown> }).attributes)],
  ]);
}

/** An `ExportTraceServiceRequest` for the spans, grouped by resource, then by instrumentation scope. */
export function exportTraceServiceRequest(spans: readonly ReadableSpan[]): JsonObject {
  const byResource = new Map<Resource, Map<string, ReadableSpan[]>>();
  for (const s of spans) {
    let byScope = byResource.get(s.resource);
    if (byScope === undefined) byResource.set(s.resource, (byScope = new Map()));
    const sc = s.instrumentationScope;
    const key = `${sc.name}@${sc.version ?? ""}:${sc.schemaUrl ?? ""}`;
    const group = byScope.get(key);
    if (group === undefined) byScope.set(key, [s]);
    else group.push(s);
  }
  const resourceSpans: JsonObject[] = [];
  for (const [resource, byScope] of byResource) {
    const scopeSpans: JsonObject[] = [];
    for (const group of byScope.values()) {
      const first = group[0]!.instrumentationScope;
      scopeSpans.push(
        fields([
          ["scope", scope(first)],
          ["spans", group.map(span)],
          ["schemaUrl", first.schemaUrl],
        ]),
      );
    }
    resourceSpans.push(
      fields([
        ["resource", fields([["attributes", attributes(resource.attributes)]])],
        ["scopeSpans", scopeSpans],
        ["schemaUrl", resource.schemaUrl],
      ]),
    );
  }
  return fields([["resourceSpans", resourceSpans]]);
}

// JSON.stringify writes \b and \f; the collector's encoder writes \u0008 and \u000c. Every other escape agrees.
// Matching escape pairs left to right keeps an escaped backslash followed by "b" intact.
function collectorEscapes(json: string): string {
  if (!json.includes("\\b") && !json.includes("\\f")) return json;
  return json.replace(/\\(.)/g, (pair, c: string) => (c === "b" ? "\\u0008" : c === "f" ? "\\u000c" : pair));
}

/** One line of the collector's JSON file format (without the newline) for the spans of one export call. */
export function encodeTraceLine(spans: readonly ReadableSpan[]): string {
  return collectorEscapes(JSON.stringify(exportTraceServiceRequest(spans)));
}
