// SPDX-License-Identifier: Apache-2.0
import { ExportResultCode, type ExportResult } from "@opentelemetry/core";
import { diag } from "../diag.js";
import type { SpoolBudget } from "./budget.js";
import type { SpoolCounters } from "./counters.js";
import type { LossReporter } from "./loss-reporter.js";
import type { SpoolReplayer } from "./replayer.js";
import type { SpoolDirectory } from "./spool-directory.js";

/** What the core needs of the wrapped exporter: the shape `SpanExporter` and `LogRecordExporter` share. */
export interface ItemExporter<T> {
  export(items: T[], resultCallback: (result: ExportResult) => void): void;
  shutdown(): Promise<void>;
}

export interface SpoolingExporterCoreOptions<T> {
  /** The OTLP/HTTP exporter tried first. */
  inner: ItemExporter<T>;
  directory: SpoolDirectory;
  replayer: SpoolReplayer;
  budget: SpoolBudget;
  counters: SpoolCounters;
  losses: LossReporter;
  /** The OTLP/JSON request body for a batch (`encodeTraceLine` / `encodeLogsLine`). */
  encode(items: readonly T[]): string;
  /** What the items are, in messages: "spans", "log records". */
  noun: string;
  /** The spool directory, in messages. */
  spoolDir: string;
  /** How long to wait for the inner exporter before the batch is spooled instead. */
  guardMillis: number;
  /** Without {@link SpoolingExporterCore.beginShutdown}, how long shutdown may try to drain the spool. */
  shutdownTimeoutMillis: number;
}

const SUCCESS: ExportResult = { code: ExportResultCode.SUCCESS };
const failed = (message: string): ExportResult => ({ code: ExportResultCode.FAILED, error: new Error(message) });

/**
 * The signal-independent part of the spooling exporters. Batches are handled one at a time, in the order the
 * batch processor hands them over, so nothing overtakes anything:
 * - while the spool is empty, a batch goes to the inner (OTLP/HTTP) exporter; if that fails or does not answer in
 *   time, the batch is written to the spool and reported a success (it is safe on disk);
 * - while anything waits in the spool, a batch goes straight to the spool, behind it;
 * - a batch that does not fit in the spool's byte cap (or cannot be written) is dropped, loudly, and reported FAILED.
 * All of this happens in the batch processor's export, never on the app's path. The replayer sends the spool.
 */
export class SpoolingExporterCore<T> {
  private readonly _options: SpoolingExporterCoreOptions<T>;
  private readonly _giveUps = new Set<() => void>();
  private _tail: Promise<void> = Promise.resolve();
  private _deadline: number | undefined;
  private _deadlineTimer: NodeJS.Timeout | undefined;
  private _isShutdown = false;
  private _spooling = false;

  constructor(options: SpoolingExporterCoreOptions<T>) {
    this._options = options;
  }

  export(items: T[], resultCallback: (result: ExportResult) => void): void {
    if (this._isShutdown) {
      resultCallback(failed("the spooling exporter is shut down"));
      return;
    }
    this._tail = this._tail
      .then(() => this._export(items))
      .then((result) => {
        try {
          resultCallback(result);
        } catch (err) {
          diag.error("an export result callback threw", err);
        }
      });
  }

  /** Settles once every batch handed over so far is delivered or on disk (not when the spool is drained). */
  forceFlush(): Promise<void> {
    return this._tail;
  }

  /**
   * Shutdown has begun and must be done by `deadline` (epoch milliseconds): from then on the inner exporter is not
   * waited for past it, and a batch still waiting for it then is spooled.
   */
  beginShutdown(deadline: number): void {
    this._deadline = deadline;
    this._options.replayer.setDeadline(deadline);
    clearTimeout(this._deadlineTimer);
    this._deadlineTimer = setTimeout(() => {
      for (const giveUp of [...this._giveUps]) giveUp();
    }, Math.max(0, deadline - Date.now()));
    this._deadlineTimer.unref();
  }

  /**
   * Finishes the batches handed over, gives the replayer one bounded attempt to drain the spool, and shuts the
   * inner exporter down. Never rejects; what is not delivered by the deadline stays on disk for the next start.
   */
  async shutdown(): Promise<void> {
    if (this._isShutdown) return;
    this._isShutdown = true;
    if (this._deadline === undefined) this.beginShutdown(Date.now() + this._options.shutdownTimeoutMillis);
    const deadline = this._deadline!;
    try {
      await this._tail;
      await this._options.replayer.drain(deadline);
    } catch (err) {
      diag.error(`draining the ${this._options.directory.signal} spool at shutdown failed`, err);
    } finally {
      this._options.replayer.stop();
      clearTimeout(this._deadlineTimer);
    }
    // The inner exporter waits for its own open requests; not past the deadline.
    await untilDeadline(
      this._options.inner.shutdown().catch((err: unknown) => diag.error("shutting down the OTLP exporter failed", err)),
      deadline,
    );
  }

  private async _export(items: T[]): Promise<ExportResult> {
    if (items.length === 0) return SUCCESS;
    try {
      if (this._options.directory.isEmpty && !this._pastDeadline()) {
        const result = await this._tryInner(items);
        if (result.code === ExportResultCode.SUCCESS) {
          this._spooling = false;
          return result;
        }
        if (!this._spooling) {
          this._spooling = true;
          diag.warn(
            `could not export ${items.length} ${this._options.noun} (${result.error?.message ?? "failed"}); ` +
              `spooling to ${this._options.directory.dir} until the collector takes them`,
          );
        }
      }
      return await this._spool(items);
    } catch (err) {
      // A bug of ours; the batch processor gets FAILED rather than a rejection it would not handle.
      this._options.counters.droppedItems += items.length;
      this._options.losses.report(
        `could not export or spool a batch of ${items.length} ${this._options.noun} (${errorText(err)}); the audit trail now has a gap`,
      );
      return failed(errorText(err));
    }
  }

  private _pastDeadline(): boolean {
    return this._deadline !== undefined && Date.now() >= this._deadline;
  }

  /** The inner exporter's result, or FAILED if it has not answered within the guard time or by the shutdown deadline. */
  private _tryInner(items: T[]): Promise<ExportResult> {
    return new Promise<ExportResult>((resolve) => {
      let settled = false;
      const finish = (result: ExportResult): void => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        this._giveUps.delete(giveUp);
        resolve(result);
      };
      const giveUp = (): void => finish(failed("the collector had not answered when shutdown had to end"));
      const guard = this._deadline === undefined ? this._options.guardMillis : Math.min(this._options.guardMillis, this._deadline - Date.now());
      const timer = setTimeout(() => finish(failed(`the collector did not answer within ${guard} ms`)), Math.max(0, guard));
      timer.unref();
      this._giveUps.add(giveUp);
      try {
        this._options.inner.export(items, finish);
      } catch (err) {
        finish(failed(errorText(err)));
      }
    });
  }

  private async _spool(items: T[]): Promise<ExportResult> {
    const { budget, counters, directory, losses, noun, spoolDir } = this._options;
    const body = this._options.encode(items);
    const bytes = Buffer.byteLength(body, "utf8");
    if (!budget.tryReserve(bytes)) {
      counters.droppedItems += items.length;
      const message = `spool full (${budget.usedBytes} bytes in ${spoolDir}): dropping a batch of ${items.length} ${noun}; the audit trail now has a gap`;
      losses.report(message);
      return failed(message);
    }
    try {
      await directory.write(body, bytes);
    } catch (err) {
      budget.release(bytes);
      counters.droppedItems += items.length;
      const message = `could not write to the spool in ${spoolDir} (${errorText(err)}): dropping a batch of ${items.length} ${noun}; the audit trail now has a gap`;
      losses.report(message);
      return failed(message);
    }
    counters.spooledBatches++;
    this._options.replayer.kick();
    return SUCCESS;
  }
}

function errorText(err: unknown): string {
  return (err as NodeJS.ErrnoException | undefined)?.code ?? (err as Error | undefined)?.message ?? String(err);
}

/** Waits for `promise`, but not past `deadline` (epoch milliseconds). */
async function untilDeadline(promise: Promise<unknown>, deadline: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<void>((resolve) => {
    timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
    timer.unref();
  });
  try {
    await Promise.race([promise, expired]);
  } finally {
    clearTimeout(timer);
  }
}
