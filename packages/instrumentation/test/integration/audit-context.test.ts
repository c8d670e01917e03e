// SPDX-License-Identifier: Apache-2.0
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { RunnableLambda } from "@langchain/core/runnables";
import { getAuditContext, withAuditContext } from "../../src/audit-context.js";
import { setupInstrumentation } from "./setup.js";

const { exporter, spans, instrumentation } = setupInstrumentation();
beforeEach(() => exporter.reset());
afterAll(() => instrumentation.disable());

const inner = RunnableLambda.from(async (x: string) => x.toUpperCase()).withConfig({ runName: "inner" });
const outer = RunnableLambda.from(async (x: string, config) => inner.invoke(x, config)).withConfig({ runName: "outer" });

const identity = (name: string) => {
  const a = spans().find((s) => s.name === name)!.attributes;
  return {
    session: a["session.id"],
    user: a["user.id"],
    tenant: a["tenant.id"],
    conversation: a["gen_ai.conversation.id"],
    app: a["langchain.app.version"],
    prompt: a["langchain.prompt.name"],
    promptVersion: a["langchain.prompt.version"],
  };
};

describe("withAuditContext", () => {
  it("every run of the tree carries the audit context", async () => {
    const out = await withAuditContext(
      { sessionId: "s-9", userId: "u-9", tenantId: "acme", conversationId: "c-1", appVersion: "2.3.0", promptName: "support", promptVersion: "7" },
      () => outer.invoke("hi"),
    );
    expect(out).toBe("HI");
    const expected = { session: "s-9", user: "u-9", tenant: "acme", conversation: "c-1", app: "2.3.0", prompt: "support", promptVersion: "7" };
    expect(identity("outer")).toEqual(expected);
    expect(identity("inner")).toEqual(expected);
  });

  it("run metadata wins over the audit context; nested contexts merge, the inner one winning", async () => {
    await withAuditContext({ sessionId: "outer-s", tenantId: "acme" }, () =>
      withAuditContext({ userId: "u-2" }, () => outer.invoke("x", { metadata: { session_id: "meta-s", prompt_version: "9" } })),
    );
    expect(identity("outer")).toEqual({
      session: "meta-s",
      user: "u-2",
      tenant: "acme",
      conversation: undefined,
      app: undefined,
      prompt: undefined,
      promptVersion: "9",
    });
    expect(identity("inner").session).toBe("meta-s");
  });

  it("is scoped: nothing leaks to runs outside it, or between concurrent requests", async () => {
    await Promise.all(
      ["a", "b", "c"].map((id) => withAuditContext({ sessionId: `s-${id}` }, () => outer.invoke(id, { runName: `outer-${id}` }))),
    );
    await outer.invoke("z", { runName: "outer-none" });
    for (const id of ["a", "b", "c"]) {
      const root = spans().find((s) => s.name === `outer-${id}`)!;
      const child = spans().find((s) => s.parentSpanContext?.spanId === root.spanContext().spanId)!;
      expect([root.attributes["session.id"], child.attributes["session.id"]]).toEqual([`s-${id}`, `s-${id}`]);
    }
    expect(spans().find((s) => s.name === "outer-none")!.attributes["session.id"]).toBeUndefined();
    expect(getAuditContext()).toBeUndefined();
  });
});
