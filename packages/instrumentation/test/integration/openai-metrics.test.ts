// SPDX-License-Identifier: Apache-2.0
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { ChatOpenAI } from "@langchain/openai";
import { tool } from "@langchain/core/tools";
import { z } from "zod";
import { bucketCounts, setupMetrics, type MetricPoint } from "../helpers.js";
import { setupInstrumentation } from "./setup.js";
import { OPENAI_MODEL, OPENAI_USAGE, startFakeOpenAI } from "./fake-openai-server.js";
import type { FakeServer } from "./fake-http.js";
import { GEN_AI_TOKEN_USAGE_BUCKETS } from "../../src/semconv.js";

const { exporter, spans, instrumentation } = setupInstrumentation();
let server: FakeServer;
let metrics: ReturnType<typeof setupMetrics>;

beforeEach(async () => {
  exporter.reset();
  metrics = setupMetrics();
  instrumentation.setMeterProvider(metrics.meterProvider);
  server = await startFakeOpenAI();
});
afterEach(() => server.close());
afterAll(() => instrumentation.disable());

function model(extra: Record<string, unknown> = {}): ChatOpenAI {
  return new ChatOpenAI({
    model: "gpt-4o-mini",
    apiKey: "sk-test-not-real",
    configuration: { baseURL: `${server.origin}/v1` },
    maxRetries: 0,
    ...extra,
  });
}

const points = async (name: string): Promise<MetricPoint[]> => (await metrics.points()).filter((p) => p.name === name);
/** The request side of a call to the fake server, as the metrics' attributes list it. */
const requestAttributes = () => ({
  "gen_ai.operation.name": "chat",
  "gen_ai.provider.name": "openai",
  "gen_ai.request.model": "gpt-4o-mini",
  "server.address": "127.0.0.1",
  "server.port": Number(new URL(server.origin).port),
});
const callAttributes = () => ({ ...requestAttributes(), "gen_ai.response.model": OPENAI_MODEL });
/** The built-in price of gpt-4o-mini for the server's usage: 8 uncached × 0.15 + 4 cached × 0.075 + 5 × 0.6, per million. */
const BUILT_IN_COST = 0.0000045;

describe("GenAI metrics of ChatOpenAI against the local OpenAI-compatible server", () => {
  it("plain: token usage equal to the server's, one duration point, the built-in cost", async () => {
    server.reply({ text: "Thirty days." });
    await model().invoke("Return window?");
    expect(await points("gen_ai.client.token.usage")).toEqual(
      (["input", "output"] as const).map((type) => {
        const value = type === "input" ? OPENAI_USAGE.prompt_tokens : OPENAI_USAGE.completion_tokens;
        return {
          name: "gen_ai.client.token.usage",
          unit: "{token}",
          attributes: { ...callAttributes(), "gen_ai.token.type": type },
          count: 1,
          sum: value,
          boundaries: [...GEN_AI_TOKEN_USAGE_BUCKETS],
          counts: bucketCounts(GEN_AI_TOKEN_USAGE_BUCKETS, [value]),
        };
      }),
    );
    const [duration] = await points("gen_ai.client.operation.duration");
    expect(duration).toMatchObject({ unit: "s", attributes: callAttributes(), count: 1 });
    expect(duration!.counts!.reduce((a, b) => a + b)).toBe(1);
    expect(duration!.sum).toBeGreaterThan(0);
    expect(await points("gen_ai.client.operation.time_to_first_chunk")).toEqual([]);
    expect(await points("gen_ai.client.operation.time_per_output_chunk")).toEqual([]);
    expect(spans()[0]!.attributes["gen_ai.usage.cost"]).toBe(BUILT_IN_COST);
    expect((await points("langchain.gen_ai.cost")).map((p) => [p.attributes, p.value])).toEqual([[callAttributes(), BUILT_IN_COST]]);
    expect((await points("langchain.runs")).map((p) => [p.attributes, p.value])).toEqual([
      [{ "langchain.run_type": "chat_model", "langchain.status": "ok" }, 1],
    ]);
  });

  it("streaming: time to first chunk once, one interval per later chunk, the server's usage", async () => {
    server.reply({ text: "Returns within thirty days." });
    let text = "";
    for await (const chunk of await model({ streamUsage: true }).stream("Return window?")) text += String(chunk.content);
    expect(text).toBe("Returns within thirty days.");
    const chunks = spans()[0]!.attributes["langchain.stream.chunks"] as number;
    expect(chunks).toBeGreaterThan(2);
    expect((await points("gen_ai.client.token.usage")).map((p) => [p.attributes["gen_ai.token.type"], p.sum])).toEqual([
      ["input", OPENAI_USAGE.prompt_tokens],
      ["output", OPENAI_USAGE.completion_tokens],
    ]);
    expect(await points("gen_ai.client.operation.time_to_first_chunk")).toMatchObject([{ unit: "s", attributes: callAttributes(), count: 1 }]);
    // Chunks arrive before the response names its model: the request's attributes only.
    expect(await points("gen_ai.client.operation.time_per_output_chunk")).toMatchObject([
      { unit: "s", attributes: requestAttributes(), count: chunks - 1 },
    ]);
  });

  it("tool calling: the model's metrics and one run count per run type", async () => {
    const lookup = tool(async ({ topic }: { topic: string }) => `policy ${topic}`, {
      name: "lookup_policy",
      description: "policy lookup",
      schema: z.object({ topic: z.string() }),
    });
    server.reply({ toolCall: { name: "lookup_policy", args: { topic: "returns" } } });
    const ai = await model().bindTools([lookup]).invoke("What is the return policy?");
    await lookup.invoke(ai.tool_calls![0]!);
    expect((await points("gen_ai.client.token.usage")).map((p) => [p.attributes["gen_ai.token.type"], p.sum])).toEqual([
      ["input", 12],
      ["output", 5],
    ]);
    expect((await points("langchain.runs")).map((p) => [p.attributes["langchain.run_type"], p.attributes["langchain.status"], p.value])).toEqual([
      ["chat_model", "ok", 1],
      ["tool", "ok", 1],
    ]);
  });

  it("failing: the client's error class on the duration point; no usage, no cost", async () => {
    server.reply({ error: 429 });
    const error = await model().invoke("Return window?").catch((e: unknown) => e);
    expect((error as object).constructor.name).toBe("RateLimitError");
    // LangChain's own class for the client's error, as on the span.
    expect(spans()[0]!.attributes["error.type"]).toBe("RateLimitCapacityError");
    expect(spans()[0]!.attributes["gen_ai.usage.cost"]).toBeUndefined();
    expect(await points("gen_ai.client.operation.duration")).toMatchObject([
      { unit: "s", attributes: { ...requestAttributes(), "error.type": "RateLimitCapacityError" }, count: 1 },
    ]);
    expect(await points("gen_ai.client.token.usage")).toEqual([]);
    expect(await points("langchain.gen_ai.cost")).toEqual([]);
  });

  it("cost: a user table wins over the built-in one; a model in neither gets none", async () => {
    instrumentation.setConfig({
      contentPolicy: "full",
      pricing: { models: [{ provider: "openai", model: OPENAI_MODEL, input: 1, output: 2, cacheRead: 0.5 }] },
    });
    try {
      server.reply({ text: "priced by the user" });
      await model().invoke("q");
      server.reply({ text: "unknown", model: "ft:gpt-4o-mini:acme:7" });
      await model({ model: "ft:gpt-4o-mini:acme:7" }).invoke("q");
    } finally {
      instrumentation.setConfig({ contentPolicy: "full" });
    }
    // (8 × 1 + 4 × 0.5 + 5 × 2) per million tokens.
    expect(spans().map((s) => [s.attributes["gen_ai.response.model"], s.attributes["gen_ai.usage.cost"]])).toEqual([
      [OPENAI_MODEL, 0.00002],
      ["ft:gpt-4o-mini:acme:7", undefined],
    ]);
    expect((await points("langchain.gen_ai.cost")).map((p) => p.value)).toEqual([0.00002]);
  });
});
