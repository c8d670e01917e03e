// SPDX-License-Identifier: Apache-2.0
import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import { BatchSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import { DiscardingSpanExporter } from "../discarding-exporter.mjs";

/**
 * The tracing setup every OpenTelemetry-based mode shares: one global `TracerProvider` (sdk-trace 3.x), the
 * AsyncLocalStorage context manager, and a `BatchSpanProcessor` (defaults) into an exporter that discards.
 * `spanProcessors` replaces the batch processor for a mode whose README requires its own (it gets `exporter`).
 */
export function startTracing({ idGenerator, spanProcessors, exporter = new DiscardingSpanExporter() } = {}) {
  const processors = spanProcessors ?? [new BatchSpanProcessor({ exporter })];
  const provider = new TracerProvider({ ...(idGenerator ? { idGenerator } : {}), spanProcessors: processors });
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
  return {
    provider,
    exporter,
    spanCount: () => exporter.exportedSpans,
    flush: () => provider.forceFlush(),
  };
}
