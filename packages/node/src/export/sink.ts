// SPDX-License-Identifier: Apache-2.0
import type { JsonLinesFile } from "../files/json-lines-file.js";
import { errorText, type Reporter } from "../reporter.js";

/** One export batch: its OTLP/JSON request body (one line of an audit file, one spool file, one request). */
export interface Batch {
  readonly body: string;
  /** Spans or records in it. */
  readonly count: number;
}

/** Why records were lost, as a loss record says it (`audit.loss.reason`). */
export type LossReason = "queue_full" | "write_failed" | "spool_full";

/** What became of a batch: written (to the file, the collector, the spool or `rejected/`), or lost. */
export type SinkResult = { readonly ok: true } | { readonly ok: false; readonly reason: LossReason };

export const WRITTEN: SinkResult = { ok: true };

/**
 * Where a signal's batches end up. Every batch is accounted for: the result says it is written (delivered, or on
 * disk) or lost, and a sink says loudly (once a minute at most) why it lost one.
 */
export interface BatchSink {
  /** What the batches hold, in messages: "spans", "audit records". */
  readonly noun: string;
  /** Where they go, in messages. */
  readonly where: string;
  /**
   * Takes a batch in the background; may settle at once (a file is written synchronously). Never rejects. The
   * queue hands over one batch at a time.
   */
  export(batch: Batch): SinkResult | Promise<SinkResult>;
  /** Takes a batch now, synchronously, to disk (the exit path, a full queue). Never throws. */
  writeSync(batch: Batch): SinkResult;
  /** Shutdown has begun and must be done by `deadline` (epoch milliseconds). */
  beginShutdown(deadline: number): void;
  /** At shutdown, after the last export: a bounded last attempt at what waits on disk. Never rejects. */
  shutdown(): Promise<void>;
  /** The process is ending: stop every request and timer now. */
  closeSync(): void;
}

/** Why a write failed, in words an operator acts on. */
function writeFailureHint(err: unknown): string {
  switch ((err as NodeJS.ErrnoException | undefined)?.code) {
    case "ENOSPC":
      return "the disk is full";
    case "EDQUOT":
      return "the disk quota is used up";
    case "EFBIG":
      return "the file size limit (ulimit -f) is reached";
    case "EROFS":
      return "the file system is read-only";
    case "EACCES":
    case "EPERM":
      return "this process may not write there";
    default:
      return "the file cannot be written";
  }
}

/** The message for a batch a sink could not write. */
export function writeFailure(count: number, noun: string, where: string, err: unknown): string {
  return (
    `could not write ${count} ${noun} to ${where} (${errorText(err)}): ${writeFailureHint(err)}. They are lost; ` +
    "the trail gets a langchain.audit.loss record for them once it can be written again, and stats() counts them"
  );
}

/**
 * The embedded audit file as a sink: every batch is one line, appended synchronously (see {@link JsonLinesFile}),
 * so {@link export} and {@link writeSync} are the same thing and nothing is ever in flight.
 */
export class FileSink implements BatchSink {
  readonly noun: string;
  readonly where: string;
  private readonly _file: JsonLinesFile;
  private readonly _reporter: Reporter;

  constructor(file: JsonLinesFile, noun: string, reporter: Reporter) {
    this._file = file;
    this.noun = noun;
    this.where = file.path;
    this._reporter = reporter;
  }

  export(batch: Batch): SinkResult {
    return this.writeSync(batch);
  }

  writeSync(batch: Batch): SinkResult {
    try {
      this._file.append(batch.body + "\n");
      return WRITTEN;
    } catch (err) {
      this._reporter.say(`write:${this.where}`, writeFailure(batch.count, this.noun, this.where, err), "error");
      return { ok: false, reason: "write_failed" };
    }
  }

  beginShutdown(): void {}

  shutdown(): Promise<void> {
    return Promise.resolve();
  }

  closeSync(): void {}
}
