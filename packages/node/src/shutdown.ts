// SPDX-License-Identifier: Apache-2.0
import { diag } from "./diag.js";

/** One step of shutdown; a failing step is logged and the next one still runs. */
export interface ShutdownStep {
  readonly name: string;
  run(): void | Promise<void>;
}

async function runSteps(steps: readonly ShutdownStep[]): Promise<void> {
  for (const step of steps) {
    try {
      await step.run();
    } catch (err) {
      diag.error(`shutdown step "${step.name}" failed`, err);
    }
  }
}

/**
 * An idempotent shutdown: the first call runs the steps in order, every call returns the same promise,
 * which settles when the steps are done or after `timeoutMillis` (with a warning), whichever comes first.
 * It never rejects.
 */
export function boundedShutdown(steps: readonly ShutdownStep[], timeoutMillis: number): () => Promise<void> {
  let done: Promise<void> | undefined;
  return () =>
    (done ??= new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        diag.warn(`shutdown did not finish within ${timeoutMillis} ms; spans and audit records not yet exported may be lost`);
        resolve();
      }, timeoutMillis);
      void runSteps(steps).finally(() => {
        clearTimeout(timer);
        resolve();
      });
    }));
}

const SIGNALS = ["SIGTERM", "SIGINT"] as const;

/**
 * Runs `shutdown` once when the process is about to end: on `beforeExit`, and on SIGTERM / SIGINT.
 * For a signal nobody else listens to, Node's default (ending the process) is restored once the flush is done
 * by re-raising the signal, so the exit status still says "killed by SIGTERM". When the app listens too, the
 * process is the app's to end: this only flushes. A second signal during the flush ends the process at once.
 * Returns a function that removes the listeners.
 */
export function installExitHooks(shutdown: () => Promise<void>): () => void {
  let signalled = false;
  const onBeforeExit = (): void => {
    void shutdown();
  };
  const onSignal = (signal: NodeJS.Signals): void => {
    const alone = process.listenerCount(signal) === 1;
    if (!alone) {
      void shutdown();
      return;
    }
    if (signalled) {
      uninstall();
      process.kill(process.pid, signal);
      return;
    }
    signalled = true;
    void shutdown().finally(() => {
      uninstall();
      process.kill(process.pid, signal);
    });
  };
  const uninstall = (): void => {
    process.removeListener("beforeExit", onBeforeExit);
    for (const signal of SIGNALS) process.removeListener(signal, onSignal);
  };
  process.on("beforeExit", onBeforeExit);
  for (const signal of SIGNALS) process.on(signal, onSignal);
  return uninstall;
}
