// SPDX-License-Identifier: Apache-2.0
import { existsSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { ATTR_AUDIT_SEQ } from "@langchain-otel/instrumentation/semconv";
import type { BatchSink } from "../export/sink.js";
import { readFileNoFollow } from "../files/private-files.js";
import type { AuditSignal } from "../integrity/canonical.js";
import { errorText, type Reporter } from "../reporter.js";
import { isOwnerAlive } from "../spool/owners.js";
import { JOURNAL_SUFFIX, recordsLinePrefix, type JournalHeader } from "./journal.js";

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

  add(signal: AuditSignal, first: number, last: number): void {
    this._ranges[signal].push([first, last]);
  }

  has(signal: AuditSignal, seq: number): boolean {
    return this._ranges[signal].some(([first, last]) => seq >= first && seq <= last);
  }
}

/**
 * The part of an export request whose records are not marked written: the request's own text when none is (so
 * the bytes written are the bytes journaled), else the request rebuilt with only those records; undefined when
 * all are written.
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
  return { body: kept === total ? text : JSON.stringify(request), count: kept };
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

function recoverOne(file: string, sinks: Partial<Record<AuditSignal, BatchSink>>, reporter: Reporter): Recovery | undefined {
  const lines = readFileNoFollow(file).split("\n");
  let header: Partial<JournalHeader> = {};
  try {
    header = JSON.parse(lines[0] ?? "") as Partial<JournalHeader>;
  } catch {
    // A journal cut short before its header: nothing in it.
  }
  if (isOwnerAlive(header)) return undefined;

  const written = new WrittenRanges();
  const records: Array<{ signal: AuditSignal; text: string }> = [];
  let tornLines = 0;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === "") continue;
    const signal = (["traces", "logs"] as const).find((s) => line.startsWith(recordsLinePrefix(s)));
    if (signal !== undefined && line.endsWith("}")) {
      records.push({ signal, text: line.slice(recordsLinePrefix(signal).length, -1) });
      continue;
    }
    try {
      const mark = JSON.parse(line) as { written?: unknown; first?: unknown; last?: unknown };
      if ((mark.written === "traces" || mark.written === "logs") && typeof mark.first === "number" && typeof mark.last === "number") {
        written.add(mark.written, mark.first, mark.last);
        continue;
      }
    } catch {
      // Below.
    }
    tornLines++;
  }

  const recovered = { traces: 0, logs: 0 };
  let unwritable = 0;
  for (const { signal, text } of records) {
    let batch: { body: string; count: number } | undefined;
    try {
      batch = unwritten(signal, text, written);
    } catch {
      tornLines++;
      continue;
    }
    if (batch === undefined) continue;
    const sink = sinks[signal];
    if (sink !== undefined && sink.writeSync(batch).ok) recovered[signal] += batch.count;
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
