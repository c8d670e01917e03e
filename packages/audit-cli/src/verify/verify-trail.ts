// SPDX-License-Identifier: Apache-2.0
import type { TrailFile } from "../trail/paths.js";
import type { Progress } from "../trail/progress.js";
import { readTrail, type TrailItem } from "../trail/reader.js";
import { ChainVerifier, type ChainReport } from "./chain-verifier.js";
import { OpenRuns, type UnmatchedStart } from "./open-runs.js";

/** Malformed lines listed in a report; all are counted. */
export const MAX_MALFORMED_LISTED = 1000;

/** A line, or a record in it, that is not what an audit file holds. */
export interface MalformedEntry {
  readonly file: string;
  readonly line: number;
  readonly reason: string;
}

/** The whole verdict on a trail: what `verify --json` prints, and what the HTML report's banner shows. */
export interface VerifyReport {
  readonly ok: boolean;
  readonly files: number;
  readonly lines: number;
  readonly bytes: number;
  readonly chains: ChainReport[];
  readonly malformedLines: number;
  /** The first {@link MAX_MALFORMED_LISTED}. */
  readonly malformed: MalformedEntry[];
  readonly unmatchedStarts: UnmatchedStart[];
  readonly endsWithoutStart: number;
  readonly problems: {
    readonly gaps: number;
    readonly hashMismatches: number;
    readonly unverified: number;
    readonly malformedLines: number;
    readonly unmatchedStarts: number;
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
}

/**
 * Verifies the audit chains of the trail in `files` and returns the structured verdict (printing nothing): every
 * command that shows a verdict (`verify`, `report`, `serve`) goes through here, so they cannot disagree.
 */
export async function verifyTrail(files: readonly TrailFile[], options: VerifyOptions = {}): Promise<VerifyReport> {
  const verifier = new ChainVerifier({ windowRecords: options.windowRecords ?? 131_072, pendingRecords: 10_000, pendingBytes: 64 * 1024 * 1024 });
  const runs = new OpenRuns();
  const malformed: MalformedEntry[] = [];
  let malformedLines = 0;
  const lastMalformed = { file: "", line: 0 };

  const totals = await readTrail(
    files,
    {
      item(item: TrailItem) {
        const first = verifier.add(item);
        if (first && item.signal === "logs") runs.add(item);
      },
      malformed({ location, reason }) {
        // Counted by line; a line with several bad records lists each.
        if (lastMalformed.file !== location.file || lastMalformed.line !== location.line) malformedLines++;
        lastMalformed.file = location.file;
        lastMalformed.line = location.line;
        if (malformed.length < MAX_MALFORMED_LISTED) malformed.push({ file: location.file, line: location.line, reason });
      },
    },
    { progress: options.progress },
  );

  const chains = verifier.reports();
  const unmatchedStarts = runs.unmatchedStarts();
  const problems = {
    gaps: chains.reduce((n, c) => n + c.gaps.length, 0),
    hashMismatches: chains.reduce((n, c) => n + c.hashMismatches, 0),
    unverified: chains.reduce((n, c) => n + c.unverified, 0),
    malformedLines,
    unmatchedStarts: unmatchedStarts.length,
  };
  const ok = Object.values(problems).every((n) => n === 0);
  return { ok, ...totals, chains, malformedLines, malformed, unmatchedStarts, endsWithoutStart: runs.endsWithoutStart, problems };
}
