// SPDX-License-Identifier: Apache-2.0
/**
 * Incubating semantic conventions this package reads, one constant each with its spec link. Stable ones come from
 * `@opentelemetry/semantic-conventions`.
 */

/**
 * Counter the SDK's batch span processor adds to for every span it is done with; a span dropped because the queue
 * was full is added with `error.type` {@link ERROR_TYPE_VALUE_QUEUE_FULL}.
 * @see https://opentelemetry.io/docs/specs/semconv/otel/sdk-metrics/#metric-otelsdkprocessorspanprocessed
 */
export const METRIC_OTEL_SDK_PROCESSOR_SPAN_PROCESSED = "otel.sdk.processor.span.processed";

/**
 * The same for the batch log record processor.
 * @see https://opentelemetry.io/docs/specs/semconv/otel/sdk-metrics/#metric-otelsdkprocessorlogprocessed
 */
export const METRIC_OTEL_SDK_PROCESSOR_LOG_PROCESSED = "otel.sdk.processor.log.processed";

/**
 * The `error.type` of an item a processor dropped because its queue was full (as sdk-trace and sdk-logs 3.1 write it).
 * @see https://opentelemetry.io/docs/specs/semconv/otel/sdk-metrics/#metric-otelsdkprocessorspanprocessed
 */
export const ERROR_TYPE_VALUE_QUEUE_FULL = "queue_full";
