// SPDX-License-Identifier: Apache-2.0
import { diag } from "./diag.js";

/** How often the same kind of line may reach stderr. */
export const STDERR_INTERVAL_MILLIS = 60_000;

export type ReportLevel = "error" | "warn" | "info";

/**
 * The distro's voice on stderr, for what an operator must see even where no diag logger is set: a loss, an audit
 * directory that takes no writes, a collector that is down, a spool replayed from an earlier process. Each message
 * goes to the diag logger every time, and as one line `[langchain-otel] …` on stderr at most once a minute per
 * `key`, so a condition that lasts does not flood the app's stderr. Never throws.
 */
export class Reporter {
  private readonly _write: (line: string) => void;
  private readonly _now: () => number;
  private readonly _lastLineMillis = new Map<string, number>();

  constructor(write: (line: string) => void = (line) => void process.stderr.write(line), now: () => number = Date.now) {
    this._write = write;
    this._now = now;
  }

  /** `message` on the diag logger, and on stderr unless a line of the same `key` went out less than a minute ago. */
  say(key: string, message: string, level: ReportLevel = "warn"): void {
    diag[level](message);
    const now = this._now();
    const last = this._lastLineMillis.get(key);
    if (last !== undefined && now - last < STDERR_INTERVAL_MILLIS) return;
    this._lastLineMillis.set(key, now);
    this.line(message);
  }

  /** One line on stderr, whatever was said before (exit paths: the last word). */
  line(message: string): void {
    try {
      this._write(`[langchain-otel] ${message}\n`);
    } catch {
      // stderr closed: the diag logger is all there is.
    }
  }
}

/** An error's code (`ENOSPC`) and message, as the lines say it. */
export function errorText(err: unknown): string {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  const message = err instanceof Error ? err.message : String(err);
  if (code === undefined) return message;
  return message.startsWith(`${code}:`) ? message : `${code}: ${message}`;
}
