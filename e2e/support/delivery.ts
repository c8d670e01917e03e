// SPDX-License-Identifier: Apache-2.0
// What reached each sink of the local stack (the collector's audit files, Jaeger, the SIEM file) of the runs an
// app reported: the delivery tables the collector-kill and outage tests print and assert on.
import { findJaegerTraces, jaegerParents } from "./jaeger.ts";
import { readFileSpans, readLogRecords, readSpanServices } from "./otlp-files.ts";
import { pollUntilStable } from "./poll.ts";
import { parseRfc5424, readSyslogLines } from "./rfc5424.ts";
import { spanIdOfRun, traceIdOfRun } from "./run-ids.ts";
import { RUN_END, RUN_ERROR, RUN_START, parentRunIdOf, runIdOf, siemParams } from "./runs.ts";
import type { StackPaths } from "./stack.ts";

/** What one sink holds of the app's runs. */
export interface SinkCount {
  sink: string;
  expected: number;
  /** Items found, repeats included. */
  found: number;
  unique: number;
  /** Indices of runs with at least one item missing. */
  incompleteRuns: number[];
}

export interface Delivery {
  fileSpans: SinkCount;
  startRecords: SinkCount;
  endRecords: SinkCount;
  jaegerTraces: SinkCount;
  jaegerSpans: SinkCount;
  siemLines: SinkCount;
  /** Span IDs in Jaeger that are not in traces.jsonl, and SIEM keys with no record in logs.jsonl (must be none). */
  jaegerNotInFile: string[];
  siemNotInFile: string[];
  jaegerParentMismatches: string[];
}

export interface DeliveryQuery {
  stack: StackPaths;
  /** The `service.name` the app exported as. */
  service: string;
  /** Run ID by index, as the app reported its root runs. */
  runIds: string[];
  /** Spans (= start records = end records) per root run: the root and its nested runs. */
  spansPerRun: number;
  /** Epoch milliseconds before the app started (the Jaeger search window). */
  sinceMillis: number;
}

/** Reads every sink and counts what arrived of the runs `runIds` (index → run ID) exported as `service`. */
export async function measureDelivery({ stack, service, runIds, spansPerRun, sinceMillis }: DeliveryQuery): Promise<Delivery> {
  const indexOfRun = new Map(runIds.map((id, index) => [id, index]));
  const services = readSpanServices(stack.tracesFile);
  const spans = readFileSpans(stack.tracesFile).filter((s) => services.get(s.spanId) === service);
  const records = readLogRecords(stack.logsFile).filter((r) => r.resource["service.name"] === service);
  const siem = readSyslogLines(stack.siemFile)
    .map(parseRfc5424)
    .filter((m) => m.appName === service);
  const jaeger = await findJaegerTraces(service, { sinceMillis, limit: 10 * runIds.length });

  // The index a span or record belongs to: its own run's, or (a nested run) its parent run's.
  const indexOf = (runId: unknown, parentRunId: unknown) => indexOfRun.get(String(runId)) ?? indexOfRun.get(String(parentRunId));

  const count = (sink: string, perRun: number, keys: { key: string; index: number | undefined }[]): SinkCount => {
    const perIndex = new Map<number, Set<string>>();
    for (const { key, index } of keys) if (index !== undefined) perIndex.set(index, (perIndex.get(index) ?? new Set()).add(key));
    return {
      sink,
      expected: perRun * runIds.length,
      found: keys.length,
      unique: new Set(keys.map((k) => k.key)).size,
      incompleteRuns: runIds.map((_, i) => i).filter((i) => (perIndex.get(i)?.size ?? 0) < perRun),
    };
  };

  const recordKey = (runId: unknown, event: unknown) => `${String(runId)} ${String(event)}`;
  const recordsOf = (event: string) =>
    records
      .filter((r) => r.attributes["event.name"] === event || (event === RUN_END && r.attributes["event.name"] === RUN_ERROR))
      .map((r) => ({
        key: recordKey(r.attributes["langchain.run_id"], r.attributes["event.name"]),
        index: indexOf(r.attributes["langchain.run_id"], r.attributes["langchain.parent_run_id"]),
      }));
  const jaegerSpans = jaeger.flatMap((t) => t.spans.map((s) => ({ span: s, parent: jaegerParents(t).get(s.spanID) })));
  const fileSpanIds = new Set(spans.map((s) => s.spanId));
  const fileParents = new Map(spans.map((s) => [s.spanId, s.parentSpanId || undefined]));
  const fileRecordKeys = new Set(records.map((r) => recordKey(r.attributes["langchain.run_id"], r.attributes["event.name"])));
  const spanIndex = new Map(spans.map((s) => [s.spanId, indexOf(runIdOf(s), parentRunIdOf(s))]));
  const rootSpanIndex = new Map(runIds.map((id, index) => [spanIdOfRun(id), index]));

  const indexOfTrace = new Map(runIds.map((id, index) => [traceIdOfRun(id), index]));
  return {
    fileSpans: count("spans in traces.jsonl", spansPerRun, spans.map((s) => ({ key: s.spanId, index: spanIndex.get(s.spanId) }))),
    startRecords: count("run.start records in logs.jsonl", spansPerRun, recordsOf(RUN_START)),
    endRecords: count("run.end/error records in logs.jsonl", spansPerRun, recordsOf(RUN_END)),
    jaegerTraces: count("traces in Jaeger", 1, jaeger.map((t) => ({ key: t.traceID, index: indexOfTrace.get(t.traceID) }))),
    jaegerSpans: count(
      "spans in Jaeger",
      spansPerRun,
      jaegerSpans.map(({ span }) => ({ key: span.spanID, index: rootSpanIndex.get(span.spanID) ?? spanIndex.get(span.spanID) })),
    ),
    siemLines: count(
      "lines in the SIEM file",
      2 * spansPerRun,
      siem.map((m) => {
        const p = siemParams(m);
        return { key: recordKey(p["langchain.run_id"], p["event.name"]), index: indexOf(p["langchain.run_id"], p["langchain.parent_run_id"]) };
      }),
    ),
    jaegerNotInFile: jaegerSpans.map(({ span }) => span.spanID).filter((id) => !fileSpanIds.has(id)),
    siemNotInFile: siem.map((m) => recordKey(siemParams(m)["langchain.run_id"], siemParams(m)["event.name"])).filter((k) => !fileRecordKeys.has(k)),
    jaegerParentMismatches: jaegerSpans
      .filter(({ span, parent }) => fileSpanIds.has(span.spanID) && fileParents.get(span.spanID) !== parent)
      .map(({ span }) => span.spanID),
  };
}

/** The sinks of a delivery, in table order. */
export function sinks(d: Delivery): SinkCount[] {
  return [d.fileSpans, d.startRecords, d.endRecords, d.jaegerTraces, d.jaegerSpans, d.siemLines];
}

/** The sinks fed straight by the collector's file exporters: the audit trail itself. */
export function fileSinks(d: Delivery): SinkCount[] {
  return [d.fileSpans, d.startRecords, d.endRecords];
}

export interface SettleOptions {
  timeoutMillis: number;
  /** How long every count must stay the same. */
  quietMillis: number;
  /** Besides downstream holding what the files hold: a further condition (say, the files complete). */
  ready?: (d: Delivery) => boolean;
  log?: (line: string) => void;
}

/** Waits until every sink's counts have been still for a while (and downstream has what the files have). */
export async function settledDelivery(query: DeliveryQuery, options: SettleOptions): Promise<{ delivery: Delivery; settled: boolean }> {
  const { value, satisfied, elapsedMillis } = await pollUntilStable(
    () => measureDelivery(query),
    (d) => JSON.stringify(sinks(d).map((s) => s.found)),
    {
      timeoutMillis: options.timeoutMillis,
      intervalMillis: 500,
      quietMillis: options.quietMillis,
      // Jaeger and the SIEM are fed from the collector's persistent queues: wait until they hold what the files hold.
      ready: (d) =>
        d.jaegerSpans.unique >= d.fileSpans.unique &&
        d.siemLines.unique >= d.startRecords.unique + d.endRecords.unique &&
        (options.ready?.(d) ?? true),
    },
  );
  options.log?.(`${query.service}: delivery ${satisfied ? "settled" : "NOT settled"} after ${(elapsedMillis / 1000).toFixed(1)} s`);
  if (value === undefined) throw new Error(`could not read the sinks of ${query.service}`);
  return { delivery: value, settled: satisfied };
}

/** "3-7, 12, 40-41" */
export function ranges(indices: number[]): string {
  const out: string[] = [];
  for (let i = 0; i < indices.length; i++) {
    let j = i;
    while (j + 1 < indices.length && indices[j + 1] === indices[j]! + 1) j++;
    out.push(j === i ? `${indices[i]}` : `${indices[i]}-${indices[j]}`);
    i = j;
  }
  return out.length === 0 ? "-" : out.join(", ");
}

/** The delivery as a fixed-width table: expected, found, unique, lost, duplicates and the runs with something missing. */
export function deliveryTable(delivery: Delivery): string {
  const header = ["sink", "expected", "found", "unique", "lost", "duplicates", "runs with something missing (indices)"];
  const rows = sinks(delivery).map((s) => [
    s.sink,
    String(s.expected),
    String(s.found),
    String(s.unique),
    String(s.expected - s.unique),
    String(s.found - s.unique),
    `${s.incompleteRuns.length}: ${ranges(s.incompleteRuns)}`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!)))
      .join("  ")
      .trimEnd();
  return [line(header), line(widths.map((w) => "-".repeat(w))), ...rows.map(line)].join("\n");
}

/** Per sink: lost, duplicates and the runs with something missing, for a one-line JSON measurement. */
export function deliveryLosses(delivery: Delivery): Record<string, { lost: number; repeats: number; runs: string }> {
  return Object.fromEntries(
    sinks(delivery).map((s) => [s.sink, { lost: s.expected - s.unique, repeats: s.found - s.unique, runs: ranges(s.incompleteRuns) }]),
  );
}
