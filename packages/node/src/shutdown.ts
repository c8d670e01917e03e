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
