// SPDX-License-Identifier: Apache-2.0
/**
 * Names the report reads that the instrumentation's semconv.ts (the one source of names) does not hold yet: the
 * writers that emit them (loss records: issue 8) add them there, and these then import them from
 * `@langchain-otel/instrumentation/semconv` instead.
 */
export { EVENT_AUDIT_CHECKPOINT } from "@langchain-otel/instrumentation/semconv";

/** A record of spans or records the process could not write: shown as a loud row. */
export const EVENT_AUDIT_LOSS = "langchain.audit.loss";
/** The resource's service name (stable OpenTelemetry semantic conventions). */
export const ATTR_SERVICE_NAME = "service.name";
