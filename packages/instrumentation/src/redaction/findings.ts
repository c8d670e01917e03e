/**
 * The findings of one string scan: non-overlapping [start, end) ranges, each with the kind (or rule
 * name) that found it. Detectors run in priority order and the first to claim a character keeps it,
 * so a later, overlapping finding is dropped.
 *
 * One instance is reused for every scan of a {@link Redactor}: `reset` keeps the arrays' storage, so
 * a scan that finds nothing allocates nothing.
 */
export class Findings {
  /** Number of findings. */
  size = 0;
  // Parallel arrays sorted by start; entries at index >= size are stale.
  private readonly starts: number[] = [];
  private readonly ends: number[] = [];
  private readonly kinds: string[] = [];

  reset(): void {
    this.size = 0;
  }

  /** Adds [start, end) unless it is empty or overlaps a range already found; true when added. */
  add(start: number, end: number, kind: string): boolean {
    if (end <= start) return false;
    // Insertion point: the first range starting at or after `end` (ranges are few: a linear scan is fastest).
    let at = this.size;
    while (at > 0 && this.starts[at - 1] >= end) at--;
    if (at > 0 && this.ends[at - 1] > start) return false;
    for (let i = this.size; i > at; i--) {
      this.starts[i] = this.starts[i - 1];
      this.ends[i] = this.ends[i - 1];
      this.kinds[i] = this.kinds[i - 1];
    }
    this.starts[at] = start;
    this.ends[at] = end;
    this.kinds[at] = kind;
    this.size++;
    return true;
  }

  start(i: number): number {
    return this.starts[i];
  }

  end(i: number): number {
    return this.ends[i];
  }

  kind(i: number): string {
    return this.kinds[i];
  }
}
