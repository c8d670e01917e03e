// SPDX-License-Identifier: Apache-2.0
import {
  InstrumentationBase,
  InstrumentationNodeModuleDefinition,
  InstrumentationNodeModuleFile,
} from "@opentelemetry/instrumentation";
import type { LangChainInstrumentationConfig } from "./types.js";
import { OpenTelemetryCallbackHandler } from "./handler.js";
import { resolveTracingOptions, type ResolvedTracingOptions } from "./options.js";
import { envSnapshot, type Env } from "./setting-parsers.js";
import {
  patchCallbackManager,
  patchModelPrototype,
  patchRunWithConfig,
  patchToolPrototype,
  unpatchCallbackManager,
  unpatchToolPrototype,
  unpatchModelPrototype,
  unpatchRunWithConfig,
  type HandlerRef,
} from "./patch.js";
import { PACKAGE_NAME, PACKAGE_VERSION } from "./version.js";

const SUPPORTED_VERSIONS = [">=1.0.0 <2"];
const MANAGER_FILE = "@langchain/core/dist/callbacks/manager";
const SINGLETONS_FILE = "@langchain/core/dist/singletons/async_local_storage/index";
const CHAT_MODELS_FILE = "@langchain/core/dist/language_models/chat_models";
const LLMS_FILE = "@langchain/core/dist/language_models/llms";
const TOOLS_FILE = "@langchain/core/dist/tools/index";

/** The module namespaces {@link LangChainInstrumentation.manuallyInstrument} accepts. */
export interface LangChainModules {
  /** From `@langchain/core/callbacks/manager`. */
  CallbackManager?: unknown;
  /** From `@langchain/core/singletons`. */
  AsyncLocalStorageProviderSingleton?: unknown;
  /** From `@langchain/core/language_models/chat_models`. */
  BaseChatModel?: unknown;
  /** From `@langchain/core/language_models/llms`. */
  BaseLLM?: unknown;
  /** From `@langchain/core/tools`. */
  StructuredTool?: unknown;
}

/**
 * Traces every LangChain run without the app passing callbacks: each `CallbackManager` LangChain configures
 * gets an {@link OpenTelemetryCallbackHandler} appended, in every loaded copy of `@langchain/core`
 * (CommonJS through require hooks, ESM through the import hook or {@link manuallyInstrument}).
 */
export class LangChainInstrumentation extends InstrumentationBase<LangChainInstrumentationConfig> {
  // `declare`d and created lazily: the base constructor calls enable() before subclass fields would be
  // initialised, and an initialiser would then reset what enable() set up.
  declare private _handlerRef: HandlerRef | undefined;
  declare private _handler: OpenTelemetryCallbackHandler | undefined;
  declare private _settings: ResolvedTracingOptions;
  declare private _env: Env;

  /**
   * @param config options; each one not given falls back to its `LANGCHAIN_OTEL_*` variable, read once, here.
   * @param resolved the same options already resolved (by the node distro's `start()`), so they are not
   *   resolved twice; `config` must be what they were resolved from.
   * @throws {ConfigurationError} for a bad option or variable (at construction, that is at startup; never later).
   */
  constructor(config: LangChainInstrumentationConfig = {}, resolved?: ResolvedTracingOptions) {
    const env = envSnapshot();
    const settings = resolved ?? resolveTracingOptions(config, env);
    super(PACKAGE_NAME, PACKAGE_VERSION, config);
    this._env = env;
    this._settings = settings;
  }

  /** The handler this instrumentation attaches to every run. */
  get handler(): OpenTelemetryCallbackHandler {
    this._handler ??= new OpenTelemetryCallbackHandler(this.getConfig(), {
      tracer: () => this.tracer,
      logger: () => this.logger,
      meter: () => this.meter,
      diag: this._diag,
      options: () => this._settings,
    });
    return this._handler;
  }

  private get _ref(): HandlerRef {
    this._handlerRef ??= { current: undefined };
    return this._handlerRef;
  }

  /**
   * Replaces the options, resolved against the environment as it was at construction. Never throws: a bad
   * option is reported through the diag logger and the current options stay.
   */
  override setConfig(config: LangChainInstrumentationConfig = {}): void {
    let settings: ResolvedTracingOptions;
    try {
      settings = resolveTracingOptions(config, this._env);
    } catch (err) {
      this._diag.error(`setConfig: ${err instanceof Error ? err.message : String(err)}; the previous options stay`);
      return;
    }
    super.setConfig(config);
    this._settings = settings;
  }

  override enable(): void {
    this._ref.current = this.handler;
    super.enable();
  }

  override disable(): void {
    this._ref.current = undefined;
    super.disable();
  }

  /**
   * Patches modules the app loaded itself, for ESM apps started without the import hook:
   * `instrumentation.manuallyInstrument(await import("@langchain/core/callbacks/manager"))`.
   * Idempotent per loaded copy.
   */
  manuallyInstrument(modules: LangChainModules): void {
    if (modules.CallbackManager !== undefined && !patchCallbackManager(modules.CallbackManager, this._ref, this._diag)) {
      this._diag.warn("manuallyInstrument: CallbackManager does not look like @langchain/core's; not patched");
    }
    if (
      modules.AsyncLocalStorageProviderSingleton !== undefined &&
      !patchRunWithConfig(modules.AsyncLocalStorageProviderSingleton, this._ref, this._diag)
    ) {
      this._diag.warn("manuallyInstrument: AsyncLocalStorageProviderSingleton is not @langchain/core's; not patched");
    }
    for (const model of [modules.BaseChatModel, modules.BaseLLM]) {
      if (model !== undefined && !patchModelPrototype(prototypeOf(model), this._ref, this._diag)) {
        this._diag.warn("manuallyInstrument: a model base class is not @langchain/core's; not patched");
      }
    }
    if (modules.StructuredTool !== undefined && !patchToolPrototype(prototypeOf(modules.StructuredTool), this._ref, this._diag)) {
      this._diag.warn("manuallyInstrument: StructuredTool is not @langchain/core's; not patched");
    }
  }

  protected init(): InstrumentationNodeModuleDefinition[] {
    const files: InstrumentationNodeModuleFile[] = [];
    for (const ext of [".cjs", ".js"]) {
      files.push(
        new InstrumentationNodeModuleFile(
          MANAGER_FILE + ext,
          SUPPORTED_VERSIONS,
          (exports: LangChainModules) => {
            patchCallbackManager(exports?.CallbackManager, this._ref, this._diag);
            return exports;
          },
          (exports: LangChainModules) => unpatchCallbackManager(exports?.CallbackManager),
        ),
        new InstrumentationNodeModuleFile(
          SINGLETONS_FILE + ext,
          SUPPORTED_VERSIONS,
          (exports: LangChainModules) => {
            patchRunWithConfig(exports?.AsyncLocalStorageProviderSingleton, this._ref, this._diag);
            return exports;
          },
          (exports: LangChainModules) => unpatchRunWithConfig(exports?.AsyncLocalStorageProviderSingleton),
        ),
        new InstrumentationNodeModuleFile(
          CHAT_MODELS_FILE + ext,
          SUPPORTED_VERSIONS,
          (exports: LangChainModules) => {
            patchModelPrototype(prototypeOf(exports?.BaseChatModel), this._ref, this._diag);
            return exports;
          },
          (exports: LangChainModules) => unpatchModelPrototype(prototypeOf(exports?.BaseChatModel)),
        ),
        new InstrumentationNodeModuleFile(
          LLMS_FILE + ext,
          SUPPORTED_VERSIONS,
          (exports: LangChainModules) => {
            patchModelPrototype(prototypeOf(exports?.BaseLLM), this._ref, this._diag);
            return exports;
          },
          (exports: LangChainModules) => unpatchModelPrototype(prototypeOf(exports?.BaseLLM)),
        ),
        new InstrumentationNodeModuleFile(
          TOOLS_FILE + ext,
          SUPPORTED_VERSIONS,
          (exports: LangChainModules) => {
            patchToolPrototype(prototypeOf(exports?.StructuredTool), this._ref, this._diag);
            return exports;
          },
          (exports: LangChainModules) => unpatchToolPrototype(prototypeOf(exports?.StructuredTool)),
        ),
      );
    }
    return [new InstrumentationNodeModuleDefinition("@langchain/core", SUPPORTED_VERSIONS, undefined, undefined, files)];
  }
}

function prototypeOf(cls: unknown): unknown {
  return typeof cls === "function" ? (cls as { prototype?: unknown }).prototype : undefined;
}
