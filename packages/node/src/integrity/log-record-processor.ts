// SPDX-License-Identifier: Apache-2.0
import type { AnyValue, Context } from "@opentelemetry/api";
import { EVENT_AUDIT_CHECKPOINT } from "@langchain-otel/instrumentation/semconv";
import type { LogRecordProcessor, ReadWriteLogRecord } from "@opentelemetry/sdk-logs";
import { ChainStamper, type IntegrityProcessorOptions } from "./chain-stamper.js";
import { canonicalJson } from "./canonical-json.js";
import { canonicalLogRecord } from "./from-sdk.js";

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
export class IntegrityLogRecordProcessor extends ChainStamper<Emitted, LogRecordProcessor> implements LogRecordProcessor {
  constructor(downstream: LogRecordProcessor, options: IntegrityProcessorOptions = {}) {
    super("logs", "log record", downstream, options, (emitted) => emitted.record.resource);
  }

  onEmit(logRecord: ReadWriteLogRecord, context?: Context): void {
    if (this._isShutdown) this._downstream.onEmit(logRecord, context);
    else this._submit({ record: logRecord, context });
  }

  enabled(options: EnabledOptions): boolean {
    return this._downstream.enabled?.(options) ?? true;
  }

  /** Stamps the record and forwards it; a checkpoint record does not count towards the next checkpoint. */
  protected _forward({ record, context }: Emitted): void {
    this._forwardStamped(
      record.resource,
      () => record.attributes as Record<string, AnyValue>,
      () => canonicalJson(canonicalLogRecord(record)),
      () => this._downstream.onEmit(record, context),
      record.eventName === EVENT_AUDIT_CHECKPOINT,
    );
  }
}
