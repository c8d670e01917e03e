// SPDX-License-Identifier: Apache-2.0
import { setTimeout as sleep } from "node:timers/promises";

export interface PollOptions {
  /** Give up after this long; the last value read is returned either way. */
  timeoutMillis: number;
  /** @default 250 */
  intervalMillis?: number;
}

export interface PollResult<T> {
  /** The last value read; undefined only when every read threw. */
  value: T | undefined;
  /** Whether `done` held before the deadline. */
  satisfied: boolean;
  elapsedMillis: number;
}

/**
 * Reads until `done(value)` holds or the deadline passes. The collector's file exporter, its Jaeger and SIEM
 * queues and rsyslog all deliver asynchronously, so tests poll for the state they then assert exactly. A read
 * that throws (a line being appended, a server not answering yet) counts as "not yet".
 */
export async function pollUntil<T>(read: () => T | Promise<T>, done: (value: T) => boolean, options: PollOptions): Promise<PollResult<T>> {
  const started = Date.now();
  const deadline = started + options.timeoutMillis;
  let value: T | undefined;
  for (;;) {
    try {
      value = await read();
      if (done(value)) return { value, satisfied: true, elapsedMillis: Date.now() - started };
    } catch {
      // not readable yet
    }
    if (Date.now() >= deadline) return { value, satisfied: false, elapsedMillis: Date.now() - started };
    await sleep(options.intervalMillis ?? 250);
  }
}

/**
 * Reads until `key(value)` has not changed for `quietMillis` (and `ready(value)` holds), or the deadline passes:
 * for counts that have no known final value, such as what survived a collector crash.
 */
export async function pollUntilStable<T>(
  read: () => T | Promise<T>,
  key: (value: T) => string,
  options: PollOptions & { quietMillis: number; ready?: (value: T) => boolean },
): Promise<PollResult<T>> {
  let lastKey: string | undefined;
  let since = Date.now();
  return pollUntil(
    read,
    (value) => {
      const k = key(value);
      if (k !== lastKey) {
        lastKey = k;
        since = Date.now();
        return false;
      }
      return (options.ready?.(value) ?? true) && Date.now() - since >= options.quietMillis;
    },
    options,
  );
}
