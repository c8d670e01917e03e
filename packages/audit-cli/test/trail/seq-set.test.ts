// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from "vitest";
import { SeqSet } from "../../src/trail/seq-set.js";

describe("SeqSet", () => {
  it("merges ranges in any order and reports the holes from 1", () => {
    const set = new SeqSet();
    const added = [5, 3, 4, 9, 10, 1, 8, 4].map((n) => set.add(n));
    expect(added).toEqual([true, true, true, true, true, true, true, false]);
    expect([set.min, set.max]).toEqual([1, 10]);
    expect(set.gaps()).toEqual([
      { from: 2, to: 2 },
      { from: 6, to: 7 },
    ]);
    set.add(2);
    set.add(7);
    set.add(6);
    expect(set.gaps()).toEqual([]);
    expect([1, 6, 10, 11, 0].map((n) => set.has(n))).toEqual([true, true, true, false, false]);
  });

  it("keeps a million in-order members as one range", () => {
    const set = new SeqSet();
    for (let n = 2; n <= 1_000_000; n++) set.add(n);
    expect(set.gaps()).toEqual([{ from: 1, to: 1 }]);
  });
});
