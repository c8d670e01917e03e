// SPDX-License-Identifier: Apache-2.0
import { SeverityNumber, type AttributeValue, type Context, type Logger } from "@opentelemetry/api";
import {
  ATTR_EVENT_NAME,
  ATTR_LANGCHAIN_DURATION_MS,
  ATTR_LANGCHAIN_STATUS,
  EVENT_RUN_END,
  EVENT_RUN_ERROR,
  EVENT_RUN_START,
} from "./semconv.js";

type Attrs = Record<string, AttributeValue>;

/** How a run ended, as its end record says it. `interrupted`: LangGraph control flow, not a failure. */
export type RunStatus = "ok" | "error" | "interrupted";

/**
 * The audit record of a run's start: the same identity, context and (policy-filtered) payload attributes as the
 * span, emitted in the run's span context so the record carries its trace and span IDs. A start record with no
 * end record is how a run cut short by a crash stays visible.
 */
export function emitRunStart(logger: Logger, runContext: Context, attributes: Attrs): void {
  // No provider (or one that drops these): skip building the record.
  if (!logger.enabled({ context: runContext, eventName: EVENT_RUN_START, severityNumber: SeverityNumber.INFO })) return;
  logger.emit({
    eventName: EVENT_RUN_START,
    severityNumber: SeverityNumber.INFO,
    severityText: "INFO",
    context: runContext,
    attributes: { [ATTR_EVENT_NAME]: EVENT_RUN_START, ...attributes },
  });
}

/** The audit record of a run's end (`langchain.run.end`) or failure (`langchain.run.error`). */
export function emitRunEnd(
  logger: Logger,
  runContext: Context,
  identity: Attrs,
  attributes: Attrs,
  status: RunStatus,
  durationMillis: number,
): void {
  const eventName = status === "error" ? EVENT_RUN_ERROR : EVENT_RUN_END;
  const severityNumber = status === "error" ? SeverityNumber.ERROR : SeverityNumber.INFO;
  if (!logger.enabled({ context: runContext, eventName, severityNumber })) return;
  logger.emit({
    eventName,
    severityNumber,
    severityText: status === "error" ? "ERROR" : "INFO",
    context: runContext,
    attributes: {
      [ATTR_EVENT_NAME]: eventName,
      ...identity,
      ...attributes,
      [ATTR_LANGCHAIN_STATUS]: status,
      [ATTR_LANGCHAIN_DURATION_MS]: Math.round(durationMillis * 1000) / 1000,
    },
  });
}
