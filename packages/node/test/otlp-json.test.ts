// SPDX-License-Identifier: Apache-2.0
import { SeverityNumber, SpanKind, SpanStatusCode, TraceFlags } from "@opentelemetry/api";
import type { InstrumentationScope } from "@opentelemetry/core";
import { resourceFromAttributes, type Resource } from "@opentelemetry/resources";
import type { ReadableLogRecord } from "@opentelemetry/sdk-logs";
import { describe, expect, it } from "vitest";
import type { ReadableSpan } from "@opentelemetry/sdk-trace";
import {
  anyValue,
  attributes,
  collectorEscapes,
  encodeLogRecord,
  encodeLogsLine,
  encodeSpan,
  encodeTraceLine,
  fields,
  scope as scopeJson,
} from "../src/otlp-json.js";
import { EXPECTED_LOGS_LINE, runStartRecord } from "./known-log-record.js";
import { EXPECTED_LINE, resource, scope, toolSpan } from "./known-span.js";

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

});

/** The one log record of a line encoded from one record. */
function encodedRecord(record: ReadableLogRecord): Record<string, unknown> {
  const line = encodeLogsLine([record]);
  return (JSON.parse(line) as { resourceLogs: [{ scopeLogs: [{ logRecords: [Record<string, unknown>] }] }] }).resourceLogs[0].scopeLogs[0]
    .logRecords[0];
}

describe("encodeLogsLine", () => {
  it("writes exactly the collector's line for a known log record", () => {
    const line = encodeLogsLine([runStartRecord()]);
    expect(JSON.parse(line)).toEqual(JSON.parse(EXPECTED_LOGS_LINE)); // field by field, with a readable diff
    expect(line).toBe(EXPECTED_LOGS_LINE); // and byte for byte: key order and escapes
  });

  it("leaves out what is unset, but always writes the body (as {} when there is none)", () => {
    const bare = runStartRecord({
      spanContext: undefined,
      severityNumber: undefined,
      severityText: undefined,
      body: undefined,
      eventName: undefined,
      attributes: {},
      droppedAttributesCount: 0,
    });
    expect(encodedRecord(bare)).toEqual({ timeUnixNano: "1795517521838000000", observedTimeUnixNano: "1795517521838000512", body: {} });
  });

  it.each<[string, Partial<ReadableLogRecord>, Record<string, unknown>]>([
    [
      "an unsampled record keeps its IDs and has no flags",
      { spanContext: { traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331", traceFlags: TraceFlags.NONE } },
      { traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331" },
    ],
    [
      "a remote span context adds no bits to the flags (unlike a span's)",
      { spanContext: { traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331", traceFlags: TraceFlags.SAMPLED, isRemote: true } },
      { flags: 1, traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331" },
    ],
    [
      "all-zero IDs are no IDs",
      { spanContext: { traceId: "00000000000000000000000000000000", spanId: "0000000000000000", traceFlags: TraceFlags.NONE } },
      {},
    ],
  ])("%s", (_name, overrides, expected) => {
    const record = encodedRecord(runStartRecord(overrides));
    expect({ flags: record.flags, traceId: record.traceId, spanId: record.spanId }).toEqual({
      flags: undefined,
      traceId: undefined,
      spanId: undefined,
      ...expected,
    });
  });

  it("writes severity as the enum's number and a string body as a stringValue", () => {
    const record = encodedRecord(runStartRecord({ severityNumber: SeverityNumber.ERROR, severityText: "ERROR", body: "boom" }));
    expect(record).toMatchObject({ severityNumber: 17, severityText: "ERROR", body: { stringValue: "boom" } });
  });
});

// Spans and log records share one grouping: by resource (by identity), then by scope, in the order they come.
type Placement = readonly [Resource, InstrumentationScope];
type JsonList = Array<Record<string, unknown>>;

describe.each([
  {
    signal: "spans",
    encode: (items: readonly Placement[]) => encodeTraceLine(items.map(([r, s]) => toolSpan({ resource: r, instrumentationScope: s }))),
    names: ["resourceSpans", "scopeSpans", "spans"],
  },
  {
    signal: "log records",
    encode: (items: readonly Placement[]) => encodeLogsLine(items.map(([r, s]) => runStartRecord({ resource: r, instrumentationScope: s }))),
    names: ["resourceLogs", "scopeLogs", "logRecords"],
  },
] as const)("grouping of $signal", ({ encode, names: [resources, scopes, items] }) => {
  /** The request's outline: per resource its `service.name`, and per scope its name and number of items. */
  function outline(line: string): Array<[unknown, Array<[unknown, number]>]> {
    const request = JSON.parse(line) as Record<string, JsonList>;
    return request[resources]!.map((r) => [
      (r.resource as { attributes: JsonList }).attributes[0]!.value,
      (r[scopes] as JsonList).map((s) => [(s.scope as { name?: string }).name, (s[items] as unknown[]).length]),
    ]);
  }

  it("puts the items of one resource and scope together, in first-seen order", () => {
    const other = { name: "app", version: "" };
    expect(outline(encode([[resource, scope], [resource, other], [resource, scope]]))).toEqual([
      [{ stringValue: "support-bot" }, [[scope.name, 2], ["app", 1]]],
    ]);
  });

  it("writes one entry per resource, each with its own scopes", () => {
    const worker = resourceFromAttributes({ "service.name": "worker" });
    const other = { name: "app", version: "1.0.0" };
    expect(outline(encode([[resource, scope], [worker, scope], [resource, other], [resource, scope], [worker, scope]]))).toEqual([
      [{ stringValue: "support-bot" }, [[scope.name, 2], ["app", 1]]],
      [{ stringValue: "worker" }, [[scope.name, 2]]],
    ]);
  });

  it("writes the scope (name and version only when set), then the items, then the schema URL", () => {
    const withSchema = { name: "app", version: "", schemaUrl: "https://opentelemetry.io/schemas/1.37.0" };
    const request = JSON.parse(encode([[resource, withSchema]])) as Record<string, JsonList>;
    const scopeEntry = (request[resources]![0]![scopes] as JsonList)[0]!;
    expect(Object.keys(scopeEntry)).toEqual(["scope", items, "schemaUrl"]);
    expect(scopeEntry).toMatchObject({ scope: { name: "app" }, schemaUrl: "https://opentelemetry.io/schemas/1.37.0" });
  });
});

describe("doubles", () => {
  it("are written as the collector writes them, exponents with at least two digits", () => {
    const span = toolSpan({ attributes: { tiny: 1e-7, small: -1.5e-8, third: 1 / 3, large: 1e21, huge: 1e300, least: 5e-324 } });
    const line = encodeTraceLine([span]);
    expect(line).toContain(
      '"attributes":[' +
        '{"key":"tiny","value":{"doubleValue":1e-07}},' +
        '{"key":"small","value":{"doubleValue":-1.5e-08}},' +
        '{"key":"third","value":{"doubleValue":0.3333333333333333}},' +
        '{"key":"large","value":{"doubleValue":1e+21}},' +
        '{"key":"huge","value":{"doubleValue":1e+300}},' +
        '{"key":"least","value":{"doubleValue":5e-324}}]',
    );
    expect(encodeLogsLine([runStartRecord({ body: 2.5e-9 })])).toContain('"body":{"doubleValue":2.5e-09}');
  });
});

describe("strings", () => {
  it("are escaped as the collector escapes them; a lone surrogate becomes U+FFFD, as in the collector's UTF-8", () => {
    const body = "bell\b form\f lone \ud800 and \udc00, pair \ud83d\ude00, literal \\ud800 and \\b";
    expect(encodeLogsLine([runStartRecord({ body })])).toContain(
      '"body":{"stringValue":"bell\\u0008 form\\u000c lone \ufffd and \ufffd, pair \ud83d\ude00, literal \\\\ud800 and \\\\b"}',
    );
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

describe("a request put together from its encoded pieces", () => {
  // The oracle: the request object through JSON.stringify and the collector's escapes, each item standing in as a
  // placeholder string replaced by the item's own text afterwards.
  const placed = new Map<string, string>();
  const rawJSON = (text: string): string => {
    const key = `@item${placed.size}@`;
    placed.set(key, text);
    return key;
  };
  const withItems = (json: string): string => json.replace(/"(@item\d+@)"/g, (_m, key: string) => placed.get(key)!);

  it("is the text JSON.stringify gives the whole request: schema URLs, escapes and doubles in resources and scopes", () => {
    const odd = resourceFromAttributes({ "service.name": "bell\b", ratio: 1e-7 }, { schemaUrl: "https://example.com/\f" });
    const plain = { name: "app\b", version: "", schemaUrl: "https://opentelemetry.io/schemas/1.37.0" };
    const spans = [toolSpan(), toolSpan({ resource: odd }), toolSpan({ instrumentationScope: plain }), toolSpan({ resource: odd, instrumentationScope: plain })];
    const item = (s: ReadableSpan): unknown => rawJSON(encodeSpan(s));
    const expected = withItems(collectorEscapes(
      JSON.stringify(
        fields([
          [
            "resourceSpans",
            [
              fields([
                ["resource", fields([["attributes", attributes(resource.attributes)]])],
                [
                  "scopeSpans",
                  [
                    fields([["scope", scopeJson(scope)], ["spans", [item(spans[0]!)]]]),
                    fields([["scope", scopeJson(plain)], ["spans", [item(spans[2]!)]], ["schemaUrl", plain.schemaUrl]]),
                  ],
                ],
              ]),
              fields([
                ["resource", fields([["attributes", attributes(odd.attributes)]])],
                [
                  "scopeSpans",
                  [
                    fields([["scope", scopeJson(scope)], ["spans", [item(spans[1]!)]]]),
                    fields([["scope", scopeJson(plain)], ["spans", [item(spans[3]!)]], ["schemaUrl", plain.schemaUrl]]),
                  ],
                ],
                ["schemaUrl", "https://example.com/\f"],
              ]),
            ],
          ],
        ]),
      ),
    ));
    const line = encodeTraceLine(spans);
    expect(line).toBe(expected);
    expect(line).toContain('"schemaUrl":"https://example.com/\\u000c"}]}');
    expect(line).toContain('{"key":"ratio","value":{"doubleValue":1e-07}}');
    expect(encodeLogsLine([runStartRecord({ resource: odd })])).toBe(
      withItems(collectorEscapes(
        JSON.stringify({
          resourceLogs: [
            {
              resource: { attributes: attributes(odd.attributes) },
              scopeLogs: [{ scope: scopeJson(scope), logRecords: [rawJSON(encodeLogRecord(runStartRecord({ resource: odd })))] }],
              schemaUrl: "https://example.com/\f",
            },
          ],
        }),
      )),
    );
  });
});
