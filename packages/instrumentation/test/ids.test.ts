// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from "vitest";
import { RunIdGenerator, spanIdFromRunId, traceIdFromRunId, withPendingRunIds } from "../src/ids.js";

describe("run-derived IDs", () => {
  it.each([
    ["019a1b2c-3d4e-7f00-8a11-0123456789ab", "8a110123456789ab", "019a1b2c3d4e7f008a110123456789ab"],
    ["019A1B2C-3D4E-7F00-8A11-0123456789AB", "8a110123456789ab", "019a1b2c3d4e7f008a110123456789ab"],
    ["019a1b2c-3d4e-7f00-0000-000000000000", undefined, "019a1b2c3d4e7f000000000000000000"],
    ["00000000-0000-0000-0000-000000000000", undefined, undefined],
    ["not-a-uuid", undefined, undefined],
    ["019a1b2c3d4e7f008a110123456789ab", undefined, undefined],
    ["019a1b2c-3d4e-7f00-8a11-0123456789zz", undefined, undefined],
  ])("%s → span %s, trace %s", (runId, spanId, traceId) => {
    expect(spanIdFromRunId(runId)).toBe(spanId);
    expect(traceIdFromRunId(runId)).toBe(traceId);
  });

  it("never derives the span ID from the timestamp half of a UUIDv7", () => {
    // Two runs in the same millisecond share the high 48 bits; their span IDs must differ.
    expect(spanIdFromRunId("019a1b2c-3d4e-7000-8000-000000000001")).not.toBe(spanIdFromRunId("019a1b2c-3d4e-7000-8000-000000000002"));
  });

  it("RunIdGenerator hands out an offered pair once (span first, as the SDK asks), then random IDs", () => {
    const gen = new RunIdGenerator();
    withPendingRunIds("019a1b2c3d4e7f008a110123456789ab", "8a110123456789ab", () => {
      expect(gen.generateSpanId()).toBe("8a110123456789ab");
      expect(gen.generateTraceId()).toBe("019a1b2c3d4e7f008a110123456789ab");
      expect(gen.generateSpanId()).toMatch(/^[0-9a-f]{16}$/);
      expect(gen.generateSpanId()).not.toBe("8a110123456789ab");
      expect(gen.generateTraceId()).not.toBe("019a1b2c3d4e7f008a110123456789ab");
    });
    expect(gen.generateTraceId()).toMatch(/^[0-9a-f]{32}$/);
  });

  it("restores the previous offer after a nested call and after a throw", () => {
    const gen = new RunIdGenerator();
    withPendingRunIds(undefined, "aaaaaaaaaaaaaaaa", () => {
      expect(() => withPendingRunIds(undefined, "bbbbbbbbbbbbbbbb", () => {
        throw new Error("startSpan failed");
      })).toThrow("startSpan failed");
      expect(gen.generateSpanId()).toBe("aaaaaaaaaaaaaaaa");
    });
  });
});

describe("newRunId", () => {
  it("is a UUIDv7 with the given millisecond timestamp in its high 48 bits, random low bits", async () => {
    const { newRunId } = await import("../src/ids.js");
    const id = newRunId(0x019a1b2c3d4e);
    expect(id).toMatch(/^019a1b2c-3d4e-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(newRunId(0x019a1b2c3d4e)).not.toBe(id);
    expect(spanIdFromRunId(id)).toBe(id.replaceAll("-", "").slice(16));
  });

  it("carries each call's own millisecond when calls alternate between milliseconds", async () => {
    const { newRunId } = await import("../src/ids.js");
    for (const millis of [0x019a1b2c3d4e, 0x019a1b2c3d4f, 0x019a1b2c3d4e, 0, 0xffffffffffff, 0x019a1b2c3d4e]) {
      const hex = millis.toString(16).padStart(12, "0");
      expect(newRunId(millis).slice(0, 15)).toBe(`${hex.slice(0, 8)}-${hex.slice(8)}-7`);
    }
  });
});
