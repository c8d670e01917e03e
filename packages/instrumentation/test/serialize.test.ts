// SPDX-License-Identifier: Apache-2.0
import { Buffer } from "node:buffer";
import { createHash } from "node:crypto";
import { describe, it, expect, vi } from "vitest";
import { AIMessage, HumanMessage, ToolMessage } from "@langchain/core/messages";
import { Document } from "@langchain/core/documents";
import { serializePayload, toJsonSafe, truncateText } from "../src/serialize.js";
import type { JsonSafe, SerializedPayload } from "../src/serialize.js";

interface Case {
  name: string;
  input: () => unknown;
  expected: JsonSafe;
  options?: { maxDepth?: number; maxNodes?: number };
}

function cyclicObject(): unknown {
  const a: Record<string, unknown> = { name: "a" };
  a.self = a;
  return a;
}

function cyclicArray(): unknown {
  const arr: unknown[] = [1];
  arr.push(arr);
  return arr;
}

function indirectCycle(): unknown {
  const a: Record<string, unknown> = {};
  const b: Record<string, unknown> = { a };
  a.b = b;
  return a;
}

class Point {
  x = 1;
  y = 2;
  // A prototype getter is not an own field: never read.
  get broken(): number {
    throw new Error("prototype getter read");
  }
}

class Fragile {
  ok = "yes";
  constructor() {
    Object.defineProperty(this, "bad", {
      enumerable: true,
      get() {
        throw new RangeError("nope");
      },
    });
  }
}

class FakeChatModel {
  lc_serializable = true;
  lc_kwargs = { model: "gpt-x", apiKey: "sk-top", configuration: { apiKey: "sk-nested", baseURL: "http://llm" } };
  get lc_secrets(): Record<string, string> {
    return { "configuration.apiKey": "NESTED_KEY" };
  }
}

class FakeChatModelSubclass extends FakeChatModel {
  // Like LangChain classes, this getter does not merge its parent's secrets.
  override get lc_secrets(): Record<string, string> {
    return { apiKey: "TOP_KEY" };
  }
}

class NotSerializable {
  lc_serializable = false;
  lc_kwargs = { hidden: true };
  shown = 1;
}

const ownKeysThrows = (): unknown =>
  new Proxy(
    {},
    {
      ownKeys() {
        throw new TypeError("no keys");
      },
    },
  );

const getThrows = (): unknown =>
  new Proxy(
    { a: 1 },
    {
      get() {
        throw new SyntaxError("no get");
      },
    },
  );

function revokedProxy(): unknown {
  const { proxy, revoke } = Proxy.revocable({}, {});
  revoke();
  return proxy;
}

const parsed = (json: string): unknown => JSON.parse(json);

const toJsonSafeCases: Case[] = [
  // Primitives
  { name: "string passes through", input: () => "hello", expected: "hello" },
  { name: "lone high surrogate becomes U+FFFD", input: () => "a\uD800b", expected: "a\uFFFDb" },
  { name: "lone low surrogate becomes U+FFFD", input: () => "\uDC00", expected: "\uFFFD" },
  { name: "surrogate pair kept", input: () => "x😀", expected: "x😀" },
  { name: "lone surrogate in a key", input: () => ({ ["k\uD83D"]: 1 }), expected: { "k\uFFFD": 1 } },
  { name: "finite number", input: () => -1.5, expected: -1.5 },
  { name: "NaN", input: () => NaN, expected: "NaN" },
  { name: "Infinity", input: () => Infinity, expected: "Infinity" },
  { name: "-Infinity", input: () => -Infinity, expected: "-Infinity" },
  { name: "bigint", input: () => 12345678901234567890n, expected: "12345678901234567890" },
  { name: "negative bigint", input: () => -5n, expected: "-5" },
  { name: "true", input: () => true, expected: true },
  { name: "false", input: () => false, expected: false },
  { name: "null", input: () => null, expected: null },
  { name: "undefined at top level", input: () => undefined, expected: null },
  { name: "undefined in object: key omitted", input: () => ({ a: undefined, b: 1 }), expected: { b: 1 } },
  { name: "undefined in array: null", input: () => [undefined, 1], expected: [null, 1] },
  { name: "array hole: null", input: () => [1, , 3], expected: [1, null, 3] },
  { name: "symbol value", input: () => Symbol("tag"), expected: "Symbol(tag)" },
  { name: "symbol without description", input: () => Symbol(), expected: "Symbol()" },
  { name: "symbol values in objects", input: () => ({ s: Symbol.for("x") }), expected: { s: "Symbol(x)" } },
  { name: "symbol keys skipped", input: () => ({ [Symbol("k")]: 1, a: 2 }), expected: { a: 2 } },
  { name: "named function", input: () => function foo() {}, expected: "[Function: foo]" },
  { name: "anonymous function", input: () => [() => 1][0], expected: "[Function: anonymous]" },
  { name: "class", input: () => Point, expected: "[Function: Point]" },
  { name: "method in object", input: () => ({ run() {} }), expected: { run: "[Function: run]" } },
  { name: "boxed string", input: () => new String("s"), expected: "s" },
  { name: "boxed number", input: () => new Number(NaN), expected: "NaN" },
  { name: "boxed bigint", input: () => Object(7n), expected: "7" },

  // Built-ins
  { name: "valid Date", input: () => new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6)), expected: "2024-01-02T03:04:05.006Z" },
  { name: "invalid Date", input: () => new Date("nope"), expected: "Invalid Date" },
  { name: "RegExp", input: () => /a+b/gi, expected: "/a+b/gi" },
  { name: "Error", input: () => new Error("boom"), expected: { name: "Error", message: "boom" } },
  {
    name: "Error with cause; own props and stack left out",
    input: () => Object.assign(new TypeError("outer", { cause: new Error("inner") }), { code: "E1" }),
    expected: { name: "TypeError", message: "outer", cause: { name: "Error", message: "inner" } },
  },
  { name: "Error with non-error cause", input: () => new Error("x", { cause: { id: 1 } }), expected: { name: "Error", message: "x", cause: { id: 1 } } },
  {
    name: "Error subclass",
    input: () =>
      new (class ApiError extends Error {
        override name = "ApiError";
      })("bad"),
    expected: { name: "ApiError", message: "bad" },
  },
  {
    name: "Error whose cause is itself",
    input: () => {
      const e = new Error("loop");
      e.cause = e;
      return e;
    },
    expected: { name: "Error", message: "loop", cause: "[Circular]" },
  },
  { name: "Buffer", input: () => Buffer.from("hello"), expected: { type: "Buffer", bytes: 5 } },
  { name: "Uint8Array", input: () => new Uint8Array(3), expected: { type: "Uint8Array", bytes: 3 } },
  { name: "Float64Array", input: () => new Float64Array(4), expected: { type: "Float64Array", bytes: 32 } },
  { name: "ArrayBuffer", input: () => new ArrayBuffer(16), expected: { type: "ArrayBuffer", bytes: 16 } },
  { name: "DataView", input: () => new DataView(new ArrayBuffer(8), 2), expected: { type: "DataView", bytes: 6 } },
  { name: "binary inside an object", input: () => ({ audio: new Int16Array(10) }), expected: { audio: { type: "Int16Array", bytes: 20 } } },
  {
    name: "Map with string keys",
    input: () =>
      new Map<string, unknown>([
        ["a", 1],
        ["b", { c: 2 }],
        ["u", undefined],
      ]),
    expected: { a: 1, b: { c: 2 } },
  },
  {
    name: "Map with object keys",
    input: () =>
      new Map<unknown, unknown>([
        [{ id: 1 }, "x"],
        ["s", undefined],
        [2n, new Date(0)],
      ]),
    expected: [
      [{ id: 1 }, "x"],
      ["s", null],
      ["2", "1970-01-01T00:00:00.000Z"],
    ],
  },
  { name: "empty Map", input: () => new Map(), expected: {} },
  {
    name: "Map containing itself",
    input: () => {
      const m = new Map<string, unknown>();
      m.set("self", m);
      return m;
    },
    expected: { self: "[Circular]" },
  },
  { name: "Set", input: () => new Set([1, "a", { b: 2 }, undefined]), expected: [1, "a", { b: 2 }, null] },
  { name: "WeakMap", input: () => new WeakMap(), expected: "[WeakMap]" },
  { name: "WeakSet", input: () => new WeakSet(), expected: "[WeakSet]" },
  { name: "Promise", input: () => Promise.resolve(1), expected: "[Promise]" },

  // toJSON
  { name: "toJSON result used", input: () => ({ secret: 1, toJSON: () => ({ shown: 2 }) }), expected: { shown: 2 } },
  { name: "toJSON returning undefined omits the key", input: () => ({ a: { toJSON: () => undefined }, b: 1 }), expected: { b: 1 } },
  {
    name: "toJSON that throws falls back to own fields",
    input: () => ({
      a: 1,
      toJSON() {
        throw new Error("bad toJSON");
      },
    }),
    expected: { a: 1, toJSON: "[Function: toJSON]" },
  },
  {
    name: "toJSON returning this",
    input: () => ({
      a: 1,
      toJSON() {
        return this;
      },
    }),
    expected: { a: 1, toJSON: "[Function: toJSON]" },
  },
  {
    name: "toJSON result's own toJSON is not called",
    input: () => {
      const inner = { b: 2, toJSON: () => "inner called" };
      return { toJSON: () => inner };
    },
    expected: { b: 2, toJSON: "[Function: toJSON]" },
  },

  // LangChain shapes
  {
    name: "fake LangChain message",
    input: () => ({
      content: "hi",
      _getType() {
        return "human";
      },
      tool_calls: [],
    }),
    expected: { role: "human", content: "hi" },
  },
  {
    name: "fake message with getType and non-empty fields",
    input: () => ({
      getType: () => "ai",
      content: [{ type: "text", text: "ok" }],
      name: "bot",
      tool_calls: [{ name: "search", args: { q: "x" }, id: "call-1" }],
      tool_call_id: "",
      invalid_tool_calls: [],
      usage_metadata: { input_tokens: 3, output_tokens: 4, total_tokens: 7 },
      response_metadata: {},
      additional_kwargs: {},
      id: "m1",
      extra: "not copied",
    }),
    expected: {
      role: "ai",
      content: [{ type: "text", text: "ok" }],
      name: "bot",
      tool_calls: [{ name: "search", args: { q: "x" }, id: "call-1" }],
      usage_metadata: { input_tokens: 3, output_tokens: 4, total_tokens: 7 },
      id: "m1",
    },
  },
  {
    name: "getType that throws: _getType is used",
    input: () => ({
      content: "c",
      getType() {
        throw new Error("deprecated");
      },
      _getType: () => "system",
    }),
    expected: { role: "system", content: "c" },
  },
  {
    name: "object with content but no type accessor is plain",
    input: () => ({ role: "user", content: "hi" }),
    expected: { role: "user", content: "hi" },
  },
  { name: "real HumanMessage", input: () => new HumanMessage("hi"), expected: { role: "human", content: "hi" } },
  {
    name: "real AIMessage with tool calls",
    input: () => new AIMessage({ content: "hello", id: "msg-1", tool_calls: [{ name: "search", args: { q: "x" }, id: "call-1" }] }),
    expected: { role: "ai", content: "hello", tool_calls: [{ name: "search", args: { q: "x" }, id: "call-1" }], id: "msg-1" },
  },
  {
    name: "real ToolMessage",
    input: () => new ToolMessage({ content: "42", tool_call_id: "call-1", name: "calc" }),
    expected: { role: "tool", content: "42", name: "calc", tool_call_id: "call-1" },
  },
  {
    name: "fake document",
    input: () => ({ pageContent: "text", metadata: { source: "a.txt" }, id: "doc-1", score: 0.5 }),
    expected: { pageContent: "text", metadata: { source: "a.txt" }, id: "doc-1" },
  },
  {
    name: "real Document without id",
    input: () => new Document({ pageContent: "text", metadata: { page: 2 } }),
    expected: { pageContent: "text", metadata: { page: 2 } },
  },
  {
    name: "serializable: constructor name, kwargs, secrets from each class level redacted",
    input: () => new FakeChatModelSubclass(),
    expected: {
      type: "FakeChatModelSubclass",
      model: "gpt-x",
      apiKey: "[Redacted]",
      configuration: { apiKey: "[Redacted]", baseURL: "http://llm" },
    },
  },
  {
    name: "lc_serializable false is a plain instance",
    input: () => new NotSerializable(),
    expected: { lc_serializable: false, lc_kwargs: { hidden: true }, shown: 1 },
  },

  // Objects and class instances
  { name: "class instance: own fields, no marker", input: () => new Point(), expected: { x: 1, y: 2 } },
  { name: "own getter that throws", input: () => new Fragile(), expected: { ok: "yes", bad: "[Unreadable: RangeError]" } },
  { name: "non-enumerable keys skipped", input: () => Object.defineProperty({ a: 1 }, "hidden", { value: 2 }), expected: { a: 1 } },
  { name: "null-prototype object", input: () => Object.assign(Object.create(null), { a: 1 }), expected: { a: 1 } },
  { name: "__proto__ key kept as data", input: () => parsed('{"__proto__":{"polluted":true}}'), expected: parsed('{"__proto__":{"polluted":true}}') as JsonSafe },
  { name: "prototype key kept as data", input: () => ({ prototype: { a: 1 } }), expected: { prototype: { a: 1 } } },
  {
    name: "__proto__ key in a Map",
    input: () => new Map([["__proto__", { polluted: true }]]),
    expected: parsed('{"__proto__":{"polluted":true}}') as JsonSafe,
  },

  // Cycles and sharing
  { name: "object cycle", input: cyclicObject, expected: { name: "a", self: "[Circular]" } },
  { name: "array cycle", input: cyclicArray, expected: [1, "[Circular]"] },
  { name: "indirect cycle", input: indirectCycle, expected: { b: { a: "[Circular]" } } },
  {
    name: "shared, not cyclic: converted both times",
    input: () => {
      const shared = { v: 1 };
      const list = [shared];
      return { x: shared, y: shared, l1: list, l2: list };
    },
    expected: { x: { v: 1 }, y: { v: 1 }, l1: [{ v: 1 }], l2: [{ v: 1 }] },
  },

  // Limits
  { name: "maxDepth cuts deeper objects", input: () => ({ a: { b: { c: 1 } } }), options: { maxDepth: 2 }, expected: { a: { b: "[MaxDepth]" } } },
  { name: "maxDepth 0", input: () => ({ a: 1 }), options: { maxDepth: 0 }, expected: "[MaxDepth]" },
  { name: "leaves at the depth limit still render", input: () => ({ d: new Date(0), s: "x" }), options: { maxDepth: 1 }, expected: { d: "1970-01-01T00:00:00.000Z", s: "x" } },
  { name: "maxDepth applies to arrays", input: () => [[[1]]], options: { maxDepth: 2 }, expected: [["[MaxDepth]"]] },
  { name: "maxDepth applies to Map pairs", input: () => new Map([[1, 2]]), options: { maxDepth: 1 }, expected: ["[MaxDepth]"] },
  { name: "invalid maxDepth uses the default", input: () => ({ a: { b: 1 } }), options: { maxDepth: NaN }, expected: { a: { b: 1 } } },
  { name: "maxNodes in an array", input: () => [1, 2, 3, 4, 5], options: { maxNodes: 3 }, expected: [1, 2, "[Truncated]"] },
  { name: "maxNodes stops the whole walk", input: () => ({ a: [1, 2, 3], b: 1 }), options: { maxNodes: 3 }, expected: { a: [1, "[Truncated]"] } },
  { name: "maxNodes in an object", input: () => ({ a: 1, b: 2, c: 3 }), options: { maxNodes: 2 }, expected: { a: 1, b: "[Truncated]" } },
  { name: "maxNodes in a Set", input: () => new Set([1, 2, 3]), options: { maxNodes: 2 }, expected: [1, "[Truncated]"] },
  { name: "maxNodes 0", input: () => ({ a: 1 }), options: { maxNodes: 0 }, expected: "[Truncated]" },

  // Exotic objects
  { name: "Proxy whose ownKeys throws", input: ownKeysThrows, expected: "[Unreadable: TypeError]" },
  { name: "Proxy whose ownKeys throws, nested", input: () => ({ p: ownKeysThrows(), q: 1 }), expected: { p: "[Unreadable: TypeError]", q: 1 } },
  { name: "Proxy whose get throws", input: getThrows, expected: { a: "[Unreadable: SyntaxError]" } },
  { name: "revoked Proxy", input: revokedProxy, expected: "[Unreadable: TypeError]" },
  {
    name: "getter throwing a non-error",
    input: () =>
      Object.defineProperty({}, "x", {
        enumerable: true,
        get() {
          throw "just a string";
        },
      }),
    expected: { x: "[Unreadable: Error]" },
  },
];

describe("toJsonSafe", () => {
  it.each(toJsonSafeCases)("$name", ({ input, expected, options }) => {
    expect(toJsonSafe(input(), options)).toStrictEqual(expected);
  });

  it("keeps __proto__/constructor/prototype keys through JSON without polluting Object.prototype", () => {
    const json = '{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"prototype":1}';
    const out = toJsonSafe(parsed(json)) as Record<string, JsonSafe>;
    // toEqual, not toStrictEqual: with an own "constructor" key, strict type checks compare that data.
    expect(out).toEqual(parsed(json));
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(JSON.stringify(out)).toBe(json);
    const roundTrip = JSON.parse(JSON.stringify(out)) as Record<string, unknown>;
    expect(Object.keys(roundTrip)).toStrictEqual(["__proto__", "constructor", "prototype"]);
    expect(roundTrip["__proto__"]).toStrictEqual({ polluted: true });
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.prototype).not.toHaveProperty("polluted");
  });

  it.each([
    { name: "objects", build: (inner: unknown) => ({ next: inner }) },
    { name: "arrays", build: (inner: unknown) => [inner] },
  ])("handles 10,000-deep nested $name without overflowing", ({ build }) => {
    let deep: unknown = "bottom";
    for (let i = 0; i < 10_000; i++) deep = build(deep);
    let out: JsonSafe = null;
    expect(() => {
      out = toJsonSafe(deep);
    }).not.toThrow();
    const text = JSON.stringify(out);
    expect(text).toContain('"[MaxDepth]"');
    expect(text).not.toContain("bottom");
    // Exactly the default 64 levels are expanded.
    let levels = 0;
    let node: JsonSafe = out;
    while (typeof node === "object" && node !== null) {
      levels++;
      node = Array.isArray(node) ? node[0] : (node as Record<string, JsonSafe>).next;
    }
    expect(levels).toBe(64);
    expect(node).toBe("[MaxDepth]");
  });

  it("caps a huge maxDepth so 10,000 levels still do not overflow", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 10_000; i++) deep = { next: deep };
    const text = JSON.stringify(toJsonSafe(deep, { maxDepth: 1e9 }));
    expect(text).toContain('"[MaxDepth]"');
    expect(text).not.toContain("Unreadable");
  });

  it("stops a huge array at the default node budget", () => {
    const out = toJsonSafe(Array.from({ length: 200_000 }, (_, i) => i)) as JsonSafe[];
    expect(out).toHaveLength(100_000);
    expect(out[99_998]).toBe(99_998);
    expect(out[99_999]).toBe("[Truncated]");
  });

  it("calls toJSON once per value", () => {
    let calls = 0;
    const value = {
      toJSON() {
        calls++;
        return value;
      },
    };
    expect(toJsonSafe({ a: value })).toStrictEqual({ a: { toJSON: "[Function: toJSON]" } });
    expect(calls).toBe(1);
  });

  it("never reads prototype getters of class instances", () => {
    expect(() => toJsonSafe(new Point())).not.toThrow();
  });
});

const sha256 = (text: string): string => createHash("sha256").update(text, "utf8").digest("hex");
const marker = (text: string): string => `\u2026[truncated: ${Buffer.byteLength(text, "utf8")} bytes, sha256:${sha256(text)}]`;
const markerBytes = (text: string): number => Buffer.byteLength(marker(text), "utf8");
const cut = (text: string, prefix: string): SerializedPayload => ({
  text: prefix + marker(text),
  truncated: true,
  originalBytes: Buffer.byteLength(text, "utf8"),
  sha256: sha256(text),
});

interface PayloadCase {
  name: string;
  run: () => SerializedPayload;
  expected: SerializedPayload;
}

const a200 = "a".repeat(200);
const emoji = "😀".repeat(100);
const cjk = "漢".repeat(100);
const mixed = "a" + "😀".repeat(50);
const accents = "é".repeat(51);

const payloadCases: PayloadCase[] = [
  { name: "top-level string is not quoted", run: () => serializePayload("hello", 100), expected: { text: "hello", truncated: false, originalBytes: 5 } },
  {
    name: "top-level string: lone surrogate replaced",
    run: () => serializePayload("a\uD800", 100),
    expected: { text: "a\uFFFD", truncated: false, originalBytes: 4 },
  },
  {
    name: "object becomes JSON",
    run: () => serializePayload({ a: 1, b: [true, null], c: undefined }, 100),
    expected: { text: '{"a":1,"b":[true,null]}', truncated: false, originalBytes: 23 },
  },
  { name: "number becomes JSON", run: () => serializePayload(42, 100), expected: { text: "42", truncated: false, originalBytes: 2 } },
  { name: "undefined becomes null", run: () => serializePayload(undefined, 100), expected: { text: "null", truncated: false, originalBytes: 4 } },
  {
    name: "non-string values converting to strings are quoted",
    run: () => serializePayload(new Date(0), 100),
    expected: { text: '"1970-01-01T00:00:00.000Z"', truncated: false, originalBytes: 26 },
  },
  {
    name: "cyclic object",
    run: () => serializePayload(cyclicObject(), 100),
    expected: { text: '{"name":"a","self":"[Circular]"}', truncated: false, originalBytes: 32 },
  },
  {
    name: "ASCII cut to leave room for the marker",
    run: () => serializePayload(a200, 120),
    expected: cut(a200, "a".repeat(120 - markerBytes(a200))),
  },
  {
    name: "JSON text is cut like a string",
    run: () => serializePayload({ text: a200 }, 150),
    expected: cut(`{"text":"${a200}"}`, `{"text":"${"a".repeat(150 - markerBytes(`{"text":"${a200}"}`) - 9)}`),
  },
  {
    name: "emoji filling the budget exactly",
    run: () => serializePayload(emoji, markerBytes(emoji) + 12),
    expected: cut(emoji, "😀😀😀"),
  },
  {
    name: "emoji never split: 3 spare bytes are left unused",
    run: () => serializePayload(emoji, markerBytes(emoji) + 11),
    expected: cut(emoji, "😀😀"),
  },
  {
    name: "CJK filling the budget exactly",
    run: () => serializePayload(cjk, markerBytes(cjk) + 9),
    expected: cut(cjk, "漢漢漢"),
  },
  {
    name: "CJK never split",
    run: () => serializePayload(cjk, markerBytes(cjk) + 8),
    expected: cut(cjk, "漢漢"),
  },
  {
    name: "ASCII then emoji: the pair is not split",
    run: () => serializePayload(mixed, markerBytes(mixed) + 4),
    expected: cut(mixed, "a"),
  },
  {
    name: "marker that does not fit is returned alone",
    run: () => serializePayload(a200, 10),
    expected: cut(a200, ""),
  },
  { name: "maxBytes 0 counts as 1", run: () => serializePayload(a200, 0), expected: cut(a200, "") },
  { name: "negative maxBytes counts as 1", run: () => serializePayload(a200, -5), expected: cut(a200, "") },
  { name: "NaN maxBytes counts as 1", run: () => serializePayload(a200, NaN), expected: cut(a200, "") },
  { name: "maxBytes 0 still fits an empty string", run: () => serializePayload("", 0), expected: { text: "", truncated: false, originalBytes: 0 } },
  {
    name: "fractional maxBytes rounds down",
    run: () => serializePayload(a200, 120.9),
    expected: cut(a200, "a".repeat(120 - markerBytes(a200))),
  },
  // Boundaries: the fast path (length * 3 <= maxBytes) and the byte count must agree.
  { name: "ASCII of exactly maxBytes fits", run: () => serializePayload("a".repeat(100), 100), expected: { text: "a".repeat(100), truncated: false, originalBytes: 100 } },
  {
    name: "ASCII one byte over is cut",
    run: () => serializePayload("a".repeat(101), 100),
    expected: cut("a".repeat(101), "a".repeat(100 - markerBytes("a".repeat(101)))),
  },
  { name: "2-byte text of exactly maxBytes fits", run: () => serializePayload("é".repeat(50), 100), expected: { text: "é".repeat(50), truncated: false, originalBytes: 100 } },
  {
    name: "2-byte text over maxBytes is cut",
    run: () => serializePayload(accents, 100),
    expected: cut(accents, "é".repeat(Math.floor((100 - markerBytes(accents)) / 2))),
  },
  { name: "3-byte text of exactly maxBytes fits (fast path)", run: () => serializePayload("漢".repeat(40), 120), expected: { text: "漢".repeat(40), truncated: false, originalBytes: 120 } },
  {
    name: "3-byte text one byte over",
    run: () => serializePayload("漢".repeat(40) + "a", 120),
    expected: cut("漢".repeat(40) + "a", "漢".repeat(Math.floor((120 - markerBytes("漢".repeat(40) + "a")) / 3))),
  },
  {
    name: "string of exactly maxBytes bytes fits, above the marker size",
    run: () => serializePayload("a".repeat(300), 300),
    expected: { text: "a".repeat(300), truncated: false, originalBytes: 300 },
  },
  {
    name: "one byte more is truncated, above the marker size",
    run: () => serializePayload("a".repeat(301), 300),
    expected: cut("a".repeat(301), "a".repeat(300 - markerBytes("a".repeat(301)))),
  },
  { name: "truncateText: fits", run: () => truncateText("héllo", 6), expected: { text: "héllo", truncated: false, originalBytes: 6 } },
  { name: "truncateText: cut", run: () => truncateText(cjk, markerBytes(cjk) + 3), expected: cut(cjk, "漢") },
  { name: "truncateText: lone surrogate replaced", run: () => truncateText("\uDFFF", 10), expected: { text: "\uFFFD", truncated: false, originalBytes: 3 } },
  {
    name: "truncateText: non-string input from untyped callers",
    run: () => truncateText(12345 as unknown as string, 10),
    expected: { text: "12345", truncated: false, originalBytes: 5 },
  },
  {
    name: "truncateText: unconvertible input",
    run: () => truncateText(Object.create(null) as string, 10),
    expected: { text: "[Unserializable]", truncated: false, originalBytes: 0 },
  },
];

describe("serializePayload and truncateText", () => {
  it.each(payloadCases)("$name", ({ run, expected }) => {
    const result = run();
    expect(result).toStrictEqual(expected);
    expect((result.text as unknown as { isWellFormed(): boolean }).isWellFormed()).toBe(true);
  });

  it("cuts a 50 MB string to the budget with the real digest", () => {
    const big = "x".repeat(25_000_000) + "é".repeat(12_500_000);
    const result = serializePayload(big, 8192);
    expect(Buffer.byteLength(result.text, "utf8")).toBeLessThanOrEqual(8192);
    expect(result.truncated).toBe(true);
    expect(result.originalBytes).toBe(50_000_000);
    expect(result.sha256).toBe(createHash("sha256").update(big, "utf8").digest("hex"));
    expect(result.text).toBe("x".repeat(8192 - markerBytes(big)) + marker(big));
  });

  it("returns [Unserializable] when something throws anyway", () => {
    const spy = vi.spyOn(JSON, "stringify").mockImplementation(() => {
      throw new RangeError("Invalid string length");
    });
    try {
      expect(serializePayload({ a: 1 }, 100)).toStrictEqual({ text: "[Unserializable]", truncated: false, originalBytes: 0 });
    } finally {
      spy.mockRestore();
    }
  });

  it("is total on hostile input", () => {
    expect(serializePayload(ownKeysThrows(), 100)).toStrictEqual({ text: '"[Unreadable: TypeError]"', truncated: false, originalBytes: 25 });
  });
});
