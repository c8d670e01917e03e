// SPDX-License-Identifier: Apache-2.0
import { appChain } from "./app-chain.mjs";
import { langgraphAgent } from "./langgraph-agent.mjs";
import { retriever } from "./retriever.mjs";
import { streamingChat } from "./streaming-chat.mjs";

/** Every workload, in table order. */
export const WORKLOADS = [appChain, streamingChat, langgraphAgent, retriever];

export function workloadById(id) {
  const found = WORKLOADS.find((w) => w.id === id || w.name === id);
  if (found === undefined) throw new Error(`unknown workload "${id}" (one of: ${WORKLOADS.map((w) => w.name).join(", ")})`);
  return found;
}
