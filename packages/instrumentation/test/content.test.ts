// SPDX-License-Identifier: Apache-2.0
import { createHash, createHmac } from "node:crypto";
import type { AttributeValue } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { exportedText, exportedTree, putPayload } from "../src/content.js";
import { resolveTracingOptions } from "../src/options.js";

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
const options = (contentPolicy: "full" | "redacted" | "none", maxPayloadBytes = 1000) => resolveTracingOptions({ contentPolicy, maxPayloadBytes }, {});
const VALUE = { question: "mail maria@example.org", n: 3 };
const TEXT = JSON.stringify(VALUE);

describe("putPayload", () => {
  it("full: the serialized value, nothing else", () => {
    const attrs: Record<string, AttributeValue> = {};
    putPayload(attrs, "langchain.inputs", VALUE, options("full"));
    expect(attrs).toEqual({ "langchain.inputs": TEXT });
  });

  it("full, over the limit: cut, with .truncated, .size_bytes and the whole text's .sha256", () => {
    const attrs: Record<string, AttributeValue> = {};
    const long = "x".repeat(300);
    putPayload(attrs, "langchain.outputs", long, options("full", 100));
    expect(Object.keys(attrs).sort()).toEqual(["langchain.outputs", "langchain.outputs.sha256", "langchain.outputs.size_bytes", "langchain.outputs.truncated"]);
    expect(attrs["langchain.outputs.truncated"]).toBe(true);
    // A string payload is its own text (not JSON-quoted).
    expect(attrs["langchain.outputs.size_bytes"]).toBe(300);
    expect(attrs["langchain.outputs.sha256"]).toBe(sha256(long));
    expect(Buffer.byteLength(String(attrs["langchain.outputs"]))).toBeLessThanOrEqual(100);
  });

  it("redacted: the redacted text and the count per kind", () => {
    const attrs: Record<string, AttributeValue> = {};
    putPayload(attrs, "langchain.inputs", VALUE, options("redacted"));
    expect(attrs).toEqual({
      "langchain.inputs": JSON.stringify({ question: "mail [REDACTED:email]", n: 3 }),
      "langchain.redactions.email": 1,
    });
  });

  it("redacted: counts add up over several payloads of one span", () => {
    const attrs: Record<string, AttributeValue> = {};
    putPayload(attrs, "langchain.inputs", VALUE, options("redacted"));
    putPayload(attrs, "langchain.outputs", "a@example.org, b@example.org", options("redacted"));
    expect(attrs["langchain.redactions.email"]).toBe(3);
  });

  it("none: only the size and the keyed digest of the whole text, never cut", () => {
    const attrs: Record<string, AttributeValue> = {};
    const long = "y".repeat(5000);
    const none = options("none", 100);
    putPayload(attrs, "langchain.inputs", long, none);
    const keyed = createHmac("sha256", none.digestKey!).update(long, "utf8").digest("hex");
    expect(attrs).toEqual({ "langchain.inputs.size_bytes": 5000, "langchain.inputs.sha256": keyed });
    expect(keyed).not.toBe(sha256(long));
  });

  it("none: a tree is measured and digested as its canonical JSON, UTF-8 bytes counted, small and large alike", () => {
    const none = options("none", 100);
    for (const tree of [{ q: "héllo ☃ 😀", n: [1, 2] }, { pages: Array.from({ length: 20 }, (_, i) => ({ text: `é${i}`.repeat(500) })) }]) {
      const attrs: Record<string, AttributeValue> = {};
      putPayload(attrs, "langchain.outputs", tree, none);
      const text = JSON.stringify(tree);
      expect(attrs).toEqual({
        "langchain.outputs.size_bytes": Buffer.byteLength(text, "utf8"),
        "langchain.outputs.sha256": createHmac("sha256", none.digestKey!).update(text, "utf8").digest("hex"),
      });
    }
  });

  it("undefined: nothing under any policy", () => {
    for (const policy of ["full", "redacted", "none"] as const) {
      const attrs: Record<string, AttributeValue> = {};
      putPayload(attrs, "langchain.inputs", undefined, options(policy));
      expect({ policy, attrs }).toEqual({ policy, attrs: {} });
    }
  });
});

describe("exportedText and exportedTree", () => {
  it("full and none: strings and trees as they are, nothing counted", () => {
    for (const policy of ["full", "none"] as const) {
      const counts: Record<string, AttributeValue> = {};
      expect(exportedText("maria@example.org", options(policy), counts)).toBe("maria@example.org");
      expect(exportedTree({ to: "maria@example.org" }, options(policy), counts)).toEqual({ to: "maria@example.org" });
      expect({ policy, counts }).toEqual({ policy, counts: {} });
    }
  });

  it("redacted: strings and trees rewritten, counted on the attributes given", () => {
    const counts: Record<string, AttributeValue> = {};
    expect(exportedText("write to maria@example.org", options("redacted"), counts)).toBe("write to [REDACTED:email]");
    expect(exportedTree({ to: ["a@example.org", "b@example.org"] }, options("redacted"), counts)).toEqual({ to: ["[REDACTED:email]", "[REDACTED:email]"] });
    expect(counts).toEqual({ "langchain.redactions.email": 3 });
  });
});

describe("exportedText: remembered clean texts", () => {
  const redacted = resolveTracingOptions({ contentPolicy: "redacted" }, {});

  it("returns a clean name as is, every time, with no counts", () => {
    for (let i = 0; i < 3; i++) {
      const counts = {};
      expect(exportedText("support_app", redacted, counts)).toBe("support_app");
      expect(counts).toEqual({});
    }
  });

  it("redacts and counts a name holding an address on every call, not only the first", () => {
    for (let i = 0; i < 3; i++) {
      const counts = {};
      expect(exportedText("agent for jane@example.com", redacted, counts)).toBe("agent for [REDACTED:email]");
      expect(counts).toEqual({ "langchain.redactions.email": 1 });
    }
  });

  it("cuts a text it saw clean under a larger budget when the budget is smaller", () => {
    const text = "a".repeat(200);
    expect(exportedText(text, redacted, {})).toBe(text);
    const small = resolveTracingOptions({ contentPolicy: "redacted", maxPayloadBytes: 120 }, {});
    const cut = exportedText(text, { ...small, redactor: redacted.redactor }, {});
    expect(cut).toBe(`${"a".repeat(17)}…[truncated: 200 bytes, hmac-sha256:${redacted.redactor!.digest(text)}]`);
  });

  it("leaves text as is under full and none", () => {
    for (const contentPolicy of ["full", "none"] as const) {
      expect(exportedText("jane@example.com", resolveTracingOptions({ contentPolicy }, {}), {})).toBe("jane@example.com");
    }
  });
});
