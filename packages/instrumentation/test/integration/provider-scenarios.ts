// SPDX-License-Identifier: Apache-2.0
import { createRequire } from "node:module";
import { expect } from "vitest";
import type { BaseChatModel } from "@langchain/core/language_models/chat_models";
import { HumanMessage, type AIMessage, type AIMessageChunk } from "@langchain/core/messages";
import { RunnableLambda } from "@langchain/core/runnables";
import { tool } from "@langchain/core/tools";
import type { ReadableSpan } from "@opentelemetry/sdk-trace";
import { z } from "zod";

// What every provider's integration test does to its client, and how it reads the spans back.

export const lookupPolicy = tool(async ({ topic }: { topic: string }) => `policy ${topic}: 30 days`, {
  name: "lookup_policy",
  description: "looks up a store policy",
  schema: z.object({ topic: z.string() }),
});

/** The tool call every fake server is scripted to make, and the answer after it. */
export const TOOL_CALL = { name: "lookup_policy", args: { topic: "returns" } };
export const FINAL_ANSWER = "Returns are accepted within 30 days.";

/** `.stream()` to the end; the text the caller saw. */
export async function streamText(model: BaseChatModel, question: string): Promise<string> {
  let text = "";
  for await (const chunk of await model.stream(question)) text += chunk.text;
  return text;
}

/**
 * Model → tool → model inside one chain run, as an agent loop does it: the model asks for the tool, the tool runs
 * with the model's call (so its span carries the call id), the model answers from the history.
 */
export async function toolRoundTrip(model: BaseChatModel, question: string, stream: boolean): Promise<AIMessage | AIMessageChunk> {
  return RunnableLambda.from(async (q: string, config) => {
    const bound = model.bindTools!([lookupPolicy]);
    const ask = async (input: Parameters<typeof bound.invoke>[0]) => {
      if (!stream) return bound.invoke(input, config);
      let whole: AIMessageChunk | undefined;
      for await (const chunk of await bound.stream(input, config)) whole = whole === undefined ? chunk : whole.concat(chunk);
      return whole!;
    };
    const first = await ask(q);
    const result = await lookupPolicy.invoke({ ...first.tool_calls![0]!, type: "tool_call" }, config);
    return ask([new HumanMessage(q), first, result]);
  })
    .withConfig({ runName: "round_trip" })
    .invoke(question);
}

/**
 * `invoke` inside a chain observed through `streamEvents`: LangChain then streams the call for the event handler and
 * aggregates the chunks itself (the path LangGraph's `messages` stream mode takes too).
 */
export async function invokeUnderStreamEvents(model: BaseChatModel, question: string): Promise<unknown[]> {
  const chain = RunnableLambda.from(async (q: string, config) => model.invoke(q, config)).withConfig({ runName: "answer" });
  const events: unknown[] = [];
  for await (const event of chain.streamEvents(question, { version: "v2" })) events.push(event.event);
  return events;
}

/** `gen_ai.input.messages` of a call that asks one question. */
export function userAsks(text: string): Record<string, unknown> {
  return { "gen_ai.input.messages": [{ role: "user", parts: [{ type: "text", content: text }] }] };
}

const require = createRequire(import.meta.url);

/** LangChain's `versions` metadata of a client: @langchain/core's version and the client package's, as installed. */
export function versionsOf(clientPackage: string): string {
  const version = (name: string) => (require(`${name}/package.json`) as { version: string }).version;
  return JSON.stringify({ "@langchain/core": version("@langchain/core"), [clientPackage]: version(clientPackage) });
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * A span's attributes for an exact comparison: run ids (checked to be UUIDs) and the time to first chunk (checked to
 * lie within the span) become placeholders, and message payloads are parsed.
 */
export function attributesOf(span: ReadableSpan): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(span.attributes)) {
    if (key === "langchain.run_id" || key === "langchain.parent_run_id") {
      expect(value).toMatch(UUID);
      out[key] = "<uuid>";
    } else if (key === "gen_ai.response.time_to_first_chunk") {
      const seconds = span.duration[0] + span.duration[1] / 1e9;
      expect(value).toBeGreaterThan(0);
      expect(value).toBeLessThanOrEqual(seconds);
      out[key] = "<seconds>";
    } else if (key === "server.port") {
      // The fake server listens on an ephemeral port.
      expect(value).toBeTypeOf("number");
      out[key] = "<port>";
    } else if (key === "gen_ai.input.messages" || key === "gen_ai.output.messages") {
      out[key] = JSON.parse(value as string);
    } else out[key] = value;
  }
  return out;
}

/** A call cut at the token limit ("Thirty"): `length` in the schema's terms, the provider's spelling kept raw. */
export function expectCutAtLength(span: ReadableSpan, raw: string): void {
  const attributes = attributesOf(span);
  expect(attributes["gen_ai.response.finish_reasons"]).toEqual(["length"]);
  expect(attributes["langchain.response.finish_reasons.raw"]).toEqual([raw]);
  expect(attributes["gen_ai.output.messages"]).toEqual([{ role: "assistant", parts: [{ type: "text", content: "Thirty" }], finish_reason: "length" }]);
}

/** The model spans of a trace, in start order. */
export function chatSpans(spans: readonly ReadableSpan[]): ReadableSpan[] {
  return spans
    .filter((s) => s.attributes["gen_ai.operation.name"] === "chat")
    .sort((a, b) => a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1]);
}
