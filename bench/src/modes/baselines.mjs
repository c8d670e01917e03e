// SPDX-License-Identifier: Apache-2.0
import { BaseCallbackHandler } from "@langchain/core/callbacks/base";

/** No instrumentation at all. */
export const none = {
  id: "none",
  label: "none",
  kind: "baseline",
  setup: async () => ({ config: {}, spanCount: () => 0, flush: async () => {} }),
};

/**
 * A callback handler whose every method does nothing, awaited like ours (`awaitHandlers`): what LangChain's
 * callback machinery costs before a handler does any work.
 */
class NoopCallbackHandler extends BaseCallbackHandler {
  name = "noop";
  awaitHandlers = true;
  handleChainStart() {}
  handleChainEnd() {}
  handleChainError() {}
  handleChatModelStart() {}
  handleLLMStart() {}
  handleLLMNewToken() {}
  handleLLMEnd() {}
  handleLLMError() {}
  handleToolStart() {}
  handleToolEnd() {}
  handleToolError() {}
  handleRetrieverStart() {}
  handleRetrieverEnd() {}
  handleRetrieverError() {}
}

export const noopHandler = {
  id: "noop-handler",
  label: "noop-handler",
  kind: "baseline",
  describe: () => "a BaseCallbackHandler with empty methods (awaitHandlers: true) in the invoke's callbacks",
  setup: async () => ({ config: { callbacks: [new NoopCallbackHandler()] }, spanCount: () => 0, flush: async () => {} }),
};
