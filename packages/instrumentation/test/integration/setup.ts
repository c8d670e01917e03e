// SPDX-License-Identifier: Apache-2.0
import { AsyncLocalStorage } from "node:async_hooks";
import * as managerModule from "@langchain/core/callbacks/manager";
import * as singletonsModule from "@langchain/core/singletons";
import * as chatModelsModule from "@langchain/core/language_models/chat_models";
import * as llmsModule from "@langchain/core/language_models/llms";
import * as toolsModule from "@langchain/core/tools";
import { LangChainInstrumentation } from "../../src/instrumentation.js";
import { setupTracing } from "../helpers.js";

/** Real instrumentation over the test's @langchain/core copy, with an in-memory exporter. */
export function setupInstrumentation(config: ConstructorParameters<typeof LangChainInstrumentation>[0] = {}) {
  const tracing = setupTracing();
  // What the node distro does at startup: LangChain's async context, so nested runnables inherit callbacks.
  const key = Symbol.for("ls:tracing_async_local_storage");
  (globalThis as Record<symbol, unknown>)[key] ??= new AsyncLocalStorage();
  const instrumentation = new LangChainInstrumentation({ contentPolicy: "full", ...config });
  instrumentation.setTracerProvider(tracing.provider);
  instrumentation.manuallyInstrument(managerModule);
  instrumentation.manuallyInstrument(singletonsModule);
  instrumentation.manuallyInstrument(chatModelsModule);
  instrumentation.manuallyInstrument(llmsModule);
  instrumentation.manuallyInstrument(toolsModule);
  return { ...tracing, instrumentation };
}
