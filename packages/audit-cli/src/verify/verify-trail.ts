// SPDX-License-Identifier: Apache-2.0
import { EVENT_AUDIT_CHECKPOINT } from "@langchain-otel/instrumentation/semconv";
import { checkpointFromAttributes, type AuditSignal, type VerifyKey } from "@langchain-otel/node/integrity";
import { readAnchor } from "../anchor/anchor-reader.js";
import { count, seqRange } from "../format/text.js";
import { auditEventOf } from "../trail/audit-event.js";
import type { TrailFile } from "../trail/paths.js";
import type { Progress } from "../trail/progress.js";
import { readTrail, type LogItem, type TrailItem } from "../trail/reader.js";
import type { SeqRange } from "../trail/seq-set.js";
import { attributeMap } from "../trail/values.js";
import { auditChainOf, auditFieldsOf } from "./audit-fields.js";
import { CheckpointBook, type ChainSigning } from "./checkpoint-book.js";
import { ChainVerifier, type ChainReport, type ChainState } from "./chain-verifier.js";
import { chainKey, Findings, type ChainRef, type Finding, type FindingCode } from "./findings.js";
import { OpenRuns, type UnmatchedStart } from "./open-runs.js";
import { recordedLossOf, type RecordedLoss } from "./recorded-losses.js";

/** Malformed lines listed in a report; all are counted. */
export const MAX_MALFORMED_LISTED = 1000;
/** Findings listed in a report by default; all are counted. */
export const DEFAULT_MAX_FINDINGS = 10_000;

/** A line, or a record in it, that is not what an audit file holds. */
export interface MalformedEntry {
  readonly file: string;
  readonly line: number;
  readonly reason: string;
}

/** The verdict on one chain, with what its checkpoints establish. */
export interface VerifiedChain extends ChainReport {
  /** Checkpoints of this chain read (in the trail and the anchors, each once). */
  readonly checkpoints: number;
  /** Last seq covered by valid checkpoints from the first on; null when none. */
  readonly signedThrough: number | null;
  /** Whether the chain's last valid checkpoint is its seal (the process ended cleanly or sealed on a crash). */
  readonly sealed: boolean;
  /** Trusted keys whose signatures cover the chain. */
  readonly keyIds: string[];
  /** Findings about this chain. */
  readonly findings: number;
  readonly ok: boolean;
}

/** One instance (`service.instance.id`): its chains and whether all are clean. */
export interface InstanceSummary {
  readonly instance: string;
  readonly chains: number;
  readonly records: number;
  readonly sealedChains: number;
  readonly findings: number;
  readonly ok: boolean;
}

/** The whole verdict on a trail: what `verify --json` prints, and what the HTML report's banner shows. */
export interface VerifyReport {
  readonly ok: boolean;
  readonly files: number;
  readonly lines: number;
  readonly bytes: number;
  readonly chains: VerifiedChain[];
  readonly instances: InstanceSummary[];
  /** How far the verdict goes: with trusted keys every record must be signed; without, hashes only. */
  readonly integrity: {
    readonly signed: boolean;
    readonly keyIds: string[];
    readonly anchors: string[];
    readonly anchorCheckpoints: number;
    /** Checkpoint records read in the trail. */
    readonly checkpoints: number;
    /** Said when no key was given: what the verdict does not prove. */
    readonly note: string | null;
  };
  /** The first findings (every kind, each with file:line where there is one), in the order found. */
  readonly findings: Finding[];
  /** All findings, listed or not. */
  readonly findingsTotal: number;
  readonly findingCounts: Partial<Record<FindingCode, number>>;
  readonly malformedLines: number;
  /** The first {@link MAX_MALFORMED_LISTED}. */
  readonly malformed: MalformedEntry[];
  readonly unmatchedStarts: UnmatchedStart[];
  readonly endsWithoutStart: number;
  /** What the writing processes recorded as lost (`langchain.audit.loss` records; the first {@link MAX_MALFORMED_LISTED}). */
  readonly losses: RecordedLoss[];
  /** Last lines cut off mid-write (no line feed, not JSON): skipped with a warning, not counted as malformed. */
  readonly tornLastLines: MalformedEntry[];
  readonly problems: {
    readonly gaps: number;
    readonly hashMismatches: number;
    readonly unverified: number;
    readonly malformedLines: number;
    readonly unmatchedStarts: number;
    /** Spans and records the loss records say were lost. */
    readonly recordedLosses: number;
  };
}

/** How {@link verifyTrail} reads. */
export interface VerifyOptions {
  /**
   * Hashes kept per chain to check late and repeated records.
   * @default 131072
   */
  readonly windowRecords?: number;
  /** Told the bytes read. */
  readonly progress?: Progress | undefined;
  /**
   * Trusted public keys: with them, every record must be covered by a checkpoint validly signed by one of them and
   * every chain must be sealed.
   * @default none: hashes and checkpoint structure are checked, no signature
   */
  readonly keys?: readonly VerifyKey[] | undefined;
  /**
   * Files holding checkpoints kept elsewhere (the SIEM's RFC 5424 file, or OTLP/JSON logs): each must be in the
   * trail, and the trail's must be in them.
   * @default []
   */
  readonly anchors?: readonly TrailFile[];
  /**
   * Findings listed in the report (all are counted).
   * @default 10000
   */
  readonly maxFindings?: number;
}

/** The sentence a verdict without keys carries. */
export const UNSIGNED_NOTE =
  "no public key given: the trail is tamper-evident only against accidental edits; anyone who can write these files can " +
  "rewrite them and recompute every hash. Verify with --public-key (or LANGCHAIN_OTEL_VERIFY_KEYS) to check the signed checkpoints.";

/**
 * Verifies the audit chains of the trail in `files` and returns the structured verdict (printing nothing): every
 * command that shows a verdict (`verify`, `report`, `serve`) goes through here, so they cannot disagree.
 */
export async function verifyTrail(files: readonly TrailFile[], options: VerifyOptions = {}): Promise<VerifyReport> {
  const findings = new Findings(options.maxFindings ?? DEFAULT_MAX_FINDINGS);
  let verifier: ChainVerifier | undefined;
  const book = new CheckpointBook(options.keys, findings, (chain, seq) => {
    const state = verifier!.existing(chain);
    if (state === undefined || !state.seen.has(seq)) return undefined;
    return state.hashes.get(seq) ?? null;
  });
  verifier = new ChainVerifier(
    { windowRecords: options.windowRecords ?? 131_072, pendingRecords: 10_000, pendingBytes: 64 * 1024 * 1024 },
    findings,
    (chain, seq, hash) => book.recordStamped(chain, seq, hash),
  );
  const runs = new OpenRuns();
  const malformed: MalformedEntry[] = [];
  const losses: RecordedLoss[] = [];
  const tornLastLines: MalformedEntry[] = [];
  let recordedLosses = 0;
  let malformedLines = 0;
  let trailCheckpoints = 0;
  let anchorCheckpoints = 0;
  const lastMalformed = { file: "", line: 0 };
  const onMalformed = (file: string, line: number, reason: string) => {
    // Counted by line; a line with several bad records lists each.
    if (lastMalformed.file !== file || lastMalformed.line !== line) malformedLines++;
    lastMalformed.file = file;
    lastMalformed.line = line;
    if (malformed.length < MAX_MALFORMED_LISTED) malformed.push({ file, line, reason });
    findings.add({ code: "malformed", message: reason, at: { file, line } });
  };

  for (const anchor of options.anchors ?? []) {
    anchorCheckpoints += await readAnchor(anchor, {
      checkpoint: (checkpoint, at) => book.add(checkpoint, at, "anchor"),
      malformed: (at, reason) => findings.add({ code: "checkpoint-invalid", message: `in the anchor: ${reason}`, at }),
    });
  }

  const onCheckpoint = (item: LogItem): void => {
    const attributes = attributeMap(item.record.attributes);
    if (auditEventOf(item, attributes) !== EVENT_AUDIT_CHECKPOINT) return;
    trailCheckpoints++;
    const parsed = checkpointFromAttributes((name) => attributes.get(name), item.instance);
    if ("error" in parsed) {
      findings.add({ code: "checkpoint-invalid", message: parsed.error, at: item.location });
      return;
    }
    const fields = auditFieldsOf(item.record.attributes);
    const own = fields.kind === "valid" ? { chain: { instance: item.instance, chain: auditChainOf(item.record.attributes), signal: "logs" as const }, seq: fields.seq } : undefined;
    book.add(parsed, item.location, "trail", own);
  };

  // A loss the process wrote into its own trail fails the verdict even where no gap shows (a lost tail).
  const onLoss = (loss: RecordedLoss): void => {
    recordedLosses += loss.count;
    if (losses.length < MAX_MALFORMED_LISTED) losses.push(loss);
    const seqs = loss.firstSeq === null ? "" : `, seq ${seqRange(loss.firstSeq, loss.lastSeq ?? loss.firstSeq)}`;
    findings.add({
      code: "recorded-loss",
      message: `lost by the writing process, never written: ${count(loss.count, loss.signal === "traces" ? "span" : "audit record")} (${loss.reason}${seqs})`,
      at: { file: loss.file, line: loss.line },
      chain: { instance: loss.instance, chain: loss.chain, signal: loss.signal },
      ...(loss.firstSeq === null ? {} : { seq: loss.firstSeq }),
      count: loss.count,
    });
  };

  const totals = await readTrail(
    files,
    {
      item(item: TrailItem) {
        const first = verifier.add(item);
        const loss = first ? recordedLossOf(item) : undefined;
        if (loss !== undefined) onLoss(loss);
        if (item.signal !== "logs") return;
        if (first) runs.add(item);
        onCheckpoint(item);
      },
      malformed: ({ location, reason }) => onMalformed(location.file, location.line, reason),
      torn: ({ file, line }) => {
        if (tornLastLines.length < MAX_MALFORMED_LISTED) tornLastLines.push({ file, line, reason: "a last line cut off mid-write" });
      },
    },
    { progress: options.progress },
  );

  const unmatchedStarts = runs.unmatchedStarts();
  for (const s of unmatchedStarts) {
    findings.add({ code: "unmatched-start", message: `run ${s.runId} has no end or error record`, at: { file: s.file, line: s.line } });
  }

  // Every chain: those with records, and those known only from checkpoints (their records are missing).
  for (const ref of book.chains()) verifier.chain(ref);
  const base = new Map(verifier.reports().map((r) => [chainKey(r), r]));
  const chains: VerifiedChain[] = [];
  for (const state of verifier.chains()) {
    const signing = book.finish(state, { records: state.records, lastSeq: state.seen.max, firstAt: state.seen.firstAt, countAbove: (seq) => state.seen.countAbove(seq) });
    const gaps = reportGaps(state, signing, findings);
    const report = base.get(chainKey(state))!;
    const chainFindings = findings.ofChain(state);
    chains.push({
      ...report,
      gaps,
      checkpoints: signing.checkpoints,
      signedThrough: signing.checkpoints === 0 ? null : signing.signedThrough,
      sealed: signing.sealed,
      keyIds: signing.keyIds,
      findings: chainFindings,
      ok: chainFindings === 0,
    });
  }
  if (chains.length === 0) findings.add({ code: "empty-trail", message: "no records in the files given" });

  const problems = {
    gaps: chains.reduce((n, c) => n + c.gaps.length, 0),
    hashMismatches: chains.reduce((n, c) => n + c.hashMismatches, 0),
    unverified: chains.reduce((n, c) => n + c.unverified, 0),
    malformedLines,
    unmatchedStarts: unmatchedStarts.length,
    recordedLosses,
  };
  return {
    ok: findings.total === 0,
    ...totals,
    chains,
    instances: instanceSummaries(chains),
    integrity: {
      signed: options.keys !== undefined,
      keyIds: (options.keys ?? []).map((k) => k.keyId),
      anchors: (options.anchors ?? []).map((a) => a.path),
      anchorCheckpoints,
      checkpoints: trailCheckpoints,
      note: options.keys === undefined ? UNSIGNED_NOTE : null,
    },
    findings: findings.list,
    findingsTotal: findings.total,
    findingCounts: findings.counts(),
    malformedLines,
    malformed,
    unmatchedStarts,
    endsWithoutStart: runs.endsWithoutStart,
    losses,
    tornLastLines,
    problems,
  };
}

/** The chain's gaps up to the last seq its checkpoints claim (a missing tail is a gap too), reported as findings. */
function reportGaps(state: ChainState, signing: ChainSigning, findings: Findings): SeqRange[] {
  const upTo = Math.max(state.seen.max ?? 0, signing.claimedLast);
  const ref: ChainRef = state;
  if (state.records === 0 && state.unstamped === 0 && upTo > 0) {
    findings.add({
      code: "missing-signal",
      message: `no ${state.signal} records of this chain in the files given, though its checkpoints cover seq ${seqRange(1, upTo)}: the ${state.signal} file is missing or was emptied`,
      at: signing.claimedAt,
      chain: ref,
      count: upTo,
    });
    return [{ from: 1, to: upTo }];
  }
  const gaps = state.seen.locatedGaps(upTo);
  for (const gap of gaps) {
    const size = gap.to - gap.from + 1;
    // A gap before a record is placed at that record; a missing end, at the checkpoint that says the chain reached it.
    const message =
      gap.after === undefined
        ? `seq ${seqRange(gap.from, gap.to)} missing (${count(size, "record")}) at the end of the chain, which its checkpoint says reached seq ${gap.to}: deleted or lost`
        : `seq ${seqRange(gap.from, gap.to)} missing (${count(size, "record")}) before this record: deleted or lost`;
    findings.add({ code: "gap", message, at: gap.after ?? signing.claimedAt, chain: ref, seq: gap.from, count: size });
  }
  return gaps.map(({ from, to }) => ({ from, to }));
}

function instanceSummaries(chains: readonly VerifiedChain[]): InstanceSummary[] {
  const byInstance = new Map<string, VerifiedChain[]>();
  for (const c of chains) byInstance.set(c.instance, [...(byInstance.get(c.instance) ?? []), c]);
  return [...byInstance].map(([instance, list]) => ({
    instance,
    chains: list.length,
    records: list.reduce((n, c) => n + c.records, 0),
    sealedChains: list.filter((c) => c.sealed).length,
    findings: list.reduce((n, c) => n + c.findings, 0),
    ok: list.every((c) => c.ok),
  }));
}

/** The signal of a chain report, for readers that group by it. */
export type { AuditSignal };
