// SPDX-License-Identifier: Apache-2.0
import { afterAll, describe, expect, it } from "vitest";
import { ChatPromptTemplate } from "@langchain/core/prompts";
import { StringOutputParser } from "@langchain/core/output_parsers";
import { RunnableLambda } from "@langchain/core/runnables";
import { FakeListChatModel } from "@langchain/core/utils/testing";
import { tool } from "@langchain/core/tools";
import { setupInstrumentation } from "../integration/setup.js";
import { idSchemeProblems } from "../helpers.js";

const { spans, instrumentation } = setupInstrumentation();
afterAll(() => instrumentation.disable());

const INVOCATIONS = 1000;
const SESSIONS = 100;

const echoSession = tool(async (input: string) => `tool saw ${input}`, { name: "echo_session" });
const chain = ChatPromptTemplate.fromMessages([["human", "{q}"]])
  .pipe(new FakeListChatModel({ responses: ["ok"], sleep: 1 }))
  .pipe(new StringOutputParser());
const app = RunnableLambda.from(async (input: { session: string; i: number }, config) => {
  // Interleave on purpose: awaits between steps let the other 999 invocations run in between.
  await new Promise((r) => setTimeout(r, input.i % 7));
  const answer = await chain.invoke({ q: `${input.session}/${input.i}` }, config);
  return echoSession.invoke(`${input.session}/${input.i}/${answer}`, config);
}).withConfig({ runName: "request" });

describe(`${INVOCATIONS} concurrent invocations across ${SESSIONS} sessions`, () => {
  it("every span has the right parent and its own session; nothing crosses sessions", async () => {
    const results = await Promise.all(
      Array.from({ length: INVOCATIONS }, (_, i) => {
        const session = `s-${i % SESSIONS}`;
        return app.invoke({ session, i }, { metadata: { session_id: session, request_index: i } });
      }),
    );
    results.forEach((r, i) => expect(r).toBe(`tool saw s-${i % SESSIONS}/${i}/ok`));

    const all = spans();
    expect(all).toHaveLength(INVOCATIONS * 6);
    expect(idSchemeProblems(all)).toEqual([]);
    const roots = all.filter((s) => s.name === "request");
    expect(roots).toHaveLength(INVOCATIONS);
    const sessionOfTrace = new Map(roots.map((r) => [r.spanContext().traceId, r.attributes["session.id"]]));
    const indexOfTrace = new Map(roots.map((r) => [r.spanContext().traceId, r.attributes["langchain.metadata.request_index"]]));
    for (const span of all) {
      const traceId = span.spanContext().traceId;
      expect(span.attributes["session.id"]).toBe(sessionOfTrace.get(traceId));
      expect(span.attributes["langchain.metadata.request_index"]).toBe(indexOfTrace.get(traceId));
    }
    // The payloads inside each trace name that trace's own session and index.
    for (const span of all.filter((s) => s.name === "execute_tool echo_session")) {
      const traceId = span.spanContext().traceId;
      // A string tool receives { input } from LangChain, which is what its callbacks report.
      expect(span.attributes["gen_ai.tool.call.arguments"]).toBe(JSON.stringify({ input: `${sessionOfTrace.get(traceId)}/${indexOfTrace.get(traceId)}/ok` }));
    }
    expect(instrumentation.handler.openRunCount).toBe(0);
  });
});
