// SPDX-License-Identifier: Apache-2.0
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { OpenTelemetryCallbackHandler } from "../src/handler.js";
import { GEN_AI_DURATION_BUCKETS, GEN_AI_TOKEN_USAGE_BUCKETS } from "../src/semconv.js";
import { bucketCounts, setupMetrics, setupTracing, type MetricPoint } from "./helpers.js";

const ROOT = "019a1b2c-3d4e-7f00-8a11-000000000001";
const MODEL = "019a1b2c-3d4e-7f00-8a11-000000000002";
const TOOL = "019a1b2c-3d4e-7f00-8a11-000000000003";
const CHAT = { id: ["langchain", "chat_models", "openai", "ChatOpenAI"], kwargs: { configuration: { baseURL: "http://127.0.0.1:8080/v1" } } };
const SEQ = { id: ["langchain_core", "runnables", "RunnableSequence"] };

const { provider } = setupTracing();
let metrics: ReturnType<typeof setupMetrics>;

function handler(options: ConstructorParameters<typeof OpenTelemetryCallbackHandler>[0] = {}) {
  return new OpenTelemetryCallbackHandler({ contentPolicy: "full", tracerProvider: provider, meterProvider: metrics.meterProvider, ...options });
}

function startChat(h: OpenTelemetryCallbackHandler, parent?: string): void {
  h.handleChatModelStart(
    CHAT,
    [[{ type: "human", content: "hi" }]],
    MODEL,
    parent,
    { invocation_params: { model: "gpt-4o-mini" } },
    [],
    { ls_provider: "openai", ls_model_name: "gpt-4o-mini" },
    "ChatOpenAI",
  );
}

function chatResult(usage = { input_tokens: 11, output_tokens: 7, input_token_details: { cache_read: 3 }, output_token_details: { reasoning: 2 } }) {
  return {
    generations: [
      [
        {
          text: "hello",
          message: { type: "ai", content: "hello", usage_metadata: usage, response_metadata: { model_name: "gpt-4o-mini-2024-07-18", finish_reason: "stop" } },
        },
      ],
    ],
  };
}

const REQUEST = {
  "gen_ai.operation.name": "chat",
  "gen_ai.provider.name": "openai",
  "gen_ai.request.model": "gpt-4o-mini",
  "server.address": "127.0.0.1",
  "server.port": 8080,
};
const RESPONSE = { ...REQUEST, "gen_ai.response.model": "gpt-4o-mini-2024-07-18" };

const byName = (points: MetricPoint[], name: string) => points.filter((p) => p.name === name);
const seconds = (values: number[]) => ({ boundaries: [...GEN_AI_DURATION_BUCKETS], counts: bucketCounts(GEN_AI_DURATION_BUCKETS, values) });
const tokens = (values: number[]) => ({ boundaries: [...GEN_AI_TOKEN_USAGE_BUCKETS], counts: bucketCounts(GEN_AI_TOKEN_USAGE_BUCKETS, values) });

beforeEach(() => {
  metrics = setupMetrics();
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
});
afterEach(() => vi.useRealTimers());

describe("GenAI client metrics and langchain.* counters", () => {
  it("a plain chat call: token usage per type, duration, one ok run, its cost", async () => {
    const h = handler();
    startChat(h);
    vi.advanceTimersByTime(300);
    h.handleLLMEnd(chatResult(), MODEL);
    const points = await metrics.points();
    expect(byName(points, "gen_ai.client.token.usage")).toEqual([
      { name: "gen_ai.client.token.usage", unit: "{token}", attributes: { ...RESPONSE, "gen_ai.token.type": "input" }, count: 1, sum: 11, ...tokens([11]) },
      { name: "gen_ai.client.token.usage", unit: "{token}", attributes: { ...RESPONSE, "gen_ai.token.type": "output" }, count: 1, sum: 7, ...tokens([7]) },
    ]);
    expect(byName(points, "gen_ai.client.operation.duration")).toEqual([
      { name: "gen_ai.client.operation.duration", unit: "s", attributes: RESPONSE, count: 1, sum: 0.3, ...seconds([0.3]) },
    ]);
    expect(byName(points, "gen_ai.client.operation.time_to_first_chunk")).toEqual([]);
    expect(byName(points, "gen_ai.client.operation.time_per_output_chunk")).toEqual([]);
    expect(byName(points, "langchain.runs")).toEqual([
      { name: "langchain.runs", unit: "{run}", attributes: { "langchain.run_type": "chat_model", "langchain.status": "ok" }, value: 1 },
    ]);
    // 8 uncached input × 0.15 + 3 cached × 0.075 + 5 output × 0.6 + 2 reasoning × 0.6, per million tokens.
    expect(byName(points, "langchain.gen_ai.cost")).toEqual([{ name: "langchain.gen_ai.cost", unit: "{USD}", attributes: RESPONSE, value: 0.000005625 }]);
  });

  it("a streamed call: time to first chunk once, time per output chunk for every later chunk", async () => {
    const h = handler();
    startChat(h);
    for (const gap of [100, 50, 100, 25]) {
      vi.advanceTimersByTime(gap);
      h.handleLLMNewToken("x", { prompt: 0, completion: 0 }, MODEL);
    }
    h.handleLLMEnd(chatResult(), MODEL);
    const points = await metrics.points();
    expect(byName(points, "gen_ai.client.operation.time_to_first_chunk")).toEqual([
      { name: "gen_ai.client.operation.time_to_first_chunk", unit: "s", attributes: RESPONSE, count: 1, sum: 0.1, ...seconds([0.1]) },
    ]);
    // Chunks arrive before the response names its model: these points carry the request's attributes only.
    expect(byName(points, "gen_ai.client.operation.time_per_output_chunk")).toEqual([
      { name: "gen_ai.client.operation.time_per_output_chunk", unit: "s", attributes: REQUEST, count: 3, sum: 0.05 + 0.1 + 0.025, ...seconds([0.05, 0.1, 0.025]) },
    ]);
    expect(byName(points, "gen_ai.client.operation.duration")[0]).toMatchObject({ count: 1, sum: 0.275 });
  });

  it("a tool-calling turn: GenAI histograms for the model only, a run count per run type", async () => {
    const h = handler();
    h.handleChainStart(SEQ, { q: "hi" }, ROOT, undefined, [], {}, undefined, "agent_loop");
    startChat(h, ROOT);
    h.handleLLMEnd(chatResult({ input_tokens: 20, output_tokens: 9 } as never), MODEL);
    h.handleToolStart({ id: ["tool"] }, '{"topic":"returns"}', TOOL, ROOT, [], {}, "lookup_policy", "call_1");
    h.handleToolEnd({ content: "Error: no policy", tool_call_id: "call_1", status: "error" }, TOOL);
    h.handleChainEnd({ answer: "sorry" }, ROOT);
    const points = await metrics.points();
    expect(byName(points, "gen_ai.client.token.usage").map((p) => [p.attributes["gen_ai.token.type"], p.sum])).toEqual([
      ["input", 20],
      ["output", 9],
    ]);
    expect(byName(points, "gen_ai.client.operation.duration").map((p) => p.count)).toEqual([1]);
    expect(byName(points, "langchain.runs").map((p) => [p.attributes, p.value])).toEqual([
      [{ "langchain.run_type": "chat_model", "langchain.status": "ok" }, 1],
      [{ "langchain.run_type": "tool", "langchain.status": "error", "error.type": "ToolError" }, 1],
      [{ "langchain.run_type": "chain", "langchain.status": "ok" }, 1],
    ]);
  });

  it("a failing call: duration with error.type, no token usage, no cost", async () => {
    const h = handler();
    startChat(h);
    vi.advanceTimersByTime(2_000);
    h.handleLLMError(Object.assign(new Error("rate limited"), { name: "RateLimitError" }), MODEL);
    const points = await metrics.points();
    expect(byName(points, "gen_ai.client.operation.duration")).toEqual([
      { name: "gen_ai.client.operation.duration", unit: "s", attributes: { ...REQUEST, "error.type": "RateLimitError" }, count: 1, sum: 2, ...seconds([2]) },
    ]);
    expect(byName(points, "gen_ai.client.token.usage")).toEqual([]);
    expect(byName(points, "langchain.gen_ai.cost")).toEqual([]);
    expect(byName(points, "langchain.runs").map((p) => p.attributes)).toEqual([
      { "langchain.run_type": "chat_model", "langchain.status": "error", "error.type": "RateLimitError" },
    ]);
  });

  it("an abandoned model run: duration with error.type RunAbandoned", async () => {
    const h = handler({ runTtlMillis: 5_000 });
    startChat(h);
    vi.advanceTimersByTime(5_000);
    const points = await metrics.points();
    expect(byName(points, "gen_ai.client.operation.duration").map((p) => [p.attributes["error.type"], p.sum])).toEqual([["RunAbandoned", 5]]);
  });

  it("counts redactions by kind, start and end together", async () => {
    const h = handler({ contentPolicy: "redacted" });
    h.handleChainStart(SEQ, { q: "mail ana@example.com" }, ROOT, undefined, [], {}, undefined, "seq");
    h.handleChainEnd({ a: "ana@example.com and bob@example.org" }, ROOT);
    const points = await metrics.points();
    expect(byName(points, "langchain.redactions")).toEqual([
      { name: "langchain.redactions", unit: "{value}", attributes: { "langchain.redaction.kind": "email" }, value: 3 },
    ]);
  });
});
