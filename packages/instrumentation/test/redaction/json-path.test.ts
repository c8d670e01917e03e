// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from "vitest";
import { parseJsonPath, PathMatcher } from "../../src/redaction/json-path.js";
import type { PathSegment } from "../../src/redaction/json-path.js";

describe("parseJsonPath", () => {
  it.each<[string, PathSegment[]]>([
    ["$", []],
    ["$.user.ssn", [{ type: "member", name: "user" }, { type: "member", name: "ssn" }]],
    ["$['odd key'][\"x\"]", [{ type: "member", name: "odd key" }, { type: "member", name: "x" }]],
    ["$['it\\'s']", [{ type: "member", name: "it's" }]],
    ["$.messages[0]", [{ type: "member", name: "messages" }, { type: "index", index: 0 }]],
    ["$.messages[*].content", [{ type: "member", name: "messages" }, { type: "wildcard" }, { type: "member", name: "content" }]],
    ["$.*", [{ type: "wildcard" }]],
    ["$..password", [{ type: "descendant", name: "password" }]],
    ["$..['a.b']", [{ type: "descendant", name: "a.b" }]],
    ["$..*", [{ type: "descendant", name: undefined }]],
    ["$.a..b[12]", [{ type: "member", name: "a" }, { type: "descendant", name: "b" }, { type: "index", index: 12 }]],
    ["$.user-id.$ref", [{ type: "member", name: "user-id" }, { type: "member", name: "$ref" }]],
  ])("%j", (path, segments) => {
    expect(parseJsonPath(path)).toEqual(segments);
  });

  it.each(["", "user.ssn", "$.", "$..", "$[", "$[1", "$[-1]", "$[01]", "$[1:2]", "$[?(@.x)]", "$['a'", "$['a]", "$[a]", "$.a b", "$x", "$['a\\x']"])(
    "rejects %j",
    (path) => {
      expect(parseJsonPath(path)).toBeUndefined();
    },
  );
});

describe("PathMatcher", () => {
  const parse = (path: string): PathSegment[] => parseJsonPath(path)!;

  it("follows members and indexes, and reports the rule of the first complete path", () => {
    const matcher = new PathMatcher([parse("$.a[1]"), parse("$.a[*]")], [3, 1]);
    const a = matcher.child(matcher.initial, "a", -1);
    expect(matcher.matchedRule(a)).toBe(-1);
    expect(matcher.matchedRule(matcher.child(a, undefined, 1))).toBe(1);
    expect(matcher.matchedRule(matcher.child(a, undefined, 0))).toBe(1);
    expect(matcher.child(matcher.initial, "b", -1)).toEqual([]);
  });

  it("a member segment does not match an array index, nor an index segment an object key", () => {
    const matcher = new PathMatcher([parse("$.0"), parse("$[0]")], [0, 1]);
    expect(matcher.matchedRule(matcher.child(matcher.initial, undefined, 0))).toBe(1);
    expect(matcher.matchedRule(matcher.child(matcher.initial, "0", -1))).toBe(0);
  });

  it("shares the parent's states while a recursive descent goes on", () => {
    const matcher = new PathMatcher([parse("$..password")], [0]);
    const below = matcher.child(matcher.initial, "user", -1);
    expect(below).toBe(matcher.initial);
    expect(matcher.child(below, undefined, 4)).toBe(matcher.initial);
    expect(matcher.matchedRule(matcher.child(below, "password", -1))).toBe(0);
  });

  it("a path of just $ is complete at the root", () => {
    const matcher = new PathMatcher([parse("$")], [0]);
    expect(matcher.matchedRule(matcher.initial)).toBe(0);
  });
});
