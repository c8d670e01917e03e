// SPDX-License-Identifier: Apache-2.0
import { afterEach, describe, expect, it, vi } from "vitest";
import { EXIT_SIGNALS, ExitHooks, PROCESS_EXIT } from "../src/exit.js";

// Real endings (exit, crashes, signals) are delivered to child processes in termination.test.ts; here, the wiring.
const EVENTS = ["exit", "uncaughtExceptionMonitor", "beforeExit", ...EXIT_SIGNALS] as const;
const counts = () => EVENTS.map((event) => process.listenerCount(event));

function actions() {
  return {
    drainSync: vi.fn(),
    shutdown: vi.fn(() => Promise.resolve()),
    flush: vi.fn(() => Promise.resolve()),
  };
}

/** Our listener for `event` (the last one added). */
function ours(event: (typeof EVENTS)[number]): (...args: unknown[]) => void {
  return process.listeners(event as "exit").at(-1) as (...args: unknown[]) => void;
}

let hooks: ExitHooks | undefined;
afterEach(() => hooks?.uninstall());

describe("ExitHooks", () => {
  it("listens to exit, uncaughtExceptionMonitor, beforeExit, SIGTERM, SIGINT and SIGHUP until uninstalled, never to uncaughtException", () => {
    const before = counts();
    const uncaught = process.listenerCount("uncaughtException");
    const rejections = process.listenerCount("unhandledRejection");
    hooks = new ExitHooks(actions());
    hooks.install();
    hooks.install();
    expect(counts()).toEqual(before.map((n) => n + 1));
    // Adding either would change what Node does with an uncaught error.
    expect(process.listenerCount("uncaughtException")).toBe(uncaught);
    expect(process.listenerCount("unhandledRejection")).toBe(rejections);
    hooks.uninstall();
    hooks.uninstall();
    expect(counts()).toEqual(before);
  });

  it("exit: drains synchronously as ProcessExit when nothing else was seen", () => {
    const a = actions();
    hooks = new ExitHooks(a);
    hooks.install();
    ours("exit")(0);
    expect(a.drainSync).toHaveBeenCalledExactlyOnceWith(PROCESS_EXIT);
    expect(PROCESS_EXIT).toEqual({ errorType: "ProcessExit", reason: "exit" });
  });

  it.each([
    ["uncaughtException", { errorType: "TypeError", reason: "uncaught_exception" }],
    ["unhandledRejection", { errorType: "TypeError", reason: "unhandled_rejection" }],
  ])("an uncaught error (%s) names the exit with a non-zero code; a later clean exit does not", (origin, exit) => {
    hooks = new ExitHooks(actions());
    hooks.install();
    ours("uncaughtExceptionMonitor")(new TypeError("boom"), origin);
    expect(hooks.cause(1)).toEqual(exit);
    // The app handled it and ended normally much later.
    expect(hooks.cause(0)).toEqual(PROCESS_EXIT);
  });

  it("beforeExit: the asynchronous shutdown, as ProcessExit", () => {
    const a = actions();
    hooks = new ExitHooks(a);
    hooks.install();
    ours("beforeExit")(0);
    expect(a.shutdown).toHaveBeenCalledExactlyOnceWith(PROCESS_EXIT);
  });

  it("a signal the app also listens to: flushed and noted, nothing ended; the app's exit then names the signal", () => {
    const a = actions();
    const app = vi.fn();
    process.on("SIGTERM", app);
    try {
      hooks = new ExitHooks(a);
      hooks.install();
      ours("SIGTERM")("SIGTERM");
      expect(a.flush).toHaveBeenCalledTimes(1);
      expect(a.shutdown).not.toHaveBeenCalled();
      expect(a.drainSync).not.toHaveBeenCalled();
      expect(hooks.cause(0)).toEqual({ errorType: "SIGTERM", reason: "signal" });
    } finally {
      process.removeListener("SIGTERM", app);
    }
  });
});
