import { SpanKind, SpanStatusCode, TraceFlags } from "@opentelemetry/api";
import { describe, expect, it } from "vitest";
import { anyValue, encodeTraceLine } from "../src/otlp-json.js";
import { EXPECTED_LINE, scope, toolSpan } from "./known-span.js";

describe("encodeTraceLine", () => {
  it("writes exactly the collector's line for a known span", () => {
    const line = encodeTraceLine([toolSpan()]);
    expect(JSON.parse(line)).toEqual(JSON.parse(EXPECTED_LINE)); // field by field, with a readable diff
    expect(line).toBe(EXPECTED_LINE); // and byte for byte: key order and escapes
  });

  it("leaves out what is unset: no parent, unset status, no attributes or events", () => {
    const root = toolSpan({
      spanContext: () => ({ traceId: "01a20d2f1fa97120a01ee9d9ca842143", spanId: "a01ee9d9ca842143", traceFlags: TraceFlags.SAMPLED }),
      parentSpanContext: undefined,
      kind: SpanKind.CLIENT,
      status: { code: SpanStatusCode.UNSET },
      attributes: {},
      events: [],
      droppedAttributesCount: 0,
    });
    const span = (JSON.parse(encodeTraceLine([root])) as { resourceSpans: [{ scopeSpans: [{ spans: [unknown] }] }] }).resourceSpans[0]
      .scopeSpans[0].spans[0];
    expect(span).toEqual({
      traceId: "01a20d2f1fa97120a01ee9d9ca842143",
      spanId: "a01ee9d9ca842143",
      flags: 257,
      name: "execute_tool lookup_policy",
      kind: 3,
      startTimeUnixNano: "1795517521838000000",
      endTimeUnixNano: "1795517521838493367",
      status: {},
    });
  });

  it("marks a remote parent in the flags and writes links", () => {
    const remote = { traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331", traceFlags: TraceFlags.SAMPLED, isRemote: true };
    const span = toolSpan({
      parentSpanContext: remote,
      links: [{ context: remote, attributes: { reason: "follows" } }],
    });
    const encoded = (JSON.parse(encodeTraceLine([span])) as { resourceSpans: [{ scopeSpans: [{ spans: [Record<string, unknown>] }] }] })
      .resourceSpans[0].scopeSpans[0].spans[0];
    expect(encoded.flags).toBe(0x301);
    expect(encoded.links).toEqual([
      {
        traceId: "0af7651916cd43dd8448eb211c80319c",
        spanId: "b7ad6b7169203331",
        attributes: [{ key: "reason", value: { stringValue: "follows" } }],
        flags: 0x301,
      },
    ]);
  });

  it("groups spans by resource, then by scope, in the order they come", () => {
    const other = { name: "app", version: "" };
    const spans = [toolSpan(), toolSpan({ instrumentationScope: other }), toolSpan()];
    const request = JSON.parse(encodeTraceLine(spans)) as {
      resourceSpans: Array<{ scopeSpans: Array<{ scope: unknown; spans: unknown[] }> }>;
    };
    expect(request.resourceSpans).toHaveLength(1);
    expect(request.resourceSpans[0]!.scopeSpans.map((s) => [s.scope, s.spans.length])).toEqual([
      [scope, 2],
      [{ name: "app" }, 1],
    ]);
  });
});

describe("anyValue", () => {
  it.each<[unknown, unknown]>([
    ["", { stringValue: "" }],
    [0, { intValue: "0" }],
    [-42, { intValue: "-42" }],
    [2 ** 53, { intValue: "9007199254740992" }],
    [1e300, { doubleValue: 1e300 }],
    [Number.NaN, { doubleValue: "NaN" }],
    [Number.POSITIVE_INFINITY, { doubleValue: "Infinity" }],
    [Number.NEGATIVE_INFINITY, { doubleValue: "-Infinity" }],
    [true, { boolValue: true }],
    [null, {}],
    [undefined, {}],
    [[1, null], { arrayValue: { values: [{ intValue: "1" }, {}] } }],
    [new Uint8Array([1, 2, 255]), { bytesValue: "AQL/" }],
    [{ a: "x" }, { kvlistValue: { values: [{ key: "a", value: { stringValue: "x" } }] } }],
  ])("%o", (value, expected) => {
    expect(anyValue(value)).toEqual(expected);
  });
});
