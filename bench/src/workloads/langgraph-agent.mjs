// SPDX-License-Identifier: Apache-2.0
import { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AIMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import { tool } from "@langchain/core/tools";
import { END, MessagesAnnotation, START, StateGraph } from "@langchain/langgraph";
import { ToolNode } from "@langchain/langgraph/prebuilt";
import { z } from "zod";

const STEPS = 10; // model turns: 9 with a tool call, then the answer

/**
 * A chat model that follows a script: while fewer than STEPS - 1 tool results are in the conversation it asks
 * for the `inventory` tool, then it answers. Stateless (it reads the conversation), so every invoke of the graph
 * takes exactly STEPS agent steps.
 */
class ScriptedToolCallingModel extends BaseChatModel {
  lc_namespace = ["bench", "chat_models"];

  _llmType() {
    return "scripted";
  }

  bindTools(_tools) {
    return this;
  }

  async _generate(messages) {
    const toolResults = messages.filter((m) => ToolMessage.isInstance(m)).length;
    const message =
      toolResults < STEPS - 1
        ? new AIMessage({
            content: "",
            tool_calls: [{ id: `call_${toolResults}`, name: "inventory", args: { sku: `SKU-${toolResults}` }, type: "tool_call" }],
          })
        : new AIMessage(`All ${toolResults} items are in stock.`);
    return { generations: [{ text: typeof message.content === "string" ? message.content : "", message }] };
  }
}

/** (c) A LangGraph agent loop: "agent" node (scripted model) ⇄ "tools" node, 10 agent steps, 9 tool calls. */
export const langgraphAgent = {
  id: "c",
  name: "langgraph-agent",
  title: "LangGraph agent loop, 10 steps, 9 tool calls",
  runsPerInvoke: undefined, // LangGraph adds runs of its own (graph, nodes, routing); counted from the spans
  iterations: { full: 250, quick: 50 },
  warmup: { full: 60, quick: 25 },
  create() {
    const inventory = tool(async ({ sku }) => JSON.stringify({ sku, inStock: true, quantity: 12 }), {
      name: "inventory",
      description: "Stock level of one SKU.",
      schema: z.object({ sku: z.string() }),
    });
    const model = new ScriptedToolCallingModel({}).bindTools([inventory]);
    const agent = async (state) => ({ messages: [await model.invoke(state.messages)] });
    const route = (state) => (state.messages.at(-1)?.tool_calls?.length ? "tools" : END);
    const graph = new StateGraph(MessagesAnnotation)
      .addNode("agent", agent)
      .addNode("tools", new ToolNode([inventory]))
      .addEdge(START, "agent")
      .addConditionalEdges("agent", route, ["tools", END])
      .addEdge("tools", "agent")
      .compile({ name: "stock_agent" });
    const input = { messages: [new HumanMessage("Are SKU-0 to SKU-8 in stock?")] };
    return {
      invoke: (config) => graph.invoke(input, config),
      check: (state) => state.messages.length === 1 + 2 * (STEPS - 1) + 1 && state.messages.at(-1).content.includes("in stock"),
    };
  },
};
