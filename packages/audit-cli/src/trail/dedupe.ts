import { auditSeqOf } from "./values.js";
import type { TrailItem } from "./reader.js";
import { SeqSet } from "./seq-set.js";

/**
 * Drops at-least-once repeats for the commands that only read (sessions, show, export): a record whose chain
 * (instance, signal) already had its `audit.seq` is a repeat. Records without `audit.seq` always pass. Does not
 * verify anything; `verify` does.
 */
export class Deduper {
  private readonly _seen = new Map<string, SeqSet>();

  isFirst(item: TrailItem): boolean {
    const attributes = item.signal === "traces" ? item.span.attributes : item.record.attributes;
    const seq = auditSeqOf(attributes);
    if (seq === undefined) return true;
    const key = `${item.instance}\u0000${item.signal}`;
    let set = this._seen.get(key);
    if (set === undefined) this._seen.set(key, (set = new SeqSet()));
    return set.add(seq);
  }
}
