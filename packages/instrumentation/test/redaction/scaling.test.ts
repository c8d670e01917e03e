// SPDX-License-Identifier: Apache-2.0
// Linear time on any input: every adversarial generator at 100 KB and at 1 MB through the redaction engine
// (Redactor.redactString on the whole string, no payload budget), asserting the ratio of the times, never a time.
// Linear is 10; the limit, 15, leaves room for a noisy shared machine; a quadratic scanner gives ~100. Times are
// the process's CPU time (user + system), which other processes on the machine disturb far less than wall time.
import { describe, expect, it } from "vitest";
import { Redactor } from "../../src/redaction/index.js";
import { GENERATORS } from "./generators.js";

const SMALL = 100 * 1024;
const LARGE = 1024 * 1024;
const MAX_RATIO = 15;

/** Best of `repeats` CPU timings of one call: the minimum is what the code costs, the rest is the machine. */
function bestMillis(fn: () => void, repeats: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (let i = 0; i < repeats; i++) {
    const before = process.cpuUsage();
    fn();
    const used = process.cpuUsage(before);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  return best;
}

describe("redaction scales linearly on adversarial input", () => {
  const redactor = new Redactor();

  it("has at least 30 generators", () => {
    expect(GENERATORS.length).toBeGreaterThanOrEqual(30);
  });

  it.each(GENERATORS.map((g) => [g.name, g] as const))("%s: 1 MB takes at most 15x the time of 100 KB", (_name, generator) => {
    const small = generator.make(SMALL);
    const large = generator.make(LARGE);
    expect([small.length, large.length]).toEqual([SMALL, LARGE]);
    // Warm-up on both inputs, untimed, so neither size pays for compiling the scanners (a 10 KB warm-up left the
    // first 1 MB calls compiling the window path: a flaky ratio on a busy machine, not a slower engine).
    redactor.redactString(small);
    redactor.redactString(large);
    const smallMillis = bestMillis(() => redactor.redactString(small), 5);
    const largeMillis = bestMillis(() => redactor.redactString(large), 3);
    // Below a millisecond at 100 KB the timer's resolution decides the ratio: compare against 0.5 ms then.
    const ratio = largeMillis / Math.max(smallMillis, 0.5);
    expect({ ratio: Number(ratio.toFixed(1)), withinLimit: ratio <= MAX_RATIO }).toEqual({ ratio: Number(ratio.toFixed(1)), withinLimit: true });
  }, 60_000);
});
