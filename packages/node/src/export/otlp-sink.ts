// SPDX-License-Identifier: Apache-2.0
import path from "node:path";
import { diag } from "../diag.js";
import { errorText, type Reporter } from "../reporter.js";
import type { SpoolBudget } from "../spool/budget.js";
import type { SpoolCounters } from "../spool/counters.js";
import type { SpoolReplayer } from "../spool/replayer.js";
import type { SpoolDirectory } from "../spool/spool-directory.js";
import type { OtlpSender } from "./otlp-sender.js";
import { WRITTEN, writeFailure, type Batch, type BatchSink, type SinkResult } from "./sink.js";

/** The one line (per collector, once a minute) saying the collector does not answer and where the data waits. */
export function collectorDown(url: string, reason: string, spoolDir: string): { key: string; message: string } {
  const origin = new URL(url).origin;
  return {
    key: `down:${origin}`,
    message: `the collector at ${origin} does not take data (${reason}): spooling to ${spoolDir}; it is sent when the collector is back, or by the next start`,
  };
}

/** What an OTLP sink works with: the signal's sender and its part of the spool. */
export interface OtlpSinkParts {
  readonly sender: OtlpSender;
  readonly directory: SpoolDirectory;
  readonly replayer: SpoolReplayer;
  readonly budget: SpoolBudget;
  readonly counters: SpoolCounters;
  readonly reporter: Reporter;
  readonly noun: string;
}

/**
 * A signal sent over OTLP/HTTP, with the spool behind it. Batches come one at a time, in order:
 * - while the spool is empty, a batch is sent; delivered, it is done; refused for good (a 4xx other than 408 /
 *   429), it is kept in `rejected/` with a line on stderr; otherwise (down, 5xx, slow past the deadline) it is
 *   written to the spool and the replayer sends it later;
 * - while anything waits in the spool, a batch goes straight to the spool, behind it, so nothing overtakes;
 * - a batch that does not fit under the spool's byte cap, or cannot be written, is lost, loudly.
 * {@link writeSync} (the exit path, a full queue) writes to the spool at once, without trying the network.
 */
export class OtlpSink implements BatchSink {
  readonly noun: string;
  readonly where: string;
  private readonly _parts: OtlpSinkParts;
  private _deadline: number | undefined;

  constructor(parts: OtlpSinkParts) {
    this._parts = parts;
    this.noun = parts.noun;
    this.where = parts.sender.target.url;
  }

  async export(batch: Batch): Promise<SinkResult> {
    const { directory, sender, counters, reporter } = this._parts;
    if (directory.isEmpty && (this._deadline === undefined || Date.now() < this._deadline)) {
      const outcome = await sender.send(batch.body, this._deadline);
      if (outcome.kind === "delivered") return WRITTEN;
      if (outcome.kind === "rejected") {
        counters.rejectedBatches++;
        let kept: string;
        try {
          kept = directory.storeRejected(batch.body);
        } catch (err) {
          kept = `nowhere (${errorText(err)})`;
        }
        reporter.say(
          `rejected:${directory.signal}`,
          `the collector at ${this.where} refused ${batch.count} ${this.noun} with HTTP ${outcome.status} (${outcome.reason}); ` +
            `sending them again cannot succeed, so the batch was kept in ${kept} for a person to look at`,
          "error",
        );
        return WRITTEN;
      }
      const down = collectorDown(this.where, outcome.reason, path.dirname(directory.dir));
      reporter.say(down.key, down.message);
    }
    return this._spool(batch, false);
  }

  writeSync(batch: Batch): SinkResult {
    // Synchronous paths do not wait for a network that may not answer.
    return this._spool(batch, true) as SinkResult;
  }

  beginShutdown(deadline: number): void {
    this._deadline = deadline;
    this._parts.replayer.setDeadline(deadline);
  }

  async shutdown(): Promise<void> {
    const { replayer, sender } = this._parts;
    try {
      if (this._deadline !== undefined) await replayer.drain(this._deadline);
    } catch (err) {
      diag.error(`draining the ${this._parts.directory.signal} spool at shutdown failed`, err);
    } finally {
      replayer.stop();
      sender.abortAll();
    }
  }

  closeSync(): void {
    this._parts.replayer.stop();
    this._parts.sender.abortAll();
  }

  private _spool(batch: Batch, sync: boolean): SinkResult | Promise<SinkResult> {
    const { budget, counters, directory, reporter, replayer } = this._parts;
    const bytes = Buffer.byteLength(batch.body, "utf8");
    if (!budget.tryReserve(bytes)) {
      reporter.say(
        `spool-full:${directory.dir}`,
        `the spool is full (${budget.usedBytes} of ${budget.maxBytes} bytes in ${directory.dir}): ${batch.count} ${this.noun} are lost; ` +
          "raise LANGCHAIN_OTEL_SPOOL_MAX_BYTES, or bring the collector back; the trail records the loss",
        "error",
      );
      return { ok: false, reason: "spool_full" };
    }
    const failed = (err: unknown): SinkResult => {
      budget.release(bytes);
      reporter.say(`write:${directory.dir}`, writeFailure(batch.count, this.noun, directory.dir, err), "error");
      return { ok: false, reason: "write_failed" };
    };
    const written = (): SinkResult => {
      counters.spooledBatches++;
      replayer.kick();
      return WRITTEN;
    };
    if (sync) {
      try {
        directory.writeSync(batch.body, bytes);
      } catch (err) {
        return failed(err);
      }
      return written();
    }
    return directory.write(batch.body, bytes).then(written, failed);
  }
}
