// SPDX-License-Identifier: Apache-2.0
// The patches on @langchain/core's own classes (the copy the tests install), one by one, without the
// instrumentation around them: each one attaches or activates the run's context while enabled, passes through
// while disabled, patches once however often it is applied, and is undone by its unpatch.
import { diag, SpanStatusCode, trace } from "@opentelemetry/api";
import { CallbackManager } from "@langchain/core/callbacks/manager";
import { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { AIMessage, AIMessageChunk } from "@langchain/core/messages";
import { ChatGenerationChunk, type ChatResult } from "@langchain/core/outputs";
import { AsyncLocalStorageProviderSingleton } from "@langchain/core/singletons";
import { StructuredTool, tool } from "@langchain/core/tools";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { z } from "zod";
import { HANDLER_MARK, OpenTelemetryCallbackHandler } from "../src/handler.js";
import {
  patchCallbackManager,
  patchModelPrototype,
  patchRunWithConfig,
  patchToolPrototype,
  unpatchCallbackManager,
  unpatchModelPrototype,
  unpatchRunWithConfig,
  unpatchToolPrototype,
  type HandlerRef,
} from "../src/patch.js";
import { setupTracing } from "./helpers.js";

const { provider, exporter, spans } = setupTracing();
const log = diag.createComponentLogger({ namespace: "patch-test" });
let handler: OpenTelemetryCallbackHandler;

beforeEach(() => {
  exporter.reset();
  handler = new OpenTelemetryCallbackHandler({ tracerProvider: provider, contentPolicy: "full" });
});

const ours = (handlers: readonly unknown[]) => handlers.filter((h) => (h as Record<symbol, unknown>)[HANDLER_MARK] === true);
const activeSpanId = () => trace.getActiveSpan()?.spanContext().spanId;

describe("patchCallbackManager", () => {
  afterEach(() => unpatchCallbackManager(CallbackManager));

  it("refuses what is not LangChain's CallbackManager", () => {
    const ref: HandlerRef = { current: handler };
    for (const foreign of [undefined, null, {}, class {}, { _configureSync: "not a function" }]) {
      expect(patchCallbackManager(foreign, ref, log)).toBe(false);
    }
  });

  it("enabled: our handler appended, inheritable, after the app's own, once", () => {
    const ref: HandlerRef = { current: handler };
    expect(patchCallbackManager(CallbackManager, ref, log)).toBe(true);
    const appHandler = { name: "app", handleLLMStart() {} };
    const manager = CallbackManager.configure([appHandler as never])!;
    expect(manager.handlers.map((h) => h.name)).toEqual(["app", handler.name]);
    expect(ours(manager.inheritableHandlers)).toEqual([handler]);
    // A manager built from one that already carries ours does not get a second.
    expect(ours(CallbackManager.configure(manager)!.handlers)).toEqual([handler]);
  });

  it("enabled, with no callbacks at all: LangChain still configures a manager, with ours", () => {
    const ref: HandlerRef = { current: handler };
    patchCallbackManager(CallbackManager, ref, log);
    expect(ours(CallbackManager.configure(undefined, undefined, ["tag"])!.handlers)).toEqual([handler]);
  });

  it("disabled (no current handler): LangChain's own result", () => {
    const ref: HandlerRef = { current: undefined };
    patchCallbackManager(CallbackManager, ref, log);
    expect(CallbackManager.configure()).toBeUndefined();
    expect(CallbackManager.configure([{ name: "app" } as never])!.handlers.map((h) => h.name)).toEqual(["app"]);
  });

  it("a second patch only swaps the ref; unpatch restores the original function", () => {
    const original = (CallbackManager as unknown as { _configureSync: unknown })._configureSync;
    patchCallbackManager(CallbackManager, { current: undefined }, log);
    const patched = (CallbackManager as unknown as { _configureSync: unknown })._configureSync;
    expect(patched).not.toBe(original);
    expect(patchCallbackManager(CallbackManager, { current: handler }, log)).toBe(true);
    expect((CallbackManager as unknown as { _configureSync: unknown })._configureSync).toBe(patched);
    // The new ref is the one read.
    expect(ours(CallbackManager.configure()!.handlers)).toEqual([handler]);
    unpatchCallbackManager(CallbackManager);
    expect((CallbackManager as unknown as { _configureSync: unknown })._configureSync).toBe(original);
    expect(CallbackManager.configure()).toBeUndefined();
  });
});

describe("patchRunWithConfig", () => {
  afterEach(() => unpatchRunWithConfig(AsyncLocalStorageProviderSingleton));

  it("runs the callback with the running run's span active; without a run, as LangChain would", async () => {
    const ref: HandlerRef = { current: handler };
    expect(patchRunWithConfig(AsyncLocalStorageProviderSingleton, ref, log)).toBe(true);
    expect(patchRunWithConfig({}, ref, log)).toBe(false);
    const runId = "019ab3c5-0000-7000-8000-000000000001";
    await handler.handleChainStart({ id: ["RunnableLambda"] }, { x: 1 }, runId);
    const inRun = AsyncLocalStorageProviderSingleton.runWithConfig({ callbacks: new CallbackManager(runId) }, activeSpanId);
    const noRun = AsyncLocalStorageProviderSingleton.runWithConfig({ callbacks: new CallbackManager("not-running") }, activeSpanId);
    await handler.handleChainEnd({ y: 2 }, runId);
    expect(inRun).toBe(spans()[0]!.spanContext().spanId);
    expect(noRun).toBeUndefined();
  });

  it("unpatch puts LangChain's method back", () => {
    const original = AsyncLocalStorageProviderSingleton.runWithConfig;
    patchRunWithConfig(AsyncLocalStorageProviderSingleton, { current: handler }, log);
    expect(AsyncLocalStorageProviderSingleton.runWithConfig).not.toBe(original);
    unpatchRunWithConfig(AsyncLocalStorageProviderSingleton);
    expect(AsyncLocalStorageProviderSingleton.runWithConfig).toBe(original);
  });
});

/** A scripted model (no network) that notes which span is active while it generates or streams. */
class NotingChatModel extends BaseChatModel {
  seen: Array<string | undefined> = [];
  closed = 0;
  _llmType(): string {
    return "noting";
  }
  async _generate(): Promise<ChatResult> {
    this.seen.push(activeSpanId());
    return { generations: [{ text: "ok", message: new AIMessage("ok") }] };
  }
  override async *_streamResponseChunks(): AsyncGenerator<ChatGenerationChunk> {
    try {
      for (const text of ["a", "b", "c"]) {
        this.seen.push(activeSpanId());
        yield new ChatGenerationChunk({ text, message: new AIMessageChunk(text) });
      }
    } finally {
      this.closed++;
    }
  }
}

describe("patchModelPrototype", () => {
  afterEach(() => unpatchModelPrototype(BaseChatModel.prototype));

  it("the model's run span is active while it generates, with the caller's run ID kept", async () => {
    expect(patchModelPrototype(BaseChatModel.prototype, { current: handler }, log)).toBe(true);
    expect(patchModelPrototype({}, { current: handler }, log)).toBe(false);
    const model = new NotingChatModel({});
    const runId = "019ab3c5-0000-7000-8000-0000000000aa";
    await model.invoke("hi", { callbacks: [handler], runId });
    const [span] = spans();
    expect(span!.attributes["langchain.run_id"]).toBe(runId);
    expect(model.seen).toEqual([span!.spanContext().spanId]);
  });

  it("streaming: the span active for every chunk; a consumer that stops early closes the model's stream", async () => {
    patchModelPrototype(BaseChatModel.prototype, { current: handler }, log);
    const model = new NotingChatModel({});
    for await (const _chunk of await model.stream("hi", { callbacks: [handler] })) break;
    expect(model.closed).toBe(1);
    const full = new NotingChatModel({});
    let text = "";
    for await (const chunk of await full.stream("hi", { callbacks: [handler] })) text += String(chunk.content);
    expect(text).toBe("abc");
    const streamed = spans().at(-1)!.spanContext().spanId;
    expect(full.seen).toEqual([streamed, streamed, streamed]);
  });

  it("streaming: a model that fails mid-stream fails the consumer with its own error, and its run ends as ERROR", async () => {
    patchModelPrototype(BaseChatModel.prototype, { current: handler }, log);
    class FailingChatModel extends NotingChatModel {
      override async *_streamResponseChunks(): AsyncGenerator<ChatGenerationChunk> {
        this.seen.push(activeSpanId());
        yield new ChatGenerationChunk({ text: "a", message: new AIMessageChunk("a") });
        throw new RangeError("stream broke");
      }
    }
    const model = new FailingChatModel({});
    const chunks: string[] = [];
    const consume = async () => {
      for await (const chunk of await model.stream("hi", { callbacks: [handler] })) chunks.push(String(chunk.content));
    };
    await expect(consume()).rejects.toThrow(new RangeError("stream broke"));
    expect(chunks).toEqual(["a"]);
    const [span] = spans();
    expect(model.seen).toEqual([span!.spanContext().spanId]);
    expect(span!.status.code).toBe(SpanStatusCode.ERROR);
    expect(span!.attributes["error.type"]).toBe("RangeError");
  });

  it("streaming: an iterator closed or thrown into before its first chunk never starts the model", async () => {
    patchModelPrototype(BaseChatModel.prototype, { current: handler }, log);
    const model = new NotingChatModel({});
    const closed = model._streamIterator("hi", { callbacks: [handler] });
    expect(await closed.return(undefined)).toEqual({ done: true, value: undefined });
    expect(await closed.next()).toEqual({ done: true, value: undefined });
    const thrown = model._streamIterator("hi", { callbacks: [handler] });
    await expect(thrown.throw(new TypeError("stop"))).rejects.toThrow(new TypeError("stop"));
    expect(model.seen).toEqual([]);
    expect(spans()).toEqual([]);
  });

  it("disabled, and after unpatch: no span is active inside the model", async () => {
    patchModelPrototype(BaseChatModel.prototype, { current: undefined }, log);
    const model = new NotingChatModel({});
    await model.invoke("hi", { callbacks: [handler] });
    unpatchModelPrototype(BaseChatModel.prototype);
    await model.invoke("hi", { callbacks: [handler] });
    expect(model.seen).toEqual([undefined, undefined]);
    expect(spans()).toHaveLength(2);
  });
});

describe("patchToolPrototype", () => {
  afterEach(() => unpatchToolPrototype(StructuredTool.prototype));

  const notingTool = (seen: Array<string | undefined>) =>
    tool(
      async ({ q }: { q: string }) => {
        seen.push(activeSpanId());
        return `answer ${q}`;
      },
      { name: "lookup", description: "looks up", schema: z.object({ q: z.string() }) },
    );

  it("the tool's run span is active while it executes, with the config given as callbacks or as a config", async () => {
    expect(patchToolPrototype(StructuredTool.prototype, { current: handler }, log)).toBe(true);
    expect(patchToolPrototype({}, { current: handler }, log)).toBe(false);
    const seen: Array<string | undefined> = [];
    const lookup = notingTool(seen);
    expect(await lookup.call({ q: "a" }, { callbacks: [handler] })).toBe("answer a");
    // LangChain also takes the callbacks in place of the config.
    expect(await lookup.call({ q: "b" }, [handler] as never)).toBe("answer b");
    expect(seen).toEqual(spans().map((s) => s.spanContext().spanId));
    expect(spans().map((s) => s.name)).toEqual(["execute_tool lookup", "execute_tool lookup"]);
  });

  it("unpatch restores StructuredTool.prototype.call", async () => {
    const original = StructuredTool.prototype.call;
    patchToolPrototype(StructuredTool.prototype, { current: handler }, log);
    expect(StructuredTool.prototype.call).not.toBe(original);
    unpatchToolPrototype(StructuredTool.prototype);
    expect(StructuredTool.prototype.call).toBe(original);
    const seen: Array<string | undefined> = [];
    await notingTool(seen).call({ q: "c" }, { callbacks: [handler] });
    expect(seen).toEqual([undefined]);
  });
});
