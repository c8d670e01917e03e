// SPDX-License-Identifier: Apache-2.0
import type { OtlpJsonResource } from "@langchain-otel/node/integrity";
import type { LogItem, SpanItem } from "../trail/reader.js";
import { OTLP_STATUS_CODE_ERROR, attributeMap, auditSeqOf, nanosOf, numberAttr, stringAttr, type PlainValue } from "../trail/values.js";
import type { EventView, PayloadView, RecordRef, RunStatus, RunView } from "./model.js";
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_LANGCHAIN_PARENT_RUN_ID,
  ATTR_LANGCHAIN_REDACTIONS_PREFIX,
  ATTR_LANGCHAIN_RUN_ID,
  ATTR_LANGCHAIN_RUN_NAME,
  ATTR_LANGCHAIN_RUN_TYPE,
  ATTR_LANGCHAIN_STATUS,
  EVENT_INTERRUPT,
  EVENT_RUN_END,
  EVENT_RUN_ERROR,
  EVENT_RUN_START,
  PAYLOAD_SHA256_SUFFIX,
  PAYLOAD_SIZE_SUFFIX,
  PAYLOAD_TRUNCATED_SUFFIX,
} from "@langchain-otel/instrumentation/semconv";
import { PAYLOAD_KEYS } from "../trail/payload-keys.js";
import { ATTR_GEN_AI_USAGE_COST } from "@langchain-otel/instrumentation/semconv";
import { hexId } from "./trace-index.js";

/** OTLP `Span.kind` numbers, by name. */
const SPAN_KINDS = ["UNSPECIFIED", "INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"];
/** The `langchain.status` of an end record for a run stopped by a LangGraph interrupt. */
const STATUS_INTERRUPTED = "interrupted";

interface RecordSide {
  readonly attributes: Map<string, PlainValue>;
  readonly timeNanos: bigint;
}

/** What the second pass gathers of one run: its span, if exported, and its audit records. */
class RunParts {
  span: SpanItem | undefined;
  start: RecordSide | undefined;
  end: (RecordSide & { readonly event: string }) | undefined;
  readonly records: RecordRef[] = [];
  resource: OtlpJsonResource | undefined;
}

/** The span ID of a run: the low 64 bits of its UUID (the distro's identity rule). */
function spanIdOfRun(runId: string | undefined): string | undefined {
  const hex = runId?.replaceAll("-", "").toLowerCase();
  return hex !== undefined && /^[0-9a-f]{32}$/.test(hex) ? hex.slice(16) : undefined;
}

function sortedEntries(map: Map<string, PlainValue>): Array<readonly [string, PlainValue]> {
  return [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Splits a run's attributes into payloads, redaction counts and the rest. */
function splitAttributes(attributes: Map<string, PlainValue>): Pick<RunView, "payloads" | "redactions" | "attributes"> {
  const rest = new Map(attributes);
  const payloads: PayloadView[] = [];
  for (const key of PAYLOAD_KEYS) {
    const value = stringAttr(attributes, key);
    const sizeBytes = numberAttr(attributes, key + PAYLOAD_SIZE_SUFFIX);
    const sha256 = stringAttr(attributes, key + PAYLOAD_SHA256_SUFFIX);
    const truncated = attributes.get(key + PAYLOAD_TRUNCATED_SUFFIX) === true;
    for (const k of [key, key + PAYLOAD_SIZE_SUFFIX, key + PAYLOAD_SHA256_SUFFIX, key + PAYLOAD_TRUNCATED_SUFFIX]) rest.delete(k);
    if (value !== undefined || sizeBytes !== undefined || sha256 !== undefined) payloads.push({ key, value, sizeBytes, sha256, truncated });
  }
  const redactions: Array<readonly [string, number]> = [];
  for (const [key, value] of attributes) {
    if (!key.startsWith(ATTR_LANGCHAIN_REDACTIONS_PREFIX)) continue;
    rest.delete(key);
    if (typeof value === "number") redactions.push([key.slice(ATTR_LANGCHAIN_REDACTIONS_PREFIX.length), value]);
  }
  redactions.sort(([a], [b]) => (a < b ? -1 : 1));
  return { payloads, redactions, attributes: sortedEntries(rest) };
}

/** What a run's span and its records say alike: error type, model, tokens, cost, and the attributes split. */
function common(attributes: Map<string, PlainValue>) {
  return {
    errorType: stringAttr(attributes, ATTR_ERROR_TYPE),
    model: stringAttr(attributes, ATTR_GEN_AI_RESPONSE_MODEL) ?? stringAttr(attributes, ATTR_GEN_AI_REQUEST_MODEL),
    inputTokens: numberAttr(attributes, ATTR_GEN_AI_USAGE_INPUT_TOKENS),
    outputTokens: numberAttr(attributes, ATTR_GEN_AI_USAGE_OUTPUT_TOKENS),
    cost: numberAttr(attributes, ATTR_GEN_AI_USAGE_COST),
    ...splitAttributes(attributes),
  };
}

function runFromParts(traceId: string, spanId: string, parts: RunParts): Omit<RunView, "depth"> {
  const records = [...parts.records].sort((a, b) => (a.timeNanos < b.timeNanos ? -1 : a.timeNanos > b.timeNanos ? 1 : 0));
  const resource = sortedEntries(attributeMap(parts.resource?.attributes));
  const key = `${traceId}:${spanId}`;
  const span = parts.span?.span;
  if (span !== undefined) {
    const attributes = attributeMap(span.attributes);
    const events: EventView[] = (Array.isArray(span.events) ? span.events : []).map((e) => ({
      name: typeof e?.name === "string" ? e.name : "?",
      timeNanos: nanosOf(e?.timeUnixNano),
      attributes: sortedEntries(attributeMap(e?.attributes)),
    }));
    const failed = span.status?.code === OTLP_STATUS_CODE_ERROR;
    const status: RunStatus = failed ? "error" : events.some((e) => e.name === EVENT_INTERRUPT) ? "interrupted" : "ok";
    return {
      key,
      traceId,
      spanId,
      parentSpanId: hexId(span.parentSpanId, 16) ?? "",
      runId: stringAttr(attributes, ATTR_LANGCHAIN_RUN_ID),
      name: typeof span.name === "string" && span.name !== "" ? span.name : (stringAttr(attributes, ATTR_LANGCHAIN_RUN_NAME) ?? "(unnamed)"),
      runType: stringAttr(attributes, ATTR_LANGCHAIN_RUN_TYPE),
      kind: typeof span.kind === "number" ? SPAN_KINDS[span.kind] : undefined,
      startNanos: nanosOf(span.startTimeUnixNano),
      endNanos: nanosOf(span.endTimeUnixNano),
      status,
      statusMessage: failed && typeof span.status?.message === "string" && span.status.message !== "" ? span.status.message : undefined,
      ...common(attributes),
      resource,
      events,
      records,
      fromSpan: true,
    };
  }
  // No span: the run as its records tell it. Start attributes first, the end record's win.
  const attributes = new Map([...(parts.start?.attributes ?? []), ...(parts.end?.attributes ?? [])]);
  const status: RunStatus =
    parts.end === undefined ? "open" : parts.end.event === EVENT_RUN_ERROR ? "error" : stringAttr(attributes, ATTR_LANGCHAIN_STATUS) === STATUS_INTERRUPTED ? "interrupted" : "ok";
  const runId = stringAttr(attributes, ATTR_LANGCHAIN_RUN_ID);
  return {
    key,
    traceId,
    spanId,
    parentSpanId: spanIdOfRun(stringAttr(attributes, ATTR_LANGCHAIN_PARENT_RUN_ID)) ?? "",
    runId,
    name: stringAttr(attributes, ATTR_LANGCHAIN_RUN_NAME) ?? "(unnamed)",
    runType: stringAttr(attributes, ATTR_LANGCHAIN_RUN_TYPE),
    kind: undefined,
    startNanos: parts.start?.timeNanos ?? parts.end?.timeNanos ?? 0n,
    endNanos: parts.end?.timeNanos ?? 0n,
    status,
    statusMessage: undefined,
    ...common(attributes),
    resource,
    events: [],
    records,
    fromSpan: false,
  };
}

function byStart(a: Omit<RunView, "depth">, b: Omit<RunView, "depth">): number {
  return a.startNanos < b.startNanos ? -1 : a.startNanos > b.startNanos ? 1 : a.spanId < b.spanId ? -1 : a.spanId > b.spanId ? 1 : 0;
}

/**
 * Orders runs depth first, children in start order, each with its depth. Roots are the runs whose parent is not
 * in the trace; runs caught in a parent cycle (a corrupt trail) are shown as roots rather than lost. Iterative, so
 * a trace nested a million deep does not overflow the stack.
 */
export function treeOrder(runs: ReadonlyArray<Omit<RunView, "depth">>): RunView[] {
  const bySpan = new Map(runs.map((r) => [r.spanId, r]));
  const children = new Map<string, Array<Omit<RunView, "depth">>>();
  for (const run of runs) {
    if (run.parentSpanId === "" || !bySpan.has(run.parentSpanId) || run.parentSpanId === run.spanId) continue;
    const list = children.get(run.parentSpanId);
    if (list === undefined) children.set(run.parentSpanId, [run]);
    else list.push(run);
  }
  for (const list of children.values()) list.sort(byStart);
  const out: RunView[] = [];
  const visited = new Set<string>();
  const walkFrom = (root: Omit<RunView, "depth">): void => {
    const stack: Array<[Omit<RunView, "depth">, number]> = [[root, 0]];
    while (stack.length > 0) {
      const [run, depth] = stack.pop()!;
      if (visited.has(run.spanId)) continue;
      visited.add(run.spanId);
      // A run shown as a root because of a cycle keeps no parent edge in the page.
      out.push({ ...run, parentSpanId: depth === 0 ? rootParent(run, bySpan) : run.parentSpanId, depth });
      const kids = children.get(run.spanId) ?? [];
      for (let i = kids.length - 1; i >= 0; i--) stack.push([kids[i]!, depth + 1]);
    }
  };
  const roots = runs.filter((r) => r.parentSpanId === "" || !bySpan.has(r.parentSpanId) || r.parentSpanId === r.spanId).sort(byStart);
  for (const root of roots) walkFrom(root);
  for (const run of [...runs].sort(byStart)) if (!visited.has(run.spanId)) walkFrom(run);
  return out;
}

/** A root's parent as the page shows it: kept when it is outside the trail (a remote parent), dropped in a cycle. */
function rootParent(run: Omit<RunView, "depth">, bySpan: Map<string, unknown>): string {
  return bySpan.has(run.parentSpanId) ? "" : run.parentSpanId;
}

/**
 * Second pass over a trail: every run of the traces asked for, from spans and audit records, up to a budget of
 * runs. Feed it deduplicated items.
 */
export class TraceBuilder {
  private readonly _traces = new Map<string, Map<string, RunParts>>();
  private _budget: number;
  /** Traces some of whose runs were left out because the budget ran out. */
  readonly truncated = new Set<string>();

  constructor(
    private readonly _traceIds: ReadonlySet<string>,
    maxRuns: number,
  ) {
    this._budget = maxRuns;
  }

  addSpan(item: SpanItem): void {
    const traceId = hexId(item.span.traceId, 32);
    const spanId = hexId(item.span.spanId, 16);
    if (traceId === undefined || spanId === undefined) return;
    const parts = this._parts(traceId, spanId);
    if (parts === undefined || parts.span !== undefined) return;
    parts.span = item;
    parts.resource = item.resource;
  }

  addRecord(item: LogItem, event: string): void {
    if (event !== EVENT_RUN_START && event !== EVENT_RUN_END && event !== EVENT_RUN_ERROR) return;
    const traceId = hexId(item.record.traceId, 32);
    const spanId = hexId(item.record.spanId, 16);
    if (traceId === undefined || spanId === undefined) return;
    const parts = this._parts(traceId, spanId);
    if (parts === undefined) return;
    const attributes = attributeMap(item.record.attributes);
    const timeNanos = nanosOf(item.record.timeUnixNano) || nanosOf(item.record.observedTimeUnixNano);
    parts.records.push({ event, timeNanos, instance: item.instance, seq: auditSeqOf(item.record.attributes), file: item.location.file, line: item.location.line });
    parts.resource ??= item.resource;
    if (event === EVENT_RUN_START) parts.start ??= { attributes, timeNanos };
    else parts.end ??= { attributes, timeNanos, event };
  }

  /** The runs of each trace, in tree order. */
  traces(): Map<string, RunView[]> {
    const out = new Map<string, RunView[]>();
    for (const [traceId, runs] of this._traces) {
      out.set(traceId, treeOrder([...runs].map(([spanId, parts]) => runFromParts(traceId, spanId, parts))));
    }
    return out;
  }

  private _parts(traceId: string, spanId: string): RunParts | undefined {
    if (!this._traceIds.has(traceId)) return undefined;
    let runs = this._traces.get(traceId);
    if (runs === undefined) this._traces.set(traceId, (runs = new Map()));
    let parts = runs.get(spanId);
    if (parts === undefined) {
      if (this._budget === 0) {
        this.truncated.add(traceId);
        return undefined;
      }
      this._budget--;
      runs.set(spanId, (parts = new RunParts()));
    }
    return parts;
  }
}
