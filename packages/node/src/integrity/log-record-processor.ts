import type { AnyValue, Context } from "@opentelemetry/api";
import type { LogRecordProcessor, ReadWriteLogRecord } from "@opentelemetry/sdk-logs";
import { diag } from "../diag.js";
import { ATTR_AUDIT_HASH, ATTR_AUDIT_SEQ } from "./attributes.js";
import { AuditChains } from "./chain.js";
import { canonicalJson } from "./canonical-json.js";
import { canonicalLogRecord } from "./from-sdk.js";
import { instanceIdOf } from "./instance.js";

type EnabledOptions = Parameters<NonNullable<LogRecordProcessor["enabled"]>>[0];

/**
 * Stamps every log record it forwards with `audit.seq` and `audit.hash` (one chain per `service.instance.id`;
 * see README.md in this directory), then hands it to the downstream processor, normally the
 * `BatchLogRecordProcessor` of the audit exporter. Put it in the provider's processor list in place of that
 * processor, and after any processor that changes records: what is hashed is the record as forwarded here.
 *
 * Stamped in `onEmit` (the only time a record may be changed) through `setAttribute`; when the record's
 * attribute limits refuse or cut a value (count limit reached, value length limit under 64), it is written
 * into the attribute object directly, since the stamp must never be dropped. Records emitted after
 * {@link shutdown} are forwarded unstamped (the downstream processor drops them).
 */
export class IntegrityLogRecordProcessor implements LogRecordProcessor {
  private readonly _downstream: LogRecordProcessor;
  private readonly _chains = new AuditChains();
  private _isShutdown = false;

  constructor(downstream: LogRecordProcessor) {
    this._downstream = downstream;
  }

  onEmit(logRecord: ReadWriteLogRecord, context?: Context): void {
    if (!this._isShutdown) this._stamp(logRecord);
    this._downstream.onEmit(logRecord, context);
  }

  enabled(options: EnabledOptions): boolean {
    return this._downstream.enabled?.(options) ?? true;
  }

  forceFlush(): Promise<void> {
    return this._downstream.forceFlush();
  }

  shutdown(): Promise<void> {
    this._isShutdown = true;
    return this._downstream.shutdown();
  }

  private _stamp(record: ReadWriteLogRecord): void {
    try {
      const { hash } = this._chains.append(instanceIdOf(record.resource), (seq) => {
        set(record, ATTR_AUDIT_SEQ, seq);
        return canonicalJson(canonicalLogRecord(record));
      });
      set(record, ATTR_AUDIT_HASH, hash);
    } catch (err) {
      diag.error("could not stamp a log record with audit.seq and audit.hash; it is exported without them", err);
      const attributes = record.attributes as Record<string, AnyValue>;
      delete attributes[ATTR_AUDIT_SEQ];
      delete attributes[ATTR_AUDIT_HASH];
    }
  }
}

function set(record: ReadWriteLogRecord, key: string, value: string | number): void {
  record.setAttribute(key, value);
  if (record.attributes[key] !== value) (record.attributes as Record<string, AnyValue>)[key] = value;
}
