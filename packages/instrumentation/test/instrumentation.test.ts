// SPDX-License-Identifier: Apache-2.0
import { AsyncLocalStorage } from "node:async_hooks";
import { DiagLogLevel, diag } from "@opentelemetry/api";
import * as managerModule from "@langchain/core/callbacks/manager";
import { RunnableLambda } from "@langchain/core/runnables";
import * as singletonsModule from "@langchain/core/singletons";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { LangChainInstrumentation } from "../src/instrumentation.js";
import { setupTracing } from "./helpers.js";

const { provider, exporter, spans } = setupTracing();
// What the node distro does at startup: LangChain's async context, so nested runnables inherit callbacks.
(globalThis as Record<symbol, unknown>)[Symbol.for("ls:tracing_async_local_storage")] ??= new AsyncLocalStorage();

const warnings: string[] = [];
beforeEach(() => {
  exporter.reset();
  warnings.length = 0;
  diag.setLogger(
    { error: () => {}, warn: (...args: unknown[]) => warnings.push(args.join(" ")), info: () => {}, debug: () => {}, verbose: () => {} },
    { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true },
  );
});
afterAll(() => diag.disable());

const double = RunnableLambda.from(async (n: number) => n * 2).withConfig({ runName: "double" });

describe("LangChainInstrumentation", () => {
  let instrumentation: LangChainInstrumentation;
  afterEach(() => instrumentation.disable());

  it("traces runs without callbacks once the app's modules are instrumented; never twice when instrumented twice", async () => {
    instrumentation = new LangChainInstrumentation({ contentPolicy: "full" });
    instrumentation.setTracerProvider(provider);
    instrumentation.manuallyInstrument(managerModule);
    instrumentation.manuallyInstrument(singletonsModule);
    instrumentation.manuallyInstrument(managerModule);
    expect(await double.invoke(21)).toBe(42);
    expect(spans().map((s) => [s.name, s.attributes["langchain.inputs"], s.attributes["langchain.outputs"]])).toEqual([["double", '{"input":21}', '{"output":42}']]);
    expect(warnings).toEqual([]);
  });

  it("disable stops tracing and enable resumes it, with the same handler", async () => {
    instrumentation = new LangChainInstrumentation({ contentPolicy: "full" });
    instrumentation.setTracerProvider(provider);
    instrumentation.manuallyInstrument(managerModule);
    const handler = instrumentation.handler;
    instrumentation.disable();
    expect(await double.invoke(1)).toBe(2);
    expect(spans()).toEqual([]);
    instrumentation.enable();
    expect(await double.invoke(2)).toBe(4);
    expect(spans()).toHaveLength(1);
    expect(instrumentation.handler).toBe(handler);
  });

  it("manuallyInstrument: a module that is not LangChain's is named in a warning and left alone", () => {
    instrumentation = new LangChainInstrumentation();
    const foreign = { _configureSync: "no" };
    instrumentation.manuallyInstrument({
      CallbackManager: foreign,
      AsyncLocalStorageProviderSingleton: {},
      BaseChatModel: class {},
      BaseLLM: "not a class",
      StructuredTool: class {},
    });
    expect(warnings).toEqual([
      "@langchain-otel/instrumentation manuallyInstrument: CallbackManager does not look like @langchain/core's; not patched",
      "@langchain-otel/instrumentation manuallyInstrument: AsyncLocalStorageProviderSingleton is not @langchain/core's; not patched",
      "@langchain-otel/instrumentation manuallyInstrument: a model base class is not @langchain/core's; not patched",
      "@langchain-otel/instrumentation manuallyInstrument: a model base class is not @langchain/core's; not patched",
      "@langchain-otel/instrumentation manuallyInstrument: StructuredTool is not @langchain/core's; not patched",
    ]);
    expect(foreign).toEqual({ _configureSync: "no" });
  });

  it("hooks @langchain/core 1.x: the callback manager, the async-local-storage singleton, both model bases and tools, in CommonJS and ESM builds", () => {
    instrumentation = new LangChainInstrumentation();
    const [definition, ...others] = instrumentation.getModuleDefinitions();
    expect(others).toEqual([]);
    expect([definition!.name, definition!.supportedVersions]).toEqual(["@langchain/core", [">=1.0.0 <2"]]);
    expect(definition!.files.map((f) => f.name).sort()).toEqual(
      [
        "callbacks/manager",
        "singletons/async_local_storage/index",
        "language_models/chat_models",
        "language_models/llms",
        "tools/index",
      ]
        .flatMap((file) => [`@langchain/core/dist/${file}.cjs`, `@langchain/core/dist/${file}.js`])
        .sort(),
    );
  });
});
