import { context, type Context, type DiagLogger } from "@opentelemetry/api";
import { HANDLER_MARK } from "./handler.js";

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
type ConfigureSync = (this: unknown, ...args: unknown[]) => ManagerLike | undefined;
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
  const cls = CallbackManager as ManagerClass | undefined;
  if (typeof cls !== "function" || typeof cls._configureSync !== "function") return false;
  const existing = cls[PATCHED];
  if (existing !== undefined) {
    existing.ref = ref;
    return true;
  }
  const original = cls._configureSync;
  const state = { original, ref };
  const patched: ConfigureSync = function (this: unknown, ...args: unknown[]) {
    const handler = state.ref.current;
    if (handler === undefined) return original.apply(this, args);
    // With no handlers at all LangChain configures no manager (and drops tags and metadata); hand it ours
    // as the inheritable handler so the manager it builds is complete.
    if (args[0] === undefined && args[1] === undefined) {
      const withOurs = [...args];
      withOurs[0] = [handler];
      return original.apply(this, withOurs);
    }
    const manager = original.apply(this, args);
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
