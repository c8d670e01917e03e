// SPDX-License-Identifier: Apache-2.0
import { installedVersion } from "../installed.mjs";
import { startTracing } from "./otel.mjs";

const PACKAGE = "@arizeai/openinference-instrumentation-langchain";

/** OpenInference, as its README says: `new LangChainInstrumentation().manuallyInstrument(CallbackManagerModule)`. */
export const openInference = {
  id: "openinference",
  label: "OpenInference",
  kind: "peer",
  package: PACKAGE,
  describe: () =>
    `${PACKAGE} ${installedVersion(PACKAGE)}: new LangChainInstrumentation().manuallyInstrument(await import("@langchain/core/callbacks/manager")), ` +
    "global TracerProvider (default config: inputs and outputs recorded)",
  async setup() {
    const tracing = startTracing();
    const { LangChainInstrumentation } = await import(PACKAGE);
    const CallbackManagerModule = await import("@langchain/core/callbacks/manager");
    new LangChainInstrumentation().manuallyInstrument(CallbackManagerModule);
    return { config: {}, spanCount: tracing.spanCount, flush: tracing.flush };
  },
};
