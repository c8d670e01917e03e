// SPDX-License-Identifier: Apache-2.0
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from "@opentelemetry/sdk-logs";
import { ChatPromptTemplate } from "@langchain/core/prompts";
import { StringOutputParser } from "@langchain/core/output_parsers";
import { RunnableLambda } from "@langchain/core/runnables";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { tool } from "@langchain/core/tools";
import { setupInstrumentation } from "./setup.js";

const SECRETS = {
  apiKey: "sk-proj-4f9XbQ2mZk8LrT1vW7yN3cD6hJ0pS5aE",
  email: "jane.doe@example.com",
  card: "4111 1111 1111 1111",
  phone: "+1 415 555 0123",
};

const logExporter = new InMemoryLogRecordExporter();
const loggerProvider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter: logExporter })] });
const { exporter, spans, instrumentation } = setupInstrumentation({ contentPolicy: "redacted" });
instrumentation.setLoggerProvider(loggerProvider);
beforeEach(() => {
  exporter.reset();
  logExporter.reset();
});
afterAll(() => instrumentation.disable());

const lookupCustomer = tool(
  async ({ email }: { email: string }) => `customer ${email} pays with card ${SECRETS.card}, phone ${SECRETS.phone}`,
  { name: "lookup_customer", description: "finds a customer", schema: (await import("zod")).z.object({ email: (await import("zod")).z.string() }) },
);
const chain = ChatPromptTemplate.fromMessages([["system", "Use key {key}"], ["human", "{question}"]])
  .pipe(new FakeListChatModel({ responses: [`Sure, I emailed ${SECRETS.email} and charged ${SECRETS.card}.`] }))
  .pipe(new StringOutputParser());
const app = RunnableLambda.from(async (question: string, config) => {
  const customer = await lookupCustomer.invoke({ email: SECRETS.email }, config);
  const failing = RunnableLambda.from(async () => {
    throw new Error(`card ${SECRETS.card} declined for ${SECRETS.email}`);
  }).withConfig({ runName: "charge" });
  await failing.invoke(null, config).catch(() => undefined);
  return chain.invoke({ key: SECRETS.apiKey, question: `${question} ${customer}` }, config);
}).withConfig({ runName: "support" });

function everything(): string {
  const parts: string[] = [];
  for (const s of spans()) {
    parts.push(s.name, JSON.stringify(s.attributes), s.status.message ?? "", JSON.stringify(s.events));
  }
  for (const r of logExporter.getFinishedLogRecords()) parts.push(JSON.stringify(r.attributes), JSON.stringify(r.body ?? null));
  return parts.join("\n");
}

describe("content policy redacted (the default)", () => {
  it("no API key, email, card number or phone number leaves the process, in spans, events or records", async () => {
    const answer = await app.invoke("Refund my last order, my phone is +1 415 555 0123", {
      metadata: { user_email: SECRETS.email, user_id: SECRETS.email, session_id: "s-1" },
    });
    // The app itself still sees its own data.
    expect(answer).toBe(`Sure, I emailed ${SECRETS.email} and charged ${SECRETS.card}.`);
    const text = everything();
    for (const secret of [...Object.values(SECRETS), "4111111111111111", "415 555 0123"]) expect(text).not.toContain(secret);
    expect(text).toContain("[REDACTED:email]");
    expect(text).toContain("[REDACTED:card_number]");
    expect(text).toContain("[REDACTED:api_key]");
    expect(text).toContain("[REDACTED:phone]");
    expect(text).toContain("s-1");
  });

  it("each span and record says how many values each detector replaced", async () => {
    await app.invoke("hello", { metadata: { session_id: "s-2" } });
    const tool = spans().find((s) => s.name === "execute_tool lookup_customer")!;
    expect(Object.fromEntries(Object.entries(tool.attributes).filter(([k]) => k.startsWith("langchain.redactions.")))).toEqual({
      "langchain.redactions.email": 2,
      "langchain.redactions.card_number": 1,
      "langchain.redactions.phone": 1,
    });
    const toolRecords = logExporter.getFinishedLogRecords().filter((r) => r.attributes["langchain.run_name"] === "lookup_customer");
    expect(toolRecords.map((r) => [r.eventName, r.attributes["langchain.redactions.email"], r.attributes["langchain.redactions.card_number"]])).toEqual([
      ["langchain.run.start", 1, undefined],
      ["langchain.run.end", 1, 1],
    ]);
    const charge = spans().find((s) => s.name === "charge")!;
    expect(charge.status.message).toBe("card [REDACTED:card_number] declined for [REDACTED:email]");
    // Two values held the card: the error message and the stack trace that repeats it.
    expect(charge.attributes["langchain.redactions.card_number"]).toBe(2);
  });
});
