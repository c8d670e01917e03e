/** An inclusive range of sequence numbers. */
export interface SeqRange {
  readonly from: number;
  readonly to: number;
}

/**
 * A set of positive integers kept as sorted, disjoint, non-adjacent ranges: memory grows with the number of
 * holes, not of members, so a chain of millions of records with no gap is one range.
 */
export class SeqSet {
  private readonly _from: number[] = [];
  private readonly _to: number[] = [];

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

  /** Adds n; false when it was already there. */
  add(n: number): boolean {
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
    } else if (joinsLeft) this._to[i] = n;
    else if (joinsRight) this._from[i + 1] = n;
    else {
      this._from.splice(i + 1, 0, n);
      this._to.splice(i + 1, 0, n);
    }
    return true;
  }

  get min(): number | undefined {
    return this._from[0];
  }

  get max(): number | undefined {
    return this._to[this._to.length - 1];
  }

  /** The missing ranges from 1 up to the largest member. */
  gaps(): SeqRange[] {
    const gaps: SeqRange[] = [];
    let next = 1;
    for (let i = 0; i < this._from.length; i++) {
      if (this._from[i]! > next) gaps.push({ from: next, to: this._from[i]! - 1 });
      next = this._to[i]! + 1;
    }
    return gaps;
  }
}
