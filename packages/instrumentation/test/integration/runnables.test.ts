// SPDX-License-Identifier: Apache-2.0
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { SpanStatusCode, trace } from "@opentelemetry/api";
import { ChatPromptTemplate } from "@langchain/core/prompts";
import { StringOutputParser } from "@langchain/core/output_parsers";
import { RunnableLambda } from "@langchain/core/runnables";
import { FakeListChatModel, FakeLLM } from "@langchain/core/utils/testing";
import { SimpleChatModel } from "@langchain/core/language_models/chat_models";
import { ChatGenerationChunk } from "@langchain/core/outputs";
import { AIMessageChunk } from "@langchain/core/messages";
import { BaseRetriever } from "@langchain/core/retrievers";
import { Document } from "@langchain/core/documents";
import { tool } from "@langchain/core/tools";
import { z } from "zod";
import { idSchemeProblems, renderTree } from "../helpers.js";
import { setupInstrumentation } from "./setup.js";

const { exporter, spans, instrumentation } = setupInstrumentation();

beforeEach(() => exporter.reset());
afterAll(() => instrumentation.disable());

const lookupPolicy = tool(
  async ({ topic }: { topic: string }) => {
    // A span the app starts inside the tool body must be the tool span's child.
    const inner = trace.getTracer("app").startSpan(`db.lookup ${topic}`);
    inner.end();
    return `policy for ${topic}: 30 days`;
  },
  { name: "lookup_policy", description: "Looks up a store policy", schema: z.object({ topic: z.string() }) },
);

const failingTool = tool(
  async () => {
    throw new RangeError("inventory service unavailable");
  },
  { name: "check_stock", description: "Checks stock", schema: z.object({ sku: z.string() }) },
);

class TinyRetriever extends BaseRetriever {
  override lc_namespace = ["test"];
  override async _getRelevantDocuments(query: string): Promise<Document[]> {
    return [new Document({ pageContent: `about ${query}`, metadata: { source: "kb/1" }, id: "d1" })];
  }
}

function chain() {
  const prompt = ChatPromptTemplate.fromMessages([
    ["system", "You answer store questions."],
    ["human", "{question}"],
  ]);
  return prompt.pipe(new FakeListChatModel({ responses: ["Returns are accepted within 30 days."] })).pipe(new StringOutputParser());
}

/** A model that calls its "provider" the way an SDK would: a span (an HTTP client span, say) per request. */
class HttpishChatModel extends SimpleChatModel {
  _llmType() {
    return "httpish";
  }
  override async _call(): Promise<string> {
    trace.getTracer("http").startSpan("POST /v1/chat").end();
    return "answer";
  }
  override async *_streamResponseChunks() {
    const span = trace.getTracer("http").startSpan("POST /v1/chat (stream)");
    for (const text of ["an", "swer"]) yield new ChatGenerationChunk({ text, message: new AIMessageChunk(text) });
    span.end();
  }
}

describe("real runnables with the instrumentation on", () => {
  it("makes the model span the active context while the model calls its provider", async () => {
    const model = new HttpishChatModel({});
    expect(await model.invoke("q")).toMatchObject({ content: "answer" });
    let streamed = "";
    for await (const chunk of await model.stream("q")) streamed += String(chunk.content);
    expect(streamed).toBe("answer");
    await new FakeLLM({}).invoke("plain llm");
    expect(renderTree(spans())).toBe(
      ["chat HttpishChatModel", "  POST /v1/chat", "chat HttpishChatModel", "  POST /v1/chat (stream)", "text_completion FakeLLM"].join("\n"),
    );
    expect(instrumentation.handler.openRunCount).toBe(0);
  });

  it("keeps a caller-chosen run ID for a model run", async () => {
    await new HttpishChatModel({}).invoke("q", { runId: "019a1b2c-3d4e-7f00-8a11-00000000abcd" });
    const chat = spans().find((s) => s.name === "chat HttpishChatModel")!;
    expect(chat.attributes["langchain.run_id"]).toBe("019a1b2c-3d4e-7f00-8a11-00000000abcd");
    expect(chat.spanContext().spanId).toBe("8a1100000000abcd");
  });

  it("traces prompt | chat model | parser as one tree with run-derived IDs", async () => {
    const result = await chain().invoke({ question: "What is the return window?" }, { metadata: { session_id: "sess-7" } });
    expect(result).toBe("Returns are accepted within 30 days.");
    const all = spans();
    expect(renderTree(all)).toBe(["RunnableSequence", "  ChatPromptTemplate", "  chat FakeListChatModel", "  StrOutputParser"].join("\n"));
    expect(idSchemeProblems(all)).toEqual([]);
    const root = all.find((s) => s.name === "RunnableSequence")!;
    expect(root.spanContext().traceId).toBe((root.attributes["langchain.run_id"] as string).replaceAll("-", ""));
    for (const span of all) expect(span.attributes["session.id"]).toBe("sess-7");
    const prompt = all.find((s) => s.name === "ChatPromptTemplate")!;
    expect(prompt.attributes["langchain.run_type"]).toBe("prompt");
    expect(all.find((s) => s.name === "StrOutputParser")!.attributes["langchain.run_type"]).toBe("parser");
    const model = all.find((s) => s.name.startsWith("chat "))!;
    expect(JSON.parse(model.attributes["gen_ai.input.messages"] as string)).toEqual([
      { role: "system", parts: [{ type: "text", content: "You answer store questions." }] },
      { role: "user", parts: [{ type: "text", content: "What is the return window?" }] },
    ]);
    expect(JSON.parse(model.attributes["gen_ai.output.messages"] as string)).toEqual([
      { role: "assistant", parts: [{ type: "text", content: "Returns are accepted within 30 days." }] },
    ]);
    // LangChain reports a non-object chain output wrapped as { output }.
    expect(root.attributes["langchain.outputs"]).toBe('{"output":"Returns are accepted within 30 days."}');
    expect(instrumentation.handler.openRunCount).toBe(0);
  });

  it("makes the tool span the active context inside the tool body", async () => {
    const app = RunnableLambda.from(async (topic: string, config) => lookupPolicy.invoke({ topic }, config)).withConfig({
      runName: "app",
    });
    const out = await app.invoke("refunds");
    expect(out).toBe("policy for refunds: 30 days");
    const all = spans();
    expect(renderTree(all)).toBe(["app", "  execute_tool lookup_policy", "    db.lookup refunds"].join("\n"));
    const toolSpan = all.find((s) => s.name === "execute_tool lookup_policy")!;
    expect(toolSpan.attributes["gen_ai.tool.call.arguments"]).toBe('{"topic":"refunds"}');
    expect(toolSpan.attributes["gen_ai.tool.call.result"]).toBe("policy for refunds: 30 days");
    expect(idSchemeProblems(all.filter((s) => s.attributes["langchain.run_id"] !== undefined))).toEqual([]);
  });

  it("makes the tool span active for class-based tools too, and keeps a caller-chosen run ID", async () => {
    const { DynamicStructuredTool } = await import("@langchain/core/tools");
    const classic = new DynamicStructuredTool({
      name: "classic",
      description: "built without tool()",
      schema: z.object({ q: z.string() }),
      func: async ({ q }) => {
        trace.getTracer("app").startSpan(`inside ${q}`).end();
        return "done";
      },
    });
    expect(await classic.invoke({ q: "x" }, { runId: "019a1b2c-3d4e-7f00-8a11-00000000c1a5" })).toBe("done");
    expect(renderTree(spans())).toBe(["execute_tool classic", "  inside x"].join("\n"));
    expect(spans().find((s) => s.name === "execute_tool classic")!.spanContext().spanId).toBe("8a1100000000c1a5");
  });

  it("records a failing tool as ERROR and rethrows the same error to the app", async () => {
    const error = await failingTool.invoke({ sku: "A1" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RangeError);
    expect((error as Error).message).toBe("inventory service unavailable");
    const [span] = spans();
    expect(span!.name).toBe("execute_tool check_stock");
    expect(span!.status).toEqual({ code: SpanStatusCode.ERROR, message: "inventory service unavailable" });
    expect(span!.attributes["error.type"]).toBe("RangeError");
  });

  it("streams: one chat span with chunk count and time to first chunk", async () => {
    const model = new FakeListChatModel({ responses: ["abcdef"] });
    const chunks: string[] = [];
    for await (const chunk of await model.stream("hi")) chunks.push(String(chunk.content));
    expect(chunks.join("")).toBe("abcdef");
    const [span] = spans();
    expect(span!.name).toBe("chat FakeListChatModel");
    expect(span!.attributes["langchain.stream.chunks"]).toBe(6);
    expect(span!.attributes["gen_ai.response.time_to_first_chunk"]).toBeGreaterThanOrEqual(0);
    expect(JSON.parse(span!.attributes["gen_ai.output.messages"] as string)[0].parts).toEqual([{ type: "text", content: "abcdef" }]);
  });

  it("a drained stream: parser and transform lambda record the assembled input, not the start placeholder", async () => {
    const shout = RunnableLambda.from(async function* (chunks: AsyncGenerator<string>) {
      for await (const chunk of chunks) yield chunk.toUpperCase();
    }).withConfig({ runName: "shout" });
    // A transform lambda takes the stream of its input: typed per chunk for LangChain, per stream for the body.
    const chain = new FakeListChatModel({ responses: ["abc"] }).pipe(new StringOutputParser()).pipe(shout as unknown as RunnableLambda<string, string>);
    let text = "";
    for await (const chunk of await chain.stream("hi")) text += chunk;
    expect(text).toBe("ABC");
    const byName = Object.fromEntries(spans().map((s) => [s.name, s]));
    // The parser's input is the assembled message chunk (its id is LangChain's run-derived one).
    const parserInput = JSON.parse(byName["StrOutputParser"]!.attributes["langchain.inputs"] as string);
    expect(parserInput).toEqual({ role: "ai", content: "abc", id: parserInput.id });
    expect(byName["shout"]!.attributes["langchain.inputs"]).toBe('{"input":"abc"}');
    expect(byName["shout"]!.attributes["langchain.outputs"]).toBe("ABC");
    for (const span of spans()) expect(span.attributes["langchain.inputs"]).not.toBe('{"input":""}');
  });

  it("closes the span of an abandoned stream when the consumer breaks out", async () => {
    const model = new FakeListChatModel({ responses: ["abcdef"] });
    for await (const _chunk of await model.stream("hi")) break;
    // LangChain reports no end for a stream the consumer abandons: the run stays open until its TTL or shutdown.
    expect(instrumentation.handler.openRunCount).toBe(1);
    expect(spans()).toEqual([]);
    instrumentation.handler.endAllRuns("shutdown");
    const [span] = spans();
    expect(span!.name).toBe("chat FakeListChatModel");
    expect(span!.status).toEqual({ code: SpanStatusCode.ERROR, message: "run did not end: shutdown" });
    expect(instrumentation.handler.openRunCount).toBe(0);
  });

  it("traces a retriever with query and documents", async () => {
    const docs = await new TinyRetriever().invoke("returns");
    expect(docs).toHaveLength(1);
    const [span] = spans();
    expect(span!.name).toBe("retrieval TinyRetriever");
    expect(span!.attributes["gen_ai.operation.name"]).toBe("retrieval");
    expect(span!.attributes["gen_ai.retrieval.query.text"]).toBe("returns");
    expect(span!.attributes["langchain.retriever.document_count"]).toBe(1);
    expect(JSON.parse(span!.attributes["gen_ai.retrieval.documents"] as string)).toEqual([
      { pageContent: "about returns", metadata: { source: "kb/1" }, id: "d1" },
    ]);
  });

  it("keeps the app's own handlers: they receive exactly the events they get without us", async () => {
    const record = async (): Promise<string[]> => {
      const events: string[] = [];
      const userHandler = {
        name: "user-handler",
        handleChainStart: (_s: unknown, _i: unknown, _r: string, _p: unknown, _t: unknown, _m: unknown, _rt: unknown, name: string) =>
          void events.push(`chain:start:${name}`),
        handleChainEnd: () => void events.push("chain:end"),
        handleChatModelStart: () => void events.push("chat:start"),
        handleLLMEnd: () => void events.push("llm:end"),
        handleToolStart: () => void events.push("tool:start"),
        handleToolEnd: () => void events.push("tool:end"),
      };
      const app = chain().pipe(RunnableLambda.from(async (answer: string, config) => lookupPolicy.invoke({ topic: answer.slice(0, 7) }, config)));
      const out = await app.invoke({ question: "q" }, { callbacks: [userHandler] });
      expect(out).toBe("policy for Returns: 30 days");
      await import("@langchain/core/callbacks/promises").then((m) => m.awaitAllCallbacks());
      return events;
    };
    const withUs = await record();
    expect(spans().length).toBeGreaterThan(0);
    instrumentation.disable();
    exporter.reset();
    const withoutUs = await record();
    instrumentation.enable();
    expect(spans().filter((s) => s.attributes["langchain.run_id"] !== undefined)).toEqual([]);
    expect(withUs).toEqual(withoutUs);
    expect(withUs).toEqual([
      // RunnableSequence passes no run name at runtime; its name comes from the serialized form.
      "chain:start:undefined",
      "chain:start:ChatPromptTemplate",
      "chain:end",
      "chat:start",
      "llm:end",
      "chain:start:StrOutputParser",
      "chain:end",
      "chain:start:RunnableLambda",
      "tool:start",
      "tool:end",
      "chain:end",
      "chain:end",
    ]);
  });
});

describe("model cache", () => {
  it("a cached answer is still a chat span, marked as a cache hit", async () => {
    const { InMemoryCache } = await import("@langchain/core/caches");
    const model = new FakeListChatModel({ responses: ["first", "second"], cache: new InMemoryCache() });
    expect((await model.invoke("same")).content).toBe("first");
    expect((await model.invoke("same")).content).toBe("first");
    const chats = spans().filter((s) => s.name === "chat FakeListChatModel");
    expect(chats.map((s) => s.attributes["langchain.cache_hit"])).toEqual([undefined, true]);
  });
});

describe("custom events", () => {
  it("dispatchCustomEvent inside a lambda becomes an event on the lambda's span", async () => {
    const { dispatchCustomEvent } = await import("@langchain/core/callbacks/dispatch");
    const step = RunnableLambda.from(async (x: number) => {
      await dispatchCustomEvent("checkpoint", { reached: x });
      return x + 1;
    }).withConfig({ runName: "step" });
    expect(await step.invoke(1)).toBe(2);
    const [span] = spans();
    expect(span!.events.map((e) => [e.name, e.attributes])).toEqual([
      ["langchain.custom_event", { "langchain.custom_event.name": "checkpoint", "langchain.custom_event.data": '{"reached":1}' }],
    ]);
  });
});

describe("OpenTelemetryCallbackHandler passed directly in callbacks", () => {
  it("traces a run without the instrumentation, typed as a LangChain callback", async () => {
    instrumentation.disable();
    try {
      const { OpenTelemetryCallbackHandler } = await import("../../src/handler.js");
      const handler = new OpenTelemetryCallbackHandler({ contentPolicy: "full" });
      const out = await chain().invoke({ question: "q" }, { callbacks: [handler] });
      expect(out).toBe("Returns are accepted within 30 days.");
      expect(renderTree(spans())).toBe(["RunnableSequence", "  ChatPromptTemplate", "  chat FakeListChatModel", "  StrOutputParser"].join("\n"));
    } finally {
      instrumentation.enable();
    }
  });
});
