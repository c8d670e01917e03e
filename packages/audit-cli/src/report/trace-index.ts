// SPDX-License-Identifier: Apache-2.0
import type { OtlpJsonResource } from "@langchain-otel/node/integrity";
import type { LogItem, SpanItem, TrailItem } from "../trail/reader.js";
import { OTLP_STATUS_CODE_ERROR, attributeMap, nanosOf, numberAttr, stringAttr, type PlainValue } from "../trail/values.js";
import type { LossView, SessionView, Totals } from "./model.js";
import {
  ATTR_EVENT_NAME,
  ATTR_GEN_AI_USAGE_COST,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_SESSION_ID,
  ATTR_TENANT_ID,
  ATTR_USER_ID,
  EVENT_RUN_END,
  EVENT_RUN_ERROR,
  EVENT_RUN_START,
} from "@langchain-otel/instrumentation/semconv";
import { auditEventOf } from "../trail/audit-event.js";
import { ATTR_SERVICE_NAME, EVENT_AUDIT_CHECKPOINT, EVENT_AUDIT_LOSS } from "./names.js";

/** Loss records kept for the page; all are counted. */
const MAX_LOSSES_LISTED = 1000;

/** Sums over the spans, or over the audit records, of one trace. */
class Usage {
  input = 0;
  output = 0;
  cost: number | undefined;

  add(attributes: Map<string, PlainValue>): void {
    this.input += numberAttr(attributes, ATTR_GEN_AI_USAGE_INPUT_TOKENS) ?? 0;
    this.output += numberAttr(attributes, ATTR_GEN_AI_USAGE_OUTPUT_TOKENS) ?? 0;
    const cost = numberAttr(attributes, ATTR_GEN_AI_USAGE_COST);
    if (cost !== undefined) this.cost = (this.cost ?? 0) + cost;
  }
}

/** What the first pass keeps of a trace: a few numbers, whatever its size. */
export class TraceSummary {
  first = 0n;
  last = 0n;
  spans = 0;
  spanErrors = 0;
  starts = 0;
  ends = 0;
  errorRecords = 0;
  readonly spanUsage = new Usage();
  readonly recordUsage = new Usage();
  session: string | undefined;
  user: string | undefined;
  tenant: string | undefined;
  service: string | undefined;

  constructor(readonly traceId: string) {}

  widen(from: bigint, to: bigint): void {
    if (from !== 0n && (this.first === 0n || from < this.first)) this.first = from;
    if (to > this.last) this.last = to;
    if (from > this.last) this.last = from;
  }

  identify(attributes: Map<string, PlainValue>, resource: OtlpJsonResource | undefined): void {
    this.session ??= stringAttr(attributes, ATTR_SESSION_ID);
    this.user ??= stringAttr(attributes, ATTR_USER_ID);
    this.tenant ??= stringAttr(attributes, ATTR_TENANT_ID);
    this.service ??= stringAttr(attributeMap(resource?.attributes), ATTR_SERVICE_NAME);
  }

  /**
   * A run has a span and a start record, and an end or error record; whichever side has more counts it, so a
   * trail with spans off, or a process killed before its spans were exported, still counts every run.
   */
  totals(): Totals {
    const usage = this.spans > 0 ? this.spanUsage : this.recordUsage;
    return {
      runCount: Math.max(this.spans, this.starts, this.ends + this.errorRecords),
      errorCount: Math.max(this.spanErrors, this.errorRecords),
      inputTokens: usage.input,
      outputTokens: usage.output,
      cost: usage.cost,
    };
  }
}

/** A trace or span ID as the page uses it: lower-case hex, or undefined when missing or all zero. */
export function hexId(value: unknown, digits: 16 | 32): string | undefined {
  if (typeof value !== "string" || value.length !== digits) return undefined;
  const hex = value.toLowerCase();
  return /^[0-9a-f]+$/.test(hex) && !/^0+$/.test(hex) ? hex : undefined;
}

/** A record body as text: a string as is, anything else as JSON; undefined when empty. */
export function bodyText(body: unknown): string | undefined {
  if (typeof body !== "object" || body === null) return undefined;
  const b = body as Record<string, unknown>;
  if (typeof b["stringValue"] === "string") return b["stringValue"];
  return Object.keys(b).length === 0 ? undefined : JSON.stringify(b);
}

/**
 * First pass over a trail: one {@link TraceSummary} per trace, the loss records and the number of checkpoints.
 * Feed it deduplicated items.
 */
export class TraceIndex {
  readonly traces = new Map<string, TraceSummary>();
  readonly losses: LossView[] = [];
  lossCount = 0;
  checkpoints = 0;

  add(item: TrailItem): void {
    if (item.signal === "traces") this._span(item);
    else this._record(item);
  }

  /** Sessions (and the traces without one), oldest first, with their totals. */
  sessions(): SessionView[] {
    const bySession = new Map<string | undefined, TraceSummary[]>();
    for (const trace of this.traces.values()) {
      const list = bySession.get(trace.session);
      if (list === undefined) bySession.set(trace.session, [trace]);
      else list.push(trace);
    }
    const sessions: SessionView[] = [];
    for (const [id, traces] of bySession) {
      traces.sort(byFirst);
      let runs = 0;
      let errors = 0;
      let inputTokens = 0;
      let outputTokens = 0;
      let cost: number | undefined;
      let first = 0n;
      let last = 0n;
      for (const trace of traces) {
        const t = trace.totals();
        runs += t.runCount;
        errors += t.errorCount;
        inputTokens += t.inputTokens;
        outputTokens += t.outputTokens;
        if (t.cost !== undefined) cost = (cost ?? 0) + t.cost;
        if (trace.first !== 0n && (first === 0n || trace.first < first)) first = trace.first;
        if (trace.last > last) last = trace.last;
      }
      sessions.push({
        id,
        user: traces.find((t) => t.user !== undefined)?.user,
        tenant: traces.find((t) => t.tenant !== undefined)?.tenant,
        firstNanos: first,
        lastNanos: last,
        traceIds: traces.map((t) => t.traceId),
        runCount: runs,
        errorCount: errors,
        inputTokens,
        outputTokens,
        cost,
      });
    }
    // Traces without a session last; sessions by first time, then id.
    return sessions.sort((a, b) => {
      if ((a.id === undefined) !== (b.id === undefined)) return a.id === undefined ? 1 : -1;
      return a.firstNanos < b.firstNanos ? -1 : a.firstNanos > b.firstNanos ? 1 : (a.id ?? "") < (b.id ?? "") ? -1 : 1;
    });
  }

  private _trace(traceId: string): TraceSummary {
    let trace = this.traces.get(traceId);
    if (trace === undefined) this.traces.set(traceId, (trace = new TraceSummary(traceId)));
    return trace;
  }

  private _span(item: SpanItem): void {
    const traceId = hexId(item.span.traceId, 32);
    if (traceId === undefined) return;
    const attributes = attributeMap(item.span.attributes);
    const trace = this._trace(traceId);
    trace.identify(attributes, item.resource);
    trace.widen(nanosOf(item.span.startTimeUnixNano), nanosOf(item.span.endTimeUnixNano));
    trace.spans++;
    if (item.span.status?.code === OTLP_STATUS_CODE_ERROR) trace.spanErrors++;
    trace.spanUsage.add(attributes);
  }

  private _record(item: LogItem): void {
    const attributes = attributeMap(item.record.attributes);
    const event = auditEventOf(item, attributes);
    if (event === EVENT_AUDIT_LOSS) {
      this.lossCount++;
      if (this.losses.length < MAX_LOSSES_LISTED) {
        this.losses.push({
          timeNanos: nanosOf(item.record.timeUnixNano) || nanosOf(item.record.observedTimeUnixNano),
          instance: item.instance,
          body: bodyText(item.record.body),
          attributes: [...attributes].filter(([key]) => key !== ATTR_EVENT_NAME).sort(([a], [b]) => (a < b ? -1 : 1)),
          file: item.location.file,
          line: item.location.line,
        });
      }
      return;
    }
    if (event === EVENT_AUDIT_CHECKPOINT) {
      this.checkpoints++;
      return;
    }
    if (event !== EVENT_RUN_START && event !== EVENT_RUN_END && event !== EVENT_RUN_ERROR) return;
    const traceId = hexId(item.record.traceId, 32);
    if (traceId === undefined) return;
    const trace = this._trace(traceId);
    trace.identify(attributes, item.resource);
    const time = nanosOf(item.record.timeUnixNano);
    trace.widen(time, time);
    if (event === EVENT_RUN_START) trace.starts++;
    else {
      if (event === EVENT_RUN_ERROR) trace.errorRecords++;
      else trace.ends++;
      trace.recordUsage.add(attributes);
    }
  }
}

function byFirst(a: TraceSummary, b: TraceSummary): number {
  return a.first < b.first ? -1 : a.first > b.first ? 1 : a.traceId < b.traceId ? -1 : 1;
}
