// SPDX-License-Identifier: Apache-2.0
import { afterAll, beforeEach, describe, expect, it } from "vitest";
import { SpanStatusCode } from "@opentelemetry/api";
import { RunnableLambda } from "@langchain/core/runnables";
import { tool } from "@langchain/core/tools";
import { setupInstrumentation } from "../integration/setup.js";
import { OpenTelemetryCallbackHandler } from "../../src/handler.js";

const MAX_BYTES = 4096;
const { exporter, spans, instrumentation, provider } = setupInstrumentation({ maxPayloadBytes: MAX_BYTES });
beforeEach(() => exporter.reset());
afterAll(() => instrumentation.disable());

function deep(levels: number): unknown {
  let v: Record<string, unknown> = { leaf: true };
  for (let i = 0; i < levels; i++) v = { next: v };
  return v;
}

class Grumpy {
  visible = 1;
  constructor() {
    // An own, enumerable getter that throws: serialization reads it and must survive.
    Object.defineProperty(this, "enumerableBroken", {
      enumerable: true,
      get() {
        throw new Error("enumerable getter exploded");
      },
    });
  }
  get broken(): never {
    throw new Error("getter exploded");
  }
}

const cyclic: Record<string, unknown> = { name: "loop" };
cyclic.self = cyclic;
const cyclicArray: unknown[] = [1];
cyclicArray.push(cyclicArray);
const symbolKeyed = { [Symbol("secret")]: "hidden", plain: "shown" };
const protoKeys = JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}');

const CASES: Array<[string, () => unknown]> = [
  ["cyclic object", () => cyclic],
  ["cyclic array", () => cyclicArray],
  ["50 MB string", () => "x".repeat(50 * 1024 * 1024)],
  ["BigInt", () => ({ big: 2n ** 70n })],
  ["Symbol keys and values", () => ({ ...symbolKeyed, sym: Symbol("s") })],
  ["functions", () => ({ fn: () => 1, named: function named() {} })],
  ["typed arrays", () => ({ u8: new Uint8Array(1024), f64: new Float64Array(8), buf: Buffer.from("abc") })],
  ["Map and Set", () => ({ map: new Map<unknown, unknown>([["a", 1], [{ k: 1 }, 2]]), set: new Set([1, 2, 3]) })],
  ["class instance with throwing getters", () => new Grumpy()],
  ["lone UTF-16 surrogates", () => ({ text: "a\uD800b\uDFFFc" })],
  ["__proto__ and constructor keys", () => protoKeys],
  ["10,000-deep nesting", () => deep(10_000)],
  ["Date, RegExp, Error", () => ({ d: new Date(0), r: /x+/g, e: new TypeError("inner") })],
  ["undefined and NaN", () => ({ u: undefined, n: NaN, inf: -Infinity })],
];

function payloadAttributes(): [string, string][] {
  const out: [string, string][] = [];
  for (const span of spans()) {
    for (const [key, value] of Object.entries(span.attributes)) {
      if (typeof value === "string") out.push([key, value]);
    }
  }
  return out;
}

describe("bad input never breaks the app and stays within budget", () => {
  it.each(CASES)("%s as a chain's input and output", async (_name, make) => {
    const value = make();
    const echo = RunnableLambda.from(async (x: unknown) => x).withConfig({ runName: "echo" });
    const result = await echo.invoke(value);
    expect(result).toBe(value);
    const [span] = spans();
    expect(span!.name).toBe("echo");
    expect(span!.status.code).toBe(SpanStatusCode.UNSET);
    for (const [key, text] of payloadAttributes()) {
      expect(Buffer.byteLength(text), key).toBeLessThanOrEqual(MAX_BYTES);
    }
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
    expect(instrumentation.handler.openRunCount).toBe(0);
  });

  it("non-JSON tool output (a class instance, a Buffer) passes through unchanged", async () => {
    const output = { when: new Date(1), blob: Buffer.from([1, 2, 3]), inst: new Grumpy() };
    const weird = tool(async () => output as never, { name: "weird" });
    const result = await weird.invoke("go");
    expect(result).toBe(output);
    const [span] = spans();
    expect(span!.name).toBe("execute_tool weird");
    expect(JSON.parse(span!.attributes["gen_ai.tool.call.result"] as string)).toEqual({
      when: "1970-01-01T00:00:00.001Z",
      blob: { type: "Buffer", bytes: 3 },
      inst: { visible: 1, enumerableBroken: "[Unreadable: Error]" },
    });
  });

  it("non-UUID and duplicate run IDs: random span IDs, no throw, each start ended once", () => {
    const h = new OpenTelemetryCallbackHandler({ tracerProvider: provider, contentPolicy: "full" });
    for (const id of ["", "run-1", "zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz", "00000000-0000-0000-0000-000000000000"]) {
      expect(() => h.handleChainStart({ id: ["x"] }, {}, id, undefined, [], {}, undefined, `run ${id}`)).not.toThrow();
      expect(() => h.handleChainStart({ id: ["x"] }, {}, id, undefined, [], {}, undefined, "duplicate")).not.toThrow();
      expect(() => h.handleChainEnd({}, id)).not.toThrow();
      expect(() => h.handleChainEnd({}, id)).not.toThrow();
    }
    expect(spans().map((s) => s.name)).toEqual(["run ", "run run-1", "run zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz", "run 00000000-0000-0000-0000-000000000000"]);
    for (const span of spans()) expect(span.spanContext().spanId).toMatch(/^(?!0{16})[0-9a-f]{16}$/);
    expect(h.openRunCount).toBe(0);
  });
});
