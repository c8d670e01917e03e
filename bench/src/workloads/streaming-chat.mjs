// SPDX-License-Identifier: Apache-2.0
import { HumanMessage } from "@langchain/core/messages";
import { FakeListChatModel } from "@langchain/core/utils/testing";

const RESPONSE = "Your refund of 42 EUR reaches your card in 5 days."; // 50 characters: one chunk each

/** (b) A streamed chat answer: FakeListChatModel streams its 50-character response one chunk per character. */
export const streamingChat = {
  id: "b",
  name: "streaming-chat",
  title: "streaming chat, 50 chunks",
  runsPerInvoke: 1,
  iterations: { full: 1500, quick: 400 },
  warmup: { full: 500, quick: 200 },
  create() {
    if (RESPONSE.length !== 50) throw new Error(`response must be 50 characters, is ${RESPONSE.length}`);
    const model = new FakeListChatModel({ responses: [RESPONSE] });
    const messages = [new HumanMessage("When does my refund arrive?")];
    return {
      async invoke(config) {
        let chunks = 0;
        for await (const _chunk of await model.stream(messages, config)) chunks++;
        return chunks;
      },
      check: (chunks) => chunks === 50,
    };
  },
};
