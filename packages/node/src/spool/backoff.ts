// SPDX-License-Identifier: Apache-2.0
/** The first retry delay of the replayer, before jitter. */
export const INITIAL_BACKOFF_MILLIS = 500;
/** The longest retry delay of the replayer, jitter included (a Retry-After may ask for more). */
export const MAX_BACKOFF_MILLIS = 30_000;
/** The longest Retry-After that is honoured as given; longer ones are cut to this. */
export const MAX_RETRY_AFTER_MILLIS = 10 * 60_000;

/**
 * Exponential backoff with jitter: the n-th delay (from 0) is 500 ms × 2ⁿ, capped at 30 s, times a random factor
 * in [0.8, 1.2) (and capped again), so processes that lost the collector together do not retry together.
 */
export class Backoff {
  private _attempt = 0;
  private readonly _random: () => number;

  constructor(random: () => number = Math.random) {
    this._random = random;
  }

  /** The delay before the next retry; a Retry-After the server sent wins over the computed delay. */
  next(retryAfterMillis?: number): number {
    const base = Math.min(MAX_BACKOFF_MILLIS, INITIAL_BACKOFF_MILLIS * 2 ** this._attempt);
    if (base < MAX_BACKOFF_MILLIS) this._attempt++;
    if (retryAfterMillis !== undefined) return retryAfterMillis;
    return Math.min(MAX_BACKOFF_MILLIS, Math.round(base * (0.8 + 0.4 * this._random())));
  }

  /** After a success: the next failure starts again from the first delay. */
  reset(): void {
    this._attempt = 0;
  }
}

/**
 * A `Retry-After` header as milliseconds from now: delay-seconds or an HTTP date (`Tue, 24 Nov 2026 12:00:30 GMT`), at most
 * {@link MAX_RETRY_AFTER_MILLIS}; undefined when absent or unreadable.
 */
export function retryAfterMillis(header: string | null | undefined, nowMillis = Date.now()): number | undefined {
  const value = header?.trim();
  if (value === undefined || value === "") return undefined;
  let millis: number;
  if (/^\d+$/.test(value)) millis = Number(value) * 1000;
  else if (!/^[A-Za-z]{3}, /.test(value)) return undefined;
  else {
    const date = Date.parse(value);
    if (Number.isNaN(date)) return undefined;
    millis = Math.max(0, date - nowMillis);
  }
  return Math.min(millis, MAX_RETRY_AFTER_MILLIS);
}
