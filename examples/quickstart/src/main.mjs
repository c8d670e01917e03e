// SPDX-License-Identifier: Apache-2.0
// Run: pnpm start   (= node --import @langchain-otel/node/register src/main.mjs)
// The app below has no tracing code: the --import flag traces every LangChain run.
import { trace } from "@opentelemetry/api";
import { ChatPromptTemplate } from "@langchain/core/prompts";
import { StringOutputParser } from "@langchain/core/output_parsers";
import { RunnableLambda } from "@langchain/core/runnables";
import { tool } from "@langchain/core/tools";
import { z } from "zod";
import { chatModel, showTrail } from "@langchain-otel/example-support";

const POLICIES = {
  returns: "Unused items can be returned within 30 days with the receipt.",
  shipping: "Standard shipping takes 3 to 5 business days.",
};

const lookupPolicy = tool(async ({ topic }) => POLICIES[topic] ?? "No policy found.", {
  name: "lookup_policy",
  description: "Looks up the store policy for a topic",
  schema: z.object({ topic: z.enum(["returns", "shipping"]) }),
});

const prompt = ChatPromptTemplate.fromMessages([
  ["system", "You are a store support assistant. Answer in one sentence from this policy:\n{policy}"],
  ["human", "{question}"],
]);
const model = await chatModel(["You can return unused items within 30 days if you have the receipt."]);
const answer = prompt.pipe(model).pipe(new StringOutputParser()).withConfig({ runName: "answer" });

let traceId;
const supportRequest = RunnableLambda.from(async ({ question, topic }, config) => {
  // Inside a run, its span is the active OpenTelemetry span.
  traceId = trace.getActiveSpan()?.spanContext().traceId;
  const policy = await lookupPolicy.invoke({ topic }, config);
  return answer.invoke({ question, policy }, config);
}).withConfig({ runName: "support_request" });

// Request metrics from an ordinary LangChain callback, which keeps working beside the instrumentation.
const usage = { input: 0, output: 0 };
const metrics = {
  handleLLMEnd(output) {
    for (const generation of output.generations.flat()) {
      usage.input += generation.message?.usage_metadata?.input_tokens ?? 0;
      usage.output += generation.message?.usage_metadata?.output_tokens ?? 0;
    }
  },
};

const started = performance.now();
const reply = await supportRequest.invoke(
  { question: "Can I return a jacket I bought last week?", topic: "returns" },
  { metadata: { session_id: "demo-session-1", user_id: "demo-user" }, callbacks: [metrics] },
);
const latencyMillis = performance.now() - started;

console.log(`answer: ${reply}`);
console.log(`request: ${latencyMillis.toFixed(1)} ms, tokens in ${usage.input} / out ${usage.output}`);
console.log(`trace id: ${traceId}`);

await showTrail(() => [traceId]);
