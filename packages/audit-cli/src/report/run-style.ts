// SPDX-License-Identifier: Apache-2.0
import { html, type Html } from "./html.js";
import type { RunView } from "./model.js";

/** Run types with a colour of their own; anything else is drawn as "other". */
const TYPE_CLASSES: Record<string, string> = {
  chain: "t-chain",
  llm: "t-model",
  chat_model: "t-model",
  tool: "t-tool",
  retriever: "t-retriever",
  agent: "t-agent",
  graph: "t-graph",
  graph_node: "t-graph",
  prompt: "t-prompt",
  parser: "t-prompt",
  lambda: "t-chain",
};

/** The CSS class of a run's type badge and bar (never trail text). */
export function runTypeClass(run: Pick<RunView, "runType">): string {
  return (run.runType !== undefined && Object.hasOwn(TYPE_CLASSES, run.runType) ? TYPE_CLASSES[run.runType] : undefined) ?? "t-other";
}

/** The badge text: the run type, else the span kind (a span not made by LangChain), else "run". */
export function runTypeLabel(run: Pick<RunView, "runType" | "kind">): string {
  return run.runType ?? run.kind?.toLowerCase() ?? "run";
}

/** ok / error with its type (`short`: the type alone) / interrupted / never ended. */
export function statusPill(run: Pick<RunView, "status" | "errorType">, { short = false } = {}): Html {
  switch (run.status) {
    case "ok":
      return html`<span class="pill ok">ok</span>`;
    case "error":
      return html`<span class="pill error" title="${run.errorType ?? "error"}">${run.errorType === undefined ? "error" : short ? run.errorType : html`error · ${run.errorType}`}</span>`;
    case "interrupted":
      return html`<span class="pill interrupted">interrupted</span>`;
    case "open":
      return html`<span class="pill open">never ended</span>`;
  }
}
