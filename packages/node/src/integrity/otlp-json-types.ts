// SPDX-License-Identifier: Apache-2.0
/**
 * OTLP/JSON as read back from a file the collector's file exporter (or the embedded file exporter) wrote: one
 * `ExportTraceServiceRequest` or `ExportLogsServiceRequest` per line. Every field may be missing (zero values
 * are left out) and, as the file is input, any field may hold the wrong type: readers check before trusting.
 */

export interface OtlpJsonAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  /** int64 as a decimal string (some writers use a JSON number). */
  intValue?: string | number;
  /** A number, or "NaN" / "Infinity" / "-Infinity". */
  doubleValue?: number | string;
  /** Base64. */
  bytesValue?: string;
  arrayValue?: { values?: OtlpJsonAnyValue[] };
  kvlistValue?: { values?: OtlpJsonKeyValue[] };
}

export interface OtlpJsonKeyValue {
  key?: string;
  value?: OtlpJsonAnyValue;
}

export interface OtlpJsonResource {
  attributes?: OtlpJsonKeyValue[];
  droppedAttributesCount?: number;
}

export interface OtlpJsonScope {
  name?: string;
  version?: string;
  attributes?: OtlpJsonKeyValue[];
  droppedAttributesCount?: number;
}

export interface OtlpJsonEvent {
  timeUnixNano?: string | number;
  name?: string;
  attributes?: OtlpJsonKeyValue[];
  droppedAttributesCount?: number;
}

export interface OtlpJsonLink {
  traceId?: string;
  spanId?: string;
  traceState?: string;
  attributes?: OtlpJsonKeyValue[];
  droppedAttributesCount?: number;
  flags?: number;
}

export interface OtlpJsonSpan {
  traceId?: string;
  spanId?: string;
  traceState?: string;
  parentSpanId?: string;
  flags?: number;
  name?: string;
  kind?: number;
  startTimeUnixNano?: string | number;
  endTimeUnixNano?: string | number;
  attributes?: OtlpJsonKeyValue[];
  droppedAttributesCount?: number;
  events?: OtlpJsonEvent[];
  droppedEventsCount?: number;
  links?: OtlpJsonLink[];
  droppedLinksCount?: number;
  status?: { message?: string; code?: number };
}

export interface OtlpJsonLogRecord {
  timeUnixNano?: string | number;
  observedTimeUnixNano?: string | number;
  severityNumber?: number;
  severityText?: string;
  body?: OtlpJsonAnyValue;
  attributes?: OtlpJsonKeyValue[];
  droppedAttributesCount?: number;
  flags?: number;
  traceId?: string;
  spanId?: string;
  eventName?: string;
}

export interface OtlpJsonScopeSpans {
  scope?: OtlpJsonScope;
  spans?: OtlpJsonSpan[];
  schemaUrl?: string;
}

export interface OtlpJsonResourceSpans {
  resource?: OtlpJsonResource;
  scopeSpans?: OtlpJsonScopeSpans[];
  schemaUrl?: string;
}

export interface OtlpJsonScopeLogs {
  scope?: OtlpJsonScope;
  logRecords?: OtlpJsonLogRecord[];
  schemaUrl?: string;
}

export interface OtlpJsonResourceLogs {
  resource?: OtlpJsonResource;
  scopeLogs?: OtlpJsonScopeLogs[];
  schemaUrl?: string;
}

/** One line of a traces file. */
export interface OtlpJsonTracesRequest {
  resourceSpans?: OtlpJsonResourceSpans[];
}

/** One line of a logs file. */
export interface OtlpJsonLogsRequest {
  resourceLogs?: OtlpJsonResourceLogs[];
}
