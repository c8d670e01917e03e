// SPDX-License-Identifier: Apache-2.0
import { context, type Context, type DiagLogger } from "@opentelemetry/api";
import { HANDLER_MARK } from "./handler.js";
import { newRunId } from "./ids.js";
import { PendingRunContext } from "./run-context.js";

/** What the patches need from the handler; `current` is undefined while the instrumentation is disabled. */
export interface HandlerRef {
  current:
    | {
        readonly [HANDLER_MARK]: true;
        contextForRun(runId: string | undefined): Context | undefined;
      }
    | undefined;
}

// Marks patched classes and objects across copies of this package, so one copy patches once.
const PATCHED = Symbol.for("@langchain-otel/instrumentation.patched");

type Patched<F> = { [PATCHED]?: { original: F; ref: HandlerRef } };
type ManagerLike = {
  handlers?: unknown[];
  addHandler?: (handler: unknown, inherit?: boolean) => void;
};
// `CallbackManager._configureSync(inheritableHandlers, localHandlers, inheritableTags, localTags,
// inheritableMetadata, localMetadata, options)`.
type ConfigureSync = (this: unknown, ...args: [unknown?, unknown?, unknown?, unknown?, unknown?, unknown?, unknown?]) => ManagerLike | undefined;
type ManagerClass = { _configureSync?: ConfigureSync } & Patched<ConfigureSync>;
type RunWithConfig = (this: unknown, config: unknown, callback: () => unknown, avoid?: boolean) => unknown;
type AlsProvider = { runWithConfig?: RunWithConfig } & Patched<RunWithConfig>;

function hasOurHandler(manager: ManagerLike): boolean {
  const handlers = manager.handlers;
  if (!Array.isArray(handlers)) return true;
  for (const handler of handlers) {
    if (handler !== null && typeof handler === "object" && (handler as Record<symbol, unknown>)[HANDLER_MARK] === true) {
      return true;
    }
  }
  return false;
}

/**
 * Makes every `CallbackManager` that LangChain configures carry our handler, appended and inheritable:
 * the app's own handlers (and LangSmith's tracer) stay where they are and keep every event.
 * Returns false when `CallbackManager` does not look like LangChain's.
 */
export function patchCallbackManager(CallbackManager: unknown, ref: HandlerRef, diag: DiagLogger): boolean {
  const cls = CallbackManager as ManagerClass | null | undefined;
  if (cls === null || cls === undefined || typeof cls._configureSync !== "function") return false;
  const existing = cls[PATCHED];
  if (existing !== undefined) {
    existing.ref = ref;
    return true;
  }
  const original = cls._configureSync;
  const state = { original, ref };
  // Its seven parameters named (LangChain calls it on every run and on every streamed chunk): no array of the
  // arguments is made per call.
  const patched: ConfigureSync = function (this: unknown, handlers, local, tags, localTags, metadata, localMetadata, options) {
    const handler = state.ref.current;
    if (handler === undefined) return original.call(this, handlers, local, tags, localTags, metadata, localMetadata, options);
    // With no handlers at all LangChain configures no manager (and drops tags and metadata); hand it ours
    // as the inheritable handler so the manager it builds is complete.
    if (handlers === undefined && local === undefined) {
      return original.call(this, [handler], local, tags, localTags, metadata, localMetadata, options);
    }
    const manager = original.call(this, handlers, local, tags, localTags, metadata, localMetadata, options);
    try {
      if (manager !== undefined && !hasOurHandler(manager)) manager.addHandler?.(handler, true);
    } catch (err) {
      diag.error("could not attach the OpenTelemetry handler to a callback manager", err);
    }
    return manager;
  };
  Object.defineProperty(cls, PATCHED, { value: state, configurable: true });
  cls._configureSync = patched;
  return true;
}

/** Restores the original `_configureSync`. */
export function unpatchCallbackManager(CallbackManager: unknown): void {
  const cls = CallbackManager as ManagerClass | undefined;
  const state = cls?.[PATCHED];
  if (cls === undefined || state === undefined) return;
  cls._configureSync = state.original;
  delete (cls as Patched<ConfigureSync>)[PATCHED];
}

function parentRunIdOf(config: unknown): string | undefined {
  const callbacks = (config as { callbacks?: unknown } | undefined)?.callbacks as
    | { getParentRunId?: () => unknown; _parentRunId?: unknown }
    | undefined;
  if (callbacks === undefined || callbacks === null || typeof callbacks !== "object") return undefined;
  const id = typeof callbacks.getParentRunId === "function" ? callbacks.getParentRunId() : callbacks._parentRunId;
  return typeof id === "string" ? id : undefined;
}

/**
 * LangChain runs a tool's function, a lambda and a graph node under `runWithConfig(childConfig, fn)`, where the
 * child config's callbacks name the running run. Running `fn` with that run's span active makes spans that user
 * code or HTTP instrumentations start inside it children of the run's span.
 */
export function patchRunWithConfig(provider: unknown, ref: HandlerRef, diag: DiagLogger): boolean {
  const target = provider as AlsProvider | undefined;
  if (target === null || typeof target !== "object" || typeof target.runWithConfig !== "function") return false;
  const existing = target[PATCHED];
  if (existing !== undefined) {
    existing.ref = ref;
    return true;
  }
  const original = target.runWithConfig;
  const state = { original, ref };
  const patched: RunWithConfig = function (this: unknown, config, callback, avoid) {
    let runContext: Context | undefined;
    try {
      runContext = state.ref.current?.contextForRun(parentRunIdOf(config));
    } catch (err) {
      diag.error("could not look up the run context", err);
    }
    if (runContext === undefined) return original.call(this, config, callback, avoid);
    return context.with(runContext, () => original.call(this, config, callback, avoid));
  };
  Object.defineProperty(target, PATCHED, { value: state, configurable: true });
  target.runWithConfig = patched;
  return true;
}

/** Restores the original `runWithConfig`. */
export function unpatchRunWithConfig(provider: unknown): void {
  const target = provider as AlsProvider | undefined;
  const state = target?.[PATCHED];
  if (target === undefined || state === undefined) return;
  delete (target as { runWithConfig?: RunWithConfig }).runWithConfig;
  if (typeof target.runWithConfig !== "function") target.runWithConfig = state.original;
  delete (target as Patched<RunWithConfig>)[PATCHED];
}

type GenerateUncached = (this: unknown, inputs: unknown, parsedOptions: unknown, handledOptions: unknown, started?: unknown) => unknown;
type StreamIterator = (this: unknown, input: unknown, options?: unknown) => AsyncGenerator<unknown>;
type ToolCall = (this: unknown, arg: unknown, configArg?: unknown, tags?: unknown) => unknown;
type ModelPrototype = { _generateUncached?: GenerateUncached; _streamIterator?: StreamIterator } & Patched<{
  generate: GenerateUncached;
  stream: StreamIterator | undefined;
}>;
type ToolPrototype = { call?: ToolCall } & Patched<ToolCall>;

function runIdOf(options: unknown): string | undefined {
  const id = (options as { runId?: unknown } | undefined)?.runId;
  return typeof id === "string" ? id : undefined;
}

/**
 * For a run LangChain is about to start inside a method: the run ID to start it with (the caller's, else a new
 * one) and a context that reads as the run's own (its span active) once the run has started.
 * Undefined while the instrumentation is disabled or when anything goes wrong.
 */
function pendingRun(options: unknown, ref: HandlerRef, diag: DiagLogger): { runId: string; context: Context } | undefined {
  try {
    if (ref.current === undefined) return undefined;
    const runId = runIdOf(options) ?? newRunId();
    return { runId, context: new PendingRunContext(context.active(), runId, (id) => ref.current?.contextForRun(id)) };
  } catch (err) {
    diag.error("could not prepare the run context", err);
    return undefined;
  }
}

/**
 * A model's stream with the run's context active while each chunk is made: every `next` of the model's own
 * generator runs inside `context.with`. The iterator LangChain gets delegates each call (no generator of ours in
 * between, so a chunk costs no extra promise or turn of the microtask queue); `start` runs at the first call, when a
 * generator's body would (the run ID is chosen and the model's generator made then, in that call's context).
 */
class RunContextStream implements AsyncIterator<unknown> {
  private _start: (() => { inner: AsyncGenerator<unknown>; context: Context | undefined }) | undefined;
  private _inner: AsyncGenerator<unknown> | undefined;
  private _context: Context | undefined;

  constructor(start: () => { inner: AsyncGenerator<unknown>; context: Context | undefined }) {
    this._start = start;
  }

  next(value?: unknown): Promise<IteratorResult<unknown>> {
    const start = this._start;
    if (start !== undefined) {
      this._start = undefined;
      try {
        ({ inner: this._inner, context: this._context } = start());
      } catch (err) {
        return Promise.reject(err);
      }
    }
    const inner = this._inner;
    if (inner === undefined) return Promise.resolve({ done: true, value: undefined });
    // No closure per chunk: `with` calls `next` on `inner` itself.
    return this._context === undefined ? inner.next(value) : context.with(this._context, inner.next, inner, value);
  }

  // A consumer that stops early closes the model's stream too, as it would without us.
  return(value?: unknown): Promise<IteratorResult<unknown>> {
    this._start = undefined;
    return this._inner?.return?.(value) ?? Promise.resolve({ done: true, value });
  }

  throw(err?: unknown): Promise<IteratorResult<unknown>> {
    this._start = undefined;
    return this._inner?.throw?.(err) ?? Promise.reject(err);
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}

/**
 * Makes a model run's span the active context while the model works (`_generate`, `_streamResponseChunks`), so
 * spans from the provider SDK's HTTP calls nest under it. LangChain starts the model's run inside these methods,
 * so the run ID is chosen up front (when the caller gave none) and the context resolves to the span once it exists.
 * `model` is the prototype of `BaseChatModel` or `BaseLLM`. With several prompts in one call, the first one's run
 * gets the context.
 */
export function patchModelPrototype(model: unknown, ref: HandlerRef, diag: DiagLogger): boolean {
  const proto = model as ModelPrototype | undefined;
  if (proto === null || typeof proto !== "object" || typeof proto._generateUncached !== "function") return false;
  const existing = proto[PATCHED];
  if (existing !== undefined) {
    existing.ref = ref;
    return true;
  }
  const originalGenerate = proto._generateUncached;
  const originalStream = proto._streamIterator;
  const state = { original: { generate: originalGenerate, stream: originalStream }, ref };

  proto._generateUncached = function (this: unknown, inputs, parsedOptions, handledOptions, started) {
    const run = pendingRun(handledOptions, state.ref, diag);
    if (run === undefined) return originalGenerate.call(this, inputs, parsedOptions, handledOptions, started);
    const options = { ...(handledOptions as object), runId: run.runId };
    return context.with(run.context, () => originalGenerate.call(this, inputs, parsedOptions, options, started));
  };

  if (typeof originalStream === "function") {
    proto._streamIterator = function (this: unknown, input: unknown, options?: unknown) {
      return new RunContextStream(() => {
        const run = pendingRun(options, state.ref, diag);
        if (run === undefined) return { inner: originalStream.call(this, input, options), context: undefined };
        const inner = context.with(run.context, () => originalStream.call(this, input, { ...(options as object), runId: run.runId }));
        return { inner, context: run.context };
      }) as unknown as AsyncGenerator<unknown>;
    };
  }
  Object.defineProperty(proto, PATCHED, { value: state, configurable: true });
  return true;
}

/** Restores the original model methods. */
export function unpatchModelPrototype(model: unknown): void {
  const proto = model as ModelPrototype | undefined;
  const state = proto?.[PATCHED];
  if (proto === undefined || state === undefined) return;
  proto._generateUncached = state.original.generate;
  if (state.original.stream !== undefined) proto._streamIterator = state.original.stream;
  delete (proto as Patched<unknown>)[PATCHED];
}

/** `parseCallbackConfigArg` of @langchain/core: a config, or callbacks given in its place. */
function toolConfig(configArg: unknown): Record<string, unknown> {
  if (configArg === undefined || configArg === null) return {};
  if (Array.isArray(configArg) || (typeof configArg === "object" && "name" in configArg)) return { callbacks: configArg };
  return typeof configArg === "object" ? (configArg as Record<string, unknown>) : {};
}

/**
 * Makes a tool run's span the active context while any tool executes (`StructuredTool.call`, which every tool
 * class goes through), not only tools made with `tool()`.
 */
export function patchToolPrototype(tool: unknown, ref: HandlerRef, diag: DiagLogger): boolean {
  const proto = tool as ToolPrototype | undefined;
  if (proto === null || typeof proto !== "object" || typeof proto.call !== "function") return false;
  const existing = proto[PATCHED];
  if (existing !== undefined) {
    existing.ref = ref;
    return true;
  }
  const original = proto.call;
  const state = { original, ref };
  proto.call = function (this: unknown, arg: unknown, configArg?: unknown, tags?: unknown) {
    const config = toolConfig(configArg);
    const run = pendingRun(config, state.ref, diag);
    if (run === undefined) return original.call(this, arg, configArg, tags);
    return context.with(run.context, () => original.call(this, arg, { ...config, runId: run.runId }, tags));
  };
  Object.defineProperty(proto, PATCHED, { value: state, configurable: true });
  return true;
}

/** Restores `StructuredTool.prototype.call`. */
export function unpatchToolPrototype(tool: unknown): void {
  const proto = tool as ToolPrototype | undefined;
  const state = proto?.[PATCHED];
  if (proto === undefined || state === undefined) return;
  proto.call = state.original;
  delete (proto as Patched<unknown>)[PATCHED];
}
