import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { Annotation, END, START, StateGraph } from "@langchain/langgraph";
import { RunnableLambda } from "@langchain/core/runnables";
import { idSchemeProblems, renderTree } from "../helpers.js";
import { setupInstrumentation } from "./setup.js";

const { exporter, spans, instrumentation } = setupInstrumentation();
beforeEach(() => exporter.reset());
afterAll(() => instrumentation.disable());

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
