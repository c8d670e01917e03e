// SPDX-License-Identifier: Apache-2.0
/** The names the report reads beyond the run fields: all from the instrumentation's semconv.ts but one. */
export { EVENT_AUDIT_CHECKPOINT, EVENT_AUDIT_LOSS } from "@langchain-otel/instrumentation/semconv";

/** The resource's service name (stable OpenTelemetry semantic conventions). */
export const ATTR_SERVICE_NAME = "service.name";
