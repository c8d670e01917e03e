// SPDX-License-Identifier: Apache-2.0
import type { AuditSignal } from "../integrity/canonical.js";
import type { LossReason } from "./sink.js";

/** A contiguous run of records one chain lost for one reason. */
export interface LossRange {
  readonly signal: AuditSignal;
  readonly reason: LossReason;
  /** `audit.seq` of the first and last record lost; undefined for records that carried none (unstamped). */
  readonly firstSeq: number | undefined;
  readonly lastSeq: number | undefined;
  readonly count: number;
}

interface OpenRange {
  reason: LossReason;
  firstSeq: number | undefined;
  lastSeq: number | undefined;
  count: number;
}

/**
 * What the export path lost, per signal: a total, and the ranges not yet written into the trail as loss records.
 * Consecutive losses of one chain for one reason make one range, so a burst of drops is one record, not thousands.
 */
export class LossLedger {
  private readonly _totals: Record<AuditSignal, number> = { traces: 0, logs: 0 };
  private readonly _open = new Map<AuditSignal, OpenRange>();
  private readonly _closed: LossRange[] = [];

  /** Records lost by `signal` so far. */
  total(signal: AuditSignal): number {
    return this._totals[signal];
  }

  /** Whether there are ranges waiting to be written into the trail. */
  get hasPending(): boolean {
    return this._open.size > 0 || this._closed.length > 0;
  }

  /** Counts a lost batch; `seqs` are its records' `audit.seq` values in order (undefined where unstamped). */
  add(signal: AuditSignal, reason: LossReason, seqs: ReadonlyArray<number | undefined>): void {
    this._totals[signal] += seqs.length;
    for (const seq of seqs) {
      const open = this._open.get(signal);
      const extends_ =
        open !== undefined &&
        open.reason === reason &&
        (seq === undefined ? open.lastSeq === undefined : open.lastSeq !== undefined && seq === open.lastSeq + 1);
      if (open !== undefined && extends_) {
        open.lastSeq = seq;
        open.count++;
        continue;
      }
      if (open !== undefined) this._closed.push({ signal, ...open });
      this._open.set(signal, { reason, firstSeq: seq, lastSeq: seq, count: 1 });
    }
  }

  /**
   * A range whose loss record was itself lost: it waits to be written again (its records are counted already).
   */
  restore(range: LossRange): void {
    this._closed.push(range);
  }

  /** Every range not yet written into the trail (open ones are closed by this), oldest first; forgets them. */
  take(): LossRange[] {
    const ranges = this._closed.splice(0);
    for (const [signal, open] of this._open) ranges.push({ signal, ...open });
    this._open.clear();
    return ranges;
  }
}
