// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from "vitest";
import { axisMillis, durationMillis } from "../../src/report/format.js";

describe("axisMillis", () => {
  it("labels a timeline tick as briefly as reads right, so three fit in a narrow column", () => {
    expect([0, 0.04, 2.5, 9.96, 20, 250, 999.4, 999.6, 1500, 9_960, 12_000, 59_400, 59_600, 150_000].map(axisMillis)).toEqual([
      "0",
      "0.0 ms",
      "2.5 ms",
      "10 ms",
      "20 ms",
      "250 ms",
      "999 ms",
      "1.0 s",
      "1.5 s",
      "10 s",
      "12 s",
      "59 s",
      "1.0 min",
      "2.5 min",
    ]);
  });

  it("leaves row durations at their full precision", () => {
    expect([0.4, 250, 1500, 125_000].map(durationMillis)).toEqual(["0.4 ms", "250.0 ms", "1.50 s", "2 min 05 s"]);
  });
});
