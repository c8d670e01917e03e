// SPDX-License-Identifier: Apache-2.0
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { createReactAgent } from "@langchain/langgraph/prebuilt";
import { RunnableLambda } from "@langchain/core/runnables";
import { tool } from "@langchain/core/tools";
import { ChatOpenAI } from "@langchain/openai";
import { createAgent } from "langchain";
import { z } from "zod";
import { idSchemeProblems, renderTree } from "../helpers.js";
import { setupInstrumentation } from "./setup.js";
import { startFakeOpenAI } from "./fake-openai-server.js";
import type { FakeServer } from "./fake-http.js";

const { exporter, spans, instrumentation } = setupInstrumentation();
let server: FakeServer;
beforeAll(async () => {
  server = await startFakeOpenAI();
});
beforeEach(() => exporter.reset());
afterAll(async () => {
  instrumentation.disable();
  await server.close();
});

const lookupPolicy = tool(async ({ topic }: { topic: string }) => `policy ${topic}: 30 days`, {
  name: "lookup_policy",
  description: "Looks up a store policy",
  schema: z.object({ topic: z.string() }),
});
const chatModel = () => new ChatOpenAI({ model: "gpt-4o-mini", apiKey: "sk-test-not-real", configuration: { baseURL: `${server.origin}/v1` }, maxRetries: 0 });
/** The fake server's script for one tool-calling turn: a tool call, then the answer. */
function scriptToolTurn(): void {
  server.reply({ toolCall: { name: "lookup_policy", args: { topic: "returns" } } });
  server.reply({ text: "Returns are accepted within 30 days." });
}
const agentSpans = () => spans().filter((s) => s.attributes["langchain.run_type"] === "agent");

const State = Annotation.Root({
  steps: Annotation<string[]>({ reducer: (a, b) => a.concat(b), default: () => [] }),
});

function buildGraph() {
  const think = RunnableLambda.from(async (s: typeof State.State) => `think-${s.steps.length}`).withConfig({ runName: "reason" });
  return new StateGraph(State)
    .addNode("plan", async (s, config) => ({ steps: [await think.invoke(s, config)] }))
    .addNode("act", async () => ({ steps: ["act"] }))
    .addEdge(START, "plan")
    .addEdge("plan", "act")
    .addConditionalEdges("act", (s) => (s.steps.length >= 4 ? END : "plan"))
    .compile();
}

describe("LangGraph", () => {
  it("traces a graph with a loop: one workflow span, one span per node step, node metadata", async () => {
    const result = await buildGraph().invoke({ steps: [] }, { configurable: { thread_id: "thread-9" }, metadata: { session_id: "s-graph" } });
    expect(result.steps).toEqual(["think-0", "act", "think-2", "act"]);
    const all = spans();
    expect(renderTree(all)).toBe(
      [
        "invoke_workflow LangGraph",
        "  __start__",
        "  plan",
        "    reason",
        "  act",
        "    RunnableLambda",
        "  plan",
        "    reason",
        "  act",
        "    RunnableLambda",
      ].join("\n"),
    );
    expect(idSchemeProblems(all)).toEqual([]);
    const plans = all.filter((s) => s.name === "plan").sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]);
    expect(plans.map((s) => s.attributes["langchain.run_type"])).toEqual(["graph_node", "graph_node"]);
    expect(plans.map((s) => s.attributes["langchain.langgraph.step"])).toEqual([1, 3]);
    expect(plans[0]!.attributes["langchain.langgraph.node"]).toBe("plan");
    for (const span of all) expect(span.attributes["session.id"]).toBe("s-graph");
    const root = all.find((s) => s.name === "invoke_workflow LangGraph")!;
    expect(root.attributes["gen_ai.operation.name"]).toBe("invoke_workflow");
    expect(root.attributes["langchain.run_type"]).toBe("graph");
    expect(instrumentation.handler.openRunCount).toBe(0);
  });
});

describe("agents by shape", () => {
  it("createAgent without a name: invoke_agent agent, with the model and tool calls inside", async () => {
    scriptToolTurn();
    const agent = createAgent({ model: chatModel(), tools: [lookupPolicy] });
    const result = await agent.invoke({ messages: [{ role: "user", content: "What is the return policy?" }] });
    expect(result.messages.at(-1)!.content).toBe("Returns are accepted within 30 days.");
    const [root] = agentSpans();
    expect(root!.name).toBe("invoke_agent agent");
    expect(root!.attributes).toMatchObject({ "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "agent", "langchain.run_type": "agent" });
    expect(root!.parentSpanContext).toBeUndefined();
    const names = spans().map((s) => s.name);
    expect(names.filter((n) => n.startsWith("chat ") || n.startsWith("execute_tool "))).toEqual([
      "chat gpt-4o-mini",
      "execute_tool lookup_policy",
      "chat gpt-4o-mini",
    ]);
    expect(idSchemeProblems(spans())).toEqual([]);
    expect(agentSpans()).toHaveLength(1);
    expect(instrumentation.handler.openRunCount).toBe(0);
  });

  it("createAgent with a name: invoke_agent {name}", async () => {
    server.reply({ text: "Hello." });
    await createAgent({ model: chatModel(), tools: [lookupPolicy], name: "support" }).invoke({ messages: [{ role: "user", content: "hi" }] });
    expect(agentSpans().map((s) => [s.name, s.attributes["gen_ai.agent.name"]])).toEqual([["invoke_agent support", "support"]]);
  });

  it("createReactAgent: recognised by its model node, the span and end record become invoke_agent", async () => {
    scriptToolTurn();
    await createReactAgent({ llm: chatModel(), tools: [lookupPolicy] }).invoke({ messages: [{ role: "user", content: "What is the return policy?" }] });
    const [root] = agentSpans();
    expect(root!.name).toBe("invoke_agent agent");
    expect(root!.attributes).toMatchObject({ "gen_ai.operation.name": "invoke_agent", "gen_ai.agent.name": "agent", "langchain.run_name": "agent" });
    expect(spans().filter((s) => s.name === "execute_tool lookup_policy")).toHaveLength(1);
    expect(spans().find((s) => s.name === "execute_tool lookup_policy")!.spanContext().traceId).toBe(root!.spanContext().traceId);
  });
});
