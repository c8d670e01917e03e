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

  it.each([
    [{ contentPolicy: "fulll" }, {}, 'option contentPolicy="fulll" is not one of: redacted, full, none'],
    [{}, { LANGCHAIN_OTEL_CONTENT_POLICY: "all" }, 'LANGCHAIN_OTEL_CONTENT_POLICY="all" is not one of: redacted, full, none'],
    [{ maxPayloadBytes: 0 }, {}, "option maxPayloadBytes=0 is not a positive integer"],
    [{}, { LANGCHAIN_OTEL_MAX_PAYLOAD_BYTES: "8k" }, 'LANGCHAIN_OTEL_MAX_PAYLOAD_BYTES="8k" is not a positive integer'],
    [{}, { LANGCHAIN_OTEL_RUN_TTL_MILLIS: "-1" }, 'LANGCHAIN_OTEL_RUN_TTL_MILLIS="-1" is not a positive integer'],
    [{}, { LANGCHAIN_OTEL_SPANS: "yes" }, 'LANGCHAIN_OTEL_SPANS="yes" is not one of: true, false'],
    [{}, { LANGCHAIN_OTEL_REDACTION_REPLACEMENT: "hash" }, 'LANGCHAIN_OTEL_REDACTION_REPLACEMENT="hash" is not one of: marker, hmac'],
    [{}, { LANGCHAIN_OTEL_REDACTION_REPLACEMENT: "hmac" }, 'option replacement="hmac" needs option hmacKey or LANGCHAIN_OTEL_REDACTION_KEY'],
  ])("rejects %j %j", (options, env, message) => {
    expect(() => resolveTracingOptions(options as never, env)).toThrow(message);
  });
});
