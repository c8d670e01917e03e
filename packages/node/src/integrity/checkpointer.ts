// SPDX-License-Identifier: Apache-2.0
import { ROOT_CONTEXT, SeverityNumber, type Logger } from "@opentelemetry/api";
import {
  ATTR_EVENT_NAME,
  AUDIT_CHECKPOINT_KIND_CHECKPOINT,
  AUDIT_CHECKPOINT_KIND_SEAL,
  EVENT_AUDIT_CHECKPOINT,
} from "@langchain-otel/instrumentation/semconv";
import { diag } from "../diag.js";
import type { AuditSignal } from "./canonical.js";
import type { ChainLink } from "./chain.js";
import { checkpointAttributes, signCheckpoint, type CheckpointFields, type CheckpointKind } from "./checkpoint.js";
import type { SigningKey } from "./signing-key.js";

/** Checkpoint every this many records of a chain (checkpoint records themselves not counted). */
export const DEFAULT_CHECKPOINT_RECORDS = 1000;
/** Checkpoint every chain with new records this often. */
export const DEFAULT_CHECKPOINT_INTERVAL_MILLIS = 5000;

/** Options of {@link AuditCheckpointer}. */
export interface AuditCheckpointerOptions {
  /** The Ed25519 key that signs every checkpoint. */
  readonly signingKey: SigningKey;
  /**
   * A chain is checkpointed once this many records were appended to it since its last checkpoint.
   * @default 1000
   */
  readonly checkpointRecords?: number;
  /**
   * Every chain with records not yet checkpointed is checkpointed this often (once {@link AuditCheckpointer.start}ed).
   * @default 5000
   */
  readonly checkpointIntervalMillis?: number;
  /**
   * The clock of `audit.checkpoint.time`.
   * @default Date.now
   */
  readonly now?: () => number;
}

/** A chain as the checkpointer follows it: one per signal, `service.instance.id` and `audit.chain`. */
export interface ChainId {
  readonly signal: AuditSignal;
  readonly instance: string;
  readonly chain: string;
}

/** What holds records back from the chains (the processors' resource gates); drained before sealing. */
export interface HeldRecords {
  releaseHeld(): void;
}

interface ChainState extends ChainId {
  /** Head of the chain. */
  last: number;
  head: string;
  /** Last seq covered by a checkpoint, its index and signature. */
  covered: number;
  index: number;
  prev: string;
  /** Records (not checkpoints) appended since the last checkpoint. */
  pending: number;
  sealed: boolean;
}

/**
 * Signs the audit chains: the integrity processors tell it every record they stamp; it emits, as a log record
 * through the logger it is given (`event.name` `audit.checkpoint`), a signed checkpoint of a chain every
 * {@link AuditCheckpointerOptions.checkpointRecords} records and every
 * {@link AuditCheckpointerOptions.checkpointIntervalMillis}, and a final one, the seal, for every chain when
 * {@link seal} is called at exit. A checkpoint covers the chain's seq range since the previous one, its head hash
 * and the previous checkpoint's signature (README.md in this directory). Checkpoints of the traces chains are log
 * records, so they are themselves in (and covered by) the logs chain. Never throws into its caller.
 */
export class AuditCheckpointer {
  private readonly _key: SigningKey;
  private readonly _every: number;
  private readonly _intervalMillis: number;
  private readonly _now: () => number;
  private readonly _chains = new Map<string, ChainState>();
  private readonly _holders = new Set<HeldRecords>();
  private _logger: Logger | undefined;
  private _timer: NodeJS.Timeout | undefined;

  constructor(options: AuditCheckpointerOptions) {
    this._key = options.signingKey;
    this._every = options.checkpointRecords ?? DEFAULT_CHECKPOINT_RECORDS;
    this._intervalMillis = options.checkpointIntervalMillis ?? DEFAULT_CHECKPOINT_INTERVAL_MILLIS;
    this._now = options.now ?? Date.now;
  }

  /** Key ID of the signing key. */
  get keyId(): string {
    return this._key.keyId;
  }

  /**
   * The logger checkpoints are emitted through: one of the logger provider whose log record processors include
   * the {@link IntegrityLogRecordProcessor} that has this checkpointer. Until it is set, no checkpoint is written
   * (the first one written then covers every record since the start).
   */
  setLogger(logger: Logger): void {
    this._logger = logger;
  }

  /** Starts the interval timer (unref'd: it never keeps the process alive). */
  start(): void {
    if (this._timer !== undefined) return;
    this._timer = setInterval(() => this.checkpointAll(), this._intervalMillis);
    this._timer.unref();
  }

  /** Called by an integrity processor (through its options) so its held records can be drained before the seal. */
  addHolder(holder: HeldRecords): void {
    this._holders.add(holder);
  }

  /**
   * A record was stamped as `link` of chain `id`, and handed to the exporter's processor. `checkpoint`: it is a
   * checkpoint record (which does not count towards the next checkpoint, so an idle chain stays quiet).
   */
  appended(id: ChainId, link: ChainLink, checkpoint: boolean): void {
    try {
      const state = this._state(id);
      state.last = link.seq;
      state.head = link.hash;
      if (checkpoint || state.sealed) return;
      if (++state.pending >= this._every) this._emit(state, AUDIT_CHECKPOINT_KIND_CHECKPOINT);
    } catch (err) {
      diag.error("could not write an audit checkpoint", err);
    }
  }

  /** Checkpoints every chain with records appended since its last checkpoint: traces chains first (their checkpoints land in the logs chains). */
  checkpointAll(): void {
    try {
      this._eachChain((state) => {
        if (state.pending > 0 && !state.sealed) this._emit(state, AUDIT_CHECKPOINT_KIND_CHECKPOINT);
      });
    } catch (err) {
      diag.error("could not write an audit checkpoint", err);
    }
  }

  /**
   * Seals every chain, synchronously: releases the records the processors hold, then writes a last checkpoint of
   * kind `seal` for each chain (traces chains first, then the logs chains, which then cover the traces seals).
   * Call it once, when the process ends, after the last record and before the logger provider shuts down;
   * records stamped after it are reported by the verifier as after the seal. Stops the timer.
   */
  seal(): void {
    this.shutdown();
    try {
      for (const holder of this._holders) holder.releaseHeld();
      this._eachChain((state) => {
        if (!state.sealed) this._emit(state, AUDIT_CHECKPOINT_KIND_SEAL);
      });
    } catch (err) {
      diag.error("could not seal the audit chains", err);
    }
  }

  /** Stops the timer (without sealing). */
  shutdown(): void {
    clearInterval(this._timer);
    this._timer = undefined;
  }

  private _state(id: ChainId): ChainState {
    const key = `${id.signal}\u0000${id.instance}\u0000${id.chain}`;
    let state = this._chains.get(key);
    if (state === undefined) {
      state = { signal: id.signal, instance: id.instance, chain: id.chain, last: 0, head: "", covered: 0, index: 0, prev: "", pending: 0, sealed: false };
      this._chains.set(key, state);
    }
    return state;
  }

  /**
   * Calls `visit` for every traces chain, then every logs chain, the logs chains read after the traces chains'
   * visits: a traces checkpoint is a log record, and may be the first record of its logs chain.
   */
  private _eachChain(visit: (state: ChainState) => void): void {
    for (const signal of ["traces", "logs"] as const) {
      for (const state of [...this._chains.values()]) if (state.signal === signal) visit(state);
    }
  }

  private _emit(state: ChainState, kind: CheckpointKind): void {
    const logger = this._logger;
    if (logger === undefined) return;
    const time = this._now();
    const fields: CheckpointFields = {
      instance: state.instance,
      chain: state.chain,
      signal: state.signal,
      index: state.index + 1,
      first: state.covered + 1,
      last: state.last,
      head: state.head,
      prev: state.prev,
      kind,
      keyId: this._key.keyId,
      time: new Date(time).toISOString(),
    };
    const signature = signCheckpoint(fields, this._key);
    // Moved before the record is emitted: stamping it re-enters appended() for the logs chain.
    state.index = fields.index;
    state.covered = state.last;
    state.prev = signature;
    state.pending = 0;
    if (kind === AUDIT_CHECKPOINT_KIND_SEAL) state.sealed = true;
    logger.emit({
      eventName: EVENT_AUDIT_CHECKPOINT,
      severityNumber: SeverityNumber.INFO,
      severityText: "INFO",
      timestamp: time,
      observedTimestamp: time,
      // No span context: a checkpoint belongs to no run, whatever span is active when it is written.
      context: ROOT_CONTEXT,
      attributes: { [ATTR_EVENT_NAME]: EVENT_AUDIT_CHECKPOINT, ...checkpointAttributes({ fields, signature }) },
    });
  }
}
