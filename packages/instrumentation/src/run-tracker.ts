// SPDX-License-Identifier: Apache-2.0
import {
  context,
  INVALID_SPANID,
  INVALID_TRACEID,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Attributes,
  type AttributeValue,
  type Context,
  type DiagLogger,
  type Logger,
  type Span,
  type SpanContext,
  type Tracer,
} from "@opentelemetry/api";
import type { RunInfo, RunType } from "./types.js";
import type { ResolvedTracingOptions } from "./options.js";
import { RunRegistry, type RunState } from "./run-registry.js";
import { idsFromRunId, randomSpanId, randomTraceId, withPendingRunIds } from "./ids.js";
import { emitRunEnd, emitRunStart, type RunStatus } from "./audit-records.js";
import { spanNaming, type SerializedLike } from "./span-naming.js";
import { contextAttributes, getAuditContext } from "./audit-context.js";
import { metadataAttributes } from "./attributes.js";
import { exportedText, redactAttributes } from "./content.js";
import { errorTypeOf, isControlFlowSignal, recordError } from "./errors.js";
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_LANGCHAIN_ABANDON_REASON,
  ATTR_LANGCHAIN_SIGNAL,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_LANGCHAIN_PARENT_RUN_ID,
  ATTR_LANGCHAIN_RUN_ID,
  ATTR_LANGCHAIN_RUN_NAME,
  ATTR_LANGCHAIN_RUN_TYPE,
  ATTR_LANGCHAIN_SERIALIZED_ID,
  ATTR_LANGCHAIN_REDACTIONS_PREFIX,
  ATTR_LANGCHAIN_TAGS,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  EVENT_FIRST_CHUNK,
  ERROR_TYPE_RUN_ABANDONED,
  ATTR_LANGCHAIN_EXIT_REASON,
  EVENT_INTERRUPT,
} from "./semconv.js";

type Dict = Record<string, unknown>;

/** How the process is ending, for the runs still open then. */
export interface RunExit {
  /** `error.type` of each: the uncaught error's class, the signal's name, or `ProcessExit`. */
  readonly errorType: string;
  /** `langchain.exit.reason`: `exit`, `uncaught_exception`, `unhandled_rejection` or `signal`. */
  readonly reason: string;
}

/** How a run start is described to {@link RunTracker.start}. */
export interface RunStart {
  runId: string;
  parentRunId: string | undefined;
  runType: RunType;
  name: string;
  tags: unknown;
  metadata: Dict;
  serialized: SerializedLike | undefined;
  model?: string | undefined;
  /** Adds run-type specific attributes (request params, payloads). */
  attributes?: (attrs: Record<string, AttributeValue>) => void;
}

/** What the tracker shows of an open run to the code that describes or observes its end. */
export type RunView = Pick<
  Readonly<RunState>,
  "info" | "identity" | "startedAtMillis" | "firstChunkAtMillis" | "chunkCount" | "startRedactions"
>;

/** Adds end attributes of a run. */
export type EndAttributes = (run: RunView, attrs: Record<string, AttributeValue>) => void;

/** How a run that returned (rather than threw) is described to {@link RunTracker.end}. */
export interface RunEnd {
  /** The run's output, for the span end hook. */
  output: unknown;
  /**
   * Set when the run returned a result that reports a failure (a tool's error `ToolMessage`): the run ends with
   * status ERROR and `error.type` = `type`, though nothing was thrown.
   */
  failure?: { type: string; message: string } | undefined;
  /** Facts about the end that metrics read too (usage, response model): always computed. */
  attributes?: EndAttributes | undefined;
  /** Payload attributes: computed only when a span or record will carry them. */
  payloads?: EndAttributes | undefined;
}

/** How a run ended, as {@link RunObserver.ended} is told. */
export interface RunOutcome {
  status: RunStatus;
  /** The end attributes the span and the end record got (`error.type` among them for a failure). */
  attributes: Readonly<Record<string, AttributeValue>>;
  durationMillis: number;
}

/** Told about streamed chunks and ends of every run (metrics); its calls are guarded. */
export interface RunObserver {
  /** A streamed chunk after the first: milliseconds since the previous chunk. */
  chunkInterval(run: RunView, millis: number): void;
  ended(run: RunView, outcome: RunOutcome): void;
}

/** Where the tracker gets its telemetry and options (they can change after construction). */
export interface TrackerSource {
  tracer: () => Tracer;
  logger: () => Logger;
  options: () => ResolvedTracingOptions;
  diag: DiagLogger;
  /**
   * The clock for durations, time to first chunk and the TTL, in milliseconds.
   * @default performance.now
   */
  now?: () => number;
  /** Told about chunks and ends (metrics). */
  observer?: RunObserver;
}

/**
 * How long runs a finished root left open get to report their own end: LangChain reports an abandoned stream's
 * AbortError for a child just after its root failed, and that error (not ours) belongs on the child's span.
 * Never longer than `runTtlMillis`.
 */
export const ORPHAN_GRACE_MILLIS = 1_000;

/** End attributes for the span: redaction counts summed with the start's, so the span holds the run's totals. */
function withStartCounts(attrs: Readonly<Record<string, AttributeValue>>, start: Readonly<Record<string, number>> | undefined): Attributes {
  if (start === undefined) return attrs;
  let out: Record<string, AttributeValue> | undefined;
  for (const key of Object.keys(attrs)) {
    if (start[key] === undefined) continue;
    out ??= { ...attrs };
    out[key] = (attrs[key] as number) + start[key];
  }
  return out ?? attrs;
}

/** The redaction counts among start attributes, kept so the span's end totals include them. */
function redactionCounts(attrs: Readonly<Record<string, AttributeValue>>): Record<string, number> | undefined {
  let counts: Record<string, number> | undefined;
  for (const key of Object.keys(attrs)) {
    if (key.startsWith(ATTR_LANGCHAIN_REDACTIONS_PREFIX)) (counts ??= {})[key] = attrs[key] as number;
  }
  return counts;
}

/** What a root run inherits: nothing (shared, never written). */
const NOTHING_INHERITED: Readonly<Record<string, string>> = Object.freeze({});

/** Identity attributes a run's start attributes can add (model runs): repeated on its audit records. */
const IDENTITY_FROM_START = [ATTR_GEN_AI_REQUEST_MODEL, ATTR_GEN_AI_PROVIDER_NAME, ATTR_SERVER_ADDRESS, ATTR_SERVER_PORT] as const;

/**
 * Whether a run's own span context is valid. It came from the SDK's ID generator, from ours, or is the API's
 * invalid context (tracing suppressed, no SDK), so comparing with the invalid IDs decides it without the API's
 * regular expressions.
 */
function isOurValidSpanContext(spanContext: SpanContext): boolean {
  return spanContext.traceId !== INVALID_TRACEID && spanContext.spanId !== INVALID_SPANID;
}

/** A serialized class's `id` path (`["langchain_core", "prompts", ...]`) joined with dots; undefined unless all strings. */
function dottedId(id: unknown): string | undefined {
  if (!Array.isArray(id) || id.length === 0) return Array.isArray(id) ? "" : undefined;
  let joined = "";
  for (let i = 0; i < id.length; i++) {
    const item: unknown = id[i];
    // A hole is skipped by the check and joins as "" (as `every` and `join` treat it).
    if (typeof item !== "string" && i in id) return undefined;
    const part = typeof item === "string" ? item : "";
    joined = i === 0 ? part : `${joined}.${part}`;
  }
  return joined;
}

function asTags(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((t): t is string => typeof t === "string") : [];
}

/**
 * The lifecycle of runs: opens a span (and a start record) per run with run-derived IDs, ends it exactly once
 * (with an end or error record), and ends runs that never report an end (their root ended, their TTL passed,
 * shutdown). The one owner of run state. Knows nothing of LangChain's callback signatures or payload keys:
 * {@link OpenTelemetryCallbackHandler} maps those.
 */
export class RunTracker {
  private readonly _runs = new RunRegistry();
  private readonly _getTracer: () => Tracer;
  private readonly _getLogger: () => Logger;
  private readonly _getOptions: () => ResolvedTracingOptions;
  private readonly _diag: DiagLogger;
  private readonly _now: () => number;
  private readonly _observer: RunObserver | undefined;
  private _ttlTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(source: TrackerSource) {
    this._getTracer = source.tracer;
    this._getLogger = source.logger;
    this._getOptions = source.options;
    this._diag = source.diag;
    this._now = source.now ?? (() => performance.now());
    this._observer = source.observer;
  }

  private get _options(): ResolvedTracingOptions {
    return this._getOptions();
  }

  /** Runs started and not yet ended. */
  get openRunCount(): number {
    return this._runs.size;
  }

  /** The context in which a run's children start (its span active), while the run is open. */
  contextForRun(runId: string | undefined): Context | undefined {
    return this._runs.get(runId)?.context;
  }

  /**
   * Ends every open run as ERROR: `RunAbandoned` with `reason`, or, when the process is ending, `exit.errorType`
   * with `langchain.exit.reason` = `exit.reason`. Synchronous, so it can run in `process.on("exit")`.
   */
  endAll(reason: string, exit?: RunExit): void {
    for (const state of this._runs.all()) this._abandon(state, reason, exit);
  }

  /** Counts one streamed chunk of an open run; the first is timed and marked with an event on the span. */
  recordChunk(runId: string): void {
    const state = this._runs.get(runId);
    if (state === undefined) return;
    state.chunkCount++;
    const now = this._now();
    const previous = state.lastChunkAtMillis;
    state.lastChunkAtMillis = now;
    if (previous === undefined) {
      state.firstChunkAtMillis = now;
      state.span.addEvent(EVENT_FIRST_CHUNK);
    } else if (this._observer !== undefined) {
      const observer = this._observer;
      this._guard("metrics", () => observer.chunkInterval(state, now - previous));
    }
  }

  /**
   * Gives an open run of type `from` a new type and name once its shape shows what it is (a graph that turns out
   * to be an agent): span name, `langchain.run_type`, `gen_ai.operation.name` and `describe`'s attributes on the
   * span and on its end record. Its start record, already written, keeps the first type. What is exported is
   * described from the run's exported (already redacted) name; the hooks' {@link RunInfo} from its own name.
   */
  reclassify(
    runId: string,
    from: RunType,
    to: RunType,
    describe: (name: string) => { name: string; attributes: Record<string, AttributeValue> },
  ): void {
    const state = this._runs.get(runId);
    if (state === undefined || state.info.runType !== from) return;
    const exportedName = state.identity[ATTR_LANGCHAIN_RUN_NAME];
    const { name, attributes } = describe(typeof exportedName === "string" ? exportedName : state.info.name);
    const { spanName, operation } = spanNaming(to, name, undefined);
    const changed: Record<string, AttributeValue> = { ...attributes, [ATTR_LANGCHAIN_RUN_TYPE]: to, [ATTR_LANGCHAIN_RUN_NAME]: name };
    if (operation !== undefined) changed[ATTR_GEN_AI_OPERATION_NAME] = operation;
    state.info = { ...state.info, runType: to, name: describe(state.info.name).name };
    state.identity = { ...state.identity, ...changed };
    state.span.updateName(spanName);
    state.span.setAttributes(changed);
  }

  /**
   * Adds an event to an open run's span; `attributes` is built only when the run is open, and goes through the one
   * redaction entry point (an event's user-given strings: a custom event's name, an agent's tool name).
   */
  addEvent(runId: string, name: string, attributes: () => Attributes): void {
    const state = this._runs.get(runId);
    if (state !== undefined) state.span.addEvent(name, redactAttributes(attributes() as Record<string, AttributeValue>, this._options));
  }

  /** Opens a run: its span (or, with spans off, its IDs), its start record, its registry entry. */
  start(run: RunStart): void {
    if (typeof run.runId !== "string" || this._runs.get(run.runId) !== undefined) return;
    const parent = this._runs.get(run.parentRunId);
    const parentContext = parent?.context ?? context.active();
    const metadata = run.metadata;
    const options = this._options;
    // Start attributes collect their own redaction counts. Every string is redacted before any span or record
    // exists: the run and model names first, since the span name is made of them.
    const attrs: Record<string, AttributeValue> = {};
    const name = exportedText(run.name, options, attrs);
    const model = run.model === undefined ? undefined : exportedText(run.model, options, attrs);
    const { spanName, kind, operation } = spanNaming(run.runType, name, model);

    // Parent's identity, then this run's audit context and metadata (awaited callbacks run in the caller's context).
    // The runs of a trace usually name the same identity: they share their parent's object until one differs.
    const parentInherited = parent?.inherited ?? NOTHING_INHERITED;
    let inherited = parentInherited;
    const ids = contextAttributes(metadata, options.contextKeys, getAuditContext());
    for (const key in ids) {
      // Identity values are redacted too (an email as user id).
      const value = exportedText(ids[key]!, options, attrs);
      if (inherited[key] === value) continue;
      if (inherited === parentInherited) inherited = { ...parentInherited };
      (inherited as Record<string, string>)[key] = value;
    }

    // Identity: on the span, and repeated on every audit record of the run.
    const identity: Record<string, AttributeValue> = {
      [ATTR_LANGCHAIN_RUN_ID]: run.runId,
      [ATTR_LANGCHAIN_RUN_TYPE]: run.runType,
      [ATTR_LANGCHAIN_RUN_NAME]: name,
    };
    if (typeof run.parentRunId === "string") identity[ATTR_LANGCHAIN_PARENT_RUN_ID] = run.parentRunId;
    if (operation !== undefined) identity[ATTR_GEN_AI_OPERATION_NAME] = operation;
    Object.assign(identity, inherited);

    const serializedId = dottedId(run.serialized?.id);
    if (serializedId !== undefined) attrs[ATTR_LANGCHAIN_SERIALIZED_ID] = serializedId;
    const tags = asTags(run.tags);
    if (tags.length > 0) attrs[ATTR_LANGCHAIN_TAGS] = tags;
    Object.assign(attrs, metadataAttributes(metadata, options, attrs));
    run.attributes?.(attrs);
    // Tags, ids and everything the handler added (tool names, descriptions, model parameters) through the one
    // redaction entry point; payloads, metadata and identity are redacted already.
    redactAttributes(attrs, options);
    Object.assign(attrs, identity);
    for (const key of IDENTITY_FROM_START) {
      if (attrs[key] !== undefined) identity[key] = attrs[key];
    }

    const span = this._openSpan(run.runId, spanName, kind, attrs, parentContext, parent !== undefined);
    const info: RunInfo = {
      runId: run.runId,
      parentRunId: run.parentRunId,
      runType: run.runType,
      name: run.name,
      tags,
      metadata,
    };
    const runContext = trace.setSpan(parentContext, span);
    this._runs.add({
      span,
      context: runContext,
      info,
      rootRunId: parent?.rootRunId ?? run.runId,
      inherited,
      identity,
      startedAtMillis: this._now(),
      firstChunkAtMillis: undefined,
      lastChunkAtMillis: undefined,
      chunkCount: 0,
      startRedactions: options.redactor === undefined ? undefined : redactionCounts(attrs),
    });
    this._armTtl();
    if (options.emitAuditRecords) {
      this._guard("audit start record", () => emitRunStart(this._getLogger(), runContext, attrs));
    }
    const hook = options.spanStartHook;
    if (hook !== undefined) this._guard("spanStartHook", () => hook(span, info));
  }

  /**
   * The run's span: started through the tracer with run-derived IDs, or, with spans turned off, a non-recording
   * span that only carries those IDs so audit records still name the run's trace and span.
   */
  private _openSpan(
    runId: string,
    spanName: string,
    kind: ReturnType<typeof spanNaming>["kind"],
    attrs: Record<string, AttributeValue>,
    parentContext: Context,
    parentIsRun: boolean,
  ): Span {
    // A root run outside any span starts a trace named by its run ID; inside one it joins that trace.
    const parentSpanContext = trace.getSpanContext(parentContext);
    const joinsTrace = parentSpanContext !== undefined && (parentIsRun ? isOurValidSpanContext(parentSpanContext) : trace.isSpanContextValid(parentSpanContext));
    const ids = idsFromRunId(runId);
    if (this._options.emitSpans) {
      const tracer = this._getTracer();
      return withPendingRunIds(joinsTrace ? undefined : ids.traceId, ids.spanId, () =>
        tracer.startSpan(spanName, { kind, attributes: attrs }, parentContext),
      );
    }
    return trace.wrapSpanContext({
      traceId: joinsTrace ? parentSpanContext.traceId : (ids.traceId ?? randomTraceId()),
      spanId: ids.spanId ?? randomSpanId(),
      traceFlags: TraceFlags.SAMPLED,
    });
  }

  /**
   * Ends a run that returned: its end attributes, its end record (an error record when `end.failure` says the
   * result reports a failure), the span. A root's end also ends the runs it left open.
   */
  end(runId: string, end: RunEnd): void {
    this._close(runId, (state, attrs) => {
      const { span } = state;
      let status: RunStatus = "ok";
      if (end.failure !== undefined) {
        status = "error";
        span.setStatus({ code: SpanStatusCode.ERROR, message: exportedText(end.failure.message, this._options, attrs) });
        attrs[ATTR_ERROR_TYPE] = end.failure.type;
      }
      end.attributes?.(state, attrs);
      if (end.payloads !== undefined && (this._options.emitAuditRecords || span.isRecording())) {
        end.payloads(state, attrs);
      }
      // Response model and id, finish reasons, error.type: through the one redaction entry point.
      redactAttributes(attrs, this._options);
      if (Object.keys(attrs).length > 0) span.setAttributes(withStartCounts(attrs, state.startRedactions));
      return { status, result: { output: end.output } };
    });
  }

  /**
   * Ends a run that threw: status ERROR, `error.type` and an exception event, its error record; LangGraph control
   * flow (interrupts) ends it as `interrupted` instead, status unset. A root's end also ends the runs it left open.
   */
  fail(runId: string, error: unknown, payloads?: EndAttributes): void {
    this._close(runId, (state, attrs) => {
      const { span } = state;
      if (payloads !== undefined && (this._options.emitAuditRecords || span.isRecording())) {
        payloads(state, attrs);
        span.setAttributes(withStartCounts(attrs, state.startRedactions));
      }
      if (isControlFlowSignal(error)) {
        attrs[ATTR_LANGCHAIN_SIGNAL] = exportedText(errorTypeOf(error), this._options, attrs);
        span.addEvent(EVENT_INTERRUPT, { [ATTR_LANGCHAIN_SIGNAL]: attrs[ATTR_LANGCHAIN_SIGNAL] });
        return { status: "interrupted", result: { error } };
      }
      Object.assign(attrs, recordError(span, error, this._options.contentPolicy, (text) => exportedText(text, this._options, attrs)));
      const counts = redactionCounts(attrs);
      if (counts !== undefined) span.setAttributes(withStartCounts(counts, state.startRedactions));
      return { status: "error", result: { error } };
    });
  }

  /**
   * Ends a run exactly once: `describe` sets the span's end state and returns the record's status and what the end
   * hook is told; then the end record, the hook, the span's end; a root's end also ends the runs it left open.
   */
  private _close(
    runId: string,
    describe: (state: RunState, attrs: Record<string, AttributeValue>) => { status: RunStatus; result: { output?: unknown; error?: unknown } },
  ): void {
    const state = this._runs.remove(runId);
    if (state === undefined) return;
    const { span } = state;
    const attrs: Record<string, AttributeValue> = {};
    try {
      const { status, result } = describe(state, attrs);
      const duration = this._now() - state.startedAtMillis;
      if (this._options.emitAuditRecords) {
        this._guard("audit end record", () => emitRunEnd(this._getLogger(), state.context, state.identity, attrs, status, duration));
      }
      const hook = this._options.spanEndHook;
      if (hook !== undefined) this._guard("spanEndHook", () => hook(span, state.info, result));
      this._observeEnd(state, { status, attributes: attrs, durationMillis: duration });
    } finally {
      span.end();
      if (state.rootRunId === runId) this._closeTree(runId);
      this._disarmTtlIfIdle();
    }
  }

  /**
   * Ends the runs a finished root left open (abandoned streams, lost callbacks) after {@link ORPHAN_GRACE_MILLIS},
   * unless they report their own end or error first.
   */
  private _closeTree(rootRunId: string): void {
    if (this._runs.openInTree(rootRunId).length === 0) return;
    const timer = setTimeout(() => {
      for (const state of this._runs.openInTree(rootRunId)) this._abandon(state, "its root run ended before it");
    }, Math.min(ORPHAN_GRACE_MILLIS, this._options.runTtlMillis));
    timer.unref?.();
  }

  private _observeEnd(state: RunState, outcome: RunOutcome): void {
    const observer = this._observer;
    if (observer !== undefined) this._guard("metrics", () => observer.ended(state, outcome));
  }

  private _abandon(state: RunState, reason: string, exit?: RunExit): void {
    if (this._runs.remove(state.info.runId) === undefined) return;
    try {
      const attrs: Record<string, string> =
        exit === undefined
          ? { [ATTR_ERROR_TYPE]: ERROR_TYPE_RUN_ABANDONED, [ATTR_LANGCHAIN_ABANDON_REASON]: reason }
          : { [ATTR_ERROR_TYPE]: exit.errorType, [ATTR_LANGCHAIN_EXIT_REASON]: exit.reason };
      state.span.setAttributes(attrs);
      state.span.setStatus({ code: SpanStatusCode.ERROR, message: `run did not end: ${reason}` });
      const duration = this._now() - state.startedAtMillis;
      if (this._options.emitAuditRecords) {
        this._guard("audit end record", () => emitRunEnd(this._getLogger(), state.context, state.identity, attrs, "error", duration));
      }
      this._observeEnd(state, { status: "error", attributes: attrs, durationMillis: duration });
      const hook = this._options.spanEndHook;
      if (hook !== undefined) {
        this._guard("spanEndHook", () => hook(state.span, state.info, { error: new Error(`run did not end: ${reason}`) }));
      }
    } finally {
      state.span.end();
    }
    this._disarmTtlIfIdle();
  }

  /** One timer while runs are open; each tick reads `runTtlMillis` afresh, so a new config applies at once. */
  private _armTtl(): void {
    if (this._ttlTimer !== undefined) return;
    this._ttlTimer = setTimeout(() => {
      this._ttlTimer = undefined;
      const ttl = this._options.runTtlMillis;
      for (const state of this._runs.expired(this._now(), ttl)) {
        this._abandon(state, `no end within runTtlMillis (${ttl} ms)`);
      }
      if (this._runs.size > 0) this._armTtl();
    }, Math.min(this._options.runTtlMillis, 60_000));
    this._ttlTimer.unref?.();
  }

  private _disarmTtlIfIdle(): void {
    if (this._runs.size === 0 && this._ttlTimer !== undefined) {
      clearTimeout(this._ttlTimer);
      this._ttlTimer = undefined;
    }
  }

  private _guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this._diag.error(`${what} threw; the span is kept`, err);
    }
  }
}
