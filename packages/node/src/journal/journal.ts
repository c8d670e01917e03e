// SPDX-License-Identifier: Apache-2.0
import { closeSync, constants, openSync, rmSync } from "node:fs";
import path from "node:path";
import type { ReadWriteLogRecord } from "@opentelemetry/sdk-logs";
import type { ReadableSpan } from "@opentelemetry/sdk-trace";
import { diag } from "../diag.js";
import type { QueueJournal } from "../export/export-queue.js";
import { DEFAULT_FILE_MODES, ensureDirectory, writeAll, type FileModes } from "../files/private-files.js";
import type { AuditSignal } from "../integrity/canonical.js";
import { encodeLogsLine, encodeTraceLine } from "../otlp-json.js";
import { errorText, type Reporter } from "../reporter.js";
import { ownerRecord } from "../spool/owners.js";

/** The file name suffix of a journal. */
export const JOURNAL_SUFFIX = ".journal";

/** The first line of a journal: whose it is. */
export interface JournalHeader {
  readonly journal: 1;
  readonly pid: number;
  readonly hostname: string;
  readonly chain: string;
}

/** A journal line holding records: `{"signal":"traces","request":<the OTLP/JSON request body>}`. */
export const recordsLinePrefix = (signal: AuditSignal): string => `{"signal":"${signal}","request":`;

/** A journal line saying the records of one batch are written: `{"written":"traces","first":1,"last":512}`. */
export interface WrittenLine {
  readonly written: AuditSignal;
  readonly first: number;
  readonly last: number;
}

type Item = ReadableSpan | ReadWriteLogRecord;

/**
 * The write-ahead journal of one process (`LANGCHAIN_OTEL_JOURNAL=sync`), for what JavaScript never sees: SIGKILL,
 * the OOM killer, a native crash. Every span and record is appended before it joins the export queue, and every
 * batch the queue has written (to the audit file, the collector or the spool) is marked as written, so the next
 * start (see {@link recoverJournals}) writes exactly what was journaled and never written.
 *
 * One `write()` per microtask: what is appended while synchronous code runs is written when it yields to the
 * microtask queue, which LangChain does between runs; a kill loses at most the records of the current tick. No
 * fsync: the journal survives the process, not a power loss. A process that ends through the exit path or
 * shutdown has written everything, and removes its journal.
 */
export class Journal implements QueueJournal<Item> {
  readonly path: string;
  private readonly _reporter: Reporter;
  private _fd: number | undefined;
  private readonly _pending: { traces: ReadableSpan[]; logs: ReadWriteLogRecord[] } = { traces: [], logs: [] };
  private _written: WrittenLine[] = [];
  private _scheduled = false;

  /**
   * Creates `<dir>/<chain>.journal` (exclusively, never through a symbolic link, with exactly `modes.file`) and
   * writes its header. Throws the fs error when it cannot.
   */
  constructor(dir: string, chainId: string, reporter: Reporter, modes: FileModes = DEFAULT_FILE_MODES) {
    ensureDirectory(dir, modes);
    this.path = path.join(dir, `${chainId}${JOURNAL_SUFFIX}`);
    this._reporter = reporter;
    const flags = constants.O_WRONLY | constants.O_APPEND | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW;
    this._fd = openSync(this.path, flags, modes.file);
    const header: JournalHeader = { journal: 1, ...ownerRecord(), chain: chainId };
    this._write(JSON.stringify(header) + "\n");
  }

  append(signal: AuditSignal, item: Item): void {
    (this._pending[signal] as Item[]).push(item);
    this._schedule();
  }

  written(signal: AuditSignal, first: number, last: number): void {
    this._written.push({ written: signal, first, last });
    this._schedule();
  }

  /** Writes what is pending now (the exit path, before the queues drain). */
  flushSync(): void {
    if (this._fd === undefined) return;
    let text = "";
    const { traces, logs } = this._pending;
    try {
      if (traces.length > 0) text += `${recordsLinePrefix("traces")}${encodeTraceLine(traces)}}\n`;
      if (logs.length > 0) text += `${recordsLinePrefix("logs")}${encodeLogsLine(logs)}}\n`;
    } catch (err) {
      diag.error("could not encode records for the journal", err);
    }
    for (const line of this._written) text += JSON.stringify(line) + "\n";
    this._pending.traces = [];
    this._pending.logs = [];
    this._written = [];
    if (text !== "") this._write(text);
  }

  /** Everything is written where it belongs: closes and removes the journal. */
  closeClean(): void {
    if (this._fd === undefined) return;
    this._pending.traces = [];
    this._pending.logs = [];
    this._written = [];
    this._close();
    rmSync(this.path, { force: true });
  }

  /** Closes the journal and leaves it for the next start (something may not have been written). */
  closeKeep(): void {
    this.flushSync();
    this._close();
  }

  private _schedule(): void {
    if (this._scheduled) return;
    this._scheduled = true;
    queueMicrotask(() => {
      this._scheduled = false;
      this.flushSync();
    });
  }

  private _write(text: string): void {
    if (this._fd === undefined) return;
    try {
      writeAll(this._fd, Buffer.from(text, "utf8"));
    } catch (err) {
      // A journal that cannot be written protects nothing more; the export path carries on without it.
      this._reporter.say(
        `journal:${this.path}`,
        `could not write the journal ${this.path} (${errorText(err)}); records are still exported, but a kill now loses what is queued`,
        "error",
      );
      this._close();
    }
  }

  private _close(): void {
    if (this._fd === undefined) return;
    try {
      closeSync(this._fd);
    } catch {
      // Already closed.
    }
    this._fd = undefined;
  }
}
