// SPDX-License-Identifier: Apache-2.0
import type { Writable } from "node:stream";
import type { TrailFile } from "./paths.js";

const INTERVAL_MILLIS = 1000;

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

/**
 * Bytes read out of the total, on stderr, at most once a second. On a terminal the line is rewritten in place;
 * on a pipe (`--progress` with stderr redirected) each report is a line of its own.
 */
export class Progress {
  private _read = 0;
  private _lastReport = Date.now();
  private _reported = false;

  constructor(
    private readonly _total: number,
    private readonly _stream: Writable & { isTTY?: boolean },
  ) {}

  add(bytes: number): void {
    this._read += bytes;
    const now = Date.now();
    if (now - this._lastReport < INTERVAL_MILLIS) return;
    this._lastReport = now;
    this._report();
  }

  /** Ends the progress line, if one was written. */
  done(): void {
    if (!this._reported) return;
    this._report();
    if (this._stream.isTTY === true) this._stream.write("\n");
  }

  private _report(): void {
    this._reported = true;
    const percent = this._total === 0 ? 100 : Math.floor((this._read / this._total) * 100);
    const text = `read ${megabytes(this._read)} / ${megabytes(this._total)} (${percent}%)`;
    this._stream.write(this._stream.isTTY === true ? `\r${text}\x1b[K` : `${text}\n`);
  }
}

/** A progress report on `stderr` when asked for (`--progress`) or when stderr is a terminal; else none. */
export function progressFor(files: readonly TrailFile[], requested: boolean, stderr: Writable & { isTTY?: boolean }): Progress | undefined {
  if (!requested && stderr.isTTY !== true) return undefined;
  return new Progress(files.reduce((sum, f) => sum + f.bytes, 0), stderr);
}
