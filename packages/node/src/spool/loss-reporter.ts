// SPDX-License-Identifier: Apache-2.0
import { diag } from "../diag.js";

const STDERR_INTERVAL_MILLIS = 60_000;

/**
 * Says loudly that audit data was dropped: a diag error every time, and the same message as one line on stderr
 * (`[langchain-otel] …`) at most once a minute, so a gap in the audit trail is seen even where no diag logger is
 * set, without flooding the app's stderr while the condition lasts.
 */
export class LossReporter {
  private readonly _write: (line: string) => void;
  private _lastLineMillis: number | undefined;

  constructor(write: (line: string) => void = (line) => void process.stderr.write(line)) {
    this._write = write;
  }

  report(message: string): void {
    diag.error(message);
    const now = Date.now();
    if (this._lastLineMillis !== undefined && now - this._lastLineMillis < STDERR_INTERVAL_MILLIS) return;
    this._lastLineMillis = now;
    try {
      this._write(`[langchain-otel] ${message}\n`);
    } catch {
      // stderr closed: the diag error above is all there is.
    }
  }
}
