// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from "vitest";
import { ChatPromptTemplate } from "@langchain/core/prompts";
import { StringOutputParser } from "@langchain/core/output_parsers";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { BaseRetriever } from "@langchain/core/retrievers";
import { Document } from "@langchain/core/documents";
import { tool } from "@langchain/core/tools";
import { z } from "zod";

// Pins the runtime argument order of each callback our handler reads (it differs from some .d.ts files).
// If @langchain/core reorders them, this fails before the handler silently mislabels spans.
class Recorder {
  name = "recorder";
  awaitHandlers = true;
  calls: { method: string; args: unknown[] }[] = [];
}
for (const method of ["handleChainStart", "handleChatModelStart", "handleToolStart", "handleRetrieverStart", "handleLLMNewToken", "handleChainEnd"]) {
  (Recorder.prototype as unknown as Record<string, unknown>)[method] = function (this: Recorder, ...args: unknown[]) {
    this.calls.push({ method, args });
  };
}

class OneDocRetriever extends BaseRetriever {
  override lc_namespace = ["test"];
  override async _getRelevantDocuments(): Promise<Document[]> {
    return [new Document({ pageContent: "x", metadata: {} })];
  }
}

describe("@langchain/core runtime callback arguments", () => {
  it("handleChainStart(serialized, inputs, runId, parentRunId, tags, metadata, runType, runName, extra)", async () => {
    const rec = new Recorder();
    const prompt = ChatPromptTemplate.fromMessages([["human", "{q}"]]);
    await prompt.pipe(new FakeListChatModel({ responses: ["ok"] })).pipe(new StringOutputParser()).invoke({ q: "hi" }, { callbacks: [rec as never], tags: ["t"], metadata: { m: 1 } });
    const starts = rec.calls.filter((c) => c.method === "handleChainStart");
    const [seq, promptRun] = starts;
    expect(typeof seq!.args[2]).toBe("string");
    expect(seq!.args[3]).toBeUndefined();
    expect(promptRun!.args[3]).toBe(seq!.args[2]);
    expect(promptRun!.args[1]).toEqual({ q: "hi" });
    expect(promptRun!.args[4]).toEqual(["seq:step:1", "t"]);
    expect(starts[2]!.args[4]).toEqual(["seq:step:3", "t"]);
    expect(promptRun!.args[5]).toEqual({ m: 1 });
    expect(promptRun!.args[6]).toBe("prompt");
    expect(promptRun!.args[7]).toBe("ChatPromptTemplate");
    expect(starts[2]!.args[6]).toBe("parser");
  });

  it("handleToolStart(serialized, input, runId, parentRunId, tags, metadata, runName, toolCallId)", async () => {
    const rec = new Recorder();
    const t = tool(async () => "r", { name: "lookup", description: "d", schema: z.object({ a: z.string() }) });
    await t.invoke({ id: "call_9", name: "lookup", args: { a: "x" }, type: "tool_call" }, { callbacks: [rec as never], metadata: { k: "v" } });
    const [start] = rec.calls.filter((c) => c.method === "handleToolStart");
    expect(start!.args[1]).toBe('{"a":"x"}');
    expect(start!.args[5]).toEqual({ k: "v", versions: { "@langchain/core": expect.any(String) } });
    expect(start!.args[6]).toBe("lookup");
    expect(start!.args[7]).toBe("call_9");
  });

  it("handleChatModelStart(serialized, messages, runId, parentRunId, extraParams, tags, metadata, runName)", async () => {
    const rec = new Recorder();
    await new FakeListChatModel({ responses: ["ok"] }).invoke("hi", { callbacks: [rec as never] });
    const [start] = rec.calls.filter((c) => c.method === "handleChatModelStart");
    expect(Array.isArray((start!.args[1] as unknown[])[0])).toBe(true);
    expect(Object.keys(start!.args[4] as object)).toEqual(expect.arrayContaining(["invocation_params", "options"]));
    expect((start!.args[6] as Record<string, unknown>)["ls_model_type"]).toBe("chat");
    expect(start!.args[7]).toBeUndefined();
  });

  it("handleRetrieverStart(serialized, query, runId, parentRunId, tags, metadata, runName)", async () => {
    const rec = new Recorder();
    await new OneDocRetriever().invoke("q", { callbacks: [rec as never], runName: "kb" });
    const [start] = rec.calls.filter((c) => c.method === "handleRetrieverStart");
    expect(start!.args[1]).toBe("q");
    expect(start!.args[6]).toBe("kb");
  });

  it("handleLLMNewToken(token, idx, runId, ...) while streaming", async () => {
    const rec = new Recorder();
    for await (const _ of await new FakeListChatModel({ responses: ["ab"] }).stream("hi", { callbacks: [rec as never] }));
    const tokens = rec.calls.filter((c) => c.method === "handleLLMNewToken");
    const [start] = rec.calls.filter((c) => c.method === "handleChatModelStart");
    expect(tokens.map((c) => c.args[0])).toEqual(["a", "b"]);
    expect(tokens[0]!.args[2]).toBe(start!.args[2]);
  });
});
