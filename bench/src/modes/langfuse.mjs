// SPDX-License-Identifier: Apache-2.0
import { installedVersion } from "../installed.mjs";
import { startLocalSink } from "../local-sink.mjs";
import { DiscardingSpanExporter } from "../discarding-exporter.mjs";
import { startTracing } from "./otel.mjs";

/**
 * Langfuse, as its README says: `LangfuseSpanProcessor` on the tracer provider and a `CallbackHandler` in the
 * invoke's callbacks. The processor is handed the discarding exporter (its `exporter` option), so no span leaves
 * the process; its API base URL points at a 127.0.0.1 sink that answers 200, counting any request it gets.
 */
export const langfuse = {
  id: "langfuse",
  label: "Langfuse",
  kind: "peer",
  package: "@langfuse/langchain",
  describe: () =>
    `@langfuse/langchain ${installedVersion("@langfuse/langchain")} + @langfuse/otel ${installedVersion("@langfuse/otel")}: ` +
    "new CallbackHandler() in the invoke's callbacks; new LangfuseSpanProcessor({ exporter: <discarding>, publicKey/secretKey: dummies, " +
    "baseUrl: http://127.0.0.1:<sink> }) as the provider's only span processor (it batches itself)",
  async setup() {
    const sink = await startLocalSink();
    const { LangfuseSpanProcessor } = await import("@langfuse/otel");
    const { CallbackHandler } = await import("@langfuse/langchain");
    const exporter = new DiscardingSpanExporter();
    const processor = new LangfuseSpanProcessor({
      exporter,
      publicKey: "pk-lf-bench",
      secretKey: "sk-lf-bench",
      baseUrl: sink.url,
    });
    const tracing = startTracing({ exporter, spanProcessors: [processor] });
    return {
      config: { callbacks: [new CallbackHandler()] },
      spanCount: tracing.spanCount,
      flush: tracing.flush,
      notes: () => ({ sinkRequests: sink.requests }),
    };
  },
};
