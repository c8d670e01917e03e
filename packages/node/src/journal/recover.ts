// SPDX-License-Identifier: Apache-2.0
import { existsSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { ATTR_AUDIT_SEQ } from "@langchain-otel/instrumentation/semconv";
import type { BatchSink } from "../export/sink.js";
import { readFileNoFollow } from "../files/private-files.js";
import type { AuditSignal } from "../integrity/canonical.js";
import { errorText, type Reporter } from "../reporter.js";
import { collectorEscapes, groupByResourceAndScope, requestLine, type EncodedPlace, type EncodedResourceGroup } from "../otlp-json.js";
import { isOwnerAlive } from "../spool/owners.js";
import { JOURNAL_SUFFIX, recordsLinePrefixV1, TAG, type JournalHeader } from "./format.js";

type Json = Record<string, unknown>;

const NAMES = {
  traces: { resources: "resourceSpans", scopes: "scopeSpans", items: "spans" },
  logs: { resources: "resourceLogs", scopes: "scopeLogs", items: "logRecords" },
} as const;

/** The `audit.seq` of an OTLP/JSON span or log record, if it has one. */
function seqOf(item: Json): number | undefined {
  const attributes = item["attributes"];
  if (!Array.isArray(attributes)) return undefined;
  for (const entry of attributes as Json[]) {
    if (entry?.["key"] !== ATTR_AUDIT_SEQ) continue;
    const value = (entry["value"] as Json | undefined)?.["intValue"];
    const seq = typeof value === "string" ? Number(value) : typeof value === "number" ? value : NaN;
    return Number.isSafeInteger(seq) ? seq : undefined;
  }
  return undefined;
}

/** Seq ranges marked written, per signal. */
class WrittenRanges {
  private readonly _ranges: Record<AuditSignal, Array<[number, number]>> = { traces: [], logs: [] };
  private _sorted = true;

  add(signal: AuditSignal, first: number, last: number): void {
    this._ranges[signal].push([first, last]);
    this._sorted = false;
  }

  /** Whether `seq` is in a range: a binary search over the ranges sorted by their first seq (merged if overlapping). */
  has(signal: AuditSignal, seq: number): boolean {
    if (!this._sorted) this._sort();
    const ranges = this._ranges[signal];
    let low = 0;
    let high = ranges.length - 1;
    while (low <= high) {
      const middle = (low + high) >>> 1;
      const [first, last] = ranges[middle]!;
      if (seq < first) high = middle - 1;
      else if (seq > last) low = middle + 1;
      else return true;
    }
    return false;
  }

  private _sort(): void {
    for (const signal of ["traces", "logs"] as const) {
      const merged: Array<[number, number]> = [];
      for (const range of this._ranges[signal].sort((a, b) => a[0] - b[0])) {
        const previous = merged[merged.length - 1];
        if (previous !== undefined && range[0] <= previous[1] + 1) previous[1] = Math.max(previous[1], range[1]);
        else merged.push([range[0], range[1]]);
      }
      this._ranges[signal] = merged;
    }
    this._sorted = true;
  }
}

/**
 * Format 1: the part of an export request whose records are not marked written: the request's own text when none
 * is (so the bytes written are the bytes journaled), else the request rebuilt with only those records; undefined
 * when all are written.
 */
function unwritten(signal: AuditSignal, text: string, written: WrittenRanges): { body: string; count: number } | undefined {
  const request = JSON.parse(text) as Json;
  const names = NAMES[signal];
  let total = 0;
  let kept = 0;
  for (const resource of (request[names.resources] as Json[] | undefined) ?? []) {
    for (const scope of (resource[names.scopes] as Json[] | undefined) ?? []) {
      const items = (scope[names.items] as Json[] | undefined) ?? [];
      const left = items.filter((item) => {
        const seq = seqOf(item);
        return seq === undefined || !written.has(signal, seq);
      });
      total += items.length;
      kept += left.length;
      scope[names.items] = left;
    }
  }
  if (kept === 0) return undefined;
  // Re-escaped as the collector escapes (parsing undid it); a double's exponent may lose its padding (1e-7).
  return { body: kept === total ? text : collectorEscapes(JSON.stringify(request)), count: kept };
}

/** What one recovery did. */
export interface Recovery {
  readonly file: string;
  readonly pid: number | undefined;
  readonly recovered: Record<AuditSignal, number>;
  /** A last line cut short by the kill: the records of that moment. */
  readonly tornLines: number;
}

/**
 * At startup: finds the journals in `dir` left by processes that are gone (killed, OOM, crashed natively) and
 * writes every record they journaled and never marked written to today's destination (`sinks`), then removes the
 * journal. Journals of running processes are left alone. Synchronous; never throws (a journal that cannot be read
 * is reported and kept).
 */
export function recoverJournals(dir: string, sinks: Partial<Record<AuditSignal, BatchSink>>, reporter: Reporter): Recovery[] {
  if (!existsSync(dir)) return [];
  const recoveries: Recovery[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (!name.endsWith(JOURNAL_SUFFIX)) continue;
    const file = path.join(dir, name);
    try {
      const recovery = recoverOne(file, sinks, reporter);
      if (recovery !== undefined) recoveries.push(recovery);
    } catch (err) {
      reporter.say(`journal:${file}`, `could not recover the journal ${file} (${errorText(err)}); it is kept`, "error");
    }
  }
  return recoveries;
}

/** What a journal holds that was never written: export requests, ready for the sink. */
interface Unwritten {
  readonly batches: Array<{ signal: AuditSignal; body: string; count: number }>;
  /** Lines that could not be read: a last line cut short by the kill (the records of that moment). */
  tornLines: number;
}

/**
 * Items per recovered request: the SDK's default export batch, and at most 4 Mi characters of items (well inside a
 * collector's default 20 MiB request body), as a replayed spool file is sent whole.
 */
const RECOVERY_BATCH = 512;
const RECOVERY_BATCH_CHARS = 4 * 1024 * 1024;

function recoverOne(file: string, sinks: Partial<Record<AuditSignal, BatchSink>>, reporter: Reporter): Recovery | undefined {
  const lines = readFileNoFollow(file).split("\n");
  let header: Partial<JournalHeader> = {};
  try {
    header = JSON.parse(lines[0] ?? "") as Partial<JournalHeader>;
  } catch {
    // A journal cut short before its header: nothing in it.
  }
  if (isOwnerAlive(header)) return undefined;
  if (header.journal !== undefined && header.journal !== 1 && header.journal !== 2) {
    // A later version's journal: reading it as ours could write garbage into the trail; kept for that version.
    throw new Error(`journal format ${String(header.journal)} is newer than this version reads (1 and 2); start the version that wrote it once to recover it`);
  }
  const { batches, tornLines } = header.journal === 1 ? readFormat1(lines) : readFormat2(lines);

  const recovered = { traces: 0, logs: 0 };
  let unwritable = 0;
  for (const batch of batches) {
    const sink = sinks[batch.signal];
    if (sink !== undefined && sink.writeSync({ body: batch.body, count: batch.count }).ok) recovered[batch.signal] += batch.count;
    else unwritable += batch.count;
  }
  if (unwritable > 0) {
    reporter.say(`journal:${file}`, `${unwritable} journaled records in ${file} could not be written now; the journal is kept for the next start`, "error");
    return { file, pid: header.pid, recovered, tornLines };
  }
  rmSync(file, { force: true });
  if (recovered.traces + recovered.logs > 0) {
    reporter.say(
      `recovered:${file}`,
      `recovered ${recovered.traces} spans and ${recovered.logs} audit records that process ${header.pid ?? "?"} journaled but had not ` +
        `written when it was killed; written to ${[sinks.traces?.where, sinks.logs?.where].filter((w) => w !== undefined).join(" and ")}`,
      "warn",
    );
  }
  return { file, pid: header.pid, recovered, tornLines };
}

/** Whether a mark line is a "written" mark; adds it to `written` if so. */
function readMarkV1(line: string, written: WrittenRanges): boolean {
  try {
    const mark = JSON.parse(line) as { written?: unknown; first?: unknown; last?: unknown };
    if ((mark.written === "traces" || mark.written === "logs") && typeof mark.first === "number" && typeof mark.last === "number") {
      written.add(mark.written, mark.first, mark.last);
      return true;
    }
  } catch {
    // Not a mark.
  }
  return false;
}

/** Format 1 (versions before the per-item format): a request per write, written as journaled less what is marked. */
function readFormat1(lines: readonly string[]): Unwritten {
  const written = new WrittenRanges();
  const records: Array<{ signal: AuditSignal; text: string }> = [];
  const result: Unwritten = { batches: [], tornLines: 0 };
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === "") continue;
    const signal = (["traces", "logs"] as const).find((s) => line.startsWith(recordsLinePrefixV1(s)));
    if (signal !== undefined && line.endsWith("}")) records.push({ signal, text: line.slice(recordsLinePrefixV1(signal).length, -1) });
    else if (!readMarkV1(line, written)) result.tornLines++;
  }
  for (const { signal, text } of records) {
    try {
      const batch = unwritten(signal, text, written);
      if (batch !== undefined) result.batches.push({ signal, ...batch });
    } catch {
      result.tornLines++;
    }
  }
  return result;
}

const isJson = (text: string): boolean => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

interface JournaledItem {
  readonly resource: number;
  readonly scope: number;
  readonly text: string;
  readonly seq: number | undefined;
}

/** Format 2 (`format.ts`): per-item lines, rebuilt into requests of the exporter's text, in journal order. */
function readFormat2(lines: readonly string[]): Unwritten {
  const written = new WrittenRanges();
  const places = new Map<number, EncodedPlace>();
  const items: Record<AuditSignal, JournaledItem[]> = { traces: [], logs: [] };
  const result: Unwritten = { batches: [], tornLines: 0 };
  // Every entry ends with its newline: a last line without one is cut short, whatever it still parses as (a cut
  // "written" mark would mark too little, a cut seq too much).
  const complete = lines.length - 1;
  if (lines[complete] !== "") result.tornLines++;
  for (let i = 1; i < complete; i++) {
    const line = lines[i]!;
    if (line === "") continue;
    const f = line.split("\t");
    if (f.length !== 4) {
      result.tornLines++;
      continue;
    }
    const [tag, a, b, text] = f as [string, string, string, string];
    if (tag === TAG.resource || tag === TAG.scope) {
      if (/^\d+$/.test(a) && isJson(b) && (text === "" || isJson(text))) places.set(Number(a), { text: b, schemaUrl: text });
      else result.tornLines++;
    } else if (tag === TAG.traces || tag === TAG.logs) {
      let item: Json | undefined;
      try {
        item = JSON.parse(text) as Json;
      } catch {
        // Below.
      }
      const [resource, scope] = [Number(a), Number(b)];
      if (item === undefined || !places.has(resource) || !places.has(scope)) result.tornLines++;
      else items[tag === TAG.traces ? "traces" : "logs"].push({ resource, scope, text, seq: seqOf(item) });
    } else if (tag === TAG.written && (a === "traces" || a === "logs") && /^\d+$/.test(b) && /^\d+$/.test(text)) {
      written.add(a, Number(b), Number(text));
    } else {
      result.tornLines++;
    }
  }
  for (const signal of ["traces", "logs"] as const) {
    let batch: JournaledItem[] = [];
    let chars = 0;
    const flush = (): void => {
      if (batch.length > 0) result.batches.push({ signal, body: requestLine(signal, groupItems(batch, places)), count: batch.length });
      batch = [];
      chars = 0;
    };
    for (const item of items[signal]) {
      if (item.seq !== undefined && written.has(signal, item.seq)) continue;
      if (batch.length === RECOVERY_BATCH || (batch.length > 0 && chars + item.text.length > RECOVERY_BATCH_CHARS)) flush();
      batch.push(item);
      chars += item.text.length;
    }
    flush();
  }
  return result;
}

/** Items grouped by resource, then by scope (their indices in the journal), as the exporter groups a batch. */
function groupItems(items: readonly JournaledItem[], places: ReadonlyMap<number, EncodedPlace>): EncodedResourceGroup[] {
  const groups = groupByResourceAndScope(items, (item) => item.resource, (item) => item.scope);
  return [...groups].map(([resource, byScope]) => ({
    resource: places.get(resource)!,
    scopes: [...byScope].map(([scope, scoped]) => ({ scope: places.get(scope)!, items: scoped.map((item) => item.text) })),
  }));
}
