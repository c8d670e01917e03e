// SPDX-License-Identifier: Apache-2.0
import {
  diag,
  logs,
  metrics,
  trace,
  type AttributeValue,
  type Context,
  type DiagLogger,
  type Meter,
} from "@opentelemetry/api";
import type { OpenTelemetryCallbackHandlerOptions } from "./types.js";
import { resolveTracingOptions, type ResolvedTracingOptions } from "./options.js";
import { envSnapshot, type Env } from "./setting-parsers.js";
import { RunTracker, type RunExit, type RunView, type TrackerSource } from "./run-tracker.js";
import { agentName, classifyChainRun, isAgentModelNode, runDisplayName, type SerializedLike } from "./span-naming.js";
import { callCost, modelRequestAttributes, modelResponseAttributes, requestModel, serverAttributes } from "./attributes.js";
import { RunMetrics } from "./metrics.js";
import { putPayload } from "./content.js";
import { inputMessages, outputMessages, promptMessages } from "./messages.js";
import { readModelResponse } from "./model-response.js";
import { familyByProviderName, familyOfModelRun } from "./providers.js";
import { PACKAGE_NAME, PACKAGE_VERSION } from "./version.js";
import {
  ATTR_GEN_AI_AGENT_NAME,
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK,
  ATTR_GEN_AI_RETRIEVAL_DOCUMENTS,
  ATTR_GEN_AI_RETRIEVAL_QUERY_TEXT,
  ATTR_GEN_AI_TOOL_CALL_ARGUMENTS,
  ATTR_GEN_AI_TOOL_CALL_ID,
  ATTR_GEN_AI_TOOL_CALL_RESULT,
  ATTR_GEN_AI_TOOL_DESCRIPTION,
  ATTR_GEN_AI_TOOL_NAME,
  ATTR_GEN_AI_TOOL_TYPE,
  ATTR_LANGCHAIN_AGENT_LOG,
  ATTR_LANGCHAIN_AGENT_RETURN_VALUES,
  ATTR_LANGCHAIN_AGENT_TOOL_INPUT,
  ATTR_GEN_AI_USAGE_COST,
  ATTR_LANGCHAIN_CACHE_HIT,
  ATTR_LANGCHAIN_CUSTOM_EVENT_DATA,
  ATTR_LANGCHAIN_CUSTOM_EVENT_NAME,
  ATTR_LANGCHAIN_INPUTS,
  ATTR_LANGCHAIN_OUTPUTS,
  ATTR_LANGCHAIN_RETRIEVER_DOCUMENT_COUNT,
  ATTR_LANGCHAIN_STREAM_CHUNKS,
  EVENT_AGENT_ACTION,
  EVENT_AGENT_FINISH,
  EVENT_CUSTOM,
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

/** Where a handler of {@link LangChainInstrumentation} gets its tracer, logger, meter and resolved options. */
export type TelemetrySource = Omit<TrackerSource, "observer"> & { meter: () => Meter };

/** `handleChainError`, `handleLLMError`, `handleToolError`, `handleRetrieverError`: (error, runId, ...). */
type RunErrorCallback = (err: unknown, runId: string, parentRunId?: string, tags?: unknown, kwargs?: unknown) => void;

/** What a tool's error `ToolMessage` (returned, not thrown) makes of its run. */
const TOOL_ERROR_RESULT = { type: "ToolError", message: "tool returned an error result" } as const;

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
  private readonly _env: Env;
  private readonly _getOptions: () => ResolvedTracingOptions;
  /** The options of a handler built on its own; unused when the instrumentation supplies them. */
  private _ownOptions: ResolvedTracingOptions | undefined;

  /**
   * @param options content policy, budgets and hooks; see {@link OpenTelemetryCallbackHandlerOptions}. Each one
   *   not given falls back to its `LANGCHAIN_OTEL_*` variable, read once, here.
   * @param telemetrySource for {@link LangChainInstrumentation}: where the current tracer, logger and (already
   *   resolved) options come from; `options` is then not resolved again.
   * @throws {ConfigurationError} for a bad option or variable, at construction only.
   */
  constructor(options: OpenTelemetryCallbackHandlerOptions = {}, telemetrySource?: TelemetrySource) {
    this._env = envSnapshot();
    let source = telemetrySource;
    if (source === undefined) {
      const own = resolveTracingOptions(options, this._env);
      this._ownOptions = own;
      const { tracerProvider, loggerProvider, meterProvider } = options;
      source = {
        tracer: () => (tracerProvider ?? trace).getTracer(PACKAGE_NAME, PACKAGE_VERSION),
        logger: () => (loggerProvider ?? logs).getLogger(PACKAGE_NAME, PACKAGE_VERSION),
        meter: () => (meterProvider ?? metrics).getMeter(PACKAGE_NAME, PACKAGE_VERSION),
        diag: diag.createComponentLogger({ namespace: PACKAGE_NAME }),
        options: () => this._ownOptions ?? own,
      };
    }
    this._diag = source.diag;
    this._getOptions = source.options;
    const { meter, ...trackerSource } = source;
    this._tracker = new RunTracker({ ...trackerSource, observer: new RunMetrics(meter) });
  }

  /**
   * Replaces the options of a handler built on its own, resolved against the environment as it was at
   * construction. Never throws: a bad option is reported through the diag logger and the current options stay.
   * A handler of {@link LangChainInstrumentation} follows the instrumentation's `setConfig` instead.
   */
  configure(options: OpenTelemetryCallbackHandlerOptions): void {
    if (this._ownOptions === undefined) {
      this._diag.warn("configure: this handler takes its options from LangChainInstrumentation; use its setConfig");
      return;
    }
    try {
      this._ownOptions = resolveTracingOptions(options, this._env);
    } catch (err) {
      this._diag.error(`configure: ${err instanceof Error ? err.message : String(err)}; the previous options stay`);
    }
  }

  /** Runs started and not yet ended. Returns to zero when the app is idle. */
  get openRunCount(): number {
    return this._tracker.openRunCount;
  }

  /** The context in which a run's children start (its span active), while the run is open. */
  contextForRun(runId: string | undefined): Context | undefined {
    return this._tracker.contextForRun(runId);
  }

  /**
   * Ends every open run's span with status ERROR and `reason` (shutdown, tests); when the process is ending,
   * `exit` says how, for `error.type` and `langchain.exit.reason`. Synchronous.
   */
  endAllRuns(reason: string, exit?: RunExit): void {
    this._tracker.endAll(reason, exit);
  }

  // LangChain callbacks, in their runtime argument order (which differs from some .d.ts). Every body runs
  // through _guarded: a failure is logged, never thrown into LangChain and so into the app.

  handleChainStart(
    serialized: SerializedLike | undefined,
    inputs: unknown,
    runId: string,
    parentRunId?: string,
    tags?: unknown,
    metadata?: unknown,
    runType?: string,
    runName?: string,
    extra?: unknown,
  ): void {
    this._guarded("handleChainStart", () => {
      const meta = asDict(metadata);
      const runNameOrClass = runDisplayName(runName, serialized, "chain");
      const type = classifyChainRun(serialized, runType, runNameOrClass, meta);
      const name = type === "agent" ? agentName(runNameOrClass, meta) : runNameOrClass;
      // A transform stream starts with a placeholder input and reports the assembled one at its end.
      const defersInputs = asDict(extra)["lc_defers_inputs"] === true || isEmptyInput(inputs);
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
          if (!defersInputs) this._payload(attrs, ATTR_LANGCHAIN_INPUTS, inputs);
        },
      });
      // createReactAgent's graph carries no agent marker: its model node, the first to run, tells it apart.
      if (type === "graph_node" && parentRunId !== undefined && isAgentModelNode(runNameOrClass)) {
        this._tracker.reclassify(parentRunId, "graph", "agent", (graphName) => {
          const agent = agentName(graphName, {});
          return { name: agent, attributes: { [ATTR_GEN_AI_AGENT_NAME]: agent } };
        });
      }
    });
  }

  handleChainEnd(outputs: unknown, runId: string, _parentRunId?: string, _tags?: unknown, kwargs?: unknown): void {
    this._guarded("handleChainEnd", () => {
      this._tracker.end(runId, {
        output: outputs,
        payloads: (_run, attrs) => {
          this._lateInputs(attrs, kwargs);
          this._payload(attrs, ATTR_LANGCHAIN_OUTPUTS, outputs);
        },
      });
    });
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
    this._guarded("handleChatModelStart", () =>
      this._startModelRun("chat_model", serialized, runId, parentRunId, extraParams, tags, metadata, runName, () =>
        inputMessages(messages),
      ),
    );
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
    this._guarded("handleLLMStart", () =>
      this._startModelRun("llm", serialized, runId, parentRunId, extraParams, tags, metadata, runName, () =>
        promptMessages(prompts),
      ),
    );
  }

  handleLLMNewToken(_token: unknown, _idx: unknown, runId: string): void {
    this._guarded("handleLLMNewToken", () => this._tracker.recordChunk(runId));
  }

  handleLLMEnd(output: unknown, runId: string, _parentRunId?: string, _tags?: unknown, extraParams?: unknown): void {
    this._guarded("handleLLMEnd", () => {
      // The provider's reading of the output, shared by the end attributes and the output messages.
      let response: ReturnType<typeof readModelResponse> | undefined;
      const responseOf = (run: RunView) =>
        (response ??= readModelResponse(output, familyByProviderName(run.identity[ATTR_GEN_AI_PROVIDER_NAME])));
      this._tracker.end(runId, {
        output,
        attributes: (run, attrs) => {
          if (asDict(extraParams)["cached"] === true) attrs[ATTR_LANGCHAIN_CACHE_HIT] = true;
          Object.assign(attrs, modelResponseAttributes(responseOf(run)));
          const cost = callCost(this._getOptions().prices, run.identity, attrs);
          if (cost !== undefined) attrs[ATTR_GEN_AI_USAGE_COST] = cost;
          if (run.firstChunkAtMillis !== undefined) {
            attrs[ATTR_GEN_AI_RESPONSE_TIME_TO_FIRST_CHUNK] = (run.firstChunkAtMillis - run.startedAtMillis) / 1000;
            attrs[ATTR_LANGCHAIN_STREAM_CHUNKS] = run.chunkCount;
          }
        },
        payloads: (run, attrs) => this._payload(attrs, ATTR_GEN_AI_OUTPUT_MESSAGES, outputMessages(output, responseOf(run))),
      });
    });
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
    this._guarded("handleToolStart", () => {
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
    });
  }

  handleToolEnd(output: unknown, runId: string): void {
    this._guarded("handleToolEnd", () => {
      const { result, failed } = toolResult(output);
      this._tracker.end(runId, {
        output,
        failure: failed ? TOOL_ERROR_RESULT : undefined,
        payloads: (_run, attrs) => this._payload(attrs, ATTR_GEN_AI_TOOL_CALL_RESULT, result),
      });
    });
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
    this._guarded("handleRetrieverStart", () => {
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
    });
  }

  handleRetrieverEnd(documents: unknown, runId: string): void {
    this._guarded("handleRetrieverEnd", () => {
      const isList = Array.isArray(documents);
      this._tracker.end(runId, {
        output: documents,
        attributes: (_run, attrs) => {
          if (isList) attrs[ATTR_LANGCHAIN_RETRIEVER_DOCUMENT_COUNT] = documents.length;
        },
        payloads: (_run, attrs) => {
          if (isList) this._payload(attrs, ATTR_GEN_AI_RETRIEVAL_DOCUMENTS, documents);
        },
      });
    });
  }

  /**
   * LangChain's error callbacks of chains, models, tools and retrievers: one body, the run ends as failed (or as
   * interrupted, for LangGraph control flow). A failed transform stream reports its assembled input here too.
   */
  readonly handleChainError: RunErrorCallback = (err, runId, _parentRunId, _tags, kwargs) => {
    this._guarded("a run's error callback", () => this._tracker.fail(runId, err, (_run, attrs) => this._lateInputs(attrs, kwargs)));
  };
  readonly handleLLMError: RunErrorCallback = this.handleChainError;
  readonly handleToolError: RunErrorCallback = this.handleChainError;
  readonly handleRetrieverError: RunErrorCallback = this.handleChainError;

  handleAgentAction(action: unknown, runId: string): void {
    this._guarded("handleAgentAction", () => {
      this._tracker.addEvent(runId, EVENT_AGENT_ACTION, () => {
        const a = asDict(action);
        const attrs: Record<string, AttributeValue> = {};
        if (typeof a["tool"] === "string") attrs[ATTR_GEN_AI_TOOL_NAME] = a["tool"];
        this._payload(attrs, ATTR_LANGCHAIN_AGENT_TOOL_INPUT, a["toolInput"]);
        this._payload(attrs, ATTR_LANGCHAIN_AGENT_LOG, a["log"]);
        return attrs;
      });
    });
  }

  handleAgentEnd(action: unknown, runId: string): void {
    this._guarded("handleAgentEnd", () => {
      this._tracker.addEvent(runId, EVENT_AGENT_FINISH, () => {
        const attrs: Record<string, AttributeValue> = {};
        this._payload(attrs, ATTR_LANGCHAIN_AGENT_RETURN_VALUES, asDict(action)["returnValues"]);
        return attrs;
      });
    });
  }

  handleCustomEvent(eventName: unknown, data: unknown, runId: string): void {
    this._guarded("handleCustomEvent", () => {
      this._tracker.addEvent(runId, EVENT_CUSTOM, () => {
        const attrs: Record<string, AttributeValue> = { [ATTR_LANGCHAIN_CUSTOM_EVENT_NAME]: String(eventName) };
        this._payload(attrs, ATTR_LANGCHAIN_CUSTOM_EVENT_DATA, data);
        return attrs;
      });
    });
  }

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
    const family = familyOfModelRun(meta, extraParams, serialized);
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
        Object.assign(attrs, modelRequestAttributes(extraParams, meta, model, family), serverAttributes(serialized));
        this._payload(attrs, ATTR_GEN_AI_INPUT_MESSAGES, messages());
      },
    });
  }

  /** The input LangChain reports at the end of a transform stream (`kwargs.inputs`), whose start had a placeholder. */
  private _lateInputs(attrs: Record<string, AttributeValue>, kwargs: unknown): void {
    const inputs = asDict(kwargs)["inputs"];
    if (!isEmptyInput(inputs)) this._payload(attrs, ATTR_LANGCHAIN_INPUTS, inputs);
  }

  private _payload(attrs: Record<string, AttributeValue>, key: string, value: unknown): void {
    putPayload(attrs, key, value, this._getOptions());
  }

  /** The one guard around every callback body. */
  private _guarded(callback: string, body: () => void): void {
    try {
      body();
    } catch (err) {
      this._diag.error(`${callback} failed; the run is traced as far as it got`, err);
    }
  }
}

/** LangChain passes "" (or nothing) as the input of a streamed run whose input is not known yet. */
function isEmptyInput(inputs: unknown): boolean {
  return inputs === undefined || inputs === "";
}
