// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from "vitest";
import { Backoff, MAX_RETRY_AFTER_MILLIS, retryAfterMillis } from "../../src/spool/backoff.js";

describe("Backoff", () => {
  it("starts at 500 ms and doubles up to 30 s", () => {
    const backoff = new Backoff(() => 0.5);
    expect(Array.from({ length: 9 }, () => backoff.next())).toEqual([500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]);
  });

  it("adds ±20% jitter, never beyond 30 s", () => {
    const low = new Backoff(() => 0);
    const high = new Backoff(() => 0.999_999);
    expect([low.next(), low.next()]).toEqual([400, 800]);
    expect([high.next(), high.next()]).toEqual([600, 1200]);
    for (let i = 0; i < 10; i++) high.next();
    expect(high.next()).toBe(30_000);
  });

  it("takes the server's Retry-After instead, and counts it as an attempt", () => {
    const backoff = new Backoff(() => 0.5);
    expect(backoff.next(45_000)).toBe(45_000);
    expect(backoff.next()).toBe(1000);
  });

  it("starts over after reset", () => {
    const backoff = new Backoff(() => 0.5);
    backoff.next();
    backoff.next();
    backoff.reset();
    expect(backoff.next()).toBe(500);
  });
});

describe("retryAfterMillis", () => {
  const now = Date.parse("2026-11-24T12:00:00Z");
  it.each<[string | null | undefined, number | undefined]>([
    ["2", 2000],
    [" 0 ", 0],
    ["Tue, 24 Nov 2026 12:00:30 GMT", 30_000],
    ["Tue, 24 Nov 2026 11:59:00 GMT", 0],
    ["86400", MAX_RETRY_AFTER_MILLIS],
    ["soon", undefined],
    ["-1", undefined],
    ["", undefined],
    [null, undefined],
    [undefined, undefined],
  ])("%o → %o", (header, millis) => {
    expect(retryAfterMillis(header, now)).toBe(millis);
  });
});
