// SPDX-License-Identifier: Apache-2.0
import { createHash } from "node:crypto";

/** The previous hash of the first record of a chain (`audit.seq` 1): 64 zeros. */
export const GENESIS_HASH = "0".repeat(64);

/**
 * The `audit.hash` of a record: lower-case hex SHA-256 of the UTF-8 bytes of
 * `prevHash + "\n" + canonical`, where `prevHash` is the `audit.hash` of the previous record of the same chain
 * ({@link GENESIS_HASH} for `audit.seq` 1) and `canonical` is the record's canonical JSON text
 * (`canonicalJson(canonicalSpan(span))`, `canonicalJson(canonicalLogRecord(record))`, or the same from the
 * OTLP/JSON adapters).
 */
export function chainHash(prevHash: string, canonical: string): string {
  return createHash("sha256").update(prevHash, "utf8").update("\n", "utf8").update(canonical, "utf8").digest("hex");
}

/** Where a chain stands: the seq and hash of its last record. */
interface ChainHead {
  seq: number;
  hash: string;
}

/** What {@link AuditChains.append} gave a record. */
export interface ChainLink {
  readonly seq: number;
  readonly hash: string;
}

/**
 * The heads of the chains of one signal, one chain per instance. Appending stamps a record: it gets the next seq,
 * then its hash over the previous hash and its canonical text (which includes that seq).
 */
export class AuditChains {
  private readonly _heads = new Map<string, ChainHead>();

  /**
   * Appends a record to the chain of `instanceId`. `stamp(seq)` writes the seq into the record and returns the
   * record's canonical JSON text; the chain moves only when it returns, so a record that could not be stamped
   * (it threw) leaves no hole in the sequence.
   */
  append(instanceId: string, stamp: (seq: number) => string): ChainLink {
    const head = this._heads.get(instanceId);
    const seq = (head?.seq ?? 0) + 1;
    const hash = chainHash(head?.hash ?? GENESIS_HASH, stamp(seq));
    if (head === undefined) this._heads.set(instanceId, { seq, hash });
    else {
      head.seq = seq;
      head.hash = hash;
    }
    return { seq, hash };
  }
}
