// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from "vitest";
import { Findings } from "../../src/redaction/findings.js";

function list(findings: Findings): [number, number, string][] {
  return Array.from({ length: findings.size }, (_, i) => [findings.start(i), findings.end(i), findings.kind(i)]);
}

describe("Findings", () => {
  it.each<[string, [number, number, string][], boolean[], [number, number, string][]]>([
    ["keeps ranges sorted by start", [[10, 12, "b"], [0, 2, "a"], [5, 7, "c"]], [true, true, true], [[0, 2, "a"], [5, 7, "c"], [10, 12, "b"]]],
    ["the first claim wins an overlap", [[2, 8, "a"], [5, 10, "b"], [0, 3, "c"], [3, 4, "d"]], [true, false, false, false], [[2, 8, "a"]]],
    ["adjacent ranges do not overlap", [[0, 3, "a"], [3, 6, "b"], [6, 9, "c"]], [true, true, true], [[0, 3, "a"], [3, 6, "b"], [6, 9, "c"]]],
    ["a range inside or around another is dropped", [[4, 6, "a"], [0, 10, "b"], [5, 5, "c"]], [true, false, false], [[4, 6, "a"]]],
  ])("%s", (_name, adds, accepted, expected) => {
    const findings = new Findings();
    expect(adds.map(([start, end, kind]) => findings.add(start, end, kind))).toEqual(accepted);
    expect(list(findings)).toEqual(expected);
  });

  it("reset forgets every finding", () => {
    const findings = new Findings();
    findings.add(0, 1, "a");
    findings.reset();
    expect(findings.add(0, 1, "b")).toBe(true);
    expect(list(findings)).toEqual([[0, 1, "b"]]);
  });
});
