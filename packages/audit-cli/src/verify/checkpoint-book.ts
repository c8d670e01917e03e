// SPDX-License-Identifier: Apache-2.0
import { AUDIT_CHECKPOINT_KIND_SEAL } from "@langchain-otel/instrumentation/semconv";
import { checkpointSignatureValid, type SignedCheckpoint, type VerifyKey } from "@langchain-otel/node/integrity";
import { formatLocation, type Location } from "../trail/reader.js";
import { count, seqRange } from "../format/text.js";
import { chainKey, type ChainRef, type Findings } from "./findings.js";

/** Where a checkpoint was read. */
export type CheckpointSource = "trail" | "anchor";

type SignatureStatus = "valid" | "bad" | "unknown-key" | "unchecked";
type HeadStatus = "ok" | "mismatch" | "waiting" | "unverified";

interface Entry {
  readonly checkpoint: SignedCheckpoint;
  readonly at: Location;
  readonly signature: SignatureStatus;
  head: HeadStatus;
  inTrail: boolean;
  inAnchor: boolean;
  /** The checkpoint record itself, when read from the trail: its logs chain and seq there. */
  record: { readonly chain: ChainRef; readonly seq: number } | undefined;
}

interface ChainCheckpoints {
  readonly ref: ChainRef;
  readonly entries: Map<number, Entry>;
  /** Entries whose head record has not been read yet, by its seq. */
  readonly waiting: Map<number, Entry[]>;
}

/** What a chain's checkpoints establish, once everything is read. */
export interface ChainSigning {
  /** Checkpoints of the chain read (trail and anchor, each once). */
  readonly checkpoints: number;
  /** Last seq covered by the unbroken run of valid checkpoints from the first; 0 when none. */
  readonly signedThrough: number;
  readonly sealed: boolean;
  /** Keys (IDs) whose valid signatures cover the chain. */
  readonly keyIds: string[];
  /** Highest seq the chain's checkpoints say it reached (records up to it must be there), and which one says so. */
  readonly claimedLast: number;
  readonly claimedAt: Location | undefined;
}

/**
 * How a record's hash is known to the verifier: `undefined` when no record of that seq was read (yet), `null`
 * when it was read but its hash has left the verification window, "" when it had no valid hash.
 */
export type HashLookup = (chain: ChainRef, seq: number) => string | null | undefined;

/** What {@link CheckpointBook.finish} needs to know about a chain's records. */
export interface ChainRecords {
  readonly records: number;
  /** Records with a seq above `seq`. */
  countAbove(seq: number): number;
  /** The last seq read, if any. */
  readonly lastSeq: number | undefined;
  /** Where its first record was read (what a finding about the whole chain points at). */
  readonly firstAt: Location | undefined;
}

const NO_SIGNING: ChainSigning = { checkpoints: 0, signedThrough: 0, sealed: false, keyIds: [], claimedLast: 0, claimedAt: undefined };

/**
 * The checkpoints of every chain, read from the trail (checkpoint log records) and from anchors (a SIEM's copy):
 * checks each signature as it arrives (against the trusted keys, when given) and each head against the record it
 * names, and at the end walks each chain's checkpoints from the first: the unbroken run of valid ones says up to
 * which seq the chain is signed, and whether it was sealed. Holds one entry per checkpoint (one per 1,000
 * records by default), so memory grows by a few hundred bytes per thousand records.
 */
export class CheckpointBook {
  private readonly _chains = new Map<string, ChainCheckpoints>();
  private readonly _keys: ReadonlyMap<string, VerifyKey> | undefined;
  private _anchored = false;

  /**
   * @param keys the trusted public keys; `undefined` verifies without keys (signatures not checked, nothing has to
   *   be signed: only the checkpoints' structure is checked).
   */
  constructor(
    keys: readonly VerifyKey[] | undefined,
    private readonly _findings: Findings,
    private readonly _hashOf: HashLookup,
  ) {
    this._keys = keys === undefined ? undefined : new Map(keys.map((k) => [k.keyId, k]));
  }

  /** Whether signatures are checked (trusted keys were given). */
  get signed(): boolean {
    return this._keys !== undefined;
  }

  /** Every chain a checkpoint was read for. */
  chains(): ChainRef[] {
    return [...this._chains.values()].map((c) => c.ref);
  }

  /** A checkpoint read at `at`; `record` is the checkpoint record's own place in its logs chain (trail only). */
  add(checkpoint: SignedCheckpoint, at: Location, source: CheckpointSource, record?: { chain: ChainRef; seq: number }): void {
    if (source === "anchor") this._anchored = true;
    const f = checkpoint.fields;
    const ref: ChainRef = { instance: f.instance, chain: f.chain, signal: f.signal };
    const chain = this._chain(ref);
    const known = chain.entries.get(f.index);
    if (known !== undefined && known.checkpoint.signature === checkpoint.signature && sameFields(known.checkpoint, checkpoint)) {
      // The same checkpoint again: a repeated delivery, or the anchor's copy of the trail's.
      if (source === "trail") known.inTrail = true;
      else known.inAnchor = true;
      known.record ??= record;
      return;
    }
    const entry: Entry = { checkpoint, at, signature: this._signature(checkpoint, ref, at), head: "waiting", inTrail: source === "trail", inAnchor: source === "anchor", record };
    if (known !== undefined) {
      this._findings.add({
        code: "checkpoint-conflict",
        message: `checkpoint ${f.index} of this chain is also at ${formatLocation(known.at)} with other contents: one of them was forged or altered`,
        at,
        chain: ref,
      });
      // Keep the one that verifies; the record in the trail stays the one at that checkpoint's place.
      if (!(entry.signature === "valid" && known.signature !== "valid")) {
        known.record ??= record;
        return;
      }
    }
    chain.entries.set(f.index, entry);
    this._checkHead(chain, entry);
  }

  /** A record of `chain` was read with a valid stamp: settles the checkpoints waiting for it as their head. */
  recordStamped(chain: ChainRef, seq: number, hash: string): void {
    if (this._chains.size === 0) return;
    const state = this._chains.get(chainKey(chain));
    const waiting = state?.waiting.get(seq);
    if (waiting === undefined) return;
    state!.waiting.delete(seq);
    for (const entry of waiting) entry.head = entry.checkpoint.fields.head === hash ? "ok" : "mismatch";
  }

  /**
   * Walks the checkpoints of `ref` once every file is read, reports what breaks them, and says how far the chain
   * is signed. `records` describes the chain's records (none: a chain known from its checkpoints only).
   */
  finish(ref: ChainRef, records: ChainRecords): ChainSigning {
    const chain = this._chains.get(chainKey(ref));
    const entries = chain === undefined ? [] : [...chain.entries.values()].sort((a, b) => a.checkpoint.fields.index - b.checkpoint.fields.index);
    const trustedEntries = entries.filter((e) => e.signature === "valid" || e.signature === "unchecked");
    const claiming = trustedEntries.reduce<Entry | undefined>((best, e) => (best === undefined || e.checkpoint.fields.last > best.checkpoint.fields.last ? e : best), undefined);
    const claimedLast = claiming?.checkpoint.fields.last ?? 0;
    if (entries.length === 0) {
      if (this.signed && records.records > 0) {
        this._findings.add({
          code: "untrusted-chain",
          message: `no checkpoint covers this chain (${count(records.records, "record")}): it was not signed, or its checkpoints were removed (a forged chain looks like this)`,
          at: records.firstAt,
          chain: ref,
          count: records.records,
        });
      }
      return { ...NO_SIGNING };
    }

    let signedThrough = 0;
    let prevSignature = "";
    let expected = 1;
    let seal: Entry | undefined;
    let lastValid: Entry | undefined;
    // The walk stops at the first checkpoint that does not hold; what broke it is the finding to act on.
    let broken = false;
    const keyIds = new Set<string>();
    for (const entry of entries) {
      broken = true;
      const f = entry.checkpoint.fields;
      const where = { at: entry.at, chain: ref };
      if (f.index !== expected) {
        this._findings.add({
          ...where,
          code: "checkpoint-missing",
          message: `${f.index - expected === 1 ? `checkpoint ${expected} is` : `checkpoints ${expected}..${f.index - 1} are`} missing before checkpoint ${f.index}: removed from the trail`,
          count: f.index - expected,
        });
        break;
      }
      if (f.first !== signedThrough + 1) {
        this._findings.add({ ...where, code: "checkpoint-chain", message: `checkpoint ${f.index} covers seq ${f.first}..${f.last}, but checkpoint ${f.index - 1} ended at seq ${signedThrough}` });
        break;
      }
      if (f.prev !== prevSignature) {
        this._findings.add({ ...where, code: "checkpoint-chain", message: `checkpoint ${f.index} does not name checkpoint ${f.index - 1}'s signature: a checkpoint was replaced` });
        break;
      }
      if (entry.signature === "bad" || entry.signature === "unknown-key") break; // reported when read
      if (entry.head === "mismatch") {
        this._findings.add({
          ...where,
          code: "checkpoint-head",
          seq: f.last,
          message: `checkpoint ${f.index} signs audit.hash ${f.head.slice(0, 16)}… for seq ${f.last}, the trail's record there has another: records up to seq ${f.last} were rewritten`,
        });
        break;
      }
      if (entry.head === "unverified") {
        this._findings.add({ ...where, code: "unverified", seq: f.last, message: `checkpoint ${f.index}'s head record (seq ${f.last}) left the verification window before the checkpoint was read (--window)` });
        break;
      }
      // A head still waiting is a record missing from the trail: reported as a gap, which is the finding to act on.
      broken = false;
      signedThrough = f.last;
      lastValid = entry;
      prevSignature = entry.checkpoint.signature;
      expected++;
      if (entry.signature === "valid") keyIds.add(f.keyId);
      if (f.kind === AUDIT_CHECKPOINT_KIND_SEAL) {
        seal = entry;
        break;
      }
    }
    const afterSeal = seal === undefined ? [] : entries.filter((e) => e.checkpoint.fields.index > seal.checkpoint.fields.index);
    if (afterSeal.length > 0) {
      this._findings.add({ at: afterSeal[0]!.at, chain: ref, code: "checkpoint-chain", message: `${count(afterSeal.length, "checkpoint")} after the seal (checkpoint ${seal!.checkpoint.fields.index})` });
    }
    if (this.signed && !entries.some((e) => e.signature === "valid") && records.records > 0) {
      const ids = [...new Set(entries.map((e) => e.checkpoint.fields.keyId))].join(", ");
      this._findings.add({
        code: "untrusted-chain",
        message: `no checkpoint of this chain is validly signed by a trusted key (signed by: ${ids}): ${count(records.records, "record")} not covered`,
        at: entries[0]!.at,
        chain: ref,
        count: records.records,
      });
    } else if (!broken) {
      this._tail(ref, records, signedThrough, seal, lastValid, entries);
    }
    if (this._anchored) this._anchorFindings(ref, entries);
    return { checkpoints: entries.length, signedThrough, sealed: seal !== undefined, keyIds: [...keyIds].sort(), claimedLast, claimedAt: claiming?.at };
  }

  /** Records past the last valid checkpoint: after the seal (always reported), or an unsealed tail (with keys). */
  private _tail(ref: ChainRef, records: ChainRecords, signedThrough: number, seal: Entry | undefined, lastValid: Entry | undefined, entries: Entry[]): void {
    // A logs chain's own last valid checkpoint follows the records it covers (the seal is its last record): its
    // signature vouches for it.
    const own = lastValid?.record;
    const ownTail = own !== undefined && chainKey(own.chain) === chainKey(ref) && own.seq === signedThrough + 1 ? 1 : 0;
    const tail = records.countAbove(signedThrough) - ownTail;
    const last = records.lastSeq ?? signedThrough;
    if (seal !== undefined) {
      if (tail > 0) {
        this._findings.add({
          code: "after-seal",
          message: `${count(tail, "record")} after the seal (seq ${seqRange(signedThrough + 1 + ownTail, last)}): appended after the process sealed its chain`,
          at: seal.at,
          chain: ref,
          seq: signedThrough,
          count: tail,
        });
      }
      return;
    }
    if (!this.signed) return;
    this._findings.add({
      code: "unsealed",
      message:
        tail > 0
          ? `unsealed tail after seq ${signedThrough}: process killed or trail cut (${count(tail, "record")} not covered by a checkpoint)`
          : `unsealed after seq ${signedThrough}: the chain has no seal (process killed, or its seal was cut from the trail)`,
      at: entries.at(-1)?.at,
      chain: ref,
      seq: signedThrough,
      count: tail,
    });
  }

  private _anchorFindings(ref: ChainRef, entries: Entry[]): void {
    for (const entry of entries) {
      const f = entry.checkpoint.fields;
      if (!entry.inTrail) {
        this._findings.add({
          code: "anchor-only",
          message: `checkpoint ${f.index} (seq ${seqRange(f.first, f.last)}) is in the anchor but not in the trail: removed from the trail`,
          at: entry.at,
          chain: ref,
        });
      } else if (!entry.inAnchor) {
        this._findings.add({
          code: "not-anchored",
          message: `checkpoint ${f.index} (seq ${seqRange(f.first, f.last)}) is not in the anchor: not delivered to it yet, or the anchor was cut`,
          at: entry.at,
          chain: ref,
        });
      }
    }
  }

  private _chain(ref: ChainRef): ChainCheckpoints {
    const key = chainKey(ref);
    let chain = this._chains.get(key);
    if (chain === undefined) this._chains.set(key, (chain = { ref, entries: new Map(), waiting: new Map() }));
    return chain;
  }

  private _signature(checkpoint: SignedCheckpoint, ref: ChainRef, at: Location): SignatureStatus {
    if (this._keys === undefined) return "unchecked";
    const f = checkpoint.fields;
    const key = this._keys.get(f.keyId);
    if (key === undefined) {
      this._findings.add({ code: "unknown-key", message: `checkpoint ${f.index} is signed by key ${f.keyId}, which is not a trusted key (--public-key)`, at, chain: ref });
      return "unknown-key";
    }
    if (checkpointSignatureValid(checkpoint, key)) return "valid";
    this._findings.add({ code: "bad-signature", message: `checkpoint ${f.index}'s signature does not verify with key ${f.keyId}: forged or altered`, at, chain: ref });
    return "bad";
  }

  private _checkHead(chain: ChainCheckpoints, entry: Entry): void {
    const { last, head } = entry.checkpoint.fields;
    if (last === 0) {
      entry.head = "ok";
      return;
    }
    const hash = this._hashOf(chain.ref, last);
    if (hash === undefined) {
      const waiting = chain.waiting.get(last);
      if (waiting === undefined) chain.waiting.set(last, [entry]);
      else waiting.push(entry);
    } else if (hash === null) entry.head = "unverified";
    else entry.head = hash === head ? "ok" : "mismatch";
  }
}

function sameFields(a: SignedCheckpoint, b: SignedCheckpoint): boolean {
  const x = a.fields;
  const y = b.fields;
  return (
    x.instance === y.instance &&
    x.chain === y.chain &&
    x.signal === y.signal &&
    x.index === y.index &&
    x.first === y.first &&
    x.last === y.last &&
    x.head === y.head &&
    x.prev === y.prev &&
    x.kind === y.kind &&
    x.keyId === y.keyId &&
    x.time === y.time
  );
}
