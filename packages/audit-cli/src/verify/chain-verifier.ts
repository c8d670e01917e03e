// SPDX-License-Identifier: Apache-2.0
import {
  GENESIS_HASH,
  canonicalJson,
  canonicalLogRecordFromOtlpJson,
  canonicalSpanFromOtlpJson,
  chainHash,
  type AuditSignal,
} from "@langchain-otel/node/integrity";
import type { Location, TrailItem } from "../trail/reader.js";
import { SeqSet, type SeqRange } from "../trail/seq-set.js";
import { auditChainOf, auditFieldsOf } from "./audit-fields.js";
import { chainKey, type ChainRef, type Findings } from "./findings.js";
import { HashWindow } from "./hash-window.js";

/** How much the verifier may hold for records that arrive late or twice. */
export interface VerifierLimits {
  /** Hashes kept per chain (40 bytes each) to check successors and repeats that arrive later. */
  readonly windowRecords: number;
  /** Records waiting, across all chains, for their predecessor's hash (arrived early). */
  readonly pendingRecords: number;
  /** Bytes of canonical JSON those waiting records may hold, across all chains. */
  readonly pendingBytes: number;
}

/** Up to this many problems of a kind are listed per chain; all are counted. */
const LISTED = 10;

/** A record the verifier found wrong, or could not check. */
export interface RecordProblem {
  readonly file: string;
  readonly line: number;
  readonly seq: number | null;
  readonly reason: string;
}

/** The verdict on one chain. */
export interface ChainReport {
  readonly instance: string;
  /** `audit.chain` of its records ("" when they carry none). */
  readonly chain: string;
  readonly signal: AuditSignal;
  /** Distinct stamped records (repeats not counted). */
  readonly records: number;
  /** At-least-once repeats: same seq, same hash, same content. */
  readonly duplicates: number;
  /** Records of this instance and signal without audit.seq and audit.hash. */
  readonly unstamped: number;
  readonly firstSeq: number | null;
  readonly lastSeq: number | null;
  readonly gaps: SeqRange[];
  readonly hashMismatches: number;
  /** The first {@link LISTED} mismatches, in reading order. */
  readonly mismatches: RecordProblem[];
  /** Records whose link could not be checked: their predecessor's hash had left the window. */
  readonly unverified: number;
  readonly unverifiedRecords: RecordProblem[];
}

interface Pending {
  readonly chain: ChainState;
  readonly seq: number;
  readonly hash: string;
  readonly canonical: string;
  readonly location: Location;
}

/** Everything known about one chain while reading; {@link ChainVerifier.chains} hands them out at the end. */
export class ChainState implements ChainRef {
  readonly seen = new SeqSet<Location>();
  readonly hashes: HashWindow;
  readonly pending = new Map<number, Pending>();
  /** Seqs of waiting records dropped for room; their link is checked never. */
  readonly evicted = new Set<number>();
  records = 0;
  duplicates = 0;
  unstamped = 0;
  hashMismatches = 0;
  readonly mismatches: RecordProblem[] = [];
  unverified = 0;
  readonly unverifiedRecords: RecordProblem[] = [];

  constructor(
    readonly instance: string,
    readonly chain: string,
    readonly signal: AuditSignal,
    windowRecords: number,
  ) {
    this.hashes = new HashWindow(windowRecords);
  }
}

/** Told of every record the first time its seq is seen with a valid stamp: what checkpoint heads are checked against. */
export type StampListener = (chain: ChainRef, seq: number, hash: string, location: Location) => void;

function problem(location: Location, seq: number | undefined, reason: string): RecordProblem {
  return { file: location.file, line: location.line, seq: seq ?? null, reason };
}

/**
 * Verifies the audit chains of a trail one record at a time, in any arrival order, holding per chain only the
 * seqs seen (as ranges), a bounded window of recent hashes, and the few records that arrived before their
 * predecessor. See `packages/node/src/integrity/README.md` for what is verified.
 */
export class ChainVerifier {
  private readonly _chains = new Map<string, ChainState>();
  /** Waiting records of every chain, oldest first, for eviction when over the limits. */
  private readonly _pending = new Set<Pending>();
  private _pendingBytes = 0;

  constructor(
    private readonly _limits: VerifierLimits,
    private readonly _findings: Findings,
    private readonly _onStamp: StampListener = () => {},
  ) {}

  /**
   * Checks one record. Returns false for a repeat of a record already seen (so callers count it once).
   *
   * @throws {OtlpJsonShapeError} for a record that has no canonical form (a field of the wrong type).
   */
  add(item: TrailItem): boolean {
    const attributes = item.signal === "traces" ? item.span.attributes : item.record.attributes;
    const fields = auditFieldsOf(attributes);
    const chainId = auditChainOf(attributes);
    if (fields.kind === "none") {
      const chain = this._chain(item.instance, chainId, item.signal);
      chain.unstamped++;
      this._findings.add({
        code: "unstamped",
        message: "a record without audit.seq and audit.hash: it belongs to no chain (injected, or written by a process without the integrity processors)",
        at: item.location,
        chain,
      });
      return true;
    }
    // Before any state changes: a record that cannot be canonicalized is malformed, not part of the chain.
    const context = item.canonicalContext();
    const canonical = canonicalJson(item.signal === "traces" ? canonicalSpanFromOtlpJson(item.span, context) : canonicalLogRecordFromOtlpJson(item.record, context));
    const chain = this._chain(item.instance, chainId, item.signal);
    const location = item.location;

    if (fields.kind === "invalid") {
      if (fields.seq !== undefined && chain.seen.has(fields.seq)) {
        this._mismatch(chain, location, fields.seq, fields.reason);
        return false;
      }
      this._mismatch(chain, location, fields.seq, fields.reason);
      if (fields.seq !== undefined) {
        chain.seen.add(fields.seq, location);
        chain.records++;
        chain.hashes.set(fields.seq, "");
        // The successor's link cannot be checked against no hash; the problem is reported here.
        this._dropPending(chain, fields.seq + 1);
      }
      return true;
    }

    const { seq, hash } = fields;
    if (chain.seen.has(seq)) return this._repeat(chain, seq, hash, canonical, location);

    chain.seen.add(seq, location);
    chain.records++;
    this._onStamp(chain, seq, hash, location);
    // Read the predecessor before storing this hash, which may take its slot.
    const prev = seq === 1 ? GENESIS_HASH : chain.hashes.get(seq - 1);
    chain.hashes.set(seq, hash);
    if (prev === "") {
      // Predecessor had no valid hash: already reported there.
    } else if (prev !== undefined) {
      this._link(chain, prev, seq, hash, canonical, location);
    } else if (chain.seen.has(seq - 1)) {
      this._unverified(chain, location, seq, "its predecessor's hash is outside the verification window (--window)");
    } else {
      this._wait({ chain, seq, hash, canonical, location });
    }

    const successor = chain.pending.get(seq + 1);
    if (successor !== undefined) {
      this._dropPending(chain, seq + 1);
      this._link(chain, hash, successor.seq, successor.hash, successor.canonical, successor.location);
    } else if (chain.evicted.delete(seq + 1)) {
      this._unverified(chain, location, seq + 1, "it arrived too long before its predecessor (reorder limit)");
    }
    return true;
  }

  /** The chain's state, creating it (empty) if no record of it was read: a chain known from checkpoints only. */
  chain(ref: ChainRef): ChainState {
    return this._chain(ref.instance, ref.chain, ref.signal);
  }

  /** The chain's state if a record of it was read. */
  existing(ref: ChainRef): ChainState | undefined {
    return this._chains.get(chainKey(ref));
  }

  /** Every chain, by instance and chain, traces before logs. */
  chains(): ChainState[] {
    const order = (c: ChainState) => (c.signal === "traces" ? 0 : 1);
    const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    return [...this._chains.values()].sort((a, b) => compare(a.instance, b.instance) || compare(a.chain, b.chain) || order(a) - order(b));
  }

  /** The verdict on every chain (see {@link chains} for the order). Records still waiting are after a gap. */
  reports(): ChainReport[] {
    return this.chains().map((c) => ({
        instance: c.instance,
        chain: c.chain,
        signal: c.signal,
        records: c.records,
        duplicates: c.duplicates,
        unstamped: c.unstamped,
        firstSeq: c.seen.min ?? null,
        lastSeq: c.seen.max ?? null,
        gaps: c.seen.gaps(),
        hashMismatches: c.hashMismatches,
        mismatches: c.mismatches,
        unverified: c.unverified,
        unverifiedRecords: c.unverifiedRecords,
      }));
  }

  private _chain(instance: string, chainId: string, signal: AuditSignal): ChainState {
    const key = chainKey({ instance, chain: chainId, signal });
    let chain = this._chains.get(key);
    if (chain === undefined) this._chains.set(key, (chain = new ChainState(instance, chainId, signal, this._limits.windowRecords)));
    return chain;
  }

  private _repeat(chain: ChainState, seq: number, hash: string, canonical: string, location: Location): boolean {
    const waiting = chain.pending.get(seq);
    const stored = chain.hashes.get(seq);
    if (stored === undefined) {
      this._unverified(chain, location, seq, "a repeat of a record outside the verification window (--window)");
    } else if (stored !== hash) {
      this._mismatch(chain, location, seq, `audit.seq ${seq} seen before with another audit.hash`);
    } else if (waiting !== undefined) {
      // Both deliveries wait for the same predecessor: they must be the same record.
      if (waiting.canonical === canonical) chain.duplicates++;
      else this._mismatch(chain, location, seq, "audit.hash does not verify");
    } else {
      const prev = seq === 1 ? GENESIS_HASH : chain.hashes.get(seq - 1);
      if (prev === undefined || prev === "") {
        if (prev === undefined) this._unverified(chain, location, seq, "a repeat whose predecessor's hash is outside the verification window (--window)");
      } else if (chainHash(prev, canonical) === hash) chain.duplicates++;
      else this._mismatch(chain, location, seq, "audit.hash does not verify");
    }
    return false;
  }

  private _link(chain: ChainState, prev: string, seq: number, hash: string, canonical: string, location: Location): void {
    if (chainHash(prev, canonical) !== hash) this._mismatch(chain, location, seq, "audit.hash does not verify");
  }

  private _mismatch(chain: ChainState, location: Location, seq: number | undefined, reason: string): void {
    chain.hashMismatches++;
    if (chain.mismatches.length < LISTED) chain.mismatches.push(problem(location, seq, reason));
    this._findings.add({ code: "hash-mismatch", message: reason, at: location, chain, seq });
  }

  private _unverified(chain: ChainState, location: Location, seq: number, reason: string): void {
    chain.unverified++;
    if (chain.unverifiedRecords.length < LISTED) chain.unverifiedRecords.push(problem(location, seq, reason));
    this._findings.add({ code: "unverified", message: reason, at: location, chain, seq });
  }

  private _wait(entry: Pending): void {
    entry.chain.pending.set(entry.seq, entry);
    this._pending.add(entry);
    this._pendingBytes += entry.canonical.length;
    while (this._pending.size > this._limits.pendingRecords || this._pendingBytes > this._limits.pendingBytes) {
      const oldest = this._pending.values().next().value!;
      this._dropPending(oldest.chain, oldest.seq);
      oldest.chain.evicted.add(oldest.seq);
    }
  }

  private _dropPending(chain: ChainState, seq: number): void {
    const entry = chain.pending.get(seq);
    if (entry === undefined) return;
    chain.pending.delete(seq);
    this._pending.delete(entry);
    this._pendingBytes -= entry.canonical.length;
  }
}
