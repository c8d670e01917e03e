// SPDX-License-Identifier: Apache-2.0
import { mkdirSync } from "node:fs";
import type { LogRecordExporter, ReadableLogRecord } from "@opentelemetry/sdk-logs";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace";
import { diag } from "../diag.js";
import { encodeLogsLine, encodeTraceLine } from "../otlp-json.js";
import { SpoolBudget } from "./budget.js";
import { zeroCounters, type SpoolCounters } from "./counters.js";
import { LossReporter } from "./loss-reporter.js";
import { SpoolOwners } from "./owners.js";
import type { OtlpTarget } from "./otlp-target.js";
import { SpoolReplayer } from "./replayer.js";
import { SpoolDirectory, spoolKey, type SpoolSignal } from "./spool-directory.js";
import { SpoolingExporterCore, type ItemExporter } from "./spooling-exporter.js";
import { SpoolingLogRecordExporter, SpoolingSpanExporter } from "./spooling-exporters.js";

/** Extra time given to an OTLP exporter beyond its own request timeout before its batch is spooled. */
const GUARD_SLACK_MILLIS = 1000;

export interface SpoolOptions {
  /** Absolute spool directory. */
  spoolDir: string;
  /** Byte cap of the waiting batches, both signals together. */
  maxBytes: number;
  /** This process's `service.instance.id` (names its files). */
  instanceId: string;
  /** The distro's shutdown budget; sending and draining stop a little before it ends. */
  shutdownTimeoutMillis: number;
  /** Where each signal sent over OTLP goes; a signal without a target is not spooled. */
  targets: Partial<Record<SpoolSignal, OtlpTarget>>;
}

interface SignalSpool {
  target: OtlpTarget;
  directory: SpoolDirectory;
  replayer: SpoolReplayer;
  core?: Pick<SpoolingExporterCore<unknown>, "beginShutdown">;
}

/**
 * The time sending may take at shutdown: the budget less a margin (a quarter, at most a second) for writing
 * what is left to disk and shutting the SDK down.
 */
export function exportBudgetMillis(shutdownTimeoutMillis: number): number {
  return shutdownTimeoutMillis - Math.min(1000, shutdownTimeoutMillis / 4);
}

/**
 * The durable export path of one process: a spool directory shared by its signals (one byte cap, one owner
 * record), and for each OTLP signal a spool subdirectory, a replayer and the spooling exporter wrapping the
 * OTLP/HTTP exporter. Construction is synchronous (it runs in `start()`): it claims the process's owner record,
 * adopts the leftovers of processes that are gone and starts replaying them, before anything new.
 */
export class Spool {
  readonly dir: string;
  private readonly _options: SpoolOptions;
  private readonly _budget: SpoolBudget;
  private readonly _owners: SpoolOwners;
  private readonly _losses = new LossReporter();
  private readonly _counters = zeroCounters();
  private readonly _signals = new Map<SpoolSignal, SignalSpool>();

  /**
   * Creates the directories and the owner record and adopts leftovers (all the disk work happens here, at
   * startup); throws if the directory cannot be written.
   */
  constructor(options: SpoolOptions) {
    this._options = options;
    this.dir = options.spoolDir;
    const key = spoolKey(options.instanceId);
    this._budget = new SpoolBudget(options.maxBytes);
    mkdirSync(this.dir, { recursive: true });
    this._owners = new SpoolOwners(this.dir, key);
    this._owners.register();
    for (const signal of ["traces", "logs"] as const) {
      const target = options.targets[signal];
      if (target === undefined) continue;
      const directory = new SpoolDirectory({ spoolDir: this.dir, signal, key, budget: this._budget, owners: this._owners });
      const replayer = new SpoolReplayer(directory, target, this._counters);
      this._signals.set(signal, { target, directory, replayer });
      if (directory.adoptedCount > 0) {
        diag.warn(`${directory.adoptedCount} ${signal} batches left by earlier runs wait in ${directory.dir}; sending them first`);
        replayer.kick();
      }
    }
  }

  /** `inner`, the OTLP/HTTP span exporter sending to the traces target, wrapped so that what it cannot deliver is spooled. */
  spanExporter(inner: SpanExporter): SpanExporter {
    return new SpoolingSpanExporter(this._core<ReadableSpan>("traces", inner, "spans", encodeTraceLine));
  }

  /** `inner`, the OTLP/HTTP log record exporter sending to the logs target, wrapped the same way. */
  logRecordExporter(inner: LogRecordExporter): LogRecordExporter {
    return new SpoolingLogRecordExporter(this._core<ReadableLogRecord>("logs", inner, "log records", encodeLogsLine));
  }

  /** What the spool has done so far (a copy). */
  counters(): SpoolCounters {
    return { ...this._counters };
  }

  /** Shutdown has begun with `timeoutMillis` to go: exports and the final drain stop a little before that. */
  beginShutdown(timeoutMillis: number): void {
    const deadline = Date.now() + exportBudgetMillis(timeoutMillis);
    for (const signal of this._signals.values()) signal.core?.beginShutdown(deadline);
  }

  /** After the exporters have shut down: stops the replayers and gives up the owner record. */
  close(): void {
    let pending = 0;
    for (const signal of this._signals.values()) {
      signal.replayer.stop();
      pending += signal.directory.pendingCount;
    }
    this._owners.release();
    if (pending > 0) diag.warn(`${pending} batches stay in the spool at ${this.dir}; the next start sends them first`);
  }

  private _core<T>(signal: SpoolSignal, inner: ItemExporter<T>, noun: string, encode: (items: readonly T[]) => string): SpoolingExporterCore<T> {
    const spool = this._signals.get(signal);
    if (spool === undefined) throw new Error(`no OTLP target for ${signal} was given to the spool`);
    const core = new SpoolingExporterCore<T>({
      inner,
      directory: spool.directory,
      replayer: spool.replayer,
      budget: this._budget,
      counters: this._counters,
      losses: this._losses,
      encode,
      noun,
      spoolDir: this.dir,
      guardMillis: spool.target.timeoutMillis + GUARD_SLACK_MILLIS,
      shutdownTimeoutMillis: exportBudgetMillis(this._options.shutdownTimeoutMillis),
    });
    spool.core = core;
    return core;
  }
}
