// SPDX-License-Identifier: Apache-2.0
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { resolveTracingOptions } from "../src/options.js";

describe("resolveTracingOptions", () => {
  it("defaults: redacted content, 8 KiB payloads, 10 minute TTL, spans and records on", () => {
    const o = resolveTracingOptions({}, {});
    expect([o.contentPolicy, o.maxPayloadBytes, o.runTtlMillis, o.emitSpans, o.emitAuditRecords]).toEqual(["redacted", 8192, 600_000, true, true]);
    expect(o.redactor).toBeDefined();
    expect(resolveTracingOptions({ contentPolicy: "full" }, {}).redactor).toBeUndefined();
  });

  it("env fills what options leave out; options win", () => {
    const env = { LANGCHAIN_OTEL_CONTENT_POLICY: "FULL", LANGCHAIN_OTEL_MAX_PAYLOAD_BYTES: "1024", LANGCHAIN_OTEL_RUN_TTL_MILLIS: "5000" };
    expect(resolveTracingOptions({}, env)).toMatchObject({ contentPolicy: "full", maxPayloadBytes: 1024, runTtlMillis: 5000 });
    expect(resolveTracingOptions({ contentPolicy: "none", maxPayloadBytes: 10 }, env)).toMatchObject({ contentPolicy: "none", maxPayloadBytes: 10 });
  });

  it("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT: false means none, true the configured policy; ours wins", () => {
    const CAPTURE = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT";
    expect(resolveTracingOptions({}, { [CAPTURE]: "false" }).contentPolicy).toBe("none");
    expect(resolveTracingOptions({}, { [CAPTURE]: "TRUE" }).contentPolicy).toBe("redacted");
    expect(resolveTracingOptions({}, { [CAPTURE]: "false", LANGCHAIN_OTEL_CONTENT_POLICY: "full" }).contentPolicy).toBe("full");
    expect(resolveTracingOptions({ contentPolicy: "redacted" }, { [CAPTURE]: "false" }).contentPolicy).toBe("redacted");
    expect(() => resolveTracingOptions({}, { [CAPTURE]: "no" })).toThrow(`${CAPTURE}="no" is not one of: true, false`);
  });

  it("pricing: an option table or LANGCHAIN_OTEL_PRICING_FILE, checked at startup", () => {
    const dir = mkdtempSync(path.join(tmpdir(), "pricing-"));
    const file = path.join(dir, "prices.json");
    writeFileSync(file, JSON.stringify({ models: [{ model: "house-llm", input: 1, output: 3 }] }));
    expect(resolveTracingOptions({}, { LANGCHAIN_OTEL_PRICING_FILE: file }).prices.lookup("any", "house-llm")).toEqual({ model: "house-llm", input: 1, output: 3 });
    expect(resolveTracingOptions({ pricing: file }, {}).prices.lookup(undefined, "house-llm")?.output).toBe(3);
    writeFileSync(file, "{ not json");
    expect(() => resolveTracingOptions({}, { LANGCHAIN_OTEL_PRICING_FILE: file })).toThrow(`LANGCHAIN_OTEL_PRICING_FILE=${JSON.stringify(file)} is not JSON`);
    expect(() => resolveTracingOptions({}, { LANGCHAIN_OTEL_PRICING_FILE: path.join(dir, "missing.json") })).toThrow("cannot be read");
    expect(() => resolveTracingOptions({ pricing: { models: [{ model: "m", input: 1 }] } as never }, {})).toThrow(
      "option pricing: models[0].output is required (USD per million tokens)",
    );
  });

  it.each([
    [{ contentPolicy: "fulll" }, {}, 'option contentPolicy="fulll" is not one of: redacted, full, none'],
    [{}, { LANGCHAIN_OTEL_CONTENT_POLICY: "all" }, 'LANGCHAIN_OTEL_CONTENT_POLICY="all" is not one of: redacted, full, none'],
    [{ maxPayloadBytes: 0 }, {}, "option maxPayloadBytes=0 is not a positive integer"],
    [{}, { LANGCHAIN_OTEL_MAX_PAYLOAD_BYTES: "8k" }, 'LANGCHAIN_OTEL_MAX_PAYLOAD_BYTES="8k" is not a positive integer'],
    [{}, { LANGCHAIN_OTEL_RUN_TTL_MILLIS: "-1" }, 'LANGCHAIN_OTEL_RUN_TTL_MILLIS="-1" is not a positive integer'],
    [{}, { LANGCHAIN_OTEL_SPANS: "yes" }, 'LANGCHAIN_OTEL_SPANS="yes" is not one of: true, false'],
    [{}, { LANGCHAIN_OTEL_REDACTION_REPLACEMENT: "hash" }, 'LANGCHAIN_OTEL_REDACTION_REPLACEMENT="hash" is not one of: marker, hmac'],
    [{}, { LANGCHAIN_OTEL_REDACTION_REPLACEMENT: "hmac", LANGCHAIN_OTEL_REDACTION_KEY: "short" }, "LANGCHAIN_OTEL_REDACTION_KEY is 5 bytes; at least 16 are required"],
  ])("rejects %j %j", (options, env, message) => {
    expect(() => resolveTracingOptions(options as never, env)).toThrow(message);
  });
});
