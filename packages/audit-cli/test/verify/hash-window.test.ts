// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from "vitest";
import { HashWindow } from "../../src/verify/hash-window.js";

const hash = (n: number) => n.toString(16).padStart(64, "0");

describe("HashWindow", () => {
  it("keeps the most recent hashes up to its capacity", () => {
    const window = new HashWindow(4);
    for (let n = 1; n <= 10; n++) window.set(n, hash(n));
    expect([6, 7, 8, 9, 10].map((n) => window.get(n))).toEqual([undefined, hash(7), hash(8), hash(9), hash(10)]);
  });

  it("grows, up to its maximum, while the seqs in use spread wider than it", () => {
    const window = new HashWindow(8192);
    for (let n = 1; n <= 5000; n++) window.set(n, hash(n));
    expect(window.get(1)).toBe(hash(1));
    expect(window.get(5000)).toBe(hash(5000));
  });

  it("remembers a record seen without a valid hash as the empty string", () => {
    const window = new HashWindow(16);
    window.set(3, "");
    expect([window.get(3), window.get(4)]).toEqual(["", undefined]);
  });
});
