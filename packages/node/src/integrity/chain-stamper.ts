// SPDX-License-Identifier: Apache-2.0
import { randomUUID } from "node:crypto";
import type { Resource } from "@opentelemetry/resources";
import { diag } from "../diag.js";
import { ATTR_AUDIT_CHAIN, ATTR_AUDIT_HASH, ATTR_AUDIT_SEQ } from "./attributes.js";
import type { AuditSignal } from "./canonical.js";
import { AuditChains, type ChainLink } from "./chain.js";
import type { AuditCheckpointer } from "./checkpointer.js";
import { instanceIdOf } from "./instance.js";
import { ResourceGate } from "./resource-gate.js";

/** Options of the integrity processors. */
export interface IntegrityProcessorOptions {
  /**
   * Signs the chains this processor stamps: it is told every record stamped, and emits signed checkpoints and,
   * at exit, the seal. Give the same checkpointer to the span and the log record processor.
   * @default none: the chains are hashed, not signed
   */
  readonly checkpointer?: AuditCheckpointer | undefined;
  /**
   * `audit.chain` of every record stamped: with `service.instance.id` it names the chain. Give the span and the
   * log record processor of one process the same.
   * @default a random UUID
   */
  readonly chainId?: string | undefined;
}

/** What both integrity processors forward to: the downstream span or log record processor. */
interface Downstream {
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * What the span and the log record integrity processor share: the chains of one signal, the gate that holds
 * items while their resource settles, the stamp (`audit.chain`, `audit.seq`, `audit.hash`) and the
 * checkpointer's notice, and the flush / shutdown order (settle, then the downstream processor). A subclass
 * forwards an item with {@link _forwardStamped}, telling how to stamp it and how to hand it downstream.
 */
export abstract class ChainStamper<T, D extends Downstream> {
  /** `audit.chain` of every record this processor stamps. */
  readonly chainId: string;
  protected readonly _downstream: D;
  /** Set by {@link shutdown}: later items are forwarded unstamped (the downstream processor drops them). */
  protected _isShutdown = false;
  private readonly _signal: AuditSignal;
  private readonly _noun: string;
  private readonly _chains = new AuditChains();
  private readonly _checkpointer: AuditCheckpointer | undefined;
  private readonly _gate: ResourceGate<T>;

  protected constructor(signal: AuditSignal, noun: string, downstream: D, options: IntegrityProcessorOptions, resourceOf: (item: T) => Resource) {
    this._signal = signal;
    this._noun = noun;
    this._downstream = downstream;
    this.chainId = options.chainId ?? randomUUID();
    this._checkpointer = options.checkpointer;
    this._gate = new ResourceGate<T>(resourceOf, (item) => this._forward(item));
    this._checkpointer?.addHolder(this);
  }

  /**
   * Stamps and forwards every item held while the resource settles, now, and every later one as it comes: for
   * the synchronous exit path, which cannot wait.
   */
  releaseHeld(): void {
    this._gate.releaseAll();
  }

  /** Resolves once no items wait for their resource to settle (every one received so far is stamped). */
  whenSettled(): Promise<void> {
    return this._gate.settled();
  }

  async forceFlush(): Promise<void> {
    await this._gate.settled();
    return this._downstream.forceFlush();
  }

  async shutdown(): Promise<void> {
    await this._gate.settled();
    this._isShutdown = true;
    return this._downstream.shutdown();
  }

  /** Holds `item` while its resource settles (and behind those held), else stamps and forwards it now. */
  protected _submit(item: T): void {
    this._gate.submit(item);
  }

  /** Stamps and forwards one item once its resource has settled: {@link _forwardStamped} with the item's parts. */
  protected abstract _forward(item: T): void;

  /**
   * Stamps `attributes` (the item's own, or a writable copy `forward` will hand on) with the next link of the
   * chain of `resource`'s instance, hashing `hashInput()` (read after `audit.chain` and `audit.seq` are set),
   * then calls `forward`, then tells the checkpointer (whose checkpoint, if due, follows the item). A stamp that
   * fails leaves the item without the three attributes and is logged; the item is forwarded all the same.
   */
  protected _forwardStamped(
    resource: Resource,
    attributes: () => Record<string, unknown>,
    hashInput: () => string,
    forward: () => void,
    isCheckpoint = false,
  ): void {
    let link: ChainLink | undefined;
    let instance = "";
    try {
      instance = instanceIdOf(resource);
      link = this._stamp(attributes(), instance, hashInput);
    } catch (err) {
      diag.error(`could not stamp a ${this._noun} with audit.seq and audit.hash; it is exported without them`, err);
    }
    forward();
    if (link !== undefined) this._checkpointer?.appended({ signal: this._signal, instance, chain: this.chainId }, link, isCheckpoint);
  }

  private _stamp(attributes: Record<string, unknown>, instance: string, hashInput: () => string): ChainLink | undefined {
    try {
      const link = this._chains.append(instance, (seq) => {
        attributes[ATTR_AUDIT_CHAIN] = this.chainId;
        attributes[ATTR_AUDIT_SEQ] = seq;
        return hashInput();
      });
      attributes[ATTR_AUDIT_HASH] = link.hash;
      return link;
    } catch (err) {
      diag.error(`could not stamp a ${this._noun} with audit.seq and audit.hash; it is exported without them`, err);
      delete attributes[ATTR_AUDIT_CHAIN];
      delete attributes[ATTR_AUDIT_SEQ];
      delete attributes[ATTR_AUDIT_HASH];
      return undefined;
    }
  }
}
