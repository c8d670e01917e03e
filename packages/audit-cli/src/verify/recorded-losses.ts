// SPDX-License-Identifier: Apache-2.0
import {
  ATTR_AUDIT_LOSS_COUNT,
  ATTR_AUDIT_LOSS_FIRST_SEQ,
  ATTR_AUDIT_LOSS_LAST_SEQ,
  ATTR_AUDIT_LOSS_REASON,
  ATTR_AUDIT_LOSS_SIGNAL,
  ATTR_EVENT_NAME,
  EVENT_AUDIT_LOSS,
} from "@langchain-otel/instrumentation/semconv";
import type { AuditSignal } from "@langchain-otel/node/integrity";
import type { TrailItem } from "../trail/reader.js";
import { attributeMap, numberAttr, stringAttr } from "../trail/values.js";
import { auditChainOf } from "./audit-fields.js";

/** What a `langchain.audit.loss` record says a process lost before it could write it. */
export interface RecordedLoss {
  readonly instance: string;
  readonly chain: string;
  /** The signal of the chain that lost records. */
  readonly signal: AuditSignal;
  readonly count: number;
  /** The `audit.seq` range lost, when the records had one. */
  readonly firstSeq: number | null;
  readonly lastSeq: number | null;
  /** `queue_full`, `write_failed`, `spool_full`. */
  readonly reason: string;
  /** Where the loss record is. */
  readonly file: string;
  readonly line: number;
}

/** The loss an item records, if it is a loss record (a log record, or a span when audit records were off). */
export function recordedLossOf(item: TrailItem): RecordedLoss | undefined {
  const list = item.signal === "traces" ? item.span.attributes : item.record.attributes;
  const attributes = attributeMap(list);
  if (stringAttr(attributes, ATTR_EVENT_NAME) !== EVENT_AUDIT_LOSS) return undefined;
  const signal = stringAttr(attributes, ATTR_AUDIT_LOSS_SIGNAL);
  return {
    instance: item.instance,
    chain: auditChainOf(list),
    signal: signal === "logs" ? "logs" : "traces",
    count: numberAttr(attributes, ATTR_AUDIT_LOSS_COUNT) ?? 0,
    firstSeq: numberAttr(attributes, ATTR_AUDIT_LOSS_FIRST_SEQ) ?? null,
    lastSeq: numberAttr(attributes, ATTR_AUDIT_LOSS_LAST_SEQ) ?? null,
    reason: stringAttr(attributes, ATTR_AUDIT_LOSS_REASON) ?? "unknown",
    file: item.location.file,
    line: item.location.line,
  };
}
