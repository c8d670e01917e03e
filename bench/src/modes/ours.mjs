// SPDX-License-Identifier: Apache-2.0
import { installedVersion } from "../installed.mjs";
import { startTracing } from "./otel.mjs";
import { ModeUnavailable } from "./unavailable.mjs";

// The @langchain/core modules the instrumentation patches, as the distro hands them over for ESM apps.
export const CORE_MODULES = ["callbacks/manager", "singletons", "language_models/chat_models", "language_models/llms", "tools"];

/** langchain-otel with one content policy: RunIdGenerator + LangChainInstrumentation, modules handed over by hand. */
function ours(policy) {
  return {
    id: `ours-${policy}`,
    label: `ours (${policy})`,
    kind: "ours",
    policy,
    package: "@langchain-otel/instrumentation",
    describe: () =>
      `@langchain-otel/instrumentation ${installedVersion("@langchain-otel/instrumentation")} (workspace build): ` +
      `new LangChainInstrumentation({ contentPolicy: "${policy}" }), manuallyInstrument(${CORE_MODULES.join(", ")}), RunIdGenerator`,
    /** `exporter` replaces the discarding one (the end-to-end throughput run passes an OTLP exporter). */
    async setup({ exporter } = {}) {
      const { CONTENT_POLICIES, LangChainInstrumentation, RunIdGenerator } = await import("@langchain-otel/instrumentation");
      if (!CONTENT_POLICIES.includes(policy)) throw new ModeUnavailable("not implemented yet");
      const tracing = startTracing({ idGenerator: new RunIdGenerator(), ...(exporter ? { exporter } : {}) });
      const instrumentation = new LangChainInstrumentation({ contentPolicy: policy });
      for (const name of CORE_MODULES) instrumentation.manuallyInstrument(await import(`@langchain/core/${name}`));
      return { config: {}, spanCount: tracing.spanCount, flush: tracing.flush };
    },
  };
}

export const oursNone = ours("none");
export const oursFull = ours("full");
export const oursRedacted = ours("redacted");
