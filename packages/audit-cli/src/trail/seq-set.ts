// SPDX-License-Identifier: Apache-2.0
/** An inclusive range of sequence numbers. */
export interface SeqRange {
  readonly from: number;
  readonly to: number;
}

/** A gap, and where the record right after it was read (when it was given one). */
export interface LocatedGap<L> extends SeqRange {
  readonly after: L | undefined;
}

/**
 * A set of positive integers kept as sorted, disjoint, non-adjacent ranges: memory grows with the number of
 * holes, not of members, so a chain of millions of records with no gap is one range. Each range can keep where
 * its first member was read (`L`), so a gap can be named by the record after it.
 */
export class SeqSet<L = never> {
  private readonly _from: number[] = [];
  private readonly _to: number[] = [];
  private readonly _at: Array<L | undefined> = [];

  /** Index of the last range starting at or before n, or -1. */
  private _rangeAtOrBefore(n: number): number {
    let lo = 0;
    let hi = this._from.length - 1;
    let found = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      if (this._from[mid]! <= n) {
        found = mid;
        lo = mid + 1;
      } else hi = mid - 1;
    }
    return found;
  }

  has(n: number): boolean {
    const i = this._rangeAtOrBefore(n);
    return i >= 0 && this._to[i]! >= n;
  }

  /** Adds n (read at `at`); false when it was already there. */
  add(n: number, at?: L): boolean {
    const last = this._to.length - 1;
    if (last >= 0 && this._to[last] === n - 1) {
      this._to[last] = n; // the common case: the next one in order
      return true;
    }
    const i = this._rangeAtOrBefore(n);
    if (i >= 0 && this._to[i]! >= n) return false;
    const joinsLeft = i >= 0 && this._to[i] === n - 1;
    const joinsRight = i + 1 < this._from.length && this._from[i + 1] === n + 1;
    if (joinsLeft && joinsRight) {
      this._to[i] = this._to[i + 1]!;
      this._from.splice(i + 1, 1);
      this._to.splice(i + 1, 1);
      this._at.splice(i + 1, 1);
    } else if (joinsLeft) this._to[i] = n;
    else if (joinsRight) {
      this._from[i + 1] = n;
      this._at[i + 1] = at;
    } else {
      this._from.splice(i + 1, 0, n);
      this._to.splice(i + 1, 0, n);
      this._at.splice(i + 1, 0, at);
    }
    return true;
  }

  get min(): number | undefined {
    return this._from[0];
  }

  /** Where the lowest member's range was started. */
  get firstAt(): L | undefined {
    return this._at[0];
  }

  get max(): number | undefined {
    return this._to[this._to.length - 1];
  }

  /** How many members are greater than n. */
  countAbove(n: number): number {
    let count = 0;
    for (let i = this._from.length - 1; i >= 0 && this._to[i]! > n; i--) count += this._to[i]! - Math.max(this._from[i]!, n + 1) + 1;
    return count;
  }

  /** The missing ranges from 1 up to the largest member. */
  gaps(): SeqRange[] {
    return this.locatedGaps().map(({ from, to }) => ({ from, to }));
  }

  /** The missing ranges from 1 up to `upTo` (default: the largest member), each with where the record after it was read. */
  locatedGaps(upTo = this.max ?? 0): LocatedGap<L>[] {
    const gaps: LocatedGap<L>[] = [];
    let next = 1;
    for (let i = 0; i < this._from.length && next <= upTo; i++) {
      if (this._from[i]! > next) gaps.push({ from: next, to: Math.min(this._from[i]! - 1, upTo), after: this._at[i] });
      next = this._to[i]! + 1;
    }
    if (next <= upTo) gaps.push({ from: next, to: upTo, after: undefined });
    return gaps;
  }
}
