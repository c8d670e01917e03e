// SPDX-License-Identifier: Apache-2.0
import { fileURLToPath } from "node:url";
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { beforeAll, describe, expect, it } from "vitest";
import { renderTree, runExample } from "@langchain-otel/example-support";

const exampleDir = fileURLToPath(new URL("..", import.meta.url));

/** OTLP numbers span kinds from 1 (INTERNAL); the API's enum from 0. */
const otlpKind = (kind: SpanKind) => kind + 1;

const QUESTIONS: Record<string, string[]> = {
  "session-alice": ["Can I return a jacket I bought last week?", "Do you ship abroad?"],
  "session-bob": ["How long does standard shipping take?", "Do gift cards expire?"],
};

describe("http-server example", () => {
  let run: Awaited<ReturnType<typeof runExample>>;
  beforeAll(async () => {
    run = await runExample(exampleDir);
  });

  it("exits 0 after answering four requests from two sessions", () => {
    expect(run.stderr).toBe("");
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^listening on http:\/\/127\.0\.0\.1:\d+\/chat$/m);
    expect(run.stdout).toContain("session-alice: Can I return a jacket I bought last week?\n  → Unused items can be returned within 30 days");
    expect(run.stdout).toContain("session-bob: Do gift cards expire?\n  → No, gift cards never expire.");
    expect(run.stdout).toContain(`trail: ${run.auditDir}/traces.jsonl`);
  });

  it("writes one trace per request, the chain's runs under the request span", () => {
    const request = ["POST /chat", "  chat_answer", "    ChatPromptTemplate", "    chat scripted-model-1", "    StrOutputParser"];
    expect(renderTree(run.spans)).toBe([...request, ...request, ...request, ...request].join("\n"));
    for (const span of run.spans) expect(span.status?.code ?? SpanStatusCode.UNSET).toBe(SpanStatusCode.UNSET);
  });

  it("parents every LangChain root run on its request span and keeps each trace to one session", () => {
    const servers = run.spans.filter((s) => s.kind === otlpKind(SpanKind.SERVER));
    expect(servers).toHaveLength(4);
    expect(new Set(servers.map((s) => s.traceId)).size).toBe(4);
    expect(servers.map((s) => s.attributes["session.id"]).sort()).toEqual(["session-alice", "session-alice", "session-bob", "session-bob"]);

    const langchainRoots = run.spans.filter((s) => s.attributes["langchain.run_id"] !== undefined && s.attributes["langchain.parent_run_id"] === undefined);
    expect(langchainRoots).toHaveLength(4);
    for (const root of langchainRoots) {
      const server = servers.find((s) => s.spanId === root.parentSpanId);
      expect(server, `parent of ${root.attributes["langchain.run_id"]}`).toBeDefined();
      expect(root.traceId).toBe(server!.traceId);
    }

    const asked: Record<string, string[]> = { "session-alice": [], "session-bob": [] };
    for (const server of servers) {
      const session = server.attributes["session.id"];
      const trace = run.spans.filter((s) => s.traceId === server.traceId);
      expect(trace).toHaveLength(5);
      for (const span of trace) expect(span.attributes["session.id"], span.name).toBe(session);
      const chat = trace.find((s) => s.name.startsWith("chat "))!;
      const userText = JSON.parse(chat.attributes["gen_ai.input.messages"]).find((m: { role: string }) => m.role === "user").parts[0].content;
      expect(QUESTIONS[session]).toContain(userText);
      asked[session].push(userText);
    }
    for (const session of Object.keys(QUESTIONS)) expect(asked[session].sort()).toEqual([...QUESTIONS[session]].sort());
  });
});
