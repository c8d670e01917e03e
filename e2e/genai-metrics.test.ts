// SPDX-License-Identifier: Apache-2.0
// The GenAI metrics through the real collector: an app calls ChatOpenAI against a local OpenAI-compatible server
// (plain, streamed, tool-calling, refused with HTTP 429), exports over OTLP/HTTP to the stack, and the collector's
// metrics pipeline writes metrics.jsonl. Every point there must carry what the server returned (its usage and
// model), the spec's units and bucket boundaries, and counts that match the calls made and the spans in traces.jsonl.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OPENAI_MODEL, OPENAI_USAGE, startFakeOpenAI } from "../packages/instrumentation/test/integration/fake-openai-server.ts";
import type { FakeServer } from "../packages/instrumentation/test/integration/fake-http.ts";
import { type NodeRun, otlpAppEnv, runNode } from "./support/child.ts";
import { type FileMetricPoint, type FileSpan, readFileSpans, readMetricPoints, readSpanServices } from "./support/otlp-files.ts";
import { pollUntil } from "./support/poll.ts";
import { FIXTURES_DIR } from "./support/sequential-app.ts";
import { useStack } from "./support/stack.ts";

const SERVICE = "e2e-genai-metrics";
/** The spec's explicit bucket boundaries (semantic-conventions-genai, gen_ai.client.* histograms). */
const TOKEN_BOUNDS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
const SECONDS_BOUNDS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
/** The built-in price of gpt-4o-mini for the server's usage: 8 uncached × 0.15 + 4 cached × 0.075 + 5 × 0.6, per million. */
const CALL_COST = 0.0000045;
/** The app's calls that the server answers (plain, streamed, tool call); a fourth one it refuses. */
const ANSWERED = 3;

const stack = useStack("genai-metrics");

/** Count per bucket of `values` under the boundaries (a value equal to a boundary falls in the bucket it closes). */
function bucketCounts(bounds: readonly number[], values: readonly number[]): number[] {
  const counts = new Array<number>(bounds.length + 1).fill(0);
  for (const v of values) {
    const i = bounds.findIndex((b) => v <= b);
    counts[i === -1 ? bounds.length : i]!++;
  }
  return counts;
}

describe("GenAI metrics of ChatOpenAI through the real collector's metrics pipeline", () => {
  let server: FakeServer;
  let app: NodeRun;
  let points: FileMetricPoint[] = [];
  let spans: FileSpan[] = [];

  beforeAll(async () => {
    server = await startFakeOpenAI();
    server.reply({ text: "Thirty days." });
    server.reply({ text: "Returns within thirty days." });
    server.reply({ toolCall: { name: "lookup_policy", args: { topic: "returns" } } });
    server.reply({ error: 429 });
    app = await runNode(["--import", "@langchain-otel/node/register", "src/openai-calls.mjs"], {
      cwd: FIXTURES_DIR,
      env: otlpAppEnv(SERVICE, { E2E_OPENAI_BASE_URL: `${server.origin}/v1` }),
      timeoutMillis: 60_000,
    });
    // The app exported its metrics at shutdown, before it exited; spans may still be on their way to the file.
    const { value } = await pollUntil(
      () => {
        const services = readSpanServices(stack.paths.tracesFile);
        return {
          points: readMetricPoints(stack.paths.metricsFile).filter((p) => p.service === SERVICE),
          spans: readFileSpans(stack.paths.tracesFile).filter((s) => services.get(s.spanId) === SERVICE),
        };
      },
      (found) => found.points.length > 0 && found.spans.length === ANSWERED + 2,
      { timeoutMillis: 30_000, intervalMillis: 250 },
    );
    ({ points = [], spans = [] } = value ?? {});
  }, 90_000);

  afterAll(() => server?.close());

  const port = () => Number(new URL(server.origin).port);
  const requestAttributes = () => ({
    "gen_ai.operation.name": "chat",
    "gen_ai.provider.name": "openai",
    "gen_ai.request.model": "gpt-4o-mini",
    "server.address": "127.0.0.1",
    "server.port": port(),
  });
  const callAttributes = () => ({ ...requestAttributes(), "gen_ai.response.model": OPENAI_MODEL });
  const named = (name: string) => points.filter((p) => p.name === name);
  const chatSpans = () => spans.filter((s) => s.attributes["langchain.run_type"] === "chat_model");

  it("the app made its four calls, the server answered three and refused one; one metrics export, at shutdown", () => {
    expect({ code: app.code, stderr: app.stderr }).toEqual({ code: 0, stderr: "" });
    const calls = app.stdout.split("\n").filter((line) => line.startsWith("{")).map((line) => JSON.parse(line));
    expect(calls.map((c) => [c.call, c.ok])).toEqual([
      ["plain", true],
      ["stream", true],
      ["tool", true],
      ["refused", false],
    ]);
    expect(server.seen.map((r) => [r.path, r.body["stream"] === true])).toEqual([
      ["/v1/chat/completions", false],
      ["/v1/chat/completions", true],
      ["/v1/chat/completions", false],
      ["/v1/chat/completions", false],
    ]);
    expect(new Set(points.map((p) => p.line)).size).toBe(1);
    expect([...new Set(points.map((p) => p.name))].sort()).toEqual([
      "gen_ai.client.operation.duration",
      "gen_ai.client.operation.time_per_output_chunk",
      "gen_ai.client.operation.time_to_first_chunk",
      "gen_ai.client.token.usage",
      "langchain.gen_ai.cost",
      "langchain.runs",
    ]);
  });

  it("gen_ai.client.token.usage: the server's usage per answered call, by token type, in the spec's buckets", () => {
    const expected = (["input", "output"] as const).map((type) => {
      const value = type === "input" ? OPENAI_USAGE.prompt_tokens : OPENAI_USAGE.completion_tokens;
      return {
        service: SERVICE,
        line: points[0]!.line,
        name: "gen_ai.client.token.usage",
        unit: "{token}",
        attributes: { ...callAttributes(), "gen_ai.token.type": type },
        count: ANSWERED,
        sum: ANSWERED * value,
        explicitBounds: TOKEN_BOUNDS,
        bucketCounts: bucketCounts(TOKEN_BOUNDS, new Array(ANSWERED).fill(value)),
        aggregationTemporality: 2,
      };
    });
    expect(named("gen_ai.client.token.usage")).toEqual(expected);
    // The same numbers the spans carry.
    expect(chatSpans().map((s) => [s.attributes["gen_ai.usage.input_tokens"], s.attributes["gen_ai.usage.output_tokens"]])).toEqual([
      ...new Array(ANSWERED).fill([OPENAI_USAGE.prompt_tokens, OPENAI_USAGE.completion_tokens]),
      [undefined, undefined],
    ]);
  });

  it("gen_ai.client.operation.duration: one point per answered call, and the refused call with LangChain's error class", () => {
    const durations = named("gen_ai.client.operation.duration");
    expect(durations.map((p) => [p.unit, p.attributes, p.count, p.explicitBounds, p.bucketCounts!.reduce((a, b) => a + b, 0)])).toEqual([
      ["s", callAttributes(), ANSWERED, SECONDS_BOUNDS, ANSWERED],
      ["s", { ...requestAttributes(), "error.type": "RateLimitCapacityError" }, 1, SECONDS_BOUNDS, 1],
    ]);
    for (const p of durations) expect(p.sum).toBeGreaterThan(0);
    expect(chatSpans().at(-1)!.attributes["error.type"]).toBe("RateLimitCapacityError");
  });

  it("streaming: time to first chunk once, one time-per-output-chunk value per chunk after the first", () => {
    const streamed = chatSpans().find((s) => s.attributes["langchain.stream.chunks"] !== undefined)!;
    const chunks = streamed.attributes["langchain.stream.chunks"] as number;
    expect(chunks).toBeGreaterThan(2);
    expect(named("gen_ai.client.operation.time_to_first_chunk").map((p) => [p.unit, p.attributes, p.count, p.explicitBounds])).toEqual([
      ["s", callAttributes(), 1, SECONDS_BOUNDS],
    ]);
    // Chunks arrive before the response names its model: the request's attributes only.
    expect(named("gen_ai.client.operation.time_per_output_chunk").map((p) => [p.unit, p.attributes, p.count, p.explicitBounds])).toEqual([
      ["s", requestAttributes(), chunks - 1, SECONDS_BOUNDS],
    ]);
  });

  it("langchain.runs and langchain.gen_ai.cost: runs by type and status; the cost the spans carry, summed", () => {
    const runs = named("langchain.runs").map((p) => [p.attributes["langchain.run_type"], p.attributes["langchain.status"], p.value, p.unit, p.isMonotonic]);
    expect(runs.sort()).toEqual([
      ["chat_model", "error", 1, "{run}", true],
      ["chat_model", "ok", ANSWERED, "{run}", true],
      ["tool", "ok", 1, "{run}", true],
    ]);
    const costs = chatSpans().map((s) => s.attributes["gen_ai.usage.cost"]);
    expect(costs).toEqual([CALL_COST, CALL_COST, CALL_COST, undefined]);
    expect(named("langchain.gen_ai.cost").map((p) => [p.unit, p.attributes, p.value, p.isMonotonic])).toEqual([
      ["{USD}", callAttributes(), CALL_COST + CALL_COST + CALL_COST, true],
    ]);
  });
});
