// SPDX-License-Identifier: Apache-2.0
/**
 * The findings of one string scan: non-overlapping [start, end) ranges, each with the kind (or rule name) that
 * found it. Detectors run in priority order and the first to claim a character keeps it, so a later, overlapping
 * finding is dropped.
 *
 * O(log n) per finding: accepted ranges sit in a sorted "committed" list, and new ones in a "batch" that a
 * detector fills from left to right (it scans in order); an overlap check is a binary search in the committed list
 * plus a look at the batch's last range, and the batch is merged into the committed list in one linear pass when
 * it is read or when a range arrives out of order. (Inserting each range in place cost a shift per finding:
 * quadratic on a megabyte of e-mail addresses.)
 *
 * One instance is reused for every scan of a {@link Redactor}: `reset` keeps the arrays' storage, so a scan that
 * finds nothing allocates nothing.
 */
export class Findings {
  private committedSize = 0;
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly kinds: string[] = [];
  private batchSize = 0;
  private readonly batchStarts: number[] = [];
  private readonly batchEnds: number[] = [];
  private readonly batchKinds: string[] = [];

  /** Number of findings. */
  get size(): number {
    this.commit();
    return this.committedSize;
  }

  reset(): void {
    this.committedSize = 0;
    this.batchSize = 0;
  }

  /** Adds [start, end) unless it is empty or overlaps a range already found; true when added. */
  add(start: number, end: number, kind: string): boolean {
    if (end <= start) return false;
    if (this.batchSize > 0 && start < this.batchEnds[this.batchSize - 1]) {
      // Out of order (or overlapping the batch's last range): settle the batch, then decide against all of it.
      if (start >= this.batchStarts[this.batchSize - 1]) return false;
      this.commit();
    }
    if (this.overlapsCommitted(start, end)) return false;
    const at = this.batchSize++;
    this.batchStarts[at] = start;
    this.batchEnds[at] = end;
    this.batchKinds[at] = kind;
    return true;
  }

  start(i: number): number {
    this.commit();
    return this.starts[i];
  }

  end(i: number): number {
    this.commit();
    return this.ends[i];
  }

  kind(i: number): string {
    this.commit();
    return this.kinds[i];
  }

  /** Whether [start, end) overlaps a committed range (binary search for the last range starting before `end`). */
  private overlapsCommitted(start: number, end: number): boolean {
    let lo = 0;
    let hi = this.committedSize;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.starts[mid] < end) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 && this.ends[lo - 1] > start;
  }

  /** Merges the batch (sorted, disjoint from the committed ranges) into the committed list, from the back. */
  private commit(): void {
    const b = this.batchSize;
    if (b === 0) return;
    let i = this.committedSize - 1;
    let j = b - 1;
    let k = this.committedSize + b - 1;
    while (j >= 0) {
      if (i >= 0 && this.starts[i] > this.batchStarts[j]) {
        this.starts[k] = this.starts[i];
        this.ends[k] = this.ends[i];
        this.kinds[k] = this.kinds[i];
        i--;
      } else {
        this.starts[k] = this.batchStarts[j];
        this.ends[k] = this.batchEnds[j];
        this.kinds[k] = this.batchKinds[j];
        j--;
      }
      k--;
    }
    this.committedSize += b;
    this.batchSize = 0;
  }
}
