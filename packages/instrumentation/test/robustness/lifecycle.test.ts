import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { SpanStatusCode } from "@opentelemetry/api";
import { RunnableLambda } from "@langchain/core/runnables";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { SimpleChatModel } from "@langchain/core/language_models/chat_models";
import { setupInstrumentation } from "../integration/setup.js";

const { exporter, spans, instrumentation } = setupInstrumentation({ runTtlMillis: 50 });
beforeEach(() => exporter.reset());
afterAll(() => instrumentation.disable());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class ExplodingModel extends SimpleChatModel {
  _llmType() {
    return "exploding";
  }
  override async _call(): Promise<string> {
    throw new SyntaxError("provider sent garbage");
  }
}

describe("every started span ends, with ERROR and a reason where the run did not finish", () => {
  it("an AbortSignal timeout: the app gets the abort, the runs end as ERROR", async () => {
    const slow = RunnableLambda.from(async () => {
      await sleep(200);
      return "late";
    }).withConfig({ runName: "slow" });
    const outer = RunnableLambda.from(async (x: string, config) => slow.invoke(x, config)).withConfig({ runName: "outer" });
    const error = await outer.invoke("x", { signal: AbortSignal.timeout(20) }).catch((e: unknown) => e);
    expect((error as Error).name).toMatch(/Abort|Timeout/);
    await sleep(250);
    expect(instrumentation.handler.openRunCount).toBe(0);
    const byName = Object.fromEntries(spans().map((s) => [s.name, s]));
    expect(byName.outer!.status.code).toBe(SpanStatusCode.ERROR);
    expect(byName.slow!.status.code).toBe(SpanStatusCode.ERROR);
  });

  it("an error thrown by a model ends the model span and its parents as ERROR and reaches the app unchanged", async () => {
    const app = RunnableLambda.from(async (q: string, config) => new ExplodingModel({}).invoke(q, config)).withConfig({ runName: "app" });
    const error = await app.invoke("q").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SyntaxError);
    expect(spans().map((s) => [s.name, s.status.code, s.attributes["error.type"]])).toEqual([
      ["chat ExplodingModel", SpanStatusCode.ERROR, "SyntaxError"],
      ["app", SpanStatusCode.ERROR, "SyntaxError"],
    ]);
  });

  it("an abandoned root stream is ended by its TTL, as ERROR with the reason", async () => {
    for await (const _ of await new FakeListChatModel({ responses: ["abcdef"] }).stream("hi")) break;
    expect(instrumentation.handler.openRunCount).toBe(1);
    await sleep(200);
    expect(instrumentation.handler.openRunCount).toBe(0);
    const [span] = spans();
    expect(span!.status).toEqual({ code: SpanStatusCode.ERROR, message: "run did not end: no end within runTtlMillis (50 ms)" });
    expect(span!.attributes["error.type"]).toBe("RunAbandoned");
  });

  it("an abandoned child stream is ended when its root ends", async () => {
    const app = RunnableLambda.from(async (q: string, config) => {
      for await (const _ of await new FakeListChatModel({ responses: ["abcdef"] }).stream(q, config)) break;
      return "done";
    }).withConfig({ runName: "app" });
    expect(await app.invoke("q")).toBe("done");
    expect(instrumentation.handler.openRunCount).toBe(0);
    expect(spans().map((s) => [s.name, s.status.message])).toEqual([
      ["app", undefined],
      ["chat FakeListChatModel", "run did not end: its root run ended before it"],
    ]);
  });
});
