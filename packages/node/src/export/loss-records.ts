// SPDX-License-Identifier: Apache-2.0
import { randomBytes } from "node:crypto";
import { SeverityNumber } from "@opentelemetry/api-logs";
import { SpanKind, SpanStatusCode, TraceFlags, type AnyValue, type Attributes, type HrTime } from "@opentelemetry/api";
import type { InstrumentationScope } from "@opentelemetry/core";
import type { Resource } from "@opentelemetry/resources";
import type { ReadWriteLogRecord } from "@opentelemetry/sdk-logs";
import type { ReadableSpan } from "@opentelemetry/sdk-trace";
import {
  ATTR_AUDIT_LOSS_COUNT,
  ATTR_AUDIT_LOSS_FIRST_SEQ,
  ATTR_AUDIT_LOSS_LAST_SEQ,
  ATTR_AUDIT_LOSS_REASON,
  ATTR_AUDIT_LOSS_SIGNAL,
  ATTR_EVENT_NAME,
  EVENT_AUDIT_LOSS,
} from "@langchain-otel/instrumentation/semconv";
import { PACKAGE_NAME } from "../diag.js";
import type { LossRange } from "./loss-ledger.js";

/**
 * The loss records made here, with the range each reports. They are taken by a full queue (the one record that
 * must not be dropped for lack of room), and a loss record that is itself lost gives its range back to the ledger.
 */
const LOSS_RANGES = new WeakMap<object, LossRange>();

/** Whether a span or log record is a loss record made here (the export queue takes it even when full). */
export function isLossRecord(record: object): boolean {
  return LOSS_RANGES.has(record);
}

/** The range a loss record made here reports; undefined for any other span or record. */
export function lossRangeOf(record: unknown): LossRange | undefined {
  return typeof record === "object" && record !== null ? LOSS_RANGES.get(record) : undefined;
}

const SCOPE: InstrumentationScope = { name: PACKAGE_NAME };
const NOUNS = { traces: "spans", logs: "audit records" } as const;

function now(): HrTime {
  const millis = Date.now();
  return [Math.floor(millis / 1000), (millis % 1000) * 1_000_000];
}

function lossAttributes(range: LossRange): Attributes {
  const attributes: Attributes = {
    [ATTR_EVENT_NAME]: EVENT_AUDIT_LOSS,
    [ATTR_AUDIT_LOSS_SIGNAL]: range.signal,
    [ATTR_AUDIT_LOSS_COUNT]: range.count,
    [ATTR_AUDIT_LOSS_REASON]: range.reason,
  };
  if (range.firstSeq !== undefined) attributes[ATTR_AUDIT_LOSS_FIRST_SEQ] = range.firstSeq;
  if (range.lastSeq !== undefined) attributes[ATTR_AUDIT_LOSS_LAST_SEQ] = range.lastSeq;
  return attributes;
}

/** What a loss record says in words (its body, and a span's status). */
export function lossText(range: LossRange): string {
  const seqs = range.firstSeq === undefined ? "" : ` (audit.seq ${range.firstSeq}–${range.lastSeq} of this process's ${range.signal} chain)`;
  return `${range.count} ${NOUNS[range.signal]} lost before they were written${seqs}: ${range.reason}`;
}

/**
 * A `langchain.audit.loss` log record for a range, on `resource`, ready for the log integrity processor: it is
 * stamped and chained like any record, so the verifier finds it in the trail and reports the loss.
 */
export function lossLogRecord(range: LossRange, resource: Resource): ReadWriteLogRecord {
  const time = now();
  const attributes: Record<string, AnyValue> = { ...lossAttributes(range) };
  const record: ReadWriteLogRecord = {
    hrTime: time,
    hrTimeObserved: time,
    resource,
    instrumentationScope: SCOPE,
    attributes,
    severityNumber: SeverityNumber.WARN,
    severityText: "WARN",
    body: lossText(range),
    eventName: EVENT_AUDIT_LOSS,
    droppedAttributesCount: 0,
    setAttribute(key, value) {
      if (value !== undefined) attributes[key] = value;
      return record;
    },
    setAttributes(more) {
      for (const [key, value] of Object.entries(more)) record.setAttribute(key, value);
      return record;
    },
    setBody(body) {
      record.body = body;
      return record;
    },
    setEventName(name: string) {
      record.eventName = name;
      return record;
    },
    setSeverityNumber(severity: SeverityNumber) {
      record.severityNumber = severity;
      return record;
    },
    setSeverityText(text: string) {
      record.severityText = text;
      return record;
    },
  } as ReadWriteLogRecord;
  LOSS_RANGES.set(record, range);
  return record;
}

/** The same as a span named `langchain.audit.loss`, for a process whose audit records are off. */
export function lossSpan(range: LossRange, resource: Resource): ReadableSpan {
  const time = now();
  const context = { traceId: randomBytes(16).toString("hex"), spanId: randomBytes(8).toString("hex"), traceFlags: TraceFlags.SAMPLED };
  const span: ReadableSpan = {
    name: EVENT_AUDIT_LOSS,
    kind: SpanKind.INTERNAL,
    spanContext: () => context,
    startTime: time,
    endTime: time,
    status: { code: SpanStatusCode.ERROR, message: lossText(range) },
    attributes: { ...lossAttributes(range) },
    links: [],
    events: [],
    duration: [0, 0],
    ended: true,
    resource,
    instrumentationScope: SCOPE,
    droppedAttributesCount: 0,
    droppedEventsCount: 0,
    droppedLinksCount: 0,
  };
  LOSS_RANGES.set(span, range);
  return span;
}
