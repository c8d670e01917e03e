// SPDX-License-Identifier: Apache-2.0
import { randomUUID } from "node:crypto";
import type { AnyValue, Context } from "@opentelemetry/api";
import { EVENT_AUDIT_CHECKPOINT } from "@langchain-otel/instrumentation/semconv";
import type { LogRecordProcessor, ReadWriteLogRecord } from "@opentelemetry/sdk-logs";
import { diag } from "../diag.js";
import { ATTR_AUDIT_CHAIN, ATTR_AUDIT_HASH, ATTR_AUDIT_SEQ } from "./attributes.js";
import { AuditChains, type ChainLink } from "./chain.js";
import { canonicalJson } from "./canonical-json.js";
import type { AuditCheckpointer } from "./checkpointer.js";
import { canonicalLogRecord } from "./from-sdk.js";
import { instanceIdOf } from "./instance.js";
import { ResourceGate } from "./resource-gate.js";
import type { IntegrityProcessorOptions } from "./span-processor.js";

type EnabledOptions = Parameters<NonNullable<LogRecordProcessor["enabled"]>>[0];

interface Emitted {
  readonly record: ReadWriteLogRecord;
  readonly context: Context | undefined;
}

/**
 * Stamps every log record it forwards with `audit.chain`, `audit.seq` and `audit.hash` (one chain per
 * `service.instance.id` and chain ID;
 * see README.md in this directory), then hands it to the downstream processor, normally the
 * `BatchLogRecordProcessor` of the audit exporter. Put it in the provider's processor list in place of that
 * processor, and after any processor that changes records: what is hashed is the record as forwarded here.
 *
 * The three attributes are written into the record's attribute object directly, past the record's attribute
 * limits (count, value length), since the stamp must never be dropped or cut. The hash covers the record's
 * resource: while the resource is still detecting attributes (the first milliseconds of a process), records
 * wait, in order, until it has settled (then they are stamped after `onEmit` returned, which only this
 * processor's downstream sees). Records emitted after {@link shutdown} are forwarded unstamped (the downstream
 * processor drops them).
 */
export class IntegrityLogRecordProcessor implements LogRecordProcessor {
  private readonly _downstream: LogRecordProcessor;
  /** `audit.chain` of every record this processor stamps. */
  readonly chainId: string;
  private readonly _chains = new AuditChains();
  private readonly _checkpointer: AuditCheckpointer | undefined;
  private readonly _gate: ResourceGate<Emitted>;
  private _isShutdown = false;

  constructor(downstream: LogRecordProcessor, options: IntegrityProcessorOptions = {}) {
    this._downstream = downstream;
    this.chainId = options.chainId ?? randomUUID();
    this._checkpointer = options.checkpointer;
    this._gate = new ResourceGate<Emitted>(
      (emitted) => emitted.record.resource,
      (emitted) => this._forward(emitted),
    );
    this._checkpointer?.addHolder(this);
  }

  /**
   * Stamps and forwards every record held while the resource settles, now, and every later one as it comes: for
   * the synchronous exit path, which cannot wait.
   */
  releaseHeld(): void {
    this._gate.releaseAll();
  }

  onEmit(logRecord: ReadWriteLogRecord, context?: Context): void {
    if (this._isShutdown) this._downstream.onEmit(logRecord, context);
    else this._gate.submit({ record: logRecord, context });
  }

  enabled(options: EnabledOptions): boolean {
    return this._downstream.enabled?.(options) ?? true;
  }

  /** Resolves once no records wait for their resource to settle (every one received so far is stamped). */
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

  /** Stamps the record, forwards it, then tells the checkpointer (whose checkpoint, if due, follows the record). */
  private _forward({ record, context }: Emitted): void {
    let link: ChainLink | undefined;
    let instance = "";
    try {
      instance = instanceIdOf(record.resource);
      link = this._stamp(record, instance);
    } catch (err) {
      diag.error("could not stamp a log record with audit.seq and audit.hash; it is exported without them", err);
    }
    this._downstream.onEmit(record, context);
    if (link !== undefined) this._checkpointer?.appended({ signal: "logs", instance, chain: this.chainId }, link, record.eventName === EVENT_AUDIT_CHECKPOINT);
  }

  private _stamp(record: ReadWriteLogRecord, instance: string): ChainLink | undefined {
    const attributes = record.attributes as Record<string, AnyValue>;
    try {
      const link = this._chains.append(instance, (seq) => {
        attributes[ATTR_AUDIT_CHAIN] = this.chainId;
        attributes[ATTR_AUDIT_SEQ] = seq;
        return canonicalJson(canonicalLogRecord(record));
      });
      attributes[ATTR_AUDIT_HASH] = link.hash;
      return link;
    } catch (err) {
      diag.error("could not stamp a log record with audit.seq and audit.hash; it is exported without them", err);
      delete attributes[ATTR_AUDIT_CHAIN];
      delete attributes[ATTR_AUDIT_SEQ];
      delete attributes[ATTR_AUDIT_HASH];
      return undefined;
    }
  }
}
