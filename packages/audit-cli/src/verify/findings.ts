// SPDX-License-Identifier: Apache-2.0
import type { AuditSignal } from "@langchain-otel/node/integrity";
import type { Location } from "../trail/reader.js";

/**
 * What the verifier can find wrong, one code each (stable: scripts may match on them). The README of this
 * package explains each one and what to do about it.
 */
export const FINDING_KINDS = {
  "hash-mismatch": ["hash mismatch", "hash mismatches"],
  gap: ["gap", "gaps"],
  unverified: ["record not verified", "records not verified"],
  malformed: ["malformed line", "malformed lines"],
  "unmatched-start": ["unmatched run start", "unmatched run starts"],
  unstamped: ["unstamped record", "unstamped records"],
  "empty-trail": ["empty trail", "empty trails"],
  "checkpoint-invalid": ["malformed checkpoint", "malformed checkpoints"],
  "bad-signature": ["bad checkpoint signature", "bad checkpoint signatures"],
  "unknown-key": ["checkpoint signed by an unknown key", "checkpoints signed by an unknown key"],
  "checkpoint-conflict": ["conflicting checkpoint", "conflicting checkpoints"],
  "checkpoint-missing": ["missing checkpoint", "missing checkpoints"],
  "checkpoint-chain": ["broken checkpoint chain", "broken checkpoint chains"],
  "checkpoint-head": ["checkpoint head mismatch", "checkpoint head mismatches"],
  "untrusted-chain": ["chain signed by no trusted key", "chains signed by no trusted key"],
  unsealed: ["unsealed chain", "unsealed chains"],
  "after-seal": ["chain with records after its seal", "chains with records after their seal"],
  "missing-signal": ["missing signal file", "missing signal files"],
  "anchor-only": ["checkpoint missing from the trail", "checkpoints missing from the trail"],
  "not-anchored": ["checkpoint not in the anchor", "checkpoints not in the anchor"],
  "recorded-loss": ["recorded loss", "recorded losses"],
} as const;

/** A finding's code. */
export type FindingCode = keyof typeof FINDING_KINDS;

/** The chain a finding is about. */
export interface ChainRef {
  readonly instance: string;
  /** `audit.chain` ("" for records without one). */
  readonly chain: string;
  readonly signal: AuditSignal;
}

/** One problem the verifier found, where it is, and what it means. */
export interface Finding {
  readonly code: FindingCode;
  /** A sentence for people: what is wrong, and what it probably means. */
  readonly message: string;
  /** Where: the record (or checkpoint, or anchor line) it is about; for a gap, the first record after it. */
  readonly file: string | null;
  readonly line: number | null;
  readonly instance: string | null;
  readonly chain: string | null;
  readonly signal: AuditSignal | null;
  readonly seq: number | null;
  /** How many records it concerns (a gap's size, an unsealed tail's length); 1 for a single record. */
  readonly count: number;
}

/** The key of a chain in maps. */
export function chainKey(ref: ChainRef): string {
  return `${ref.instance}\u0000${ref.chain}\u0000${ref.signal}`;
}

/** What {@link Findings.add} takes: a finding without its nulls filled in. */
export interface FindingInput {
  readonly code: FindingCode;
  readonly message: string;
  readonly at?: Location | undefined;
  readonly chain?: ChainRef | undefined;
  readonly seq?: number | undefined;
  readonly count?: number;
}

/**
 * Every finding of a run, counted by code and by chain; the first `limit` are kept (with file and line) for
 * the report, so memory stays bounded whatever the trail holds.
 */
export class Findings {
  readonly list: Finding[] = [];
  private readonly _byCode = new Map<FindingCode, number>();
  private readonly _byChain = new Map<string, number>();
  private _total = 0;

  constructor(private readonly _limit: number) {}

  add(input: FindingInput): void {
    this._total++;
    this._byCode.set(input.code, (this._byCode.get(input.code) ?? 0) + 1);
    if (input.chain !== undefined) {
      const key = chainKey(input.chain);
      this._byChain.set(key, (this._byChain.get(key) ?? 0) + 1);
    }
    if (this.list.length >= this._limit) return;
    this.list.push({
      code: input.code,
      message: input.message,
      file: input.at?.file ?? null,
      line: input.at?.line ?? null,
      instance: input.chain?.instance ?? null,
      chain: input.chain?.chain ?? null,
      signal: input.chain?.signal ?? null,
      seq: input.seq ?? null,
      count: input.count ?? 1,
    });
  }

  get total(): number {
    return this._total;
  }

  /** How many findings of each code (codes with none left out). */
  counts(): Partial<Record<FindingCode, number>> {
    return Object.fromEntries(this._byCode) as Partial<Record<FindingCode, number>>;
  }

  /** How many findings concern the chain. */
  ofChain(ref: ChainRef): number {
    return this._byChain.get(chainKey(ref)) ?? 0;
  }
}
