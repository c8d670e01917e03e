// SPDX-License-Identifier: Apache-2.0
import { installedVersion } from "../installed.mjs";
import { startTracing } from "./otel.mjs";

const PACKAGE = "@traceloop/instrumentation-langchain";

/**
 * Traceloop (OpenLLMetry): its `LangChainInstrumentation` (the constructor patches the CommonJS build itself)
 * plus `manuallyInstrument({ callbackManagerModule })` for the ESM build this benchmark loads.
 */
export const traceloop = {
  id: "traceloop",
  label: "Traceloop",
  kind: "peer",
  package: PACKAGE,
  describe: () =>
    `${PACKAGE} ${installedVersion(PACKAGE)}: new LangChainInstrumentation().manuallyInstrument({ callbackManagerModule: ` +
    'await import("@langchain/core/callbacks/manager") }), global TracerProvider (default config: traceContent true)',
  async setup() {
    const tracing = startTracing();
    const { LangChainInstrumentation } = await import(PACKAGE);
    const instrumentation = new LangChainInstrumentation();
    instrumentation.manuallyInstrument({ callbackManagerModule: await import("@langchain/core/callbacks/manager") });
    return { config: {}, spanCount: tracing.spanCount, flush: tracing.flush };
  },
};
