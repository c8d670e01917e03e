// SPDX-License-Identifier: Apache-2.0
import { auditChainOf } from "../verify/audit-fields.js";
import { auditSeqOf } from "./values.js";
import type { TrailItem } from "./reader.js";
import { SeqSet } from "./seq-set.js";

/** The note commands print when they left records without audit fields out. */
export function unstampedNote(count: number): string {
  return (
    `note: ${count} record(s) without audit.seq / audit.hash left out: they belong to no chain (injected, or written by a ` +
    "process without the integrity processors); --include-unstamped lists them, verify reports them\n"
  );
}

/**
 * Admits each record once for the commands that only read (sessions, export): a record whose chain (instance,
 * `audit.chain`, signal) already had its `audit.seq` is an at-least-once repeat. Records without `audit.seq` are not part of any
 * chain: a forged record looks like that, so they are left out (counted) unless `includeUnstamped`. Does not
 * verify anything; `verify` does.
 */
export class Deduper {
  private readonly _seen = new Map<string, SeqSet>();
  private _unstamped = 0;

  constructor(private readonly _includeUnstamped = false) {}

  /** Records left out for lack of audit fields. */
  get unstamped(): number {
    return this._unstamped;
  }

  isFirst(item: TrailItem): boolean {
    const attributes = item.signal === "traces" ? item.span.attributes : item.record.attributes;
    const seq = auditSeqOf(attributes);
    if (seq === undefined) {
      if (this._includeUnstamped) return true;
      this._unstamped++;
      return false;
    }
    const key = `${item.instance}\u0000${auditChainOf(attributes)}\u0000${item.signal}`;
    let set = this._seen.get(key);
    if (set === undefined) this._seen.set(key, (set = new SeqSet()));
    return set.add(seq);
  }
}
