// SPDX-License-Identifier: Apache-2.0
import { diag } from "../diag.js";
import { OtlpSender } from "../export/otlp-sender.js";
import { OtlpSink } from "../export/otlp-sink.js";
import { DEFAULT_FILE_MODES, ensureDirectory, type FileModes } from "../files/private-files.js";
import type { Reporter } from "../reporter.js";
import { SpoolBudget } from "./budget.js";
import { zeroCounters, type SpoolCounters } from "./counters.js";
import { SpoolOwners } from "./owners.js";
import type { OtlpTarget } from "./otlp-target.js";
import { SpoolReplayer } from "./replayer.js";
import { SpoolDirectory, spoolKey, type SpoolSignal } from "./spool-directory.js";

export interface SpoolOptions {
  /** Absolute spool directory. */
  spoolDir: string;
  /** Byte cap of the waiting batches, both signals together. */
  maxBytes: number;
  /** Names this process's files and owner record: unique per process (the chain ID). */
  key: string;
  /** Where each signal sent over OTLP goes; a signal without a target is not spooled. */
  targets: Partial<Record<SpoolSignal, OtlpTarget>>;
  /** Says on stderr what an operator must know (a collector down, a replay, a refusal, a loss). */
  reporter: Reporter;
  /** Permissions of what is created. */
  modes?: FileModes;
}

interface SignalSpool {
  readonly directory: SpoolDirectory;
  readonly replayer: SpoolReplayer;
  readonly sink: OtlpSink;
}

/**
 * The time sending may take at shutdown: the budget less a margin (a quarter, at most a second) for writing
 * what is left to disk and shutting the SDK down.
 */
export function exportBudgetMillis(shutdownTimeoutMillis: number): number {
  return shutdownTimeoutMillis - Math.min(1000, shutdownTimeoutMillis / 4);
}

/** What each signal is called in messages. */
const NOUNS: Record<SpoolSignal, string> = { traces: "spans", logs: "audit records" };

/**
 * The durable export path of one process: a spool directory shared by its signals (one byte cap, one owner
 * record), and for each OTLP signal a sender, a spool subdirectory, a replayer and the {@link OtlpSink} the export
 * queue hands its batches to. Construction is synchronous (it runs in `start()`): it claims the process's owner
 * record, adopts the leftovers of processes that are gone and starts replaying them, before anything new.
 */
export class Spool {
  readonly dir: string;
  private readonly _owners: SpoolOwners;
  private readonly _counters = zeroCounters();
  private readonly _signals = new Map<SpoolSignal, SignalSpool>();
  private _closed = false;

  /**
   * Creates the directories and the owner record and adopts leftovers (all the disk work happens here, at
   * startup); throws if the directory cannot be written.
   */
  constructor(options: SpoolOptions) {
    this.dir = options.spoolDir;
    const modes = options.modes ?? DEFAULT_FILE_MODES;
    const key = spoolKey(options.key);
    const budget = new SpoolBudget(options.maxBytes);
    ensureDirectory(this.dir, modes);
    this._owners = new SpoolOwners(this.dir, key, modes);
    this._owners.register();
    for (const signal of ["traces", "logs"] as const) {
      const target = options.targets[signal];
      if (target === undefined) continue;
      const sender = new OtlpSender(target);
      const directory = new SpoolDirectory({ spoolDir: this.dir, signal, key, budget, owners: this._owners, modes });
      const replayer = new SpoolReplayer(directory, sender, this._counters, options.reporter);
      const sink = new OtlpSink({ sender, directory, replayer, budget, counters: this._counters, reporter: options.reporter, noun: NOUNS[signal] });
      this._signals.set(signal, { directory, replayer, sink });
      if (directory.adoptedCount > 0) {
        options.reporter.say(
          `replay:${signal}`,
          `${directory.adoptedCount} ${signal} batches left in ${directory.dir} by an earlier process are sent to ${target.url} first`,
          "info",
        );
        replayer.kick();
      }
    }
  }

  /** The sink of a signal sent over OTLP. */
  sink(signal: SpoolSignal): OtlpSink {
    const spool = this._signals.get(signal);
    if (spool === undefined) throw new Error(`no OTLP target for ${signal} was given to the spool`);
    return spool.sink;
  }

  /** What the spool has done so far (a copy). */
  counters(): SpoolCounters {
    return { ...this._counters };
  }

  /** Batches waiting on disk now, both signals. */
  get pendingBatches(): number {
    let pending = 0;
    for (const signal of this._signals.values()) pending += signal.directory.pendingCount;
    return pending;
  }

  /**
   * After the sinks have shut down (or at exit): stops the replayers, gives up the owner record, and says what is
   * left for the next start. Synchronous; idempotent.
   */
  close(): void {
    if (this._closed) return;
    this._closed = true;
    for (const signal of this._signals.values()) signal.sink.closeSync();
    this._owners.release();
    const pending = this.pendingBatches;
    if (pending > 0) diag.warn(`${pending} batches stay in the spool at ${this.dir}; the next start sends them first`);
  }
}
