import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ChatOpenAI } from "@langchain/openai";
import { tool } from "@langchain/core/tools";
import { z } from "zod";
import { renderTree } from "../helpers.js";
import { setupInstrumentation } from "./setup.js";
import { startFakeOpenAI } from "./fake-openai-server.js";

const { exporter, spans, instrumentation } = setupInstrumentation();
let server: Awaited<ReturnType<typeof startFakeOpenAI>>;

beforeAll(async () => {
  server = await startFakeOpenAI();
});
afterAll(async () => {
  instrumentation.disable();
  await server.close();
});
beforeEach(() => exporter.reset());

function model(extra: Record<string, unknown> = {}) {
  return new ChatOpenAI({
    model: "gpt-4o-mini",
    temperature: 0.1,
    maxTokens: 100,
    apiKey: "sk-test-not-real",
    configuration: { baseURL: server.baseURL },
    maxRetries: 0,
    ...extra,
  });
}

describe("ChatOpenAI against a local OpenAI-compatible server", () => {
  it("plain completion: request params, response model and id, usage with cache reads", async () => {
    server.reply({ content: "Thirty days." });
    const answer = await model().invoke("Return window?");
    expect(answer.content).toBe("Thirty days.");
    const [span] = spans();
    expect(span!.name).toBe("chat gpt-4o-mini");
    expect(span!.attributes).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "openai",
      "gen_ai.request.model": "gpt-4o-mini",
      "gen_ai.request.temperature": 0.1,
      "gen_ai.request.max_tokens": 100,
      "gen_ai.response.model": "gpt-4o-mini-2024-07-18",
      "gen_ai.response.id": "chatcmpl-1",
      "gen_ai.response.finish_reasons": ["stop"],
      "gen_ai.usage.input_tokens": 12,
      "gen_ai.usage.output_tokens": 5,
      "gen_ai.usage.cache_read.input_tokens": 4,
    });
  });

  it("streaming with usage: chunks, time to first chunk, assembled output and usage", async () => {
    server.reply({ content: "Returns within thirty days." });
    let text = "";
    for await (const chunk of await model({ streamUsage: true }).stream("Return window?")) text += String(chunk.content);
    expect(text).toBe("Returns within thirty days.");
    const [span] = spans();
    expect(span!.attributes["langchain.stream.chunks"]).toBeGreaterThanOrEqual(7);
    expect(span!.attributes["gen_ai.usage.input_tokens"]).toBe(12);
    expect(span!.attributes["gen_ai.usage.output_tokens"]).toBe(5);
    expect(JSON.parse(span!.attributes["gen_ai.output.messages"] as string)[0].parts).toEqual([
      { type: "text", content: "Returns within thirty days." },
    ]);
  });

  it("tool calls: the model's tool call and the tool run share the call id", async () => {
    const lookup = tool(async ({ topic }: { topic: string }) => `policy ${topic}`, {
      name: "lookup_policy",
      description: "policy lookup",
      schema: z.object({ topic: z.string() }),
    });
    server.reply({ toolCall: { name: "lookup_policy", args: { topic: "returns" } } });
    const ai = await model().bindTools([lookup]).invoke("What is the return policy?");
    expect(ai.tool_calls?.[0]?.name).toBe("lookup_policy");
    const toolMessage = await lookup.invoke(ai.tool_calls![0]!);
    expect(toolMessage.content).toBe("policy returns");
    const all = spans();
    expect(renderTree(all)).toBe(["chat gpt-4o-mini", "execute_tool lookup_policy"].join("\n"));
    const chat = all[0]!;
    expect(chat.attributes["gen_ai.response.finish_reasons"]).toEqual(["tool_calls"]);
    expect(JSON.parse(chat.attributes["gen_ai.output.messages"] as string)[0].parts).toEqual([
      { type: "tool_call", id: "call_abc", name: "lookup_policy", arguments: { topic: "returns" } },
    ]);
    expect(all[1]!.attributes["gen_ai.tool.call.id"]).toBe("call_abc");
  });
});
