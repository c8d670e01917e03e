// SPDX-License-Identifier: Apache-2.0
import { errorTypeOf, type RunExit } from "@langchain-otel/instrumentation/internal";
import {
  ERROR_TYPE_PROCESS_EXIT,
  EXIT_REASON_EXIT,
  EXIT_REASON_SIGNAL,
  EXIT_REASON_UNCAUGHT_EXCEPTION,
  EXIT_REASON_UNHANDLED_REJECTION,
} from "@langchain-otel/instrumentation/semconv";
import { diag } from "./diag.js";

/** The signals whose default is to end the process, and that we see coming. */
export const EXIT_SIGNALS = ["SIGTERM", "SIGINT", "SIGHUP"] as const;
type ExitSignal = (typeof EXIT_SIGNALS)[number];

/** How the process is ending: `process.exit()` or no work left, unless something more telling came first. */
export const PROCESS_EXIT: RunExit = { errorType: ERROR_TYPE_PROCESS_EXIT, reason: EXIT_REASON_EXIT };

/** What the exit hooks drive. */
export interface ExitActions {
  /**
   * The process ends now and JavaScript still runs, but cannot wait: end the open runs as `exit` says, and write
   * everything not yet exported, synchronously. Idempotent.
   */
  drainSync(exit: RunExit): void;
  /** The bounded asynchronous shutdown (export to the collector while it answers); `exit` says how open runs end. */
  shutdown(exit: RunExit): Promise<void>;
  /** Exports what is queued, without ending anything (the app handles the signal and may go on). */
  flush(): Promise<void>;
}

/**
 * Ends the trail cleanly whichever way the process ends while JavaScript still runs, without changing how it ends:
 * - `exit` (every ending that reaches it: `process.exit(n)` from anywhere, the end of work, an uncaught exception
 *   or unhandled rejection that Node turns into an exit): {@link ExitActions.drainSync}, with the most telling
 *   cause seen: the uncaught error's class (if the exit code is not 0), else the signal received, else `ProcessExit`;
 * - `uncaughtExceptionMonitor`: only notes the error; Node's own handling (print, exit code 1) or the app's
 *   `uncaughtException` handler is untouched (no `uncaughtException` or `unhandledRejection` listener is added);
 * - `beforeExit` (no work left): the bounded asynchronous shutdown;
 * - SIGTERM, SIGINT, SIGHUP that only we listen to: the bounded shutdown, then the exit path's drain, then the
 *   signal again with Node's default, so the process dies of it as it would have (a second signal: at once);
 * - such a signal the app listens to as well: noted and flushed; ending the process is up to the app, and its
 *   `process.exit()` then takes the exit path with the signal as the cause.
 */
export class ExitHooks {
  private readonly _actions: ExitActions;
  private _uncaught: RunExit | undefined;
  private _signal: ExitSignal | undefined;
  private _installed = false;

  constructor(actions: ExitActions) {
    this._actions = actions;
  }

  install(): void {
    if (this._installed) return;
    this._installed = true;
    process.on("exit", this._onExit);
    process.on("uncaughtExceptionMonitor", this._onUncaught);
    process.on("beforeExit", this._onBeforeExit);
    for (const signal of EXIT_SIGNALS) process.on(signal, this._onSignal);
  }

  uninstall(): void {
    if (!this._installed) return;
    this._installed = false;
    process.removeListener("exit", this._onExit);
    process.removeListener("uncaughtExceptionMonitor", this._onUncaught);
    process.removeListener("beforeExit", this._onBeforeExit);
    for (const signal of EXIT_SIGNALS) process.removeListener(signal, this._onSignal);
  }

  /** The cause open runs end with if the process ends now with `code`. */
  cause(code: number): RunExit {
    if (this._uncaught !== undefined && code !== 0) return this._uncaught;
    if (this._signal !== undefined) return { errorType: this._signal, reason: EXIT_REASON_SIGNAL };
    return PROCESS_EXIT;
  }

  private readonly _onExit = (code: number): void => {
    this._guard("the exit path", () => this._actions.drainSync(this.cause(code)));
  };

  private readonly _onUncaught = (error: unknown, origin: string): void => {
    this._uncaught = {
      errorType: errorTypeOf(error),
      reason: origin === "unhandledRejection" ? EXIT_REASON_UNHANDLED_REJECTION : EXIT_REASON_UNCAUGHT_EXCEPTION,
    };
  };

  private readonly _onBeforeExit = (): void => {
    void this._actions.shutdown(this.cause(0));
  };

  private readonly _onSignal = (signal: NodeJS.Signals): void => {
    const alone = process.listenerCount(signal) === 1;
    const first = this._signal === undefined;
    this._signal ??= signal as ExitSignal;
    if (!alone) {
      void this._actions.flush();
      return;
    }
    const exit: RunExit = { errorType: signal, reason: EXIT_REASON_SIGNAL };
    const die = (): void => {
      this._guard("the exit path", () => this._actions.drainSync(exit));
      this.uninstall();
      process.kill(process.pid, signal);
    };
    if (!first) {
      die();
      return;
    }
    void this._actions.shutdown(exit).finally(die);
  };

  private _guard(what: string, fn: () => void): void {
    try {
      fn();
    } catch (err) {
      diag.error(`${what} failed`, err);
    }
  }
}
