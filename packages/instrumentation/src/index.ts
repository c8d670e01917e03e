// SPDX-License-Identifier: Apache-2.0
export { OpenTelemetryCallbackHandler } from "./handler.js";
export { LangChainInstrumentation } from "./instrumentation.js";
export type { LangChainModules } from "./instrumentation.js";
export { RunIdGenerator, spanIdFromRunId, traceIdFromRunId } from "./ids.js";
export { serializePayload, toJsonSafe, truncateText } from "./serialize.js";
export type { JsonSafe, SerializedPayload } from "./serialize.js";
export { Redactor, REDACTION_DETECTOR_KINDS } from "./redaction/index.js";
export type { RedactionKind, RedactionOptions, RedactionResult, RedactionRule } from "./redaction/index.js";
export { ConfigurationError, CONTENT_POLICIES } from "./options.js";
export { BUILT_IN_PRICING, PriceList } from "./pricing.js";
export type { ModelPrice, PricingTable, TokenUsage } from "./pricing.js";
export { DEFAULT_CONTEXT_KEYS, getAuditContext, withAuditContext } from "./audit-context.js";
export type {
  AuditContext,
  ContentPolicy,
  ContextKeys,
  LangChainInstrumentationConfig,
  LangChainTracingOptions,
  OpenTelemetryCallbackHandlerOptions,
  RunInfo,
  RunType,
  SpanEndHook,
  SpanStartHook,
} from "./types.js";
