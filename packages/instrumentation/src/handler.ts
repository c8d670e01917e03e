import {
  diag,
  logs,
  SpanStatusCode,
  trace,
  type AttributeValue,
  type Context,
  type DiagLogger,
  type Logger,
  type Tracer,
} from "@opentelemetry/api";
import type { OpenTelemetryCallbackHandlerOptions } from "./types.js";
import { resolveTracingOptions, type ResolvedTracingOptions } from "./options.js";
import { RunTracker } from "./run-tracker.js";
import { classifyChainRun, runDisplayName, type SerializedLike } from "./span-naming.js";
import { modelRequestAttributes, modelResponseAttributes, requestModel } from "./attributes.js";
import { putPayload } from "./content.js";
import { inputMessages, outputMessages, promptMessages } from "./messages.js";
import { PACKAGE_NAME, PACKAGE_VERSION } from "./version.js";
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_INPUT_MESSAGES,
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
  ATTR_LANGCHAIN_CACHE_HIT,
  ATTR_LANGCHAIN_INPUTS,
  ATTR_LANGCHAIN_OUTPUTS,
  ATTR_LANGCHAIN_RETRIEVER_DOCUMENT_COUNT,
  ATTR_LANGCHAIN_STREAM_CHUNKS,
  EVENT_AGENT_ACTION,
  EVENT_AGENT_FINISH,
  EVENT_CUSTOM,
  EVENT_FIRST_CHUNK,
} from "./semconv.js";

/** Marks our handlers so a callback manager never gets two (checked across package copies). */
export const HANDLER_MARK: unique symbol = Symbol.for("@langchain-otel/instrumentation.handler") as never;

type Dict = Record<string, unknown>;


function asDict(value: unknown): Dict {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Dict) : {};
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

  private readonly _tracker: RunTracker;
  private readonly _diag: DiagLogger;
  private _options: ResolvedTracingOptions;

  /**
   * @param options content policy, budgets and hooks; see {@link OpenTelemetryCallbackHandlerOptions}.
   * @param telemetrySource for {@link LangChainInstrumentation}: where the current tracer and logger come from.
   */
  constructor(
    options: OpenTelemetryCallbackHandlerOptions = {},
    telemetrySource?: { tracer: () => Tracer; logger: () => Logger; diag: DiagLogger },
  ) {
    this._options = resolveTracingOptions(options);
    const { tracerProvider, loggerProvider } = options;
    const source = telemetrySource ?? {
      tracer: () => (tracerProvider ?? trace).getTracer(PACKAGE_NAME, PACKAGE_VERSION),
      logger: () => (loggerProvider ?? logs).getLogger(PACKAGE_NAME, PACKAGE_VERSION),
      diag: diag.createComponentLogger({ namespace: PACKAGE_NAME }),
    };
    this._diag = source.diag;
    this._tracker = new RunTracker({ ...source, options: () => this._options });
  }

  /** Replaces the options (used when the instrumentation's config changes). */
  configure(options: OpenTelemetryCallbackHandlerOptions): void {
    this._options = resolveTracingOptions(options);
  }

  /** Runs started and not yet ended. Returns to zero when the app is idle. */
  get openRunCount(): number {
    return this._tracker.openRunCount;
  }

  /** The context in which a run's children start (its span active), while the run is open. */
  contextForRun(runId: string | undefined): Context | undefined {
    return this._tracker.contextForRun(runId);
  }

  /** Ends every open run's span with status ERROR and `reason` (shutdown, tests). */
  endAllRuns(reason: string): void {
    this._tracker.endAll(reason);
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
      this._tracker.start({
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
      this._tracker.end(runId, outputs, undefined, (state, attrs) => {
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
      this._tracker.end(runId, undefined, err);
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
      const state = this._tracker.get(runId);
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
      this._tracker.end(runId, output, undefined, (state, attrs) => {
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
      this._tracker.end(runId, undefined, err);
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
      this._tracker.start({
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
      if (failed) this._tracker.get(runId)?.span.setStatus({ code: SpanStatusCode.ERROR, message: "tool returned an error result" });
      this._tracker.end(runId, output, undefined, (_state, attrs) => {
        if (failed) attrs[ATTR_ERROR_TYPE] = "ToolError";
        this._payload(attrs, ATTR_GEN_AI_TOOL_CALL_RESULT, result);
      });
    } catch (err) {
      this._fail("handleToolEnd", err);
    }
  }

  handleToolError(err: unknown, runId: string): void {
    try {
      this._tracker.end(runId, undefined, err);
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
      this._tracker.start({
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
      this._tracker.end(runId, documents, undefined, (_state, attrs) => {
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
      this._tracker.end(runId, undefined, err);
    } catch (e) {
      this._fail("handleRetrieverError", e);
    }
  }

  handleAgentAction(action: unknown, runId: string): void {
    try {
      const state = this._tracker.get(runId);
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
      const state = this._tracker.get(runId);
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
      const state = this._tracker.get(runId);
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
    this._tracker.start({
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

  private _payload(attrs: Record<string, AttributeValue>, key: string, value: unknown): void {
    putPayload(attrs, key, value, this._options);
  }

  private _fail(callback: string, err: unknown): void {
    this._diag.error(`${callback} failed; the run is traced as far as it got`, err);
  }
}

/** LangChain passes "" (or nothing) as the input of a streamed run whose input is not known yet. */
function isEmptyInput(inputs: unknown): boolean {
  return inputs === undefined || inputs === "";
}
