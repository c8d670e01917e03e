// SPDX-License-Identifier: Apache-2.0
import { fileURLToPath } from "node:url";
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { beforeAll, describe, expect, it } from "vitest";
import { renderTree, rootSpans, runExample } from "@langchain-otel/example-support";

const exampleDir = fileURLToPath(new URL("..", import.meta.url));
/** OTLP numbers span kinds from 1 (INTERNAL); the API's enum from 0. */
const otlpKind = (kind: SpanKind) => kind + 1;
const QUESTION = "How many days do I have to return a jacket, and who pays the return shipping?";

describe("rag example", () => {
  let run: Awaited<ReturnType<typeof runExample>>;
  beforeAll(async () => {
    run = await runExample(exampleDir);
  });

  it("exits 0 and prints the answer", () => {
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`question: ${QUESTION}`);
    expect(run.stdout).toContain("answer: You can return an unused jacket within 30 days");
    expect(run.stdout).toContain(`trail: ${run.auditDir}/traces.jsonl`);
  });

  it("writes one trace: retrieve and format inside the chain, then prompt, model, parser", () => {
    expect(renderTree(run.spans)).toBe(
      [
        "handbook_answer",
        "  RunnableMap",
        "    retrieve_context",
        "      RunnableLambda",
        "      retrieval KeywordRetriever",
        "      format_docs",
        "  ChatPromptTemplate",
        "  chat scripted-model-1",
        "  StrOutputParser",
      ].join("\n"),
    );
    expect(rootSpans(run.spans)).toHaveLength(1);
    for (const span of run.spans) expect(span.status?.code ?? SpanStatusCode.UNSET).toBe(SpanStatusCode.UNSET);
  });

  it("puts the query and the retrieved documents, best first, on the retrieval span", () => {
    const retrieval = run.spans.find((s) => s.name === "retrieval KeywordRetriever")!;
    expect(retrieval.kind).toBe(otlpKind(SpanKind.CLIENT));
    expect(retrieval.attributes["gen_ai.operation.name"]).toBe("retrieval");
    expect(retrieval.attributes["gen_ai.retrieval.query.text"]).toBe(QUESTION);
    expect(retrieval.attributes["langchain.retriever.document_count"]).toBe(3);
    expect(JSON.parse(retrieval.attributes["gen_ai.retrieval.documents"])).toEqual([
      {
        id: "returns-window",
        pageContent: "Unused items can be returned within 30 days of purchase with the receipt.",
        metadata: { source: "handbook#returns-window", score: 2 },
      },
      {
        id: "returns-shipping",
        pageContent: "Return shipping is free for damaged items; otherwise a prepaid return label costs $5.",
        metadata: { source: "handbook#returns-shipping", score: 2 },
      },
      {
        id: "shipping-times",
        pageContent: "Standard shipping takes 3 to 5 business days; express shipping arrives the next business day.",
        metadata: { source: "handbook#shipping-times", score: 2 },
      },
    ]);
    // What was retrieved is what the model was shown.
    const chat = run.spans.find((s) => s.name.startsWith("chat "))!;
    expect(chat.attributes["gen_ai.input.messages"]).toContain("[returns-window] Unused items can be returned within 30 days");
  });
});
