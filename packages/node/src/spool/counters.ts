// SPDX-License-Identifier: Apache-2.0
/** What the spool has done since the process started, for both signals together. */
export interface SpoolCounters {
  /** Batches written to the spool instead of (or after) a failed export. */
  spooledBatches: number;
  /** Spooled batches the collector accepted (2xx) on replay. */
  replayedBatches: number;
  /** Spooled batches the collector refused for good (4xx other than 408 / 429), moved to `rejected/`. */
  rejectedBatches: number;
  /** Spans and log records dropped because the spool was full or could not be written. */
  droppedItems: number;
}

export function zeroCounters(): SpoolCounters {
  return { spooledBatches: 0, replayedBatches: 0, rejectedBatches: 0, droppedItems: 0 };
}
