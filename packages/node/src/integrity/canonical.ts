// SPDX-License-Identifier: Apache-2.0
/**
 * The canonical form of a span or log record: the object whose canonical JSON is hashed into the audit chain.
 * Both adapters ({@link ./from-sdk.ts} for SDK objects in the exporting process, {@link ./from-otlp-json.ts} for
 * records read back from an OTLP/JSON file) produce it, and must produce the same object for the same record.
 * README.md in this directory is the specification.
 */
import { CanonicalJsonText, canonicalJson } from "./canonical-json.js";

/**
 * An attribute value (or log body), typed as OTLP types it so both sides agree:
 * `{"s": string}`, `{"i": decimal int64 string}`, `{"d": number | "NaN" | "Infinity" | "-Infinity"}`,
 * `{"b": boolean}`, `{"a": TypedValue[]}`, `{"m": {key: TypedValue}}`, `{"x": base64 bytes}`, or `null` for an
 * empty value (an OTLP `AnyValue` with nothing set).
 */
export type TypedValue =
  | { readonly s: string }
  | { readonly i: string }
  | { readonly d: number | "NaN" | "Infinity" | "-Infinity" }
  | { readonly b: boolean }
  | { readonly a: readonly TypedValue[] }
  | { readonly m: CanonicalAttributes }
  | { readonly x: string }
  | null;

/** Attributes by key (a null-prototype object, so any key, `__proto__` included, is plain data). */
export type CanonicalAttributes = { readonly [key: string]: TypedValue };

/** A span event in canonical form. (Type aliases, not interfaces, so they are plain JSON values to the type checker.) */
export type CanonicalEvent = {
  readonly attributes: CanonicalAttributes;
  readonly droppedAttributesCount: number;
  readonly name: string;
  readonly timeUnixNano: string;
};

/** A span link in canonical form. */
export type CanonicalLink = {
  readonly attributes: CanonicalAttributes;
  readonly droppedAttributesCount: number;
  /** OTLP span flags of the linked context: W3C trace flags, plus 0x100 ("is remote" known) and 0x200 (remote). */
  readonly flags: number;
  readonly spanId: string;
  readonly traceId: string;
  readonly traceState: string;
};

/** The resource of a record in canonical form (its `service.instance.id` also names the record's chain). */
export type CanonicalResource = {
  readonly attributes: CanonicalAttributes;
  readonly schemaUrl: string;
};

/** The instrumentation scope of a record in canonical form. */
export type CanonicalScope = {
  readonly attributes: CanonicalAttributes;
  readonly name: string;
  readonly schemaUrl: string;
  readonly version: string;
};

/**
 * A span in canonical form. `resource` and `scope` are the canonical JSON of a {@link CanonicalResource} and a
 * {@link CanonicalScope}, written once per resource and scope and shared by their records.
 */
export type CanonicalSpan = {
  readonly attributes: CanonicalAttributes;
  readonly droppedAttributesCount: number;
  readonly droppedEventsCount: number;
  readonly droppedLinksCount: number;
  readonly endTimeUnixNano: string;
  readonly events: readonly CanonicalEvent[];
  /** OTLP span flags: W3C trace flags, plus 0x100 ("parent is remote" known) and 0x200 (parent is remote). */
  readonly flags: number;
  /** OTLP span kind: UNSPECIFIED 0, INTERNAL 1, SERVER 2, CLIENT 3, PRODUCER 4, CONSUMER 5 (API kind + 1). */
  readonly kind: number;
  readonly links: readonly CanonicalLink[];
  readonly name: string;
  /** "" for a root span. */
  readonly parentSpanId: string;
  readonly resource: CanonicalJsonText;
  readonly scope: CanonicalJsonText;
  readonly spanId: string;
  readonly startTimeUnixNano: string;
  readonly status: { readonly code: number; readonly message: string };
  readonly traceId: string;
  /** W3C `tracestate` as the exporter serializes it; "" when there is none. */
  readonly traceState: string;
};

/** A log record in canonical form (`resource` and `scope` as in {@link CanonicalSpan}). */
export type CanonicalLogRecord = {
  readonly attributes: CanonicalAttributes;
  readonly body: TypedValue;
  readonly droppedAttributesCount: number;
  readonly eventName: string;
  /** W3C trace flags of the record's span context; 0 without one. */
  readonly flags: number;
  readonly observedTimeUnixNano: string;
  readonly resource: CanonicalJsonText;
  readonly scope: CanonicalJsonText;
  readonly severityNumber: number;
  readonly severityText: string;
  /** "" when the record has no span context. */
  readonly spanId: string;
  readonly timeUnixNano: string;
  readonly traceId: string;
};

/** Either canonical record. */
export type CanonicalRecord = CanonicalSpan | CanonicalLogRecord;

/** The signal a chain belongs to; one chain per `service.instance.id` and signal. */
export type AuditSignal = "traces" | "logs";

type MaybeWellFormed = string & { isWellFormed(): boolean; toWellFormed(): string };

/**
 * The string with each lone surrogate replaced by U+FFFD, as a UTF-8 encoder on the way to the collector does,
 * so a string that cannot be encoded in UTF-8 hashes alike before and after the trip.
 */
export function wellFormed(value: string): string {
  const s = value as MaybeWellFormed;
  return s.isWellFormed() ? value : s.toWellFormed();
}

/** An ID as the canonical form holds it: lower-case hex, and "" for a missing or all-zero ID (OTLP's "no ID"). */
export function canonicalId(id: string | undefined): string {
  if (id === undefined || id === "") return "";
  const lower = id.toLowerCase();
  return /^0+$/.test(lower) ? "" : lower;
}

/** A null-prototype object, so attribute keys such as `__proto__` are stored as data. */
export function emptyAttributes(): Record<string, TypedValue> {
  return Object.create(null) as Record<string, TypedValue>;
}

// W3C trace flags in the low byte; bit 8 says whether "is remote" is known, bit 9 that it is (OTLP SpanFlags).
const FLAG_HAS_IS_REMOTE = 0x100;
const FLAG_IS_REMOTE = 0x200;

/** OTLP span flags of a span (or link) context, as the OTLP exporters write them. */
export function spanFlags(traceFlags: number, isRemote: boolean | undefined): number {
  return (traceFlags & 0xff) | FLAG_HAS_IS_REMOTE | (isRemote === true ? FLAG_IS_REMOTE : 0);
}

/** The canonical JSON of a resource, as the value a record's canonical form holds. */
export function resourceText(resource: CanonicalResource): CanonicalJsonText {
  return new CanonicalJsonText(canonicalJson(resource));
}

/** The canonical JSON of an instrumentation scope, as the value a record's canonical form holds. */
export function scopeText(scope: CanonicalScope): CanonicalJsonText {
  return new CanonicalJsonText(canonicalJson(scope));
}
