import {
  context,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Attributes,
  type AttributeValue,
  type Context,
  type DiagLogger,
  type Logger,
  type Span,
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
import { redactionFor, redactText } from "./content.js";
import { errorTypeOf, isControlFlowSignal, recordError } from "./errors.js";
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_LANGCHAIN_INPUTS,
  ATTR_LANGCHAIN_PARENT_RUN_ID,
  ATTR_LANGCHAIN_RUN_ID,
  ATTR_LANGCHAIN_RUN_NAME,
  ATTR_LANGCHAIN_RUN_TYPE,
  ATTR_LANGCHAIN_SERIALIZED_ID,
  ATTR_LANGCHAIN_REDACTIONS_PREFIX,
  ATTR_LANGCHAIN_TAGS,
  EVENT_INTERRUPT,
} from "./semconv.js";

type Dict = Record<string, unknown>;

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

/** Where the tracker gets its telemetry and options (they can change after construction). */
export interface TrackerSource {
  tracer: () => Tracer;
  logger: () => Logger;
  options: () => ResolvedTracingOptions;
  diag: DiagLogger;
}

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

function asTags(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((t): t is string => typeof t === "string") : [];
}

/**
 * The lifecycle of runs: opens a span (and a start record) per run with run-derived IDs, ends it exactly once
 * (with an end or error record), and ends runs that never report an end (their root ended, their TTL passed,
 * shutdown). Knows nothing of LangChain's callback signatures: {@link OpenTelemetryCallbackHandler} maps those.
 */
export class RunTracker {
  private readonly _runs = new RunRegistry();
  private readonly _getTracer: () => Tracer;
  private readonly _getLogger: () => Logger;
  private readonly _getOptions: () => ResolvedTracingOptions;
  private readonly _diag: DiagLogger;
  private _ttlTimer: ReturnType<typeof setInterval> | undefined;

  constructor(source: TrackerSource) {
    this._getTracer = source.tracer;
    this._getLogger = source.logger;
    this._getOptions = source.options;
    this._diag = source.diag;
  }

  private get _options(): ResolvedTracingOptions {
    return this._getOptions();
  }

  /** Runs started and not yet ended. */
  get openRunCount(): number {
    return this._runs.size;
  }

  /** An open run's state (for events on its span). */
  get(runId: string | undefined): RunState | undefined {
    return this._runs.get(runId);
  }

  /** The context in which a run's children start (its span active), while the run is open. */
  contextForRun(runId: string | undefined): Context | undefined {
    return this._runs.get(runId)?.context;
  }

  /** Ends every open run as ERROR with `reason`. */
  endAll(reason: string): void {
    for (const state of this._runs.all()) this._abandon(state, reason);
  }

  /** Opens a run: its span (or, with spans off, its IDs), its start record, its registry entry. */
  start(run: RunStart): void {
    if (typeof run.runId !== "string" || this._runs.get(run.runId) !== undefined) return;
    const parent = this._runs.get(run.parentRunId);
    const parentContext = parent?.context ?? context.active();
    const metadata = run.metadata;
    const { spanName, kind, operation } = spanNaming(run.runType, run.name, run.model);

    const inherited: Record<string, string> = { ...parent?.inherited };
    // Parent's identity, then this run's audit context and metadata (awaited callbacks run in the caller's context).
    const ids = contextAttributes(metadata, this._options.contextKeys, getAuditContext());
    // Start attributes collect their own redaction counts; identity values are redacted too (an email as user id).
    const attrs: Record<string, AttributeValue> = {};
    const redact = redactionFor(attrs, this._options);
    for (const key of Object.keys(ids)) inherited[key] = redactText(ids[key]!, redact);

    // Identity: on the span, and repeated on every audit record of the run.
    const identity: Record<string, AttributeValue> = {
      [ATTR_LANGCHAIN_RUN_ID]: run.runId,
      [ATTR_LANGCHAIN_RUN_TYPE]: run.runType,
      [ATTR_LANGCHAIN_RUN_NAME]: run.name,
    };
    if (typeof run.parentRunId === "string") identity[ATTR_LANGCHAIN_PARENT_RUN_ID] = run.parentRunId;
    if (operation !== undefined) identity[ATTR_GEN_AI_OPERATION_NAME] = operation;
    Object.assign(identity, inherited);

    Object.assign(attrs, identity);
    const serializedId = run.serialized?.id;
    if (Array.isArray(serializedId) && serializedId.every((p) => typeof p === "string")) {
      attrs[ATTR_LANGCHAIN_SERIALIZED_ID] = serializedId.join(".");
    }
    const tags = asTags(run.tags);
    if (tags.length > 0) attrs[ATTR_LANGCHAIN_TAGS] = tags;
    Object.assign(attrs, metadataAttributes(metadata, this._options.maxPayloadBytes, redact));
    run.attributes?.(attrs);
    for (const key of [ATTR_GEN_AI_REQUEST_MODEL, ATTR_GEN_AI_PROVIDER_NAME]) {
      if (attrs[key] !== undefined) identity[key] = attrs[key];
    }

    const span = this._openSpan(run.runId, spanName, kind, attrs, parentContext);
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
      startedAtMillis: performance.now(),
      firstChunkAtMillis: undefined,
      chunkCount: 0,
      inputsRecorded: attrs[ATTR_LANGCHAIN_INPUTS] !== undefined || attrs[ATTR_LANGCHAIN_INPUTS + ".sha256"] !== undefined,
      startRedactions: this._options.redactor === undefined ? undefined : redactionCounts(attrs),
    });
    this._armTtl();
    if (this._options.emitAuditRecords) {
      this._guard("audit start record", () => emitRunStart(this._getLogger(), runContext, attrs));
    }
    const hook = this._options.spanStartHook;
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
  ): Span {
    // A root run outside any span starts a trace named by its run ID; inside one it joins that trace.
    const parentSpanContext = trace.getSpanContext(parentContext);
    const joinsTrace = parentSpanContext !== undefined && trace.isSpanContextValid(parentSpanContext);
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
   * Ends a run exactly once: error or end attributes, its end or error record, the span; a root's end also ends
   * the runs it left open. `addAttributes` runs only when someone will read the details.
   */
  end(
    runId: string,
    output: unknown,
    error: unknown,
    addAttributes?: (state: RunState, attrs: Record<string, AttributeValue>) => void,
  ): void {
    const state = this._runs.remove(runId);
    if (state === undefined) return;
    const { span } = state;
    const recordsOn = this._options.emitAuditRecords;
    const attrs: Record<string, AttributeValue> = {};
    let status: RunStatus = "ok";
    try {
      if (error !== undefined) {
        if (isControlFlowSignal(error)) {
          status = "interrupted";
          attrs["langchain.signal"] = errorTypeOf(error);
          span.addEvent(EVENT_INTERRUPT, { "langchain.signal": attrs["langchain.signal"] });
        } else {
          status = "error";
          const redact = redactionFor(attrs, this._options);
          Object.assign(attrs, recordError(span, error, this._options.contentPolicy, (text) => redactText(text, redact)));
          const counts = redactionCounts(attrs);
          if (counts !== undefined) span.setAttributes(withStartCounts(counts, state.startRedactions));
        }
      } else if (addAttributes !== undefined && (recordsOn || span.isRecording())) {
        addAttributes(state, attrs);
        if (attrs[ATTR_ERROR_TYPE] !== undefined) status = "error";
        span.setAttributes(withStartCounts(attrs, state.startRedactions));
      }
      if (recordsOn) {
        const duration = performance.now() - state.startedAtMillis;
        this._guard("audit end record", () => emitRunEnd(this._getLogger(), state.context, state.identity, attrs, status, duration));
      }
      const hook = this._options.spanEndHook;
      if (hook !== undefined) {
        this._guard("spanEndHook", () => hook(span, state.info, error !== undefined ? { error } : { output }));
      }
    } finally {
      span.end();
      if (state.rootRunId === runId) this._closeTree(runId);
      this._disarmTtlIfIdle();
    }
  }

  /** Ends the runs a finished root left open (abandoned streams, lost callbacks). */
  private _closeTree(rootRunId: string): void {
    for (const state of this._runs.openInTree(rootRunId)) {
      this._abandon(state, "its root run ended before it");
    }
  }

  private _abandon(state: RunState, reason: string): void {
    if (this._runs.remove(state.info.runId) === undefined) return;
    try {
      state.span.setAttribute(ATTR_ERROR_TYPE, "RunAbandoned");
      state.span.setStatus({ code: SpanStatusCode.ERROR, message: `run did not end: ${reason}` });
      if (this._options.emitAuditRecords) {
        const duration = performance.now() - state.startedAtMillis;
        const attrs = { [ATTR_ERROR_TYPE]: "RunAbandoned", "langchain.abandon_reason": reason };
        this._guard("audit end record", () => emitRunEnd(this._getLogger(), state.context, state.identity, attrs, "error", duration));
      }
      const hook = this._options.spanEndHook;
      if (hook !== undefined) {
        this._guard("spanEndHook", () => hook(state.span, state.info, { error: new Error(`run did not end: ${reason}`) }));
      }
    } finally {
      state.span.end();
    }
    this._disarmTtlIfIdle();
  }

  private _armTtl(): void {
    if (this._ttlTimer !== undefined) return;
    const ttl = this._options.runTtlMillis;
    this._ttlTimer = setInterval(() => {
      for (const state of this._runs.expired(performance.now(), ttl)) {
        this._abandon(state, `no end within runTtlMillis (${ttl} ms)`);
      }
    }, Math.min(ttl, 60_000));
    this._ttlTimer.unref?.();
  }

  private _disarmTtlIfIdle(): void {
    if (this._runs.size === 0 && this._ttlTimer !== undefined) {
      clearInterval(this._ttlTimer);
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
