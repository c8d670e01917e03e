// SPDX-License-Identifier: Apache-2.0
import { DiagLogLevel, diag, type DiagLogger } from "@opentelemetry/api";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { boundedShutdown } from "../src/shutdown.js";

const logFn = () => vi.fn<(message: string, ...args: unknown[]) => void>();
let logger: { [K in keyof DiagLogger]: ReturnType<typeof logFn> };
beforeEach(() => {
  logger = { error: logFn(), warn: logFn(), info: logFn(), debug: logFn(), verbose: logFn() };
  diag.setLogger(logger, DiagLogLevel.ALL);
});
afterEach(() => {
  diag.disable();
  vi.useRealTimers();
});

describe("boundedShutdown", () => {
  it("runs the steps in order, once, and every call gets the same promise", async () => {
    const order: string[] = [];
    const shutdown = boundedShutdown(
      [
        { name: "a", run: async () => void order.push("a") },
        { name: "b", run: () => void order.push("b") },
      ],
      1000,
    );
    const first = shutdown();
    expect(shutdown()).toBe(first);
    await first;
    await shutdown();
    expect(order).toEqual(["a", "b"]);
  });

  it("logs a failing step and still runs the next ones; never rejects", async () => {
    const ran: string[] = [];
    const failure = new Error("boom");
    const shutdown = boundedShutdown(
      [
        { name: "flaky", run: () => Promise.reject(failure) },
        { name: "after", run: () => void ran.push("after") },
      ],
      1000,
    );
    await expect(shutdown()).resolves.toBeUndefined();
    expect(ran).toEqual(["after"]);
    expect(logger.error).toHaveBeenCalledWith("@langchain-otel/node", `shutdown step "flaky" failed`, failure);
  });

  it("gives up after the timeout with a warning", async () => {
    vi.useFakeTimers();
    const shutdown = boundedShutdown([{ name: "stuck", run: () => new Promise<void>(() => {}) }], 5000);
    let settled = false;
    void shutdown().then(() => (settled = true));
    await vi.advanceTimersByTimeAsync(4999);
    expect(settled).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(settled).toBe(true);
    expect(logger.warn).toHaveBeenCalledWith("@langchain-otel/node", "shutdown did not finish within 5000 ms; spans and audit records not yet exported may be lost");
  });
});
