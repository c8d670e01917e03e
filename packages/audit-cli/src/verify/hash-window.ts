// SPDX-License-Identifier: Apache-2.0
const HASH_BYTES = 32;
const INITIAL_CAPACITY = 1024;

/**
 * The `audit.hash` of the most recent records of one chain, by seq: a direct-mapped table (slot = seq mod
 * capacity) of 40 bytes a record that grows, up to a maximum, while the seqs in use spread wider than it. The
 * verifier needs a record's hash when its successor arrives (late, or twice), never long after; this bounds the
 * memory a chain costs whatever the length of the trail.
 */
export class HashWindow {
  private _capacity: number;
  /** The seq in each slot: 0 for none, -seq for a record seen without a valid hash. */
  private _seqs: Float64Array;
  private _hashes: Buffer;

  constructor(private readonly _maxCapacity: number) {
    this._capacity = Math.min(INITIAL_CAPACITY, _maxCapacity);
    this._seqs = new Float64Array(this._capacity);
    this._hashes = Buffer.alloc(this._capacity * HASH_BYTES);
  }

  /** The hash of `seq`: lower-case hex, "" when that record had no valid hash, undefined when not (or no longer) here. */
  get(seq: number): string | undefined {
    const slot = seq % this._capacity;
    const stored = this._seqs[slot]!;
    if (stored === seq) return this._hashes.toString("hex", slot * HASH_BYTES, (slot + 1) * HASH_BYTES);
    if (stored === -seq) return "";
    return undefined;
  }

  /** Keeps `hash` (64 lower-case hex digits, or "" for a record without a valid hash) for `seq`. */
  set(seq: number, hash: string): void {
    let slot = seq % this._capacity;
    const other = Math.abs(this._seqs[slot]!);
    if (other !== 0 && other !== seq && this._capacity < this._maxCapacity && Math.abs(other - seq) < this._maxCapacity) {
      let capacity = this._capacity;
      while (capacity <= Math.abs(other - seq) && capacity < this._maxCapacity) capacity = Math.min(capacity * 2, this._maxCapacity);
      this._resize(capacity);
      slot = seq % this._capacity;
    }
    this._seqs[slot] = hash === "" ? -seq : seq;
    if (hash !== "") this._hashes.write(hash, slot * HASH_BYTES, HASH_BYTES, "hex");
  }

  private _resize(capacity: number): void {
    const seqs = new Float64Array(capacity);
    const hashes = Buffer.alloc(capacity * HASH_BYTES);
    for (let slot = 0; slot < this._capacity; slot++) {
      const stored = this._seqs[slot]!;
      if (stored === 0) continue;
      const target = Math.abs(stored) % capacity;
      if (Math.abs(seqs[target]!) > Math.abs(stored)) continue; // keep the more recent of two colliding records
      seqs[target] = stored;
      this._hashes.copy(hashes, target * HASH_BYTES, slot * HASH_BYTES, (slot + 1) * HASH_BYTES);
    }
    this._capacity = capacity;
    this._seqs = seqs;
    this._hashes = hashes;
  }
}
