// SPDX-License-Identifier: Apache-2.0
import { BaseCallbackHandler } from "@langchain/core/callbacks/base";
import { trace } from "@opentelemetry/api";
import { startTracing } from "./otel.mjs";

/**
 * The least a span-per-run tracer can do: an awaited handler that opens one bare SDK span per run (a constant
 * name, no attributes, no parent, no payload) and ends it when the run ends. Every other tracing mode is measured
 * against it, so its setup is theirs: the same provider, batch processor and discarding exporter.
 */
class FloorCallbackHandler extends BaseCallbackHandler {
  name = "floor";
  awaitHandlers = true;

  constructor(tracer) {
    super();
    this.tracer = tracer;
    this.spans = new Map();
  }

  open(runId) {
    this.spans.set(runId, this.tracer.startSpan("run"));
  }

  close(runId) {
    const span = this.spans.get(runId);
    if (span === undefined) return;
    this.spans.delete(runId);
    span.end();
  }

  handleChainStart(_chain, _inputs, runId) {
    this.open(runId);
  }
  handleChatModelStart(_llm, _messages, runId) {
    this.open(runId);
  }
  handleLLMStart(_llm, _prompts, runId) {
    this.open(runId);
  }
  handleToolStart(_tool, _input, runId) {
    this.open(runId);
  }
  handleRetrieverStart(_retriever, _query, runId) {
    this.open(runId);
  }
  handleChainEnd(_outputs, runId) {
    this.close(runId);
  }
  handleChainError(_err, runId) {
    this.close(runId);
  }
  handleLLMEnd(_output, runId) {
    this.close(runId);
  }
  handleLLMError(_err, runId) {
    this.close(runId);
  }
  handleToolEnd(_output, runId) {
    this.close(runId);
  }
  handleToolError(_err, runId) {
    this.close(runId);
  }
  handleRetrieverEnd(_documents, runId) {
    this.close(runId);
  }
  handleRetrieverError(_err, runId) {
    this.close(runId);
  }
}

export const floor = {
  id: "floor",
  label: "floor",
  kind: "floor",
  describe: () =>
    "a BaseCallbackHandler (awaitHandlers: true) in the invoke's callbacks that opens one bare span per run " +
    '(`tracer.startSpan("run")`: no attributes, no parent) and ends it when the run ends; same provider and exporter as every tracing mode',
  async setup() {
    const tracing = startTracing();
    const handler = new FloorCallbackHandler(trace.getTracer("bench-floor"));
    return { config: { callbacks: [handler] }, spanCount: tracing.spanCount, flush: tracing.flush };
  },
};
