// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from "vitest";
import { canonicalJson, type CanonicalJsonValue } from "../../src/integrity/canonical-json.js";

describe("canonicalJson", () => {
  it("sorts keys by UTF-16 code units at every level and writes no whitespace", () => {
    // U+1F600 is the surrogate pair D83D DE00, below U+FF5A in UTF-16 order though above it in code points.
    const value = { z: 1, "\u{1F600}": { b: [{ y: true, x: null }], a: "" }, "\uFF5A": false, A: 2, é: 3, a: 4 };
    expect(canonicalJson(value)).toBe('{"A":2,"a":4,"z":1,"é":3,"\u{1F600}":{"a":"","b":[{"x":null,"y":true}]},"\uFF5A":false}');
  });

  it("escapes strings exactly as JSON.stringify does", () => {
    const s = 'quote " backslash \\ tab \t newline \n bell \u0007 backspace \b formfeed \f nul \u0000 del \u007f é \u2028';
    expect(canonicalJson({ s })).toBe(`{"s":${JSON.stringify(s)}}`);
    expect(canonicalJson("\b\f")).toBe('"\\b\\f"');
  });

  it("writes numbers as ECMAScript Number::toString (RFC 8785)", () => {
    expect(canonicalJson([0, -0, 1, -1.5, 0.1, 1e21, 1e-7, 123456789012345680000, 5e-324])).toBe(
      "[0,0,1,-1.5,0.1,1e+21,1e-7,123456789012345680000,5e-324]",
    );
  });

  it("keeps __proto__ and other keys of a null-prototype object as data", () => {
    const value = Object.create(null) as Record<string, CanonicalJsonValue>;
    value["__proto__"] = 1;
    value["constructor"] = 2;
    expect(canonicalJson(value)).toBe('{"__proto__":1,"constructor":2}');
  });

  it.each<[string, unknown]>([
    ["undefined", undefined],
    ["NaN", NaN],
    ["Infinity", Infinity],
    ["an undefined member", { a: undefined }],
    ["a bigint", 1n],
  ])("refuses %s", (_name, value) => {
    expect(() => canonicalJson(value as CanonicalJsonValue)).toThrow(TypeError);
  });
});
