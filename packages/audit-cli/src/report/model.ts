// SPDX-License-Identifier: Apache-2.0
import type { PlainValue } from "../trail/values.js";
import type { VerifyReport } from "../verify/verify-trail.js";

/**
 * What the HTML report shows, built from a trail by `collectTrailView` and rendered by `renderPage`: plain data,
 * so the page can be tested apart from the files and the files apart from the page.
 */
export interface TrailView {
  /** The paths given, as given. */
  readonly paths: readonly string[];
  readonly files: number;
  readonly bytes: number;
  /** When the view was built (ISO 8601). */
  readonly generatedAt: string;
  readonly verify: VerifyReport;
  /** Signed checkpoints found in the trail (`audit.checkpoint` records); 0 when it is not signed. */
  readonly checkpoints: number;
  /** Every session of the trail (also those whose traces are not in the page), oldest first. */
  readonly sessions: readonly SessionView[];
  /** The traces in the page, oldest first. */
  readonly traces: readonly TraceView[];
  /** Records of telemetry the writing process lost (`langchain.audit.loss`): the first 1000. */
  readonly losses: readonly LossView[];
  /** All of them. */
  readonly lossCount: number;
  /** What the selection asked for (`--session`, `--trace`), if anything. */
  readonly selection: Selection | undefined;
  /** Traces (and their runs) that matched but were left out to keep the page within `maxRuns`. */
  readonly omitted: { readonly traces: number; readonly runs: number };
  /** Lines or records that could not be read (verify lists them). */
  readonly malformed: number;
}

/** Which traces a page holds. */
export type Selection = { readonly kind: "session"; readonly id: string } | { readonly kind: "trace"; readonly id: string };

/** Totals over runs: what a session or trace row says. */
export interface Totals {
  readonly runCount: number;
  readonly errorCount: number;
  readonly inputTokens: number;
  readonly outputTokens: number;
  /** USD; undefined when no run in it has a cost. */
  readonly cost: number | undefined;
}

export interface SessionView extends Totals {
  /** undefined: the traces without a `session.id`. */
  readonly id: string | undefined;
  readonly user: string | undefined;
  readonly tenant: string | undefined;
  readonly firstNanos: bigint;
  readonly lastNanos: bigint;
  readonly traceIds: readonly string[];
}

export interface TraceView extends Totals {
  readonly traceId: string;
  readonly session: string | undefined;
  readonly user: string | undefined;
  readonly tenant: string | undefined;
  readonly service: string | undefined;
  readonly startNanos: bigint;
  readonly endNanos: bigint;
  /** Depth first, children in start order: the order of the waterfall's rows. */
  readonly runs: readonly RunView[];
  /** Some of its runs are not in `runs`: the trace alone holds more than the page's run limit. */
  readonly truncated: boolean;
}

/** ok, error (span status or error record), interrupted (LangGraph interrupt), open (started, never ended). */
export type RunStatus = "ok" | "error" | "interrupted" | "open";

export interface RunView {
  /** `traceId:spanId`, unique in a page. */
  readonly key: string;
  readonly traceId: string;
  readonly spanId: string;
  /** "" for a root. */
  readonly parentSpanId: string;
  /** 0 for a root; the parent of a run at depth d is at depth d - 1. */
  readonly depth: number;
  readonly runId: string | undefined;
  readonly name: string;
  readonly runType: string | undefined;
  /** OTLP span kind name (INTERNAL, CLIENT, SERVER, …); undefined for a run known only from its records. */
  readonly kind: string | undefined;
  readonly startNanos: bigint;
  /** 0n for an open run. */
  readonly endNanos: bigint;
  readonly status: RunStatus;
  readonly errorType: string | undefined;
  readonly statusMessage: string | undefined;
  readonly model: string | undefined;
  readonly inputTokens: number | undefined;
  readonly outputTokens: number | undefined;
  readonly cost: number | undefined;
  /** `langchain.redactions.<kind>` counts, by kind. */
  readonly redactions: ReadonlyArray<readonly [string, number]>;
  readonly payloads: readonly PayloadView[];
  /** Every other attribute, by key. */
  readonly attributes: ReadonlyArray<readonly [string, PlainValue]>;
  /** The process that exported it (resource attributes). */
  readonly resource: ReadonlyArray<readonly [string, PlainValue]>;
  readonly events: readonly EventView[];
  /** Its audit records (start, end, error), in time order. */
  readonly records: readonly RecordRef[];
  /** false: no span was exported for it (the process died, or spans are off); built from its records. */
  readonly fromSpan: boolean;
}

/** A payload attribute as the trail holds it (already filtered by the content policy), with its companions. */
export interface PayloadView {
  readonly key: string;
  /** undefined under policy `none` (only size and hash are kept). */
  readonly value: string | undefined;
  readonly sizeBytes: number | undefined;
  readonly sha256: string | undefined;
  readonly truncated: boolean;
}

export interface EventView {
  readonly name: string;
  readonly timeNanos: bigint;
  readonly attributes: ReadonlyArray<readonly [string, PlainValue]>;
}

/** Where an audit record of a run is, and its place in its chain. */
export interface RecordRef {
  readonly event: string;
  readonly timeNanos: bigint;
  readonly instance: string;
  readonly seq: number | undefined;
  readonly file: string;
  readonly line: number;
}

/** A `langchain.audit.loss` record: what the process says it could not write. */
export interface LossView {
  readonly timeNanos: bigint;
  readonly instance: string;
  readonly body: string | undefined;
  readonly attributes: ReadonlyArray<readonly [string, PlainValue]>;
  readonly file: string;
  readonly line: number;
}
