// SPDX-License-Identifier: Apache-2.0
import { fileURLToPath } from "node:url";
import { SpanStatusCode } from "@opentelemetry/api";
import { beforeAll, describe, expect, it } from "vitest";
import { renderTree, rootSpans, runExample } from "@langchain-otel/example-support";

const exampleDir = fileURLToPath(new URL("..", import.meta.url));

type Span = Awaited<ReturnType<typeof runExample>>["spans"][number];

function toolCallIds(chat: Span): string[] {
  const messages = JSON.parse(chat.attributes["gen_ai.output.messages"]);
  return messages.flatMap((m: { parts: { type: string; id: string }[] }) => m.parts.filter((p) => p.type === "tool_call").map((p) => p.id));
}

describe("tool-agent example", () => {
  let run: Awaited<ReturnType<typeof runExample>>;
  beforeAll(async () => {
    run = await runExample(exampleDir);
  });

  it("exits 0 and prints both answers and the trail", () => {
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain("I have refunded the full $89.00");
    expect(run.stdout).toContain("I could not find order A-9999");
    expect(run.stdout).toContain(`trail: ${run.auditDir}/traces.jsonl`);
  });

  it("writes one trace per request, agent → nodes → model and tool calls", () => {
    const agentStep = ["    RunnableSequence", "      prompt", "      chat scripted-model-1", "    RunnableLambda"];
    expect(renderTree(run.spans)).toBe(
      [
        "invoke_agent support_agent",
        "  __start__",
        "  agent", ...agentStep,
        "  tools",
        "    execute_tool get_order_status",
        "  agent", ...agentStep,
        "  tools",
        "    execute_tool refund_order",
        "  agent", ...agentStep,
        "invoke_agent support_agent",
        "  __start__",
        "  agent", ...agentStep,
        "  tools",
        "    execute_tool refund_order",
        "  agent", ...agentStep,
      ].join("\n"),
    );
    const roots = rootSpans(run.spans);
    expect(new Set(roots.map((r) => r.traceId)).size).toBe(2);
    for (const span of run.spans) {
      expect(span.attributes["session.id"]).toBe("demo-session-7");
      expect(span.attributes["user.id"]).toBe("demo-user-42");
    }
  });

  it("links each tool span to the tool call the model made just before it", () => {
    const [first, second] = rootSpans(run.spans).map((root) =>
      run.spans.filter((s) => s.traceId === root.traceId).sort((a, b) => (BigInt(a.startTimeUnixNano) < BigInt(b.startTimeUnixNano) ? -1 : 1)),
    );
    const steps = first.filter((s) => s.name.startsWith("chat ") || s.name.startsWith("execute_tool "));
    expect(steps.map((s) => s.name)).toEqual([
      "chat scripted-model-1",
      "execute_tool get_order_status",
      "chat scripted-model-1",
      "execute_tool refund_order",
      "chat scripted-model-1",
    ]);
    const [chat1, getStatus, chat2, refund] = steps;
    expect(toolCallIds(chat1)).toHaveLength(1);
    expect(getStatus.attributes["gen_ai.tool.call.id"]).toBe(toolCallIds(chat1)[0]);
    expect(getStatus.attributes["gen_ai.tool.call.arguments"]).toBe(JSON.stringify({ orderId: "A-1001" }));
    expect(toolCallIds(chat2)).toHaveLength(1);
    expect(refund.attributes["gen_ai.tool.call.id"]).toBe(toolCallIds(chat2)[0]);
    expect(refund.attributes["gen_ai.tool.call.result"]).toContain("Refund of $89.00");
    for (const tool of [getStatus, refund]) expect(tool.status?.code ?? SpanStatusCode.UNSET).toBe(SpanStatusCode.UNSET);

    const failedChat = second.find((s) => s.name.startsWith("chat "))!;
    const failed = second.find((s) => s.name === "execute_tool refund_order")!;
    expect(failed.attributes["gen_ai.tool.call.id"]).toBe(toolCallIds(failedChat)[0]);
    expect(failed.status).toEqual({ code: SpanStatusCode.ERROR, message: "Unknown order A-9999" });
    expect(failed.attributes["error.type"]).toBe("Error");
    expect(failed.events?.map((e: { name: string }) => e.name)).toEqual(["exception"]);
    // The error stays inside the tool: the agent turned it into a ToolMessage and answered.
    expect(rootSpans(run.spans).map((r) => r.status?.code ?? SpanStatusCode.UNSET)).toEqual([SpanStatusCode.UNSET, SpanStatusCode.UNSET]);
  });
});
