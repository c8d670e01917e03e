// SPDX-License-Identifier: Apache-2.0
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { SpanStatusCode } from "@opentelemetry/api";
import { RunnableLambda } from "@langchain/core/runnables";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { SimpleChatModel } from "@langchain/core/language_models/chat_models";
import { setupInstrumentation } from "../integration/setup.js";
import { ORPHAN_GRACE_MILLIS } from "../../src/run-tracker.js";

const { exporter, spans, instrumentation } = setupInstrumentation({ runTtlMillis: 50 });
beforeEach(() => exporter.reset());
afterEach(() => vi.useRealTimers());
afterAll(() => instrumentation.disable());

/** The TTL and the orphan grace run on fake timers and a fake clock; LangChain itself sets no timers here. */
const fakeTime = () => vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });

class ExplodingModel extends SimpleChatModel {
  _llmType() {
    return "exploding";
  }
  override async _call(): Promise<string> {
    throw new SyntaxError("provider sent garbage");
  }
}

describe("every started span ends, with ERROR and a reason where the run did not finish", () => {
  it("an aborted signal: the app gets the abort, the runs end as ERROR", async () => {
    const controller = new AbortController();
    const slow = RunnableLambda.from(async () => {
      controller.abort();
      return new Promise<string>(() => {}); // never settles: only the abort ends this run
    }).withConfig({ runName: "slow" });
    const outer = RunnableLambda.from(async (x: string, config) => slow.invoke(x, config)).withConfig({ runName: "outer" });
    const error = await outer.invoke("x", { signal: controller.signal }).catch((e: unknown) => e);
    expect((error as Error).name).toBe("AbortError");
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
    fakeTime();
    for await (const _ of await new FakeListChatModel({ responses: ["abcdef"] }).stream("hi")) break;
    expect(instrumentation.handler.openRunCount).toBe(1);
    vi.advanceTimersByTime(49);
    expect(instrumentation.handler.openRunCount).toBe(1);
    vi.advanceTimersByTime(1);
    expect(instrumentation.handler.openRunCount).toBe(0);
    const [span] = spans();
    expect(span!.status).toEqual({ code: SpanStatusCode.ERROR, message: "run did not end: no end within runTtlMillis (50 ms)" });
    expect(span!.attributes["error.type"]).toBe("RunAbandoned");
  });

  it("an abandoned child stream is ended once its root has ended and the grace for a late end has passed", async () => {
    fakeTime();
    // A TTL well past the grace, so the root's end (not the TTL) closes the stream.
    instrumentation.setConfig({ contentPolicy: "full", runTtlMillis: 60_000 });
    try {
      const app = RunnableLambda.from(async (q: string, config) => {
        for await (const _ of await new FakeListChatModel({ responses: ["abcdef"] }).stream(q, config)) break;
        return "done";
      }).withConfig({ runName: "app" });
      expect(await app.invoke("q")).toBe("done");
      expect(instrumentation.handler.openRunCount).toBe(1);
      vi.advanceTimersByTime(ORPHAN_GRACE_MILLIS - 1);
      expect(instrumentation.handler.openRunCount).toBe(1);
      vi.advanceTimersByTime(1);
    } finally {
      instrumentation.setConfig({ contentPolicy: "full", runTtlMillis: 50 });
    }
    expect(instrumentation.handler.openRunCount).toBe(0);
    expect(spans().map((s) => [s.name, s.status.message])).toEqual([
      ["app", undefined],
      ["chat FakeListChatModel", "run did not end: its root run ended before it"],
    ]);
  });
});
