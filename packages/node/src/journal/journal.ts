// SPDX-License-Identifier: Apache-2.0
import { closeSync, constants, openSync, rmSync } from "node:fs";
import path from "node:path";
import type { Resource } from "@opentelemetry/resources";
import type { ReadableLogRecord } from "@opentelemetry/sdk-logs";
import type { ReadableSpan } from "@opentelemetry/sdk-trace";
import { diag } from "../diag.js";
import type { QueueJournal } from "../export/export-queue.js";
import { DEFAULT_FILE_MODES, ensureDirectory, writeAll, type FileModes } from "../files/private-files.js";
import type { AuditSignal } from "../integrity/canonical.js";
import { encodeLine, encodeLogRecord, encodeResource, encodeScope, encodeSpan, scopeKey } from "../otlp-json.js";
import { errorText, type Reporter } from "../reporter.js";
import { ownerRecord } from "../spool/owners.js";
import { itemLinePrefix, JOURNAL_SUFFIX, JOURNAL_VERSION, resourceLine, scopeLine, writtenLine, type JournalHeader } from "./format.js";

type Item = ReadableSpan | ReadableLogRecord;

/** The journal's write buffer starts at 64 KiB and grows to 1 MiB at most (a larger write gets a buffer of its own). */
const INITIAL_BUFFER_BYTES = 64 * 1024;
const MAX_BUFFER_BYTES = 1024 * 1024;

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
 *
 * Each item is encoded once: the journal keeps its JSON text, and the export queues build their requests from it
 * ({@link encodeBatch}), so with the journal on an item costs one encoding, as with it off. Resources and scopes
 * are written once per journal (format in `format.ts`).
 */
export class Journal implements QueueJournal<Item> {
  readonly path: string;
  private readonly _reporter: Reporter;
  private _fd: number | undefined;
  private readonly _pending: { traces: ReadableSpan[]; logs: ReadableLogRecord[] } = { traces: [], logs: [] };
  private _written = "";
  private _scheduled = false;
  /** The strings of the write being put together (reused). */
  private readonly _pieces: string[] = [];
  /** Each item's JSON text, for the export request (items die with their batch, their texts with them). */
  private readonly _texts = new WeakMap<Item, string>();
  /** The index of each resource and scope (by its grouping key) already in the journal. */
  private readonly _resources = new Map<Resource, number>();
  private readonly _scopes = new Map<string, number>();
  private _places = 0;
  private _buffer = Buffer.allocUnsafe(INITIAL_BUFFER_BYTES);
  private readonly _flush = (): void => {
    this._scheduled = false;
    this.flushSync();
  };

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
    const header: JournalHeader = { journal: JOURNAL_VERSION, ...ownerRecord(), chain: chainId };
    this._write([JSON.stringify(header) + "\n"]);
  }

  append(signal: AuditSignal, item: Item): void {
    (this._pending[signal] as Item[]).push(item);
    this._schedule();
  }

  written(signal: AuditSignal, first: number, last: number): void {
    this._written += writtenLine(signal, first, last);
    this._schedule();
  }

  /** The OTLP/JSON request for a batch of the export queue, from the items' texts (encoded here if not yet). */
  encodeBatch(signal: "traces", items: readonly ReadableSpan[]): string;
  encodeBatch(signal: "logs", items: readonly ReadableLogRecord[]): string;
  encodeBatch(signal: AuditSignal, items: readonly Item[]): string {
    return encodeLine(signal, items, (item) => this._textOf(signal, item));
  }

  /** Writes what is pending now (the exit path, before the queues drain). */
  flushSync(): void {
    if (this._fd === undefined) return;
    const { traces, logs } = this._pending;
    const pieces = this._pieces;
    for (const span of traces) this._entry("traces", span, pieces);
    for (const record of logs) this._entry("logs", record, pieces);
    if (this._written !== "") pieces.push(this._written);
    this._pending.traces = [];
    this._pending.logs = [];
    this._written = "";
    if (pieces.length > 0) this._write(pieces);
    pieces.length = 0;
  }

  /** Everything is written where it belongs: closes and removes the journal. */
  closeClean(): void {
    if (this._fd === undefined) return;
    this._pending.traces = [];
    this._pending.logs = [];
    this._written = "";
    this._close();
    rmSync(this.path, { force: true });
  }

  /** Closes the journal and leaves it for the next start (something may not have been written). */
  closeKeep(): void {
    this.flushSync();
    this._close();
  }

  private _textOf(signal: AuditSignal, item: Item): string {
    let text = this._texts.get(item);
    if (text === undefined) {
      text = signal === "traces" ? encodeSpan(item as ReadableSpan) : encodeLogRecord(item as ReadableLogRecord);
      this._texts.set(item, text);
    }
    return text;
  }

  /** Adds an item's line to `pieces`, after the lines of its resource and scope when they are new to the journal. */
  private _entry(signal: AuditSignal, item: Item, pieces: string[]): void {
    try {
      const text = this._textOf(signal, item);
      let resource = this._resources.get(item.resource);
      if (resource === undefined) {
        const line = resourceLine(this._places, encodeResource(item.resource));
        resource = this._places++;
        // A resource still waiting for attributes is written again with the next item, as it is then.
        if (item.resource.asyncAttributesPending !== true) this._resources.set(item.resource, resource);
        pieces.push(line);
      }
      const key = scopeKey(item.instrumentationScope);
      let scope = this._scopes.get(key);
      if (scope === undefined) {
        const line = scopeLine(this._places, encodeScope(item.instrumentationScope));
        this._scopes.set(key, (scope = this._places++));
        pieces.push(line);
      }
      // The item's text goes in as it is: concatenated into the line, it would be copied once more to flatten it.
      pieces.push(itemLinePrefix(signal, resource, scope), text, "\n");
    } catch (err) {
      diag.error("could not encode a record for the journal", err);
    }
  }

  private _schedule(): void {
    if (this._scheduled) return;
    this._scheduled = true;
    queueMicrotask(this._flush);
  }

  /** Writes `pieces` with one `write()` (more only past {@link MAX_BUFFER_BYTES}). */
  private _write(pieces: readonly string[]): void {
    const fd = this._fd;
    if (fd === undefined) return;
    try {
      let offset = 0;
      for (const piece of pieces) {
        // A UTF-16 code unit is at most 3 bytes of UTF-8: measured only when the buffer might be too small.
        if (offset + piece.length * 3 > this._buffer.length) {
          const size = Buffer.byteLength(piece, "utf8");
          if (offset + size > this._buffer.length) {
            if (offset + size <= MAX_BUFFER_BYTES) this._grow(offset + size, offset);
            else {
              // Past the largest buffer: what it holds is written first, and a piece larger than it on its own.
              writeAll(fd, this._buffer.subarray(0, offset));
              offset = 0;
              if (size > MAX_BUFFER_BYTES) {
                writeAll(fd, Buffer.from(piece, "utf8"));
                continue;
              }
              if (size > this._buffer.length) this._grow(size, 0);
            }
          }
        }
        offset += this._buffer.write(piece, offset);
      }
      writeAll(fd, this._buffer.subarray(0, offset));
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

  /** A larger write buffer (a power of two, at most {@link MAX_BUFFER_BYTES}) keeping the first `keep` bytes. */
  private _grow(needed: number, keep: number): void {
    const next = Buffer.allocUnsafe(Math.min(MAX_BUFFER_BYTES, 2 ** Math.ceil(Math.log2(needed))));
    this._buffer.copy(next, 0, 0, keep);
    this._buffer = next;
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
