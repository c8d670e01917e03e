// SPDX-License-Identifier: Apache-2.0
import { fileURLToPath } from "node:url";
import { SpanStatusCode } from "@opentelemetry/api";
import { beforeAll, describe, expect, it } from "vitest";
import { renderTree, rootSpans, runExample } from "@langchain-otel/example-support";

const exampleDir = fileURLToPath(new URL("..", import.meta.url));

describe("langgraph example", () => {
  let run: Awaited<ReturnType<typeof runExample>>;
  beforeAll(async () => {
    run = await runExample(exampleDir);
  });

  it("exits 0 after two draft / review rounds", () => {
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("category: refund, rounds: 2, approved: true");
    expect(run.stdout).toContain("checkpoint of thread ticket-4711: step 5, next: []");
    expect(run.stdout).toContain(`trail: ${run.auditDir}/traces.jsonl`);
  });

  it("writes one trace: the graph, a span per node visit (the loop unrolled), the model inside draft", () => {
    expect(renderTree(run.spans)).toBe(
      [
        "invoke_workflow support_reply",
        "  __start__",
        "  classify",
        "  draft",
        "    chat scripted-model-1",
        "  review",
        "    RunnableLambda",
        "  draft",
        "    chat scripted-model-1",
        "  review",
        "    RunnableLambda",
      ].join("\n"),
    );
    expect(rootSpans(run.spans)).toHaveLength(1);
    expect(new Set(run.spans.map((s) => s.traceId)).size).toBe(1);
    for (const span of run.spans) expect(span.status?.code ?? SpanStatusCode.UNSET).toBe(SpanStatusCode.UNSET);
  });

  it("marks node spans with their node and step, and every span with the thread id", () => {
    const [root] = rootSpans(run.spans);
    const nodes = run.spans
      .filter((s) => s.parentSpanId === root.spanId)
      .sort((a, b) => (BigInt(a.startTimeUnixNano) < BigInt(b.startTimeUnixNano) ? -1 : 1))
      .map((s) => [s.name, s.attributes["langchain.langgraph.node"], s.attributes["langchain.langgraph.step"]]);
    expect(nodes).toEqual([
      ["__start__", "__start__", 0],
      ["classify", "classify", 1],
      ["draft", "draft", 2],
      ["review", "review", 3],
      ["draft", "draft", 4],
      ["review", "review", 5],
    ]);
    for (const span of run.spans) expect(span.attributes["gen_ai.conversation.id"]).toBe("ticket-4711");
    expect(root.attributes["gen_ai.operation.name"]).toBe("invoke_workflow");

    const chats = run.spans.filter((s) => s.name.startsWith("chat "));
    expect(chats.map((s) => [s.attributes["langchain.langgraph.node"], s.attributes["langchain.langgraph.step"]])).toEqual([
      ["draft", 2],
      ["draft", 4],
    ]);
    // The second draft saw the reviewer's note from the first round.
    expect(chats[1].attributes["gen_ai.input.messages"]).toContain("Reviewer: Say how many business days the refund takes.");
  });
});
