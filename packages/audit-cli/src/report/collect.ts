// SPDX-License-Identifier: Apache-2.0
import { Deduper } from "../trail/dedupe.js";
import type { TrailFile } from "../trail/paths.js";
import type { Progress } from "../trail/progress.js";
import { readTrail } from "../trail/reader.js";
import { attributeMap } from "../trail/values.js";
import { verifyTrail } from "../verify/verify-trail.js";
import type { Selection, TraceView, TrailView } from "./model.js";
import { TraceBuilder } from "./trace-builder.js";
import { TraceIndex, type TraceSummary } from "./trace-index.js";
import { auditEventOf } from "../trail/audit-event.js";

/** How {@link collectTrailView} reads and selects. */
export interface CollectOptions {
  /** Only the traces of a session, or one trace. */
  readonly selection?: Selection | undefined;
  /**
   * Runs the page holds at most: the newest traces that fit are kept, the rest are counted as omitted.
   * @default 2000
   */
  readonly maxRuns?: number;
  /** Told the bytes read (the trail is read three times: verify, index, runs). */
  readonly progress?: Progress | undefined;
  /** The clock of `generatedAt`. @default () => new Date() */
  readonly now?: () => Date;
}

/** @see CollectOptions.maxRuns */
export const DEFAULT_MAX_RUNS = 2000;

/** Whether a trace summary matches the selection. */
function selected(trace: TraceSummary, selection: Selection | undefined): boolean {
  if (selection === undefined) return true;
  return selection.kind === "trace" ? trace.traceId === selection.id : trace.session === selection.id;
}

/**
 * Reads a trail into the {@link TrailView} the HTML report renders: the verify verdict over every file, the
 * sessions, and the runs of the selected traces. Three streaming passes (verify, an index of the traces, then the
 * runs of the traces kept), so memory holds a few numbers per trace plus at most `maxRuns` runs.
 */
export async function collectTrailView(paths: readonly string[], files: readonly TrailFile[], options: CollectOptions = {}): Promise<TrailView> {
  const maxRuns = options.maxRuns ?? DEFAULT_MAX_RUNS;
  const { selection, progress } = options;
  const verify = await verifyTrail(files, { progress });

  const index = new TraceIndex();
  const indexDedupe = new Deduper();
  await readTrail(
    files,
    {
      item(item) {
        if (indexDedupe.isFirst(item)) index.add(item);
      },
      malformed() {},
    },
    { progress },
  );

  // The newest matching traces that fit; the first one always does (cut to maxRuns if it alone is larger).
  const matching = [...index.traces.values()].filter((t) => selected(t, selection)).sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : a.traceId < b.traceId ? -1 : 1));
  const kept: TraceSummary[] = [];
  let runs = 0;
  for (let i = matching.length - 1; i >= 0; i--) {
    const trace = matching[i]!;
    const n = trace.totals().runCount;
    if (kept.length > 0 && runs + n > maxRuns) break;
    kept.unshift(trace);
    runs += n;
  }

  const builder = new TraceBuilder(new Set(kept.map((t) => t.traceId)), maxRuns);
  const detailDedupe = new Deduper();
  await readTrail(
    files,
    {
      item(item) {
        if (!detailDedupe.isFirst(item)) return;
        if (item.signal === "traces") builder.addSpan(item);
        else {
          const event = auditEventOf(item, attributeMap(item.record.attributes));
          if (event !== undefined) builder.addRecord(item, event);
        }
      },
      malformed() {},
    },
    { progress },
  );

  const runsByTrace = builder.traces();
  const traces: TraceView[] = kept.map((summary) => {
    const traceRuns = runsByTrace.get(summary.traceId) ?? [];
    const starts = traceRuns.map((r) => r.startNanos).filter((t) => t !== 0n);
    const ends = traceRuns.map((r) => r.endNanos);
    return {
      traceId: summary.traceId,
      session: summary.session,
      user: summary.user,
      tenant: summary.tenant,
      service: summary.service,
      startNanos: starts.reduce((a, b) => (b < a ? b : a), starts[0] ?? summary.first),
      endNanos: ends.reduce((a, b) => (b > a ? b : a), summary.last),
      ...summary.totals(),
      runs: traceRuns,
      truncated: builder.truncated.has(summary.traceId),
    };
  });
  const shownRuns = traces.reduce((n, t) => n + t.runs.length, 0);
  const matchingRuns = matching.reduce((n, t) => n + t.totals().runCount, 0);
  return {
    paths: [...paths],
    files: files.length,
    bytes: files.reduce((n, f) => n + f.bytes, 0),
    generatedAt: (options.now?.() ?? new Date()).toISOString(),
    verify,
    checkpoints: index.checkpoints,
    sessions: index.sessions(),
    traces,
    losses: index.losses,
    lossCount: index.lossCount,
    selection,
    omitted: { traces: matching.length - kept.length, runs: Math.max(0, matchingRuns - shownRuns) },
    malformed: verify.malformedLines,
  };
}
