import {
  context,
  diag,
  logs,
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
import type { OpenTelemetryCallbackHandlerOptions, RunInfo, RunType } from "./types.js";
import { resolveTracingOptions, type ResolvedTracingOptions } from "./options.js";
import { RunRegistry, type RunState } from "./run-registry.js";
import { randomSpanId, randomTraceId, spanIdFromRunId, traceIdFromRunId, withPendingRunIds } from "./ids.js";
import { emitRunEnd, emitRunStart, type RunStatus } from "./audit-records.js";
import { classifyChainRun, runDisplayName, spanNaming, type SerializedLike } from "./span-naming.js";
import { contextAttributes, getAuditContext } from "./audit-context.js";
import {
  metadataAttributes,
  modelRequestAttributes,
  modelResponseAttributes,
  putPayload,
  requestModel,
} from "./attributes.js";
import { inputMessages, outputMessages, promptMessages } from "./messages.js";
import { errorTypeOf, isControlFlowSignal, recordError } from "./errors.js";
import { PACKAGE_NAME, PACKAGE_VERSION } from "./version.js";
import {
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK,
  ATTR_GEN_AI_RETRIEVAL_DOCUMENTS,
  ATTR_GEN_AI_RETRIEVAL_QUERY_TEXT,
  ATTR_GEN_AI_TOOL_CALL_ARGUMENTS,
  ATTR_GEN_AI_TOOL_CALL_ID,
  ATTR_GEN_AI_TOOL_CALL_RESULT,
  ATTR_GEN_AI_TOOL_DESCRIPTION,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_GEN_AI_TOOL_TYPE,
  ATTR_LANGCHAIN_INPUTS,
  ATTR_LANGCHAIN_OUTPUTS,
  ATTR_LANGCHAIN_PARENT_RUN_ID,
  ATTR_LANGCHAIN_RUN_ID,
  ATTR_LANGCHAIN_RUN_NAME,
  ATTR_LANGCHAIN_RUN_TYPE,
  ATTR_LANGCHAIN_SERIALIZED_ID,
  ATTR_LANGCHAIN_STREAM_CHUNKS,
  ATTR_LANGCHAIN_TAGS,
  EVENT_AGENT_ACTION,
  EVENT_AGENT_FINISH,
  EVENT_CUSTOM,
  EVENT_FIRST_CHUNK,
  EVENT_INTERRUPT,
  ATTR_LANGCHAIN_RETRIEVER_DOCUMENT_COUNT,
  ATTR_LANGCHAIN_CACHE_HIT,
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
} from "./semconv.js";

/** Marks our handlers so a callback manager never gets two (checked across package copies). */
export const HANDLER_MARK: unique symbol = Symbol.for("@langchain-otel/instrumentation.handler") as never;

type Dict = Record<string, unknown>;

/** How a run start is described to {@link OpenTelemetryCallbackHandler._startRun}. */
interface RunStart {
  runId: string;
  parentRunId: string | undefined;
  runType: RunType;
  name: string;
  tags: unknown;
  metadata: unknown;
  serialized: SerializedLike | undefined;
  model?: string | undefined;
  /** Adds run-type specific attributes (request params, payloads). */
  attributes?: (attrs: Record<string, AttributeValue>) => void;
}

function asDict(value: unknown): Dict {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Dict) : {};
}

function asTags(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((t): t is string => typeof t === "string") : [];
}

/** A LangChain ToolMessage's content, or the output as is. */
function toolResult(output: unknown): { result: unknown; failed: boolean } {
  if (output !== null && typeof output === "object" && "content" in output && "tool_call_id" in output) {
    const message = output as { content: unknown; status?: unknown };
    return { result: message.content, failed: message.status === "error" };
  }
  return { result: output, failed: false };
}

/**
 * A LangChain callback handler that turns every run into an OpenTelemetry span.
 *
 * Use it directly (`callbacks: [new OpenTelemetryCallbackHandler()]`) or let {@link LangChainInstrumentation}
 * attach it to every run. Span IDs are the low 64 bits of run IDs when the SDK uses {@link RunIdGenerator}.
 * Callbacks are awaited (`awaitHandlers`), so spans start and end in the caller's context and at the real time;
 * every callback body is guarded: a failure here is logged through the OTel diag logger, never thrown.
 */
export class OpenTelemetryCallbackHandler {
  readonly name = "OpenTelemetryCallbackHandler";
  readonly [HANDLER_MARK] = true;
  readonly awaitHandlers = true;
  readonly raiseError = false;
  readonly ignoreLLM = false;
  readonly ignoreChain = false;
  readonly ignoreAgent = false;
  readonly ignoreRetriever = false;
  readonly ignoreCustomEvent = false;

  private readonly _runs = new RunRegistry();
  private readonly _getTracer: () => Tracer;
  private readonly _getLogger: () => Logger;
  private readonly _diag: DiagLogger;
  private _options: ResolvedTracingOptions;
  private _ttlTimer: ReturnType<typeof setInterval> | undefined;

  /**
   * @param options content policy, budgets and hooks; see {@link OpenTelemetryCallbackHandlerOptions}.
   * @param telemetrySource for {@link LangChainInstrumentation}: where the current tracer and logger come from.
   */
  constructor(
    options: OpenTelemetryCallbackHandlerOptions = {},
    telemetrySource?: { tracer: () => Tracer; logger: () => Logger; diag: DiagLogger },
  ) {
    this._options = resolveTracingOptions(options);
    if (telemetrySource !== undefined) {
      this._getTracer = telemetrySource.tracer;
      this._getLogger = telemetrySource.logger;
      this._diag = telemetrySource.diag;
    } else {
      const tracerProvider = options.tracerProvider;
      const loggerProvider = options.loggerProvider;
      this._getTracer = () => (tracerProvider ?? trace).getTracer(PACKAGE_NAME, PACKAGE_VERSION);
      this._getLogger = () => (loggerProvider ?? logs).getLogger(PACKAGE_NAME, PACKAGE_VERSION);
      this._diag = diag.createComponentLogger({ namespace: PACKAGE_NAME });
    }
  }

  /** Replaces the options (used when the instrumentation's config changes). */
  configure(options: OpenTelemetryCallbackHandlerOptions): void {
    this._options = resolveTracingOptions(options);
  }

  /** Runs started and not yet ended. Returns to zero when the app is idle. */
  get openRunCount(): number {
    return this._runs.size;
  }

  /** The context in which a run's children start (its span active), while the run is open. */
  contextForRun(runId: string | undefined): Context | undefined {
    return this._runs.get(runId)?.context;
  }

  /** Ends every open run's span with status ERROR and `reason` (shutdown, tests). */
  endAllRuns(reason: string): void {
    for (const state of this._runs.all()) this._abandon(state, reason);
  }

  // ---- LangChain callbacks (runtime argument order, which differs from some .d.ts) ----

  handleChainStart(
    serialized: SerializedLike | undefined,
    inputs: unknown,
    runId: string,
    parentRunId?: string,
    tags?: unknown,
    metadata?: unknown,
    runType?: string,
    runName?: string,
  ): void {
    try {
      const meta = asDict(metadata);
      const name = runDisplayName(runName, serialized, "chain");
      const type = classifyChainRun(serialized, runType, name, meta);
      this._startRun({
        runId,
        parentRunId,
        runType: type,
        name,
        tags,
        metadata: meta,
        serialized,
        attributes: (attrs) => {
          if (type === "agent") attrs[ATTR_GEN_AI_AGENT_NAME] = name;
          if (!isEmptyInput(inputs)) this._payload(attrs, ATTR_LANGCHAIN_INPUTS, inputs);
        },
      });
    } catch (err) {
      this._fail("handleChainStart", err);
    }
  }

  handleChainEnd(outputs: unknown, runId: string, _parentRunId?: string, _tags?: unknown, kwargs?: unknown): void {
    try {
      this._endRun(runId, outputs, undefined, (state, attrs) => {
        // Streaming runs learn their input only at the end.
        const lateInputs = asDict(kwargs)["inputs"];
        if (!state.inputsRecorded && !isEmptyInput(lateInputs)) {
          this._payload(attrs, ATTR_LANGCHAIN_INPUTS, lateInputs);
        }
        this._payload(attrs, ATTR_LANGCHAIN_OUTPUTS, outputs);
      });
    } catch (err) {
      this._fail("handleChainEnd", err);
    }
  }

  handleChainError(err: unknown, runId: string): void {
    try {
      this._endRun(runId, undefined, err);
    } catch (e) {
      this._fail("handleChainError", e);
    }
  }

  handleChatModelStart(
    serialized: SerializedLike | undefined,
    messages: unknown,
    runId: string,
    parentRunId?: string,
    extraParams?: unknown,
    tags?: unknown,
    metadata?: unknown,
    runName?: string,
  ): void {
    try {
      this._startModelRun("chat_model", serialized, runId, parentRunId, extraParams, tags, metadata, runName, () =>
        inputMessages(messages),
      );
    } catch (err) {
      this._fail("handleChatModelStart", err);
    }
  }

  handleLLMStart(
    serialized: SerializedLike | undefined,
    prompts: unknown,
    runId: string,
    parentRunId?: string,
    extraParams?: unknown,
    tags?: unknown,
    metadata?: unknown,
    runName?: string,
  ): void {
    try {
      this._startModelRun("llm", serialized, runId, parentRunId, extraParams, tags, metadata, runName, () =>
        promptMessages(prompts),
      );
    } catch (err) {
      this._fail("handleLLMStart", err);
    }
  }

  handleLLMNewToken(_token: unknown, _idx: unknown, runId: string): void {
    try {
      const state = this._runs.get(runId);
      if (state === undefined) return;
      state.chunkCount++;
      if (state.firstChunkAtMillis === undefined) {
        state.firstChunkAtMillis = performance.now();
        state.span.addEvent(EVENT_FIRST_CHUNK);
      }
    } catch (err) {
      this._fail("handleLLMNewToken", err);
    }
  }

  handleLLMEnd(output: unknown, runId: string, _parentRunId?: string, _tags?: unknown, extraParams?: unknown): void {
    try {
      this._endRun(runId, output, undefined, (state, attrs) => {
        if (asDict(extraParams)["cached"] === true) attrs[ATTR_LANGCHAIN_CACHE_HIT] = true;
        Object.assign(attrs, modelResponseAttributes(output));
        if (state.firstChunkAtMillis !== undefined) {
          attrs[ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK] = (state.firstChunkAtMillis - state.startedAtMillis) / 1000;
          attrs[ATTR_LANGCHAIN_STREAM_CHUNKS] = state.chunkCount;
        }
        this._payload(attrs, ATTR_GEN_AI_OUTPUT_MESSAGES, outputMessages(output));
      });
    } catch (err) {
      this._fail("handleLLMEnd", err);
    }
  }

  handleLLMError(err: unknown, runId: string): void {
    try {
      this._endRun(runId, undefined, err);
    } catch (e) {
      this._fail("handleLLMError", e);
    }
  }

  handleToolStart(
    serialized: SerializedLike | undefined,
    input: unknown,
    runId: string,
    parentRunId?: string,
    tags?: unknown,
    metadata?: unknown,
    runName?: string,
    toolCallId?: string,
  ): void {
    try {
      const name = runDisplayName(runName, serialized, "tool");
      this._startRun({
        runId,
        parentRunId,
        runType: "tool",
        name,
        tags,
        metadata: asDict(metadata),
        serialized,
        attributes: (attrs) => {
          attrs[ATTR_GEN_AI_TOOL_NAME] = name;
          attrs[ATTR_GEN_AI_TOOL_TYPE] = "function";
          if (typeof toolCallId === "string" && toolCallId !== "") attrs[ATTR_GEN_AI_TOOL_CALL_ID] = toolCallId;
          const description = asDict(serialized?.kwargs)["description"];
          if (typeof description === "string") attrs[ATTR_GEN_AI_TOOL_DESCRIPTION] = description;
          this._payload(attrs, ATTR_GEN_AI_TOOL_CALL_ARGUMENTS, input);
        },
      });
    } catch (err) {
      this._fail("handleToolStart", err);
    }
  }

  handleToolEnd(output: unknown, runId: string): void {
    try {
      const { result, failed } = toolResult(output);
      if (failed) this._runs.get(runId)?.span.setStatus({ code: SpanStatusCode.ERROR, message: "tool returned an error result" });
      this._endRun(runId, output, undefined, (_state, attrs) => {
        if (failed) attrs[ATTR_ERROR_TYPE] = "ToolError";
        this._payload(attrs, ATTR_GEN_AI_TOOL_CALL_RESULT, result);
      });
    } catch (err) {
      this._fail("handleToolEnd", err);
    }
  }

  handleToolError(err: unknown, runId: string): void {
    try {
      this._endRun(runId, undefined, err);
    } catch (e) {
      this._fail("handleToolError", e);
    }
  }

  handleRetrieverStart(
    serialized: SerializedLike | undefined,
    query: unknown,
    runId: string,
    parentRunId?: string,
    tags?: unknown,
    metadata?: unknown,
    runName?: string,
  ): void {
    try {
      this._startRun({
        runId,
        parentRunId,
        runType: "retriever",
        name: runDisplayName(runName, serialized, "retriever"),
        tags,
        metadata: asDict(metadata),
        serialized,
        attributes: (attrs) => this._payload(attrs, ATTR_GEN_AI_RETRIEVAL_QUERY_TEXT, query),
      });
    } catch (err) {
      this._fail("handleRetrieverStart", err);
    }
  }

  handleRetrieverEnd(documents: unknown, runId: string): void {
    try {
      this._endRun(runId, documents, undefined, (_state, attrs) => {
        if (!Array.isArray(documents)) return;
        attrs[ATTR_LANGCHAIN_RETRIEVER_DOCUMENT_COUNT] = documents.length;
        this._payload(attrs, ATTR_GEN_AI_RETRIEVAL_DOCUMENTS, documents);
      });
    } catch (err) {
      this._fail("handleRetrieverEnd", err);
    }
  }

  handleRetrieverError(err: unknown, runId: string): void {
    try {
      this._endRun(runId, undefined, err);
    } catch (e) {
      this._fail("handleRetrieverError", e);
    }
  }

  handleAgentAction(action: unknown, runId: string): void {
    try {
      const state = this._runs.get(runId);
      if (state === undefined) return;
      const a = asDict(action);
      const attrs: Record<string, AttributeValue> = {};
      if (typeof a["tool"] === "string") attrs[ATTR_GEN_AI_TOOL_NAME] = a["tool"];
      this._payload(attrs, "langchain.agent.tool_input", a["toolInput"]);
      this._payload(attrs, "langchain.agent.log", a["log"]);
      state.span.addEvent(EVENT_AGENT_ACTION, attrs);
    } catch (err) {
      this._fail("handleAgentAction", err);
    }
  }

  handleAgentEnd(action: unknown, runId: string): void {
    try {
      const state = this._runs.get(runId);
      if (state === undefined) return;
      const attrs: Record<string, AttributeValue> = {};
      this._payload(attrs, "langchain.agent.return_values", asDict(action)["returnValues"]);
      state.span.addEvent(EVENT_AGENT_FINISH, attrs);
    } catch (err) {
      this._fail("handleAgentEnd", err);
    }
  }

  handleCustomEvent(eventName: unknown, data: unknown, runId: string): void {
    try {
      const state = this._runs.get(runId);
      if (state === undefined) return;
      const attrs: Record<string, AttributeValue> = { "langchain.custom_event.name": String(eventName) };
      this._payload(attrs, "langchain.custom_event.data", data);
      state.span.addEvent(EVENT_CUSTOM, attrs);
    } catch (err) {
      this._fail("handleCustomEvent", err);
    }
  }

  // ---- internals ----

  private _startModelRun(
    runType: "chat_model" | "llm",
    serialized: SerializedLike | undefined,
    runId: string,
    parentRunId: string | undefined,
    extraParams: unknown,
    tags: unknown,
    metadata: unknown,
    runName: string | undefined,
    messages: () => unknown,
  ): void {
    const meta = asDict(metadata);
    const model = requestModel(extraParams, meta);
    this._startRun({
      runId,
      parentRunId,
      runType,
      name: runDisplayName(runName, serialized, runType),
      tags,
      metadata: meta,
      serialized,
      model,
      attributes: (attrs) => {
        Object.assign(attrs, modelRequestAttributes(extraParams, meta, model));
        this._payload(attrs, ATTR_GEN_AI_INPUT_MESSAGES, messages());
      },
    });
  }

  private _startRun(run: RunStart): void {
    if (typeof run.runId !== "string" || this._runs.get(run.runId) !== undefined) return;
    const parent = this._runs.get(run.parentRunId);
    const parentContext = parent?.context ?? context.active();
    const metadata = run.metadata as Dict;
    const { spanName, kind, operation } = spanNaming(run.runType, run.name, run.model);

    const inherited: Record<string, string> = { ...parent?.inherited };
    // Parent's identity, then this run's audit context and metadata (awaited callbacks run in the caller's context).
    Object.assign(inherited, contextAttributes(metadata, this._options.contextKeys, getAuditContext()));

    // Identity: on the span, and repeated on every audit record of the run.
    const identity: Record<string, AttributeValue> = {
      [ATTR_LANGCHAIN_RUN_ID]: run.runId,
      [ATTR_LANGCHAIN_RUN_TYPE]: run.runType,
      [ATTR_LANGCHAIN_RUN_NAME]: run.name,
    };
    if (typeof run.parentRunId === "string") identity[ATTR_LANGCHAIN_PARENT_RUN_ID] = run.parentRunId;
    if (operation !== undefined) identity[ATTR_GEN_AI_OPERATION_NAME] = operation;
    Object.assign(identity, inherited);

    const attrs: Record<string, AttributeValue> = { ...identity };
    const serializedId = run.serialized?.id;
    if (Array.isArray(serializedId) && serializedId.every((p) => typeof p === "string")) {
      attrs[ATTR_LANGCHAIN_SERIALIZED_ID] = serializedId.join(".");
    }
    const tags = asTags(run.tags);
    if (tags.length > 0) attrs[ATTR_LANGCHAIN_TAGS] = tags;
    Object.assign(attrs, metadataAttributes(metadata, this._options.maxPayloadBytes));
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
    if (this._options.emitSpans) {
      const tracer = this._getTracer();
      return withPendingRunIds(joinsTrace ? undefined : traceIdFromRunId(runId), spanIdFromRunId(runId), () =>
        tracer.startSpan(spanName, { kind, attributes: attrs }, parentContext),
      );
    }
    return trace.wrapSpanContext({
      traceId: joinsTrace ? parentSpanContext.traceId : (traceIdFromRunId(runId) ?? randomTraceId()),
      spanId: spanIdFromRunId(runId) ?? randomSpanId(),
      traceFlags: TraceFlags.SAMPLED,
    });
  }

  private _endRun(
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
          Object.assign(attrs, recordError(span, error, this._options.contentPolicy));
        }
      } else if (addAttributes !== undefined && (recordsOn || span.isRecording())) {
        addAttributes(state, attrs);
        if (attrs[ATTR_ERROR_TYPE] !== undefined) status = "error";
        span.setAttributes(attrs as Attributes);
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

  private _payload(attrs: Record<string, AttributeValue>, key: string, value: unknown): void {
    putPayload(attrs, key, value, this._options.contentPolicy, this._options.maxPayloadBytes);
  }

  private _guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      this._diag.error(`${what} threw; the span is kept`, err);
    }
  }

  private _fail(callback: string, err: unknown): void {
    this._diag.error(`${callback} failed; the run is traced as far as it got`, err);
  }
}

/** LangChain passes "" (or nothing) as the input of a streamed run whose input is not known yet. */
function isEmptyInput(inputs: unknown): boolean {
  return inputs === undefined || inputs === "";
}
