// SPDX-License-Identifier: Apache-2.0
import { StringOutputParser } from "@langchain/core/output_parsers";
import { ChatPromptTemplate } from "@langchain/core/prompts";
import { RunnableLambda } from "@langchain/core/runnables";
import { tool } from "@langchain/core/tools";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { z } from "zod";

/**
 * (a) The shape of a small app: a RunnableLambda that calls `prompt | chat model | parser`, then a tool.
 * Six runs per invoke: lambda, sequence, prompt, chat model, parser, tool. Nested runnables get the callbacks
 * through LangChain's AsyncLocalStorage, as in an app that does not thread `config` by hand.
 */
export const appChain = {
  id: "a",
  name: "app-chain",
  title: "app lambda → prompt | chat | parser → tool",
  runsPerInvoke: 6,
  iterations: { full: 4000, quick: 1200 },
  warmup: { full: 1500, quick: 600 },
  create() {
    const prompt = ChatPromptTemplate.fromMessages([
      ["system", "You answer questions about orders in one sentence."],
      ["human", "{question}"],
    ]);
    const model = new FakeListChatModel({ responses: ["Order A-1001 shipped on Monday and arrives on Thursday."] });
    const chain = prompt.pipe(model).pipe(new StringOutputParser());
    const orderStatus = tool(async ({ orderId }) => JSON.stringify({ orderId, status: "shipped", eta: "Thursday" }), {
      name: "order_status",
      description: "Looks up the shipping status of an order.",
      schema: z.object({ orderId: z.string() }),
    });
    const app = RunnableLambda.from(async (question) => {
      const answer = await chain.invoke({ question });
      const status = await orderStatus.invoke({ orderId: answer.match(/[A-Z]-\d+/)?.[0] ?? "unknown" });
      return `${answer} ${status}`;
    }).withConfig({ runName: "support_app" });
    return {
      invoke: (config) => app.invoke("Where is my order A-1001?", config),
      check: (output) => typeof output === "string" && output.includes("\"status\":\"shipped\""),
    };
  },
};
