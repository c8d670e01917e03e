// SPDX-License-Identifier: Apache-2.0
import { createHash } from "node:crypto";
import type { AttributeValue } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { putPayload, redactText, redactionFor } from "../src/content.js";
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

  it("none: only the size and hash of the whole text, never cut", () => {
    const attrs: Record<string, AttributeValue> = {};
    const long = "y".repeat(5000);
    putPayload(attrs, "langchain.inputs", long, options("none", 100));
    expect(attrs).toEqual({ "langchain.inputs.size_bytes": 5000, "langchain.inputs.sha256": sha256(long) });
  });

  it("undefined: nothing under any policy", () => {
    for (const policy of ["full", "redacted", "none"] as const) {
      const attrs: Record<string, AttributeValue> = {};
      putPayload(attrs, "langchain.inputs", undefined, options(policy));
      expect({ policy, attrs }).toEqual({ policy, attrs: {} });
    }
  });
});

describe("redactionFor and redactText", () => {
  it("no redaction step under full and none: text stays as it is", () => {
    for (const policy of ["full", "none"] as const) {
      const attrs: Record<string, AttributeValue> = {};
      const step = redactionFor(attrs, options(policy));
      expect(step).toBeUndefined();
      expect(redactText("maria@example.org", step)).toBe("maria@example.org");
      expect(attrs).toEqual({});
    }
  });

  it("redacted: strings and trees rewritten, counted on the attributes given", () => {
    const attrs: Record<string, AttributeValue> = {};
    const step = redactionFor(attrs, options("redacted"))!;
    expect(redactText("write to maria@example.org", step)).toBe("write to [REDACTED:email]");
    expect(step({ to: ["a@example.org", "b@example.org"] })).toEqual({ to: ["[REDACTED:email]", "[REDACTED:email]"] });
    expect(attrs).toEqual({ "langchain.redactions.email": 3 });
  });
});
