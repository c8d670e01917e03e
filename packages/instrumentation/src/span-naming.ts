// SPDX-License-Identifier: Apache-2.0
import { SpanKind } from "@opentelemetry/api";
import type { RunType } from "./types.js";
import {
  ATTR_GEN_AI_AGENT_NAME,
  GEN_AI_OPERATION_CHAT,
  GEN_AI_OPERATION_EXECUTE_TOOL,
  GEN_AI_OPERATION_INVOKE_AGENT,
  GEN_AI_OPERATION_INVOKE_WORKFLOW,
  GEN_AI_OPERATION_RETRIEVAL,
  GEN_AI_OPERATION_TEXT_COMPLETION,
} from "./semconv.js";

/** The serialized form LangChain passes to `handle*Start` (`Serializable.toJSON()`), duck-typed. */
export interface SerializedLike {
  id?: unknown;
  name?: unknown;
  kwargs?: unknown;
}

const GRAPH_CLASSES = new Set(["CompiledStateGraph", "CompiledGraph", "Pregel", "CompiledFunctionalGraph"]);
const AGENT_CLASSES = new Set(["AgentExecutor", "ReactAgent"]);
/** `metadata.ls_integration` of the graph `createAgent` (langchain v1) builds. */
const CREATE_AGENT_INTEGRATION = "langchain_create_agent";
/** LangGraph's name for a graph compiled without one. */
const DEFAULT_GRAPH_NAME = "LangGraph";
/** Model-calling nodes of the prebuilt agents: `createReactAgent`'s `agent`, `createAgent`'s `model_request`. */
const AGENT_MODEL_NODES = new Set(["agent", "model_request"]);

/** Last element of a serialized class path, e.g. "RunnableLambda" for ["langchain_core","runnables","RunnableLambda"]. */
export function serializedClassName(serialized: SerializedLike | undefined): string | undefined {
  const id = serialized?.id;
  if (Array.isArray(id) && id.length > 0) {
    const last = id[id.length - 1];
    if (typeof last === "string") return last;
  }
  return undefined;
}

/**
 * The run type of a chain-callback run. LangChain reports prompts and parsers through `runType`,
 * LangGraph marks node runs with `metadata.langgraph_node` equal to the run name, and everything
 * else is told apart by the serialized class.
 */
export function classifyChainRun(
  serialized: SerializedLike | undefined,
  runType: string | undefined,
  runName: string,
  metadata: Record<string, unknown>,
): RunType {
  if (runType === "prompt") return "prompt";
  if (runType === "parser") return "parser";
  const cls = serializedClassName(serialized);
  if (metadata["langgraph_node"] !== undefined && metadata["langgraph_node"] === runName) return "graph_node";
  if ((cls !== undefined && AGENT_CLASSES.has(cls)) || metadata[ATTR_GEN_AI_AGENT_NAME] !== undefined) return "agent";
  if ((cls !== undefined && GRAPH_CLASSES.has(cls)) || runName === DEFAULT_GRAPH_NAME) {
    return /agent/i.test(runName) || metadata["ls_integration"] === CREATE_AGENT_INTEGRATION ? "agent" : "graph";
  }
  if (cls === "RunnableLambda" || cls === "RunnableCallable") return "lambda";
  return "chain";
}

/**
 * Span name, kind and `gen_ai.operation.name` per the ARCHITECTURE table. A model run whose model name is
 * unknown is named after the model class (`chat FakeListChatModel`) rather than the bare operation.
 */
export function spanNaming(
  runType: RunType,
  name: string,
  model: string | undefined,
): { spanName: string; kind: SpanKind; operation: string | undefined } {
  switch (runType) {
    case "chat_model":
      return { spanName: `chat ${model ?? name}`, kind: SpanKind.CLIENT, operation: GEN_AI_OPERATION_CHAT };
    case "llm":
      return {
        spanName: `text_completion ${model ?? name}`,
        kind: SpanKind.CLIENT,
        operation: GEN_AI_OPERATION_TEXT_COMPLETION,
      };
    case "tool":
      return { spanName: `execute_tool ${name}`, kind: SpanKind.INTERNAL, operation: GEN_AI_OPERATION_EXECUTE_TOOL };
    case "retriever":
      return { spanName: `retrieval ${name}`, kind: SpanKind.CLIENT, operation: GEN_AI_OPERATION_RETRIEVAL };
    case "agent":
      return { spanName: `invoke_agent ${name}`, kind: SpanKind.INTERNAL, operation: GEN_AI_OPERATION_INVOKE_AGENT };
    case "graph":
      return { spanName: `invoke_workflow ${name}`, kind: SpanKind.INTERNAL, operation: GEN_AI_OPERATION_INVOKE_WORKFLOW };
    default:
      return { spanName: name, kind: SpanKind.INTERNAL, operation: undefined };
  }
}

/** A run's display name: the explicit run name, else the serialized name or class. */
export function runDisplayName(runName: unknown, serialized: SerializedLike | undefined, fallback: string): string {
  if (typeof runName === "string" && runName !== "") return runName;
  if (typeof serialized?.name === "string" && serialized.name !== "") return serialized.name;
  return serializedClassName(serialized) ?? fallback;
}

/**
 * The `gen_ai.agent.name` of an agent run: the name `createAgent` was given (`metadata.lc_agent_name`), else the
 * run name, else `agent` for a graph that kept LangGraph's default name.
 */
export function agentName(runName: string, metadata: Record<string, unknown>): string {
  const given = metadata["lc_agent_name"];
  if (typeof given === "string" && given !== "") return given;
  return runName === DEFAULT_GRAPH_NAME ? "agent" : runName;
}

/** Whether a graph node is the model node of a prebuilt agent, which makes its graph an agent. */
export function isAgentModelNode(nodeName: string): boolean {
  return AGENT_MODEL_NODES.has(nodeName);
}
