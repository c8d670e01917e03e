// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from "vitest";
import { SpanKind } from "@opentelemetry/api";
import { classifyChainRun, runDisplayName, spanNaming } from "../src/span-naming.js";

const ser = (...id: string[]) => ({ id });

describe("classifyChainRun", () => {
  it.each([
    [ser("langchain_core", "prompts", "ChatPromptTemplate"), "prompt", "ChatPromptTemplate", {}, "prompt"],
    [ser("langchain_core", "output_parsers", "StrOutputParser"), "parser", "StrOutputParser", {}, "parser"],
    [ser("langchain_core", "runnables", "RunnableLambda"), undefined, "app", {}, "lambda"],
    [ser("langchain_core", "runnables", "RunnableSequence"), undefined, "RunnableSequence", {}, "chain"],
    [ser("langgraph", "CompiledStateGraph"), undefined, "LangGraph", {}, "graph"],
    [undefined, undefined, "LangGraph", {}, "graph"],
    [ser("langgraph", "CompiledStateGraph"), undefined, "support_agent", {}, "agent"],
    [ser("langchain", "agents", "AgentExecutor"), undefined, "AgentExecutor", {}, "agent"],
    [ser("langgraph", "RunnableCallable"), undefined, "plan", { langgraph_node: "plan" }, "graph_node"],
    // A runnable called inside a node inherits the node metadata but is not the node.
    [ser("langchain_core", "runnables", "RunnableLambda"), undefined, "reason", { langgraph_node: "plan" }, "lambda"],
  ] as const)("%j %s %s → %s", (serialized, runType, name, metadata, expected) => {
    expect(classifyChainRun(serialized, runType, name, metadata)).toBe(expected);
  });
});

describe("spanNaming", () => {
  it.each([
    ["chat_model", "ChatOpenAI", "gpt-4o", "chat gpt-4o", SpanKind.CLIENT, "chat"],
    ["chat_model", "FakeListChatModel", undefined, "chat FakeListChatModel", SpanKind.CLIENT, "chat"],
    ["llm", "OpenAI", "gpt-3.5-turbo-instruct", "text_completion gpt-3.5-turbo-instruct", SpanKind.CLIENT, "text_completion"],
    ["tool", "lookup_policy", undefined, "execute_tool lookup_policy", SpanKind.INTERNAL, "execute_tool"],
    ["retriever", "VectorStoreRetriever", undefined, "retrieval VectorStoreRetriever", SpanKind.CLIENT, "retrieval"],
    ["agent", "support_agent", undefined, "invoke_agent support_agent", SpanKind.INTERNAL, "invoke_agent"],
    ["graph", "LangGraph", undefined, "invoke_workflow LangGraph", SpanKind.INTERNAL, "invoke_workflow"],
    ["chain", "RunnableSequence", undefined, "RunnableSequence", SpanKind.INTERNAL, undefined],
    ["graph_node", "plan", undefined, "plan", SpanKind.INTERNAL, undefined],
  ] as const)("%s %s → %s", (runType, name, model, spanName, kind, operation) => {
    expect(spanNaming(runType, name, model)).toEqual({ spanName, kind, operation });
  });

  it("runDisplayName prefers the run name, then serialized name, then class", () => {
    expect(runDisplayName("mine", { name: "n", id: ["a", "Cls"] }, "fb")).toBe("mine");
    expect(runDisplayName(undefined, { name: "n", id: ["a", "Cls"] }, "fb")).toBe("n");
    expect(runDisplayName("", { id: ["a", "Cls"] }, "fb")).toBe("Cls");
    expect(runDisplayName(undefined, undefined, "fb")).toBe("fb");
  });
});
